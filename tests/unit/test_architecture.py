"""The import-linter contracts in ``pyproject.toml`` cover the whole package."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from domain_builders import ROOT

PACKAGE = ROOT / "deliberation"


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layered,) = [c for c in contracts if c["type"] == "layers"]
    return [name.strip() for layer in layered["layers"] for name in layer.split("|")]


def test_every_module_of_the_package_belongs_to_a_layer() -> None:
    modules = {
        f"deliberation.{path.stem}"
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert modules - set(_layers()) == set()


def test_plain_pytest_collects_what_python_m_pytest_collects() -> None:
    # `python -m pytest` puts the working folder on sys.path, the `pytest` script does not.
    pytest_script = Path(sys.executable).with_name("pytest")
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(pytest_script), "--collect-only", "-q", "-p", "no:cacheprovider", "tests/integration"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "tests collected" in done.stdout
