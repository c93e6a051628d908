"""Backup while the application writes, restore into an empty database, compare: both backends.

A writer thread schedules meetings through the use case (each one a meeting row
and its audit row, committed together) before, during and after the backup; a
second transaction stays open with an uncommitted log row while the backup runs.
The restored database must hold a consistent snapshot: every table the writer
does not touch exactly as the source, no meeting without its log row or log row
without its meeting, the uncommitted row absent, and the writer not blocked.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from deliberation.adapters import backups, database, orm
from deliberation.bootstrap import Application, bootstrap
from deliberation.entrypoints.cli import main as cli
from deliberation.service_layer import meetings
from tests.conftest import CONFIG

UNCOMMITTED_ACTOR = "Transaktion noch offen"
UNTOUCHED = ("municipalities", "bodies", "rounds", "cycles", "accounts")


@pytest.fixture
def empty_target(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


class MeetingWriter(threading.Thread):
    """Schedules meetings one after another until told to stop; counts what it wrote."""

    def __init__(self, app: Application) -> None:
        super().__init__(daemon=True)
        self.app = app
        self.written = 0
        self.stop = threading.Event()
        self.progress = threading.Condition()
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                plan = meetings.MeetingPlan(
                    f"Sitzung {self.written + 1}",
                    self.app.deps.clock() + timedelta(days=30, hours=self.written),
                    "Kreishaus Peine, Burgstraße 1",
                )
                meetings.schedule(
                    self.app.deps, plan, "landkreis-peine.de", confirmed=True, actor="Schreiber"
                )
                with self.progress:
                    self.written += 1
                    self.progress.notify_all()
        except BaseException as exc:  # reported by the test
            self.failure = exc

    def wait_for(self, count: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.written >= count or self.failure, 120)
        assert self.failure is None, self.failure


def _rows(url: str, table: str) -> set[tuple[object, ...]]:
    engine = database.make_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(select(orm.metadata.tables[table])).all())
    finally:
        engine.dispose()


def _log_rows(url: str) -> set[tuple[object, ...]]:
    return _rows(url, "transition_log")


def _backup_under_writes(app: Application, database_url: str, file: Path) -> MeetingWriter:
    writer = MeetingWriter(app)
    writer.start()
    try:
        writer.wait_for(3)
        with app.db.connect() as held:
            held.begin()
            held.execute(
                insert(orm.transition_log).values(
                    subject_kind="meeting",
                    subject_id=0,
                    workflow="",
                    trigger="meeting_scheduled",
                    from_state=None,
                    to_state="",
                    actor=UNCOMMITTED_ACTOR,
                    reason="",
                    at=app.deps.clock(),
                    before="",
                    after="",
                )
            )
            before = writer.written
            result = backups.backup(database_url, file)
            held.commit()
        writer.wait_for(before + 3)  # the writer was not blocked and went on afterwards
    finally:
        writer.stop.set()
        writer.join(120)
    assert result.path == file and result.size == file.stat().st_size > 0
    assert file.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    return writer


def test_a_backup_under_writes_restores_a_consistent_snapshot(
    app: Application, database_url: str, empty_target: str, tmp_path: Path
) -> None:
    file = tmp_path / "sicherung.backup"
    writer = _backup_under_writes(app, database_url, file)

    restored = backups.restore(empty_target, file)

    assert restored.tables >= len(orm.metadata.tables)
    for table in UNTOUCHED:
        assert _rows(empty_target, table) == _rows(database_url, table), table
    source_log, restored_log = _log_rows(database_url), _log_rows(empty_target)
    assert restored_log < source_log  # an exact subset: rows identical, later ones missing
    assert UNCOMMITTED_ACTOR in {row.actor for row in source_log}
    assert UNCOMMITTED_ACTOR not in {row.actor for row in restored_log}
    restored_meetings = {row.id for row in _rows(empty_target, "meetings")}
    logged_meetings = {
        row.subject_id
        for row in restored_log
        if row.trigger == "meeting_scheduled" and row.actor == "Schreiber"
    }
    assert restored_meetings == logged_meetings  # no meeting without its row, nor the reverse
    assert 3 <= len(restored_meetings) < writer.written == len(_rows(database_url, "meetings"))
    assert _rows(empty_target, "meetings") < _rows(database_url, "meetings")

    again = bootstrap(CONFIG, database_url=empty_target)  # the schema is current: it starts
    try:
        assert database.current_revision(again.db) == database.head_revision()
    finally:
        again.close()


def test_restore_refuses_a_database_that_is_not_empty(
    app: Application, database_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "sicherung.backup"
    backups.backup(database_url, file)
    before = _log_rows(database_url)

    with pytest.raises(database.DatabaseError, match=r"nicht leer .* nur in eine leere Datenbank"):
        backups.restore(database_url, file)

    assert _log_rows(database_url) == before


def test_backup_never_overwrites_a_file(
    app: Application, database_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "sicherung.backup"
    file.write_text("ältere Sicherung")

    with pytest.raises(database.DatabaseError, match="gibt es schon"):
        backups.backup(database_url, file)

    assert file.read_text() == "ältere Sicherung"
    assert [p.name for p in tmp_path.iterdir() if ".partial" in p.name] == []


def test_the_command_line_backs_up_and_restores_with_size_and_schema(
    app: Application,
    database_url: str,
    empty_target: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = tmp_path / "sicherung.backup"
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    assert cli.main(["--config", str(CONFIG), "backup", str(file)]) == 0
    assert "Sicherung geschrieben" in capsys.readouterr().out

    monkeypatch.setenv("DELIBERATION_DATABASE_URL", empty_target)
    assert cli.main(["--config", str(CONFIG), "restore", str(file)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "zurückgespielt" in out and f"Stand {database.head_revision()}: passt" in out

    assert cli.main(["--config", str(CONFIG), "restore", str(file)]) == 1
    assert "nicht leer" in capsys.readouterr().err


def test_restore_refuses_a_file_that_is_no_backup(tmp_path: Path) -> None:
    file = tmp_path / "notizen.txt"
    file.write_text("keine Sicherung")

    with pytest.raises(database.DatabaseError, match="keine Sicherung von deliberation backup"):
        backups.restore(f"sqlite:///{tmp_path / 'neu.sqlite3'}", file)
