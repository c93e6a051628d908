"""Exactly one scheduler per database.

PostgreSQL: a session-level advisory lock, held on a dedicated connection for
as long as the scheduler runs; the server frees it when the process dies.
SQLite: an exclusive ``fcntl`` lock on a file beside the database file (its
real path, so a symlink or another relative path finds the same lock); the
operating system frees it when the process dies. Either way a crashed
scheduler never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from deliberation.domain.errors import DeliberationError

#: The advisory lock's key: any fixed 64-bit number, the same in every process.
ADVISORY_KEY = 0x64656C6962  # "delib"


class SchedulerAlreadyRunning(DeliberationError):
    """Another scheduler holds the lock for this database."""


class SchedulerLock(Protocol):
    def acquire(self) -> None: ...

    def release(self) -> None: ...


def scheduler_lock(engine: Engine) -> SchedulerLock:
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return AdvisoryLock(engine)
    database = make_url(str(url)).database
    if not database or database == ":memory:":
        return NoLock()
    # The file itself, however it is reached (symlink, another relative path): one lock.
    real = Path(database).resolve()
    return LockFile(real.with_name(f"{real.name}.scheduler.lock"))


class AdvisoryLock:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = None

    def acquire(self) -> None:
        connection = self.engine.connect()
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
        ).scalar_one()
        connection.commit()  # the lock is the session's, not the transaction's
        if not got:
            connection.close()
            raise SchedulerAlreadyRunning(
                "Ein anderer Terminplaner läuft bereits für diese Datenbank (PostgreSQL-Sperre "
                "ist belegt). Es darf nur einer laufen; dieser wird nicht gestartet."
            )
        self.connection = connection

    def release(self) -> None:
        if self.connection is None:
            return
        self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
        self.connection.commit()
        self.connection.close()
        self.connection = None


class LockFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def acquire(self) -> None:
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "unbekannt"
            handle.close()
            raise SchedulerAlreadyRunning(
                f"Ein anderer Terminplaner läuft bereits für diese Datenbank (Prozess {owner}, "
                f"Sperrdatei {self.path.name}). Es darf nur einer laufen; dieser wird nicht "
                "gestartet."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is None:
            return
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
        self.handle.close()
        self.handle = None


class NoLock:
    """An in-memory database belongs to one process: nothing to share."""

    def acquire(self) -> None:
        return None

    def release(self) -> None:
        return None
