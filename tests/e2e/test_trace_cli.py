"""End-to-end: tracing needs and recommendations, and the tracker CSV, on the demo data."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from cli_helpers import demo_rounds, ok, run


def test_trace_and_tracker_on_the_demo(
    data_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    played, _ = demo_rounds(ok(capsys, "demo", "--folder", "demo"))
    monkeypatch.setenv(
        "DELIBERATION_DATABASE_URL", f"sqlite:///{data_folder / 'demo' / 'demo.sqlite3'}"
    )

    rec = ok(capsys, "trace", "recommendation", "2")
    assert rec.startswith("Empfehlung 2")
    assert "Konferenz: Integrationskonferenz" in rec
    assert "Arbeitsgruppe" in rec and "Beantwortet Bedarfe" in rec
    assert "Werkstatt: Zukunftswerkstatt" in rec and "Verlauf" in rec
    assert "Vom Kreistag geändert beschlossen" in rec
    need_ids = re.findall(r"Bedarf (\d+):", rec)
    assert need_ids

    need = ok(capsys, "trace", "need", need_ids[0])
    assert need.startswith(f"Bedarf {need_ids[0]}")
    assert "Empfehlung 2" in need
    assert "Ergebnis: entschieden: " in need
    assert "entschieden: Vom Kreistag geändert beschlossen (Empfehlung 2)" in need

    code, _, err = run(capsys, "trace", "need", "9999")
    assert code == 1 and "Bedarf 9999 gibt es nicht" in err
    code, _, err = run(capsys, "trace", "recommendation", "9999")
    assert code == 1 and "Empfehlung 9999 gibt es nicht" in err

    listed = ok(capsys, "recommendation", "list", "--round", played, "--state", "rejected")
    assert "Empfehlungen (1)" in listed
    out = ok(capsys, "recommendation", "list", "--csv", "tracker.csv")
    assert out.strip() == "5 Empfehlungen nach tracker.csv geschrieben."
    raw = (data_folder / "tracker.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:3] == ["Nr.", "Titel", "Arbeitsgruppe"]
    assert len(rows) == 6
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", rows[1][10])
    assert rows[0][-5:] == [
        "Beratungsstand",
        "Zuständige Stelle",
        "umzusetzen bis",
        "überfällig",
        "Ampel",
    ]
    assert rows[5][12] == "Fachdienst Soziales und Integration"
    assert rows[5][15] == "grün – im Plan" and rows[3][15] == ""  # implemented; rejected

    code, _, err = run(capsys, "recommendation", "list", "--municipality", "Atlantis")
    assert code == 1 and "Atlantis" in err
