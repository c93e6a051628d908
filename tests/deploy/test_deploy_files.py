"""What an operator copies from ``deploy/``: checked by the tools that will run it.

The systemd units go through ``systemd-analyze verify``, the Containerfile through
hadolint, where those tools are installed (skipped otherwise). The nginx example is
tested in ``test_reverse_proxy.py`` with a real nginx.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
INSTALLED_COMMAND = "/opt/deliberation/venv/bin/deliberation"


def _unit_settings(unit: Path) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in unit.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_there_is_a_unit_for_each_of_the_three_processes() -> None:
    commands = {unit.name: _unit_settings(unit)["ExecStart"][0] for unit in UNITS}
    assert commands == {
        "deliberation-scheduler.service": f"{INSTALLED_COMMAND} scheduler",
        "deliberation-sender.service": f"{INSTALLED_COMMAND} outbox send --fortlaufend",
        "deliberation-web.service": f"{INSTALLED_COMMAND} web --host 127.0.0.1 --port 8000 "
        "--workers 4",
    }


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_restarts_on_failure_as_an_unprivileged_user(unit: Path) -> None:
    settings = _unit_settings(unit)
    assert settings["Restart"] == ["on-failure"]
    assert settings["User"] == ["deliberation"]
    assert settings["NoNewPrivileges"] == ["yes"]
    assert settings["ProtectSystem"] == ["strict"]
    assert settings["CapabilityBoundingSet"] == [""]


def test_the_user_of_the_units_is_declared_for_systemd_sysusers() -> None:
    declaration = (DEPLOY / "systemd" / "deliberation.sysusers.conf").read_text(encoding="utf-8")
    lines = [line.split() for line in declaration.splitlines() if line and line[0] != "#"]
    assert [(line[0], line[1]) for line in lines] == [("u", "deliberation")]
    assert lines[0][-1] == "/usr/sbin/nologin"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart's program exists: point it at this installation's.
    command = Path(sys.executable).with_name("deliberation")
    assert command.exists()
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace(INSTALLED_COMMAND, str(command))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / unit.name) for unit in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    # Unknown keys or bad values are only warnings (exit 0): any output is a finding.
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def _hadolint() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.exists() else shutil.which("hadolint")


@pytest.mark.skipif(_hadolint() is None, reason="hadolint is not installed")
def test_the_containerfile_passes_hadolint() -> None:
    linter = _hadolint()
    assert linter is not None
    result = subprocess.run(
        [linter, "--no-color", str(DEPLOY / "Containerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "")


def test_the_container_runs_as_an_unprivileged_user_and_any_of_the_three() -> None:
    lines = (DEPLOY / "Containerfile").read_text(encoding="utf-8").splitlines()
    assert "USER 10001:10001" in lines
    assert 'ENTRYPOINT ["deliberation"]' in lines
