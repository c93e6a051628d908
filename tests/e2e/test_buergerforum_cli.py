"""A fourth cycle workflow written as data only: the county-wide Bürgerforum.

``workflows/buergerforum.toml`` and its template are all there is to it (no line
of the package names it; ``tests/unit/test_workflows_are_data.py`` checks that).
On the demo's data, whose round mirrored an implementation report back into the
next round, the forum of that next round is launched, presents that Rückspiegelung, collects and
weighs county-wide needs, forwards them, and a need is traced back to it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import demo_rounds, ok, run


def _forum_id(listing: str) -> str:
    match = re.search(r"(\d+)\s*│[^│\n]*│\s*Bürgerforum", listing)
    assert match, listing
    return match[1]


def test_a_buergerforum_is_launched_collects_needs_and_is_traced(
    data_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, mirrored = demo_rounds(ok(capsys, "demo", "--folder", "demo"))
    forum_title = f"Bürgerforum {mirrored}"
    monkeypatch.setenv(
        "DELIBERATION_DATABASE_URL", f"sqlite:///{data_folder / 'demo' / 'demo.sqlite3'}"
    )
    assert "Bürgerforum" in ok(capsys, "workflows", "check")

    out = ok(capsys, "cycle", "launch", "Bürgerforum", "--round", mirrored)
    assert "1 Zyklus gestartet" in out and forum_title in out
    listed = ok(capsys, "cycle", "list", "--round", mirrored)
    forum = _forum_id(listed)
    assert "Einladungen versenden" in listed and "send_invitations" not in listed
    code, _, err = run(
        capsys, "cycle", "launch", "buergerforum", "--round", mirrored, "--municipality", "ilsede"
    )
    assert code == 1 and "kreisweit" in err

    # a county-wide forum gets no proposed meeting; invitations need one with a place
    ok(
        capsys,
        "meeting",
        "schedule",
        forum_title,
        "--at",
        "18.09.2029 18:00",
        "--location",
        "Kreishaus Peine",
        "--cycle",
        forum,
    )
    step = ok(capsys, "cycle", "advance", forum, "Einladungen versenden")
    expected = f"Zyklus {forum}: Geplant → Einladungen versendet (Einladungen versenden)"
    first, *rest = step.strip().splitlines()
    assert first == expected
    assert "in den Postausgang gelegt" in " ".join(rest)
    ok(capsys, "cycle", "advance", forum, "present_feedback", "--reason", "Planungsteam")
    presented = ok(capsys, "cycle", "list", "--state", "rückspiegelung VORGESTELLT")
    assert _forum_id(presented) == forum
    ok(capsys, "cycle", "advance", forum, "neue bedarfe sammeln")
    code, _, err = run(
        capsys,
        "need",
        "add",
        forum,
        "--text",
        "Beratung vor Ort",
        "--topic",
        "Arbeit",
        "--scope",
        "lokal",
    )
    assert code == 1 and "kreisweit" in err and "Traceback" not in err
    added = ok(
        capsys,
        "need",
        "add",
        forum,
        "--text",
        "Sprachcafé für Eltern",
        "--topic",
        "Sprache",
        "--scope",
        "kreisweit",
    )
    need = re.search(r"Bedarf (\d+)", added)
    assert need
    ok(capsys, "cycle", "advance", forum, "prioritise")
    ok(capsys, "need", "vote", need[1], "--dots", "4")
    ok(capsys, "cycle", "advance", forum, "document")

    shown = ok(capsys, "cycle", "show", forum)
    assert "Dokumentiert, Bedarfe an die Konferenz weitergeleitet" in shown
    assert '"Forum abschließen"' in shown and "Rückspiegelung vorgestellt" in shown
    for key in ("buergerforum", "present_feedback", "feedback_presented", "invitations_sent"):
        assert key not in shown
    assert "Sprachcafé für Eltern" in shown and "Landkreis (kreisweit)" in shown
    traced = ok(capsys, "trace", "need", need[1])
    assert f"Erfasst in: {forum_title}" in traced and "kreisweit" in traced
    assert "an die Konferenz weitergeleitet" in traced


def test_the_rueckspiegelung_waits_for_an_implementation_report(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    ok(capsys, "cycle", "launch", "buergerforum", "--round", "2031")
    ok(
        capsys,
        "meeting",
        "schedule",
        "Bürgerforum 2031",
        "--at",
        "16.09.2031 18:00",
        "--location",
        "Kreishaus Peine",
        "--cycle",
        "1",
    )
    ok(capsys, "cycle", "advance", "1", "send_invitations")
    code, _, err = run(capsys, "cycle", "advance", "1", "present_feedback")
    assert code == 1
    assert "In den Durchgang 2031 wurde noch kein Umsetzungsbericht zurückgespiegelt" in err
    # the guard's next step, worded by the command line
    assert "(deliberation recommendation report NR --round 2031)" in " ".join(err.split())
    assert '"Rückspiegelung: Ergebnisse der Umsetzung vorstellen" ist für Zyklus 1' in err
    code, _, err = run(capsys, "cycle", "list", "--state", "Vertagt")
    assert code == 1 and 'Einen Zustand "Vertagt" gibt es nicht' in err and '"Geplant"' in err
