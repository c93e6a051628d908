"""``deliberation log`` and ``deliberation scheduler status`` as staff use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import ok, run


def test_the_log_shows_who_changed_a_meeting_when_and_how(
    data_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(capsys, "init")
    at = "17.03.2031 17:00"
    ok(capsys, "meeting", "add", "kommission", "--at", at, "--location", "Kreishaus")
    monkeypatch.setenv("DELIBERATION_ACTOR", "Herr Öztürk")
    ok(capsys, "meeting", "move", "1", "--at", "24.03.2031 17:00")

    shown = ok(capsys, "log", "--subject", "Sitzung 1")

    assert "Termin angesetzt" in shown and "Frau Test (Referat)" in shown
    assert "Termin verlegt" in shown and "Herr Öztürk" in shown
    assert "17.03.2031 17:00, Kreishaus" in shown and "24.03.2031 17:00, Kreishaus" in shown
    only_his = ok(capsys, "log", "--actor", "öztürk")
    assert "Termin verlegt" in only_his and "Termin angesetzt" not in only_his
    code, _, err = run(capsys, "log", "--subject", "Sitzung vierzehn")
    assert code == 1 and "kein Gegenstand des Protokolls" in err


def test_scheduler_status_says_when_nothing_went_wrong(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    assert "nichts ist gescheitert" in ok(capsys, "scheduler", "status")
