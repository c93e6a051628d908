"""Run the ``deliberation`` command in-process against the repository's config.toml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deliberation.entrypoints.cli.main import main

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of one command."""
    code = main(["--config", str(CONFIG), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Standard output of a command that must succeed."""
    code, out, err = run(capsys, *argv)
    assert code == 0, f"{argv} failed: {err}"
    return out


def confirm_meetings(capsys: pytest.CaptureFixture[str], cycle: str) -> None:
    """Confirm the meetings proposed for a cycle launched by hand (invitations need one)."""
    shown = ok(capsys, "cycle", "show", cycle)
    proposed = re.findall(r"Termin (\d+): .*\(vorgeschlagen\)", shown)
    assert proposed, shown
    for meeting in proposed:
        ok(capsys, "meeting", "confirm", meeting)


def demo_rounds(out: str) -> tuple[str, str]:
    """The round ``deliberation demo`` played (the latest one over by today) and the next one,
    which received its Rückspiegelung, as its output names them."""
    played = re.search(r"✓ Durchgang (\d{4}): ", out)
    mirrored = re.search(r"Rückspiegelung an Durchgang (\d{4})", out)
    assert played and mirrored, out
    return played[1], mirrored[1]
