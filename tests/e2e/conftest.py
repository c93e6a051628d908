"""Fixtures for the end-to-end tests of the command line."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as working directory, with its own SQLite database."""
    folder = tmp_path / "daten"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", f"sqlite:///{folder / 'db.sqlite3'}")
    monkeypatch.setenv("DELIBERATION_ACTOR", "Frau Test (Referat)")
    monkeypatch.setenv("COLUMNS", "200")
    return folder
