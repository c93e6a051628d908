"""Backups of the database and their restore: SQLite's backup API, PostgreSQL's pg_dump.

A backup is taken while the web application, the scheduler and the sender keep
working: SQLite copies one consistent snapshot in a single step of its backup
API (WAL mode lets the others go on writing meanwhile); ``pg_dump`` reads one
snapshot in a repeatable-read transaction. Either way the file appears under
its name only once it is complete (written beside it, then renamed), so a
half-written file never looks like a backup.

A restore goes into an empty database only, so nothing that is there can be
overwritten: a new SQLite file, or a freshly created PostgreSQL database.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url

from deliberation.adapters.database import DatabaseError, make_engine, redact

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
#: What pg_dump writes: its own compressed archive, no owners or grants (the restoring
#: county's roles differ from ours), every table's data in one snapshot.
PG_DUMP_OPTIONS = ("--format=custom", "--no-owner", "--no-privileges", "--verbose")
PG_RESTORE_OPTIONS = (
    "--no-owner",
    "--no-privileges",
    "--exit-on-error",
    "--single-transaction",  # all or nothing: a failed restore leaves the database empty
    "--verbose",
)
#: Where Debian and Ubuntu install the client programs of each PostgreSQL version.
DEBIAN_PG_BIN = Path("/usr/lib/postgresql")
_TABLE_LINE = re.compile(r'(?:dumping contents of|processing data for) table "?([\w.]+)"?')

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int  # bytes
    tables: int


def backend_of(url: str) -> str:
    return make_url(url).get_backend_name()


def backup(url: str, target: Path, progress: Progress = lambda _line: None) -> BackupResult:
    """Write a backup of the database at ``url`` to ``target`` (which must not exist)."""
    if target.exists():
        raise DatabaseError(
            f"{target} gibt es schon; eine Sicherung überschreibt nichts. Bitte einen neuen "
            "Dateinamen wählen (z. B. mit dem Datum)."
        )
    if not target.parent.is_dir():
        raise DatabaseError(f"Den Ordner {target.parent} gibt es nicht.")
    backend = backend_of(url)
    with _written_beside(target) as partial:
        if backend == "sqlite":
            tables = _sqlite_backup(_sqlite_path(url), partial, progress)
        elif backend == "postgresql":
            tables = _pg_dump(url, partial, progress)
        else:
            raise DatabaseError(f"Sicherungen gibt es für SQLite und PostgreSQL, nicht {backend}.")
    return BackupResult(target, target.stat().st_size, tables)


def restore(url: str, source: Path, progress: Progress = lambda _line: None) -> BackupResult:
    """Restore the backup ``source`` into the empty database at ``url``."""
    kind = backup_kind(source)
    backend = backend_of(url)
    if kind != backend:
        raise DatabaseError(
            f"{source} ist eine Sicherung einer {_BACKEND_TITLES[kind]}-Datenbank, die "
            f"Datenbank aus der Konfiguration ({redact(url)}) ist {_BACKEND_TITLES[backend]}. "
            "Eine Sicherung wird in dieselbe Art von Datenbank zurückgespielt."
        )
    require_empty(url)
    if backend == "sqlite":
        tables = _sqlite_restore(source, _sqlite_path(url), progress)
    else:
        tables = _pg_restore(url, source, progress)
    return BackupResult(source, source.stat().st_size, tables)


_BACKEND_TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def backup_kind(source: Path) -> str:
    """ "sqlite" or "postgresql" from the file's first bytes; a clear error otherwise."""
    with source.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise DatabaseError(
        f"{source} ist keine Sicherung von deliberation backup (weder eine SQLite-Datei noch "
        "ein Archiv von pg_dump im Custom-Format)."
    )


def require_empty(url: str) -> None:
    """Refuse a database that has any table: a restore must not overwrite or mix data."""
    if backend_of(url) == "sqlite" and not _sqlite_path(url).exists():
        return
    engine = make_engine(url)
    try:
        tables = sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise DatabaseError(
            f"Die Datenbank {redact(url)} ist nicht leer ({len(tables)} Tabellen: {shown}). "
            "Eine Sicherung wird nur in eine leere Datenbank zurückgespielt, damit nichts "
            "überschrieben oder vermischt wird. Bitte eine neue, leere Datenbank anlegen und "
            "database_url in der Konfiguration auf sie zeigen lassen."
        )


