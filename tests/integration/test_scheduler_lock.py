"""One scheduler per database, whatever path or URL reaches it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from deliberation.adapters.scheduler_lock import SchedulerAlreadyRunning, scheduler_lock


def _refused_while_held(first_url: str, second_url: str) -> None:
    first_engine, second_engine = create_engine(first_url), create_engine(second_url)
    first = scheduler_lock(first_engine)
    first.acquire()
    try:
        with pytest.raises(SchedulerAlreadyRunning, match="läuft bereits"):
            scheduler_lock(second_engine).acquire()
    finally:
        first.release()
        first_engine.dispose()
    again = scheduler_lock(second_engine)
    again.acquire()  # free again once the first let go
    again.release()
    second_engine.dispose()


def test_a_second_scheduler_through_a_symlink_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "daten" / "deliberation.sqlite3"
    database.parent.mkdir()
    database.touch()
    link = tmp_path / "verknuepfung.sqlite3"
    link.symlink_to(database)

    _refused_while_held(f"sqlite:///{database}", f"sqlite:///{link}")


def test_a_second_scheduler_through_another_relative_path_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "daten").mkdir()
    (tmp_path / "anderswo").mkdir()
    (tmp_path / "daten" / "db.sqlite3").touch()
    monkeypatch.chdir(tmp_path / "anderswo")

    absolute = tmp_path / "daten" / "db.sqlite3"
    _refused_while_held(f"sqlite:///{absolute}", "sqlite:///../daten/./db.sqlite3")


@pytest.mark.postgres
def test_a_second_scheduler_on_the_same_postgresql_database_is_refused(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the SQLite paths are tested above")
    _refused_while_held(database_url, database_url)
