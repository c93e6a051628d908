"""Schema migrations on SQLite and PostgreSQL: create, repeat, match the ORM, protect the log."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, delete, func, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError

from deliberation.adapters import database, orm
from deliberation.bootstrap import Application, bootstrap, initialise_database


def _count(app: Application, table: str) -> int:
    query = select(func.count()).select_from(orm.metadata.tables[table])
    with app.db.connect() as connection:
        return int(connection.execute(query).scalar_one())


def test_initialise_creates_every_table_at_the_head_revision(bare_app: Application) -> None:
    assert database.current_revision(bare_app.db) is None

    before, after = initialise_database(bare_app)

    assert (before, after) == (None, database.head_revision())
    assert database.current_revision(bare_app.db) == database.head_revision()
    tables = set(inspect(bare_app.db).get_table_names())
    assert set(orm.metadata.tables) | {"alembic_version"} <= tables
    assert _count(bare_app, "municipalities") == len(bare_app.settings.municipalities) == 7
    assert _count(bare_app, "bodies") == len(bare_app.settings.bodies) == 6


def test_initialise_twice_changes_nothing(app: Application, walker) -> None:
    walker.launch_workshops(("ilsede",))
    counts = {table: _count(app, table) for table in orm.metadata.tables}

    before, after = initialise_database(app)

    assert before == after == database.head_revision()
    assert {table: _count(app, table) for table in orm.metadata.tables} == counts


def test_initialise_again_synchronises_changed_settings(app: Application) -> None:
    bodies = tuple(
        dataclasses.replace(b, notice_days=21, name="Migrationsbeirat")
        if b.key == "kommission"
        else b
        for b in app.settings.bodies
    )
    app.settings = dataclasses.replace(app.settings, bodies=bodies)

    initialise_database(app)

    with app.deps.unit_of_work() as uow:
        kommission = uow.reference.body("kommission")
        kreistag = uow.reference.body("kreistag")
        assert kommission is not None and kreistag is not None
        assert (kommission.notice_days, kommission.name) == (21, "Migrationsbeirat")
        assert kreistag.notice_days == 7
    assert _count(app, "bodies") == 6


def test_migrated_schema_matches_the_orm_metadata(app: Application) -> None:
    with app.db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, orm.metadata)

    assert differences == []


def _logged_launch(app: Application, walker) -> int:
    [workshop] = walker.launch_workshops(("lengede",)).values()
    with app.deps.unit_of_work() as uow:
        [record] = uow.log.log("cycle", workshop)
        assert record.id is not None
        return record.id


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(lambda row: update(orm.transition_log).values(actor="Unbekannt"), id="update"),
        pytest.param(lambda row: delete(orm.transition_log), id="delete"),
        pytest.param(
            lambda row: (
                update(orm.transition_log)
                .where(orm.transition_log.c.id == row)
                .values(to_state="closed")
            ),
            id="update-one-row",
        ),
    ],
)
def test_the_database_refuses_to_change_the_transition_log(
    app: Application, walker, statement
) -> None:
    row = _logged_launch(app, walker)
    with app.db.connect() as connection:
        original = connection.execute(select(orm.transition_log)).all()

    with pytest.raises(DBAPIError, match="append-only"), app.db.begin() as connection:
        connection.execute(statement(row))

    with app.db.connect() as connection:
        assert connection.execute(select(orm.transition_log)).all() == original


def test_the_transition_log_still_accepts_new_rows(app: Application, walker) -> None:
    row = _logged_launch(app, walker)
    with app.db.begin() as connection:
        template = (
            connection.execute(select(orm.transition_log).where(orm.transition_log.c.id == row))
            .mappings()
            .one()
        )
        values = {**template, "trigger": "manual"}
        del values["id"]
        connection.execute(insert(orm.transition_log).values(values))

    assert _count(app, "transition_log") == 2


def test_bootstrap_refuses_an_empty_database_and_asks_for_init(
    database_url: str, config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # bootstrap() does not dispose the engine it built when the check fails; dispose it
    # here so its open connection does not surface as a ResourceWarning in a later test.
    engines: list[Engine] = []

    def make_engine(url: str) -> Engine:
        engines.append(real_make_engine(url))
        return engines[-1]

    real_make_engine = database.make_engine
    monkeypatch.setattr(database, "make_engine", make_engine)
    try:
        with pytest.raises(database.DatabaseError) as refused:
            bootstrap(config_path, database_url=database_url, require_schema=True)
    finally:
        for engine in engines:
            engine.dispose()

    message = str(refused.value)
    assert "deliberation init" in message
    assert "nicht eingerichtet" in message


def test_bootstrap_accepts_a_database_after_init(
    app: Application, database_url: str, config_path: Path
) -> None:
    checked = bootstrap(config_path, database_url=database_url, require_schema=True)
    try:
        assert database.current_revision(checked.db) == database.head_revision()
    finally:
        checked.close()
