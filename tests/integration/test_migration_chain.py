"""Every migration down and up again with data in it, and the upgrade from the first release.

Both run on SQLite and PostgreSQL. Going down one revision at a time must keep
every row of every table that stays; at the base nothing is left; going up again
gives the schema of the ORM with the log append-only as before.

The first released schema is 0006: ``fixtures/demo_at_0006.json.gz`` holds every
row the demo of that time left (made with the code of that commit, see
``fixtures/export_demo_database.py``). It is loaded into a database migrated to
0006, upgraded to the newest revision, and every row of every table is compared.
"""

from __future__ import annotations

import base64
import gzip
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, Table, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from deliberation.adapters import database, orm
from deliberation.bootstrap import Application, initialise_database
from deliberation.entrypoints.cli import main as cli
from deliberation.service_layer import participants

FIXTURE = Path(__file__).parent / "fixtures" / "demo_at_0006.json.gz"
#: the revision after which advisory bodies have their own words and statements need no
#: meeting; what it changes in the rows (decision words at advisory bodies)
STATEMENTS = "0019"
ADVISORY = {"adopted": "approved", "adopted_amended": "amendments_recommended"}
REVISIONS = [r.revision for r in database.known_revisions()]


def _counts(engine: Engine) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in metadata.tables.items()
            if name != "alembic_version"
        }


def _filled(app: Application, walker) -> dict[str, int]:
    walker.walk()
    walker.finish()
    participants.add(
        app.deps, {"name": "Leyla Demir", "email": "leyla.demir@example.org", "language": "tr"}
    )
    counts = _counts(app.db)
    # Tables worth going through empty-handed would prove nothing.
    assert all(counts[t] > 0 for t in ("cycles", "needs", "recommendations", "transition_log"))
    return counts


def _refuses_updates_of_the_log(engine: Engine) -> None:
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(update(orm.transition_log).values(actor="Unbekannt"))


def test_every_migration_goes_down_keeping_the_rows_and_up_again(app: Application, walker) -> None:
    counts = _filled(app, walker)

    for previous in [*reversed(REVISIONS[:-1]), "base"]:
        before = database.current_revision(app.db)
        database.downgrade(app.db, previous)
        assert database.current_revision(app.db) == (None if previous == "base" else previous)
        if before == STATEMENTS:
            # the walker's Kommission statement was given without a meeting, which the
            # schema before 0019 cannot hold: the one row that does not survive going down
            counts["consultations"] -= 1
        now = _counts(app.db)
        kept = {table: counts[table] for table in now}
        assert now == kept, f"down from {before} to {previous}"
        if previous == "base":
            assert set(inspect(app.db).get_table_names()) <= {"alembic_version"}
        elif "transition_log" in now:
            _refuses_updates_of_the_log(app.db)

    database.upgrade(app.db)

    with app.db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, orm.metadata) == []
    initialise_database(app)
    assert _counts(app.db)["bodies"] == counts["bodies"]
    walker.launch_workshops(("ilsede",))  # a log row again, which must stay as it is
    _refuses_updates_of_the_log(app.db)


# --- the upgrade from 0006 --------------------------------------------------------------------


def _fixture() -> dict[str, Any]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    assert data["revision"] == "0006"
    return data


def _typed(value: Any, declared: str) -> Any:
    """A value of the SQLite dump as the column's Python type."""
    if value is None:
        return None
    if isinstance(value, dict):
        return base64.b64decode(value["base64"])
    if declared == "DATETIME":
        return datetime.fromisoformat(value)
    if declared == "DATE":
        return date.fromisoformat(value)
    if declared == "BOOLEAN":
        return bool(value)
    return value


def _expected(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    expected = {}
    for name, table in data["tables"].items():
        columns = [(c["name"], c["type"]) for c in table["columns"]]
        expected[name] = [
            {
                column: _typed(value, declared)
                for (column, declared), value in zip(columns, row, strict=True)
            }
            for row in table["rows"]
        ]
    return expected


def _load(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if rows.get(table.name):
                connection.execute(table.insert(), rows[table.name])
        if engine.dialect.name == "postgresql":
            for table in metadata.sorted_tables:
                if "id" in table.c and rows.get(table.name):
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )


def _stored(engine: Engine, name: str, columns: list[str]) -> list[dict[str, Any]]:
    table = Table(name, MetaData(), autoload_with=engine)
    order = list(table.primary_key.columns) or [table.c[columns[0]]]
    with engine.connect() as connection:
        result = connection.execute(select(*(table.c[c] for c in columns)).order_by(*order))
        return [dict(row._mapping) for row in result]


def _ordered(engine: Engine, name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = Table(name, MetaData(), autoload_with=engine).primary_key.columns.keys()
    return sorted(rows, key=lambda row: tuple(row[k] for k in keys)) if keys else rows


def test_an_upgrade_from_the_first_released_schema_keeps_every_row(
    bare_app: Application,
    database_url: str,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _fixture()
    expected = _expected(data)
    database.upgrade(bare_app.db, "0006")
    _load(bare_app.db, expected)
    assert sum(len(rows) for rows in expected.values()) > 300  # the whole demo, mail and all

    database.upgrade(bare_app.db)

    assert database.current_revision(bare_app.db) == database.head_revision()
    for row in expected["consultations"]:  # 0019: advisory bodies give statements
        if not row["authoritative"]:
            row["result"] = ADVISORY.get(row["result"], row["result"])
    for name, rows in expected.items():
        columns = [c["name"] for c in data["tables"][name]["columns"]]
        assert _stored(bare_app.db, name, columns) == _ordered(bare_app.db, name, rows), name

    # And the upgraded database works: init stamps what the new revisions need, then it starts.
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    assert cli.main(["--config", str(config_path), "init"]) == 0
    assert cli.main(["--config", str(config_path), "status"]) == 0
    assert cli.main(["--config", str(config_path), "db", "status"]) == 0
