"""Through the command line: an edited published workflow is refused with a German message
that names record, state and file (no KeyError), and ``workflows migrate`` moves records."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from deliberation.entrypoints.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def config(data_folder: Path) -> Path:
    """A county folder of its own: config, workflows and templates that a test may edit."""
    for folder in ("workflows", "templates"):
        shutil.copytree(REPO / folder, data_folder / folder)
    shutil.copy(REPO / "config.toml", data_folder / "config.toml")
    path = data_folder / "config.toml"
    return path


def _ok(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> str:
    code, out, err = run(capsys, config, *argv)
    assert code == 0, err
    return out


def _confirm_meetings(capsys: pytest.CaptureFixture[str], config: Path, cycle: str) -> None:
    """Invitations need a confirmed meeting; a cycle launched by hand has a proposed one."""
    shown = _ok(capsys, config, "cycle", "show", cycle)
    proposed = re.findall(r"Termin (\d+): .*\(vorgeschlagen\)", shown)
    assert proposed, shown
    for meeting in proposed:
        _ok(capsys, config, "meeting", "confirm", meeting)


def test_a_vanished_state_is_named_instead_of_a_key_error(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _ok(capsys, config, "init")
    _ok(
        capsys,
        config,
        "cycle",
        "launch",
        "future_workshop",
        "--round",
        "2027",
        "--municipality",
        "ilsede",
        "--municipality",
        "lengede",
    )
    _confirm_meetings(capsys, config, "2")
    _ok(capsys, config, "cycle", "advance", "2", "Einladungen versenden")
    workflow = config.parent / "workflows" / "future_workshop.toml"
    workflow.write_text(
        workflow.read_text(encoding="utf-8").replace("invitations_sent", "invited"), "utf-8"
    )

    for command in (("recommendation", "list"), ("cycle", "list"), ("cycle", "show", "2")):
        code, out, err = run(capsys, config, *command)
        assert code == 1 and out == "", command
        assert "Traceback" not in err and "KeyError" not in err and "Interner Fehler" not in err
        assert (
            'workflows/future_workshop.toml: Workflow "future_workshop" Version 1 wurde '
            "verändert" in err
        )
        assert (
            'Zyklus 2: Zustand "invitations_sent" gibt es in workflows/future_workshop.toml '
            "nicht mehr." in err
        )

    code, out, err = run(capsys, config, "workflows", "check")
    assert code == 1 and "Workflow-Definitionen: alle gültig" in out
    assert 'Zyklus 2: Zustand "invitations_sent"' in err


def test_workflows_migrate_moves_what_it_can_and_lists_the_rest(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _ok(capsys, config, "init")
    _ok(
        capsys,
        config,
        "cycle",
        "launch",
        "future_workshop",
        "--round",
        "2027",
        "--municipality",
        "ilsede",
        "--municipality",
        "lengede",
    )
    _confirm_meetings(capsys, config, "2")
    _ok(capsys, config, "cycle", "advance", "2", "send_invitations")
    folder = config.parent / "workflows"
    text = (folder / "future_workshop.toml").read_text(encoding="utf-8")
    (folder / "future_workshop.v2.toml").write_text(
        text.replace("invitations_sent", "invited").replace("version = 1", "version = 2"),
        "utf-8",
    )
    assert "Alle laufenden Vorgänge passen" in _ok(capsys, config, "workflows", "check")

    code, out, err = run(
        capsys,
        config,
        "workflows",
        "migrate",
        "future_workshop",
        "--to",
        "2",
        "--actor",
        "Frau Test",
    )
    assert code == 1
    assert "1 Vorgang/Vorgänge auf Version 2 umgestellt." in out
    assert 'Zyklus 1 ("Geplant"): Version 1 → 2' in out
    assert 'Zyklus 2: Zustand "invitations_sent" gibt es in Version 2' in err
    shown = _ok(capsys, config, "cycle", "show", "1")
    assert "auf eine neue Version des Ablaufs umgestellt" in shown and "Frau Test" in shown
    code, _, err = run(capsys, config, "workflows", "migrate", "future_workshop", "--to", "9")
    assert code == 1 and 'Workflow "future_workshop" Version 9 ist nicht geladen' in err
