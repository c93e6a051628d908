"""Compiles the message catalogues (``.po`` -> ``.mo``) whenever the package is built.

Everything else about the package is in ``pyproject.toml``. ``pip install .``,
``pip install -e .`` and building a wheel all run ``build_py``, which writes
``deliberation/locale/<language>/LC_MESSAGES/deliberation.mo`` beside each
``.po`` file (package data, so the wheel carries them).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py


def _translations() -> ModuleType:
    # By path: the build environment has Babel but not the package's other dependencies.
    path = Path(__file__).resolve().parent / "deliberation" / "translations.py"
    spec = importlib.util.spec_from_file_location("_deliberation_translations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        translations = _translations()
        for language in translations.LANGUAGES:
            source = translations.catalogue_file(language)
            compiled = translations.catalogue_file(language, ".mo")
            compiled.write_bytes(translations.compile_catalogue(source))
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
