"""``deliberation simulate``: ten years of the county's calendar, checked from the outside."""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from cli_helpers import CONFIG, run
from sqlalchemy import create_engine, text

from deliberation.entrypoints.cli.main import main

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def ten_years(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """One simulation for every test here: it is the expensive part."""
    folder = tmp_path_factory.mktemp("simulation")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.setenv("COLUMNS", "200")
        code = main(
            [
                "--config",
                str(CONFIG),
                "simulate",
                "--from",
                "2026-01-01",
                "--years",
                "10",
                "--folder",
                str(folder),
                "--people",
                "1",
            ]
        )
    return code, out.getvalue(), folder


def _rows(folder: Path, query: str) -> list[tuple]:  # type: ignore[type-arg]
    engine = create_engine(f"sqlite:///{folder / 'simulation.sqlite3'}")
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_ten_years_give_five_conferences_and_twenty_koordinierungsstab_meetings(
    ten_years: tuple[int, str, Path],
) -> None:
    code, out, folder = ten_years

    assert code == 0, out
    assert "✓ Integrationskonferenz: 5 Sitzungen, erwartet 5" in out
    assert "✓ Koordinierungsstab Migration und Teilhabe: 20 Sitzungen, erwartet 20" in out
    assert "✗" not in out
    counted = dict(
        _rows(
            folder,
            (
                "SELECT series, count(*) FROM meetings WHERE starts_at < '2036-01-01' "
                "AND status != 'cancelled' GROUP BY series"
            ),
        )
    )
    assert counted["integration_conference"] == 5
    assert counted["koordinierungsstab"] == 20
    assert sum(n for s, n in counted.items() if s.startswith("future_workshop:")) == 5 * 7


def test_no_simulated_meeting_falls_on_a_holiday_or_weekend_unless_allowed(
    ten_years: tuple[int, str, Path],
) -> None:
    _code, _out, folder = ten_years
    public = holidays.country_holidays("DE", subdiv="NI", years=range(2026, 2037))
    for series, starts_at in _rows(folder, "SELECT series, starts_at FROM meetings"):
        moment = datetime.fromisoformat(str(starts_at)).replace(tzinfo=UTC)
        day = moment.astimezone(BERLIN).date()
        assert day not in public, (series, day)
        if series != "integration_conference":  # the conference may meet on Saturdays
            assert day.weekday() < 5, (series, day)


def test_every_invitation_went_out_before_the_notice_period(
    ten_years: tuple[int, str, Path],
) -> None:
    _code, _out, folder = ten_years
    rows = _rows(
        folder,
        (
            "SELECT m.starts_at, m.notice_days, d.finished_at FROM meetings m JOIN due_work d "
            "ON d.subject_kind = 'meeting' AND d.subject_id = m.id "
            "WHERE (d.kind = 'invitation' OR d.argument = 'send_invitations') "
            "AND m.starts_at < '2036-01-01'"
        ),
    )

    assert len(rows) > 300
    for starts_at, notice_days, finished_at in rows:
        assert finished_at is not None
        deadline = datetime.fromisoformat(str(starts_at)) - timedelta(days=notice_days)
        assert datetime.fromisoformat(str(finished_at)) <= deadline


def test_the_simulation_writes_mails_and_a_timeline(ten_years: tuple[int, str, Path]) -> None:
    _code, out, folder = ten_years

    page = (folder / "zeitleiste.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Integrationskonferenz" in page
    assert "Zukunftswerkstatt (je Gemeinde)" in page
    mails = list((folder / "mails").glob("*.eml"))
    assert mails
    assert any(b"Einladung" in m.read_bytes() for m in mails[:50])
    assert "Simulierter Kalender je Jahr" in out
    assert all(str(year) in out for year in range(2026, 2036))
    # the window ends at midnight in Berlin: 23:00 UTC
    done = dict(
        _rows(
            folder,
            "SELECT status, count(*) FROM due_work "
            "WHERE due_at < '2035-12-31 23:00:00' GROUP BY status",
        )
    )
    assert "pending" not in done


def test_simulate_refuses_an_absurd_number_of_years(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = run(capsys, "simulate", "--years", "0", "--folder", str(tmp_path))

    assert code == 1
    assert "--years muss zwischen 1 und 50 liegen" in err
