"""End-to-end: a meeting time the clock skips is refused, one it shows twice is named."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import ok, run


def test_a_meeting_in_the_spring_gap_is_refused_and_nothing_is_stored(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    code, _out, err = run(
        capsys, "meeting", "schedule", "Nacht", "--at", "28.03.2027 02:30", "--location", "Peine"
    )
    assert code == 1
    assert "28.03.2027 02:30 gibt es in Europe/Berlin nicht" in err
    assert "Traceback" not in err and "Interner Fehler" not in err
    assert "Nacht" not in ok(capsys, "meeting", "list")
    code, _, err = run(
        capsys, "meeting", "add", "kreistag", "--at", "28.03.2027 02:15", "--location", "Peine"
    )
    assert code == 1 and "gibt es in Europe/Berlin nicht" in err


def test_a_meeting_in_the_autumn_fold_says_which_hour_it_took(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    out = ok(
        capsys,
        "meeting",
        "schedule",
        "Erste",
        "--at",
        "31.10.2027 02:30",
        "--location",
        "Peine",
        "--trotzdem",
    )  # Reformationstag
    assert "genommen: 02:30 MESZ (UTC+2)" in out
    out = ok(
        capsys,
        "meeting",
        "schedule",
        "Zweite",
        "--at",
        "31.10.2027 02:30 MEZ",
        "--location",
        "Peine",
        "--trotzdem",
    )
    assert "genommen: 02:30 MEZ (UTC+1)" in out
    listed = ok(capsys, "meeting", "answers", "2")
    assert "02:30" in listed
