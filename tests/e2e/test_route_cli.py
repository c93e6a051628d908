"""End-to-end: meetings, the consultation route, the tracker, the Beschlussvorlage, the
OParl export and the monitoring report from the command line, on the demo data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_helpers import demo_rounds, ok, run


def test_route_and_reports_on_the_demo(
    data_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = ok(capsys, "demo", "--folder", "demo")
    played, mirrored = demo_rounds(out)
    assert "Vertagt, dann geändert beschlossen" in out
    assert "Im Fachausschuss zurückgezogen" in out
    monkeypatch.setenv(
        "DELIBERATION_DATABASE_URL", f"sqlite:///{data_folder / 'demo' / 'demo.sqlite3'}"
    )

    listed = ok(capsys, "meeting", "list", "--body", "kreistag", "--all")  # the round is over
    assert listed.count("Sitzung Kreistag am") == 2
    closed = ok(capsys, "meeting", "list", "--body", "kreisausschuss", "--all")
    assert "│ nein" in closed

    rec = ok(capsys, "trace", "recommendation", "2")
    assert "Beratungsfolge (5)" in rec and "vertagt" in rec and "nicht öffentlich" in rec

    added = ok(
        capsys, "meeting", "add", "kreistag", "--at", "03.01.2030 16:00", "--location", "Kreishaus"
    )
    assert re.search(r"Sitzung \d+ angelegt: Sitzung Kreistag am 03\.01\.2030", added)
    code, _, err = run(capsys, "recommendation", "place", "5", "1")
    assert code == 1 and "abgeschlossen" not in err and "Beratungsfolge schon ganz" in err
    code, _, err = run(capsys, "recommendation", "result", "5", "--result", "vertagt")
    assert code == 1 and "liegt auf keiner Sitzung; zuerst auf eine Sitzung setzen (" in err
    assert "(deliberation recommendation place 5 SITZUNG)." in " ".join(err.split())
    code, _, err = run(capsys, "recommendation", "result", "5", "--result", "verschoben")
    assert code == 1 and 'Ergebnis "verschoben" ist unbekannt' in err
    code, _, err = run(
        capsys, "meeting", "add", "stadtrat", "--at", "03.01.2030 16:00", "--location", "Rathaus"
    )
    assert code == 1 and 'Gremium "stadtrat" ist unbekannt' in err
    with pytest.raises(SystemExit) as refused:
        run(capsys, "meeting", "add", "kreistag", "--at", "morgen", "--location", "Rathaus")
    assert refused.value.code == 2 and "kein Zeitpunkt" in capsys.readouterr().err

    implementing = ok(
        capsys, "recommendation", "list", "--office", "Fachdienst Soziales und Integration"
    )
    assert "Empfehlungen (2)" in implementing
    assert "Empfehlungen (0)" in ok(capsys, "recommendation", "list", "--overdue")
    on_kreistag = ok(capsys, "recommendation", "list", "--body", "Kreistag")
    assert "Empfehlungen (4)" in on_kreistag  # all but the withdrawn one
    shown = ok(capsys, "recommendation", "show", "2")
    assert re.search(r"\(Sitzung \d+, Vorberatung, nicht öffentlich\): zugestimmt", shown)
    assert shown.count("Beratung: Sitzung Kreistag") == 2
    note = ok(capsys, "recommendation", "progress", "5", "--note", "Räume gefunden.")
    assert "Vermerk 2" in note

    ok(capsys, "recommendation", "resolution-draft", "2", "--output", "vorlage.html")
    html = (data_folder / "vorlage.html").read_text(encoding="utf-8")
    assert "Beschlussvorlage" in html and f"BV-{played}/0002" in html and "@media print" in html

    exported = ok(capsys, "export", "oparl", "oparl")
    # the demo's fifth recommendation was withdrawn: a static tree leaves it out
    assert "4 Vorlagen" in exported and "2 Personen mit Einwilligung" in exported
    assert len(list((data_folder / "oparl" / "paper").glob("*.json"))) == 4
    assert "/0002: " in (data_folder / "oparl" / "file" / "2.html").read_text("utf-8")
    paper = json.loads((data_folder / "oparl" / "paper" / "2.json").read_text("utf-8"))
    assert paper["paperType"] == "Beschlussvorlage"
    assert [c["role"] for c in paper["consultation"]][-2:] == ["Entscheidung"] * 2

    report = ok(capsys, "report", "monitoring", "--round", played, "--html", "monitoring.html")
    assert "Beteiligungsmonitoring (7 Werkstätten)" in report
    assert "<svg" in (data_folder / "monitoring.html").read_text(encoding="utf-8")

    feedback = ok(capsys, "recommendation", "feedback", "--round", mirrored)
    assert "Umsetzungsbericht zur Empfehlung 1" in feedback
