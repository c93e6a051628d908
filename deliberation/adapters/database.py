"""Database engines and schema migrations (Alembic)."""

from __future__ import annotations

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


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; return (before, after)."""
    before = current_revision(engine)
    try:
        command.upgrade(alembic_config(engine), "head")
    except OperationalError as exc:
        raise unreachable(exc) from None
    return before, head_revision()


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise unreachable(exc) from None


def head_revision() -> str:
    head = ScriptDirectory.from_config(_script_config()).get_current_head()
    assert head is not None
    return head


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database that ``deliberation init`` has not brought up to date."""
    current = current_revision(engine)
    if current != head_revision():
        state = "ist noch nicht eingerichtet" if current is None else f"hat Stand {current}"
        raise DatabaseError(
            f"Die Datenbank {state}, erwartet wird Stand {head_revision()}. "
            "Bitte zuerst 'deliberation init' ausführen."
        )


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
