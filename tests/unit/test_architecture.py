"""The import-linter contracts in ``pyproject.toml`` cover the whole package."""

from __future__ import annotations

import tomllib

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
