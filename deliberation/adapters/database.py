"""Database engines and schema migrations (Alembic)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from deliberation.domain.errors import DeliberationError

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(DeliberationError):
    """The database cannot be reached or is not at the expected schema."""


def in_memory(url: str) -> bool:
    """Whether ``url`` is a SQLite database in memory, which only its own process sees."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get foreign keys, WAL and a busy timeout."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"Die Datenbank-URL ist ungültig: {redact(url)}") from None
    if parsed.get_backend_name() != "sqlite":
        try:
            # No pre-ping: it costs a round trip per unit of work; recycling
            # connections after 30 minutes covers servers that drop idle ones.
            return create_engine(url, pool_recycle=1800)
        except ModuleNotFoundError as exc:
            raise DatabaseError(
                f"Der Datenbanktreiber {exc.name} fehlt; für PostgreSQL: "
                "pip install 'deliberation[postgres]'."
            ) from None
        except NoSuchModuleError:
            raise DatabaseError(
                f"Die Datenbank-URL {redact(url)} nennt einen unbekannten Treiber "
                f'("{parsed.drivername}"); möglich sind sqlite:///Datei und '
                "postgresql+psycopg://…"
            ) from None
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def use_as_scratch(engine: Engine) -> None:
    """No waiting for the disk on a throwaway SQLite database (the simulator's).

    Transactions stay transactions; only the durability of the last ones after a
    power cut is given up, which a scratch database does not need.
    """
    if engine.url.get_backend_name() != "sqlite":
        return
    engine.dispose()
    event.listen(engine, "connect", _no_sync)


def _no_sync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def use_for_delivery(engine: Engine) -> None:
    """Commits that do not wait for the disk, for a sender process (``outbox send``).

    A sender commits after every delivery, before the next message goes out on the
    same connection; waiting for the disk each time made that half of its work. The
    database stays consistent and a crash of the program loses nothing committed
    (SQLite in WAL mode with ``synchronous=NORMAL``; PostgreSQL's
    ``synchronous_commit=off``). Only a power cut or a crash of the operating system
    can lose the last commits: those messages go out once more, with the same
    Message-ID. Other processes keep waiting for the disk.
    """
    engine.dispose()
    if engine.url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _commit_without_sync)
    elif engine.url.get_backend_name() == "postgresql":
        event.listen(engine, "connect", _commit_asynchronously)


def _commit_without_sync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _commit_asynchronously(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()
    dbapi_connection.commit()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str]:
    """Bring the schema to ``target`` (the newest revision by default); return (before, after)."""
    before = current_revision(engine)
    try:
        command.upgrade(alembic_config(engine), target)
    except OperationalError as exc:
        raise unreachable(exc) from None
    return before, head_revision() if target == "head" else target


def downgrade(engine: Engine, target: str) -> tuple[str | None, str | None]:
    """Take the schema back to ``target`` ("base": no tables); return (before, after)."""
    before = current_revision(engine)
    try:
        command.downgrade(alembic_config(engine), target)
    except OperationalError as exc:
        raise unreachable(exc) from None
    return before, current_revision(engine)


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise unreachable(exc) from None


def head_revision() -> str:
    return known_revisions()[-1].revision


@dataclass(frozen=True)
class Revision:
    """One schema migration this code knows: its id and what it does (first docstring line)."""

    revision: str
    title: str


def known_revisions() -> tuple[Revision, ...]:
    """Every migration of this code, oldest first."""
    script = ScriptDirectory.from_config(_script_config())
    return tuple(
        Revision(r.revision, (r.doc or "").strip().splitlines()[0] if r.doc else "")
        for r in reversed(list(script.walk_revisions()))
    )


#: The command that creates the schema or brings it up to date (and loads the reference data).
UPGRADE_COMMAND = "deliberation init"


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands compared with this code.

    ``pending`` are the migrations still to apply (oldest first); ``newer`` says the
    database carries a revision this code does not know, so a newer version of the
    program set it up. One check for every process that works on the database (the
    web application, the scheduler, the sender, ``db status``, readiness).
    """

    current: str | None
    head: str
    pending: tuple[Revision, ...]
    newer: bool

    @property
    def is_current(self) -> bool:
        return self.current == self.head

    def problem(self) -> str | None:
        """None when the schema fits this code; otherwise a German sentence saying what to do."""
        if self.is_current:
            return None
        if self.newer:
            return (
                f"Die Datenbank hat Stand {self.current}, den dieses Programm nicht kennt (es "
                f"kennt Stände bis {self.head}): eine neuere Version hat sie eingerichtet. Bitte "
                "die neuere Version installieren, zu der die Datenbank gehört. Zurück auf Stand "
                f"{self.head} geht es nur mit jener Version (deliberation db downgrade "
                f"{self.head}) oder aus einer Sicherung (deliberation restore)."
            )
        if self.current is None:
            return (
                f"Die Datenbank ist noch nicht eingerichtet, erwartet wird Stand {self.head}. "
                f"Bitte zuerst '{UPGRADE_COMMAND}' ausführen."
            )
        names = ", ".join(r.revision for r in self.pending)
        return (
            f"Die Datenbank hat Stand {self.current}, erwartet wird Stand {self.head}; "
            f"ausstehende Migrationen: {names}. Bitte zuerst eine Sicherung anlegen "
            f"(deliberation backup DATEI) und dann '{UPGRADE_COMMAND}' ausführen."
        )


def schema_status(engine: Engine) -> SchemaStatus:
    """The schema of ``engine``'s database against this code's migrations."""
    current = current_revision(engine)
    known = known_revisions()
    ids = [r.revision for r in known]
    if current is None:
        pending = known
    elif current in ids:
        pending = known[ids.index(current) + 1 :]
    else:
        return SchemaStatus(current, ids[-1], (), newer=True)
    return SchemaStatus(current, ids[-1], pending, newer=False)


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database with pending migrations or one newer than this code."""
    problem = schema_status(engine).problem()
    if problem is not None:
        raise DatabaseError(problem)


def unreachable(exc: OperationalError) -> DatabaseError:
    detail = " ".join(str(exc.orig).split())
    return DatabaseError(f"Die Datenbank ist nicht erreichbar: {detail}")


def _script_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<ungültige URL>"
