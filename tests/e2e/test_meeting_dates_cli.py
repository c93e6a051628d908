"""End-to-end: ``meeting add/schedule/move`` refuse a doubtful date until ``--trotzdem``."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import ok, run


def test_a_holiday_is_refused_with_its_name_until_trotzdem(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    argv = ("meeting", "add", "kreistag", "--at", "03.10.2030 17:00", "--location", "Kreishaus")
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert "Der 03.10.2030 ist ein Feiertag (Tag der Deutschen Einheit)." in err
    assert "mit --trotzdem wiederholen" in err
    assert "Termine (0, alle)" in ok(capsys, "meeting", "list", "--all")

    added = ok(capsys, *argv, "--trotzdem")
    assert "Sitzung 1 angelegt: Sitzung Kreistag am 03.10.2030" in added


def test_a_clash_on_schedule_and_move_names_the_other_meeting(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    ok(capsys, "meeting", "add", "kreistag", "--at", "08.10.2030 17:00", "--location", "Saal 1")
    ok(
        capsys,
        "meeting",
        "schedule",
        "Beiratssitzung",
        "--at",
        "09.10.2030 17:00",
        "--location",
        "Saal 1",
    )
    code, _out, err = run(capsys, "meeting", "move", "2", "--at", "08.10.2030 18:00")
    assert code == 1
    assert "Zur selben Zeit am selben Ort (Saal 1) ist schon Termin 1" in err
    moved = ok(capsys, "meeting", "move", "2", "--at", "08.10.2030 18:00", "--trotzdem")
    assert "Termin 2 geändert" in moved
    assert "Achtung: Zur selben Zeit am selben Ort (Saal 1) ist schon Termin 1" in moved
