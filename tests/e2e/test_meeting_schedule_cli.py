"""``deliberation meeting …``: staff confirm, move and cancel proposed meetings."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from cli_helpers import ok, run


@pytest.fixture
def planned(data_folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """An initialised database after one scheduler tick; the listing of meetings."""
    ok(capsys, "init")
    out = ok(capsys, "scheduler", "--once")
    assert "Terminplanung begonnen" in out
    return ok(capsys, "meeting", "list", "--series", "kommission")


def _first_id(listing: str) -> int:
    match = re.search(r"│\s*(\d+)\s*│", listing)
    assert match is not None, listing
    return int(match[1])


def test_listed_meetings_are_proposed_with_their_next_step(planned: str) -> None:
    assert "Kommission" in planned
    assert "vorgeschlagen" in planned
    assert "Einladung" in planned


def test_confirm_move_and_cancel_a_meeting(
    planned: str, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = _first_id(planned)

    assert "bestätigt" in ok(capsys, "meeting", "confirm", str(meeting))
    new_day = date.today() + timedelta(days=60)
    while new_day.weekday() != 2:  # a Wednesday
        new_day += timedelta(days=1)
    moved = ok(capsys, "meeting", "move", str(meeting), "--at", f"{new_day:%d.%m.%Y} 18:30")
    assert f"Termin {meeting} geändert; Einladung und Erinnerungen sind mitgewandert" in moved
    listing = ok(capsys, "meeting", "list", "--series", "kommission", "--status", "planned")
    assert f"{new_day:%d.%m.%Y} 18:30" in listing

    code, _out, err = run(capsys, "meeting", "cancel", str(meeting))
    assert code == 1 and "Absagen bitte mit --yes bestätigen" in err
    assert "abgesagt" in ok(capsys, "meeting", "cancel", str(meeting), "--yes")
    listing = ok(capsys, "meeting", "list", "--series", "kommission", "--status", "cancelled")
    assert _first_id(listing) == meeting


def test_meeting_errors_are_german_one_liners(
    planned: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "meeting", "confirm", "99999")
    assert code == 1 and "Termin 99999 gibt es nicht" in err

    meeting = _first_id(planned)
    code, _out, err = run(capsys, "meeting", "move", str(meeting), "--at", "01.01.2020 17:00")
    assert code == 1 and "Der Beginn liegt in der Vergangenheit" in err

    with pytest.raises(SystemExit) as exit_:
        run(capsys, "meeting", "move", str(meeting), "--at", "01.01.2030 25:00")
    assert exit_.value.code == 2
    assert "'01.01.2030 25:00' ist kein Zeitpunkt" in capsys.readouterr().err


def test_status_shows_the_next_meetings_with_the_schedulers_next_step(
    planned: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ok(capsys, "status")
    assert re.search(r"Nächste Termine \(8 von \d+; alle: deliberation meeting list\)", out)
    assert "vorgeschlagen" in out and "Einladung" in out
