"""``need list --ranked``: the workshop's ranking with on-site and online dots apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import ok


def test_the_ranking_lists_the_most_dots_first_with_both_kinds(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    ok(capsys, "cycle", "launch", "future_workshop", "--round", "2027")
    [meeting] = re.findall(r"Termin (\d+): .*\(vorgeschlagen\)", ok(capsys, "cycle", "show", "1"))
    ok(capsys, "meeting", "confirm", meeting)
    for trigger in ("send_invitations", "start_needs_collection"):
        ok(capsys, "cycle", "advance", "1", trigger)
    for text in ("Sprachcafé am Samstag", "Busverbindung nach Peine"):
        ok(capsys, "need", "add", "1", "--text", text, "--topic", "Sprache", "--scope", "lokal")
    ok(capsys, "cycle", "advance", "1", "start_vision")
    ok(capsys, "cycle", "advance", "1", "start_realisation")
    ok(capsys, "need", "vote", "1", "--dots", "1")
    ok(capsys, "need", "vote", "2", "--dots", "3")

    ranked = ok(capsys, "need", "list", "--cycle", "1", "--ranked")
    assert ranked.index("Busverbindung") < ranked.index("Sprachcafé")
    for column in ("vor Ort", "online", "gesamt"):
        assert column in ranked
    plain = ok(capsys, "need", "list", "--cycle", "1")
    assert plain.index("Sprachcafé") < plain.index("Busverbindung")  # by number
