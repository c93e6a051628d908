"""Alembic environment: uses the engine handed over by ``database.upgrade``.

On SQLite, a migration that changes a table copies it (batch mode) and drops
the old one. With foreign keys enforced, dropping a table other rows refer to
fails (or would cascade), so a database with data could neither be upgraded
nor downgraded. Foreign keys are therefore off while the migrations run, as
SQLite's documentation advises for such changes, and checked before the
transaction commits: a migration that leaves a dangling reference rolls back.
"""

from alembic import context
from sqlalchemy import Connection

from deliberation.adapters.orm import metadata

MIGRATION_BROKE_REFERENCES = "Die Migration hinterließe verwaiste Verweise"


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=sqlite)
    with connection.begin():
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"{MIGRATION_BROKE_REFERENCES}: {broken[:5]}")


engine = context.config.attributes["engine"]
with engine.connect() as connection:
    if connection.dialect.name != "sqlite":
        _run(connection)
    else:
        # Outside any transaction: SQLite ignores this pragma inside one.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            _run(connection)
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