@contextlib.contextmanager
def _written_beside(target: Path) -> Iterator[Path]:
    """A temporary file next to ``target``, renamed to it on success, removed otherwise."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise DatabaseError("Eine Datenbank im Arbeitsspeicher lässt sich nicht sichern.")
    return Path(database)


def _sqlite_backup(source: Path, partial: Path, progress: Progress) -> int:
    if not source.exists():
        raise DatabaseError(f"Die Datenbankdatei {source} gibt es nicht.")
    progress(f"Sichere {source} …")
    _sqlite_copy(source, partial)
    return _sqlite_checked(partial)


def _sqlite_copy(source: Path, target: Path) -> None:
    """One step of the backup API: one snapshot, while others keep writing (WAL)."""
    origin = sqlite3.connect(source, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            origin.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        origin.close()


def _sqlite_checked(path: Path) -> int:
    """The number of tables of the copy, after SQLite's integrity check passed on it."""
    connection = sqlite3.connect(path)
    try:
        [verdict] = connection.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise DatabaseError(f"Die Sicherung ist beschädigt ({verdict}); bitte wiederholen.")
        [count] = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
        return int(count)
    finally:
        connection.close()


def _sqlite_restore(source: Path, target: Path, progress: Progress) -> int:
    tables = _sqlite_checked(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    progress(f"Spiele {source} nach {target} zurück …")
    with _written_beside(target) as partial:
        _sqlite_copy(source, partial)
        for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)  # of the empty file replaced
    return tables


# --- PostgreSQL -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Connection:
    """What the PostgreSQL client programs get: a libpq URI without the password, which
    goes into the environment (not into the process list)."""

    uri: str
    environment: dict[str, str]


def _libpq(url: str) -> _Connection:
    parsed: URL = make_url(url)
    password = parsed.password
    uri = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    environment = {**os.environ, "LC_ALL": "C"}  # the progress lines are parsed in English
    if password is not None:
        environment["PGPASSWORD"] = str(password)
    return _Connection(uri, environment)


def server_major(url: str) -> int:
    engine: Engine = make_engine(url)
    try:
        with engine.connect() as connection:
            number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    finally:
        engine.dispose()
    return number // 10000


def client_program(name: str, server: int) -> Path:
    """``pg_dump`` or ``pg_restore`` of at least the server's major version.

    pg_dump refuses a server newer than itself; Debian keeps one per version
    under /usr/lib/postgresql/N/bin, so the one matching the server is preferred.
    """
    found: dict[int, Path] = {}
    installed = sorted(str(p) for p in DEBIAN_PG_BIN.glob(f"*/bin/{name}"))
    candidates = [shutil.which(name), *installed]
    for candidate in candidates:
        if candidate and (major := program_major(Path(candidate))) is not None:
            found.setdefault(major, Path(candidate))
    if not found:
        raise DatabaseError(
            f"{name} fehlt: für Sicherungen von PostgreSQL werden die Client-Programme "
            f"gebraucht (Debian/Ubuntu: apt-get install postgresql-client-{server})."
        )
    fitting = sorted(major for major in found if major >= server)
    if not fitting:
        have = ", ".join(str(m) for m in sorted(found))
        raise DatabaseError(
            f"{name} hat Version {have}, der Server PostgreSQL {server}: {name} muss mindestens "
            f"so neu sein wie der Server. Bitte postgresql-client-{server} installieren."
        )
    return found[fitting[0]]


def program_major(program: Path) -> int | None:
    try:
        answer = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s+(\d+)", answer)
    return int(match.group(1)) if match else None


def _pg_dump(url: str, partial: Path, progress: Progress) -> int:
    program = client_program("pg_dump", server_major(url))
    connection = _libpq(url)
    command = [str(program), *PG_DUMP_OPTIONS, f"--file={partial}", f"--dbname={connection.uri}"]
    return _run_client(command, connection, progress, "pg_dump")


def _pg_restore(url: str, source: Path, progress: Progress) -> int:
    program = client_program("pg_restore", server_major(url))
    connection = _libpq(url)
    command = [str(program), *PG_RESTORE_OPTIONS, f"--dbname={connection.uri}", str(source)]
    return _run_client(command, connection, progress, "pg_restore")


def _run_client(command: list[str], connection: _Connection, progress: Progress, name: str) -> int:
    """Run a client program, reporting each table it reaches; a German error if it fails."""
    tables = 0
    lines: list[str] = []
    with subprocess.Popen(
        command,
        env=connection.environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip())
            if match := _TABLE_LINE.search(line):
                tables += 1
                progress(f"Tabelle {match.group(1).removeprefix('public.')}")
    if process.returncode != 0:
        problems = [line for line in lines if "error" in line.lower()] or lines[-3:]
        detail = " ".join(" ".join(problems).split()).replace(connection.uri, "…")
        raise DatabaseError(
            f"{name} ist gescheitert (Ausgabe: {detail}); es wurde nichts übernommen."
        )
    return tables
