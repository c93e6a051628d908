"""``need edit|delete`` and ``group change|report`` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import confirm_meetings, ok, run


def _collecting_workshop(capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "init")
    ok(
        capsys,
        "cycle",
        "launch",
        "future_workshop",
        "--round",
        "2027",
        "--municipality",
        "edemissen",
    )
    confirm_meetings(capsys, "1")
    ok(capsys, "cycle", "advance", "1", "send_invitations")
    ok(capsys, "cycle", "advance", "1", "start_needs_collection")
    for text in ("Sprachkurse am Abend", "Radweg zur Schule"):
        ok(capsys, "need", "add", "1", "--text", text, "--topic", "Sprache", "--scope", "lokal")


def test_needs_are_corrected_and_deleted_while_the_workshop_collects(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _collecting_workshop(capsys)
    out = ok(capsys, "need", "edit", "2", "--topic", "Wohnen", "--scope", "kreisweit")
    assert "Bedarf 2 geändert: Radweg zur Schule" in out
    listed = ok(capsys, "need", "list", "--cycle", "1")
    assert "Wohnen" in listed and "kreisweit" in listed

    code, _, err = run(capsys, "need", "delete", "1")
    assert code == 1 and "--yes" in err
    assert "gelöscht: Sprachkurse am Abend" in ok(capsys, "need", "delete", "1", "--yes")
    assert "Sprachkurse am Abend" not in ok(capsys, "need", "list", "--cycle", "1")

    ok(capsys, "cycle", "advance", "1", "start_vision")
    code, _, err = run(capsys, "need", "edit", "2", "--text", "zu spät")
    assert code == 1 and "Bedarfe ändern ist bei" in err and "Traceback" not in err


def test_a_group_is_changed_and_its_report_read_from_a_file(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    ok(
        capsys,
        "cycle",
        "launch",
        "future_workshop",
        "--round",
        "2027",
        "--municipality",
        "edemissen",
    )
    confirm_meetings(capsys, "1")
    for step in ("send_invitations", "start_needs_collection"):
        ok(capsys, "cycle", "advance", "1", step)
    ok(
        capsys,
        "need",
        "add",
        "1",
        "--text",
        "Sprachkurse",
        "--topic",
        "Sprache",
        "--scope",
        "kreisweit",
    )
    for step in ("start_vision", "start_realisation"):
        ok(capsys, "cycle", "advance", "1", step)
    ok(capsys, "need", "vote", "1", "--dots", "2")
    ok(capsys, "cycle", "advance", "1", "document")
    ok(capsys, "cycle", "launch", "integration_conference", "--round", "2027")
    confirm_meetings(capsys, "2")
    for step in ("build_agenda", "send_invitations", "hold"):
        ok(capsys, "cycle", "advance", "2", step)
    ok(
        capsys,
        "group",
        "form",
        "2",
        "--topic",
        "1",
        "--name",
        "AG Sprache",
        "--mandate",
        "Konzept",
        "--due",
        "30.06.2099",
        "--member",
        "Eva Klein / Caritas",
    )

    out = ok(capsys, "group", "change", "1", "--due", "31.12.2099", "--member", "Jan Becker / VHS")
    assert "Frist 31.12.2099, 1 Mitglied." in out
    shown = ok(capsys, "group", "show", "1")
    assert "Jan Becker (VHS)" in shown and "Eva Klein" not in shown and "Konzept" in shown

    report = data_folder / "bericht.txt"
    report.write_text("Drei Treffen, ein Konzept [s. Anlage 2].", encoding="utf-8")
    assert "gespeichert" in ok(capsys, "group", "report", "1", "--file", str(report))
    assert "Drei Treffen, ein Konzept [s. Anlage 2]." in ok(capsys, "group", "show", "1")
    code, _, err = run(capsys, "group", "report", "1", "--file", str(data_folder))
    assert code == 1 and "ist ein Ordner" in err
    code, _, err = run(capsys, "group", "change", "1", "--member", "niemand@example.org")
    assert code == 1 and "nicht im Personenverzeichnis" in err
