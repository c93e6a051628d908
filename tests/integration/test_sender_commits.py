"""A sender process commits without waiting for the disk; every other process waits."""

from __future__ import annotations

from sqlalchemy import text

from deliberation.bootstrap import Application

#: How each backend tells whether this connection's commits wait for the disk. SQLite:
#: synchronous FULL (2) or NORMAL (1, in WAL mode). PostgreSQL: whether the connection
#: set synchronous_commit off itself (the test cluster's own default is already off).
QUERY = {
    "sqlite": "PRAGMA synchronous",
    "postgresql": "SELECT setting || ' from ' || source FROM pg_settings "
    "WHERE name = 'synchronous_commit'",
}
WAITS = {"sqlite": "2", "postgresql": None}
DOES_NOT_WAIT = {"sqlite": "1", "postgresql": "off from session"}


def commit_setting(app: Application) -> str:
    with app.db.connect() as connection:
        return str(connection.execute(text(QUERY[app.db.dialect.name])).scalar_one())


def test_a_sender_commits_without_waiting_for_the_disk_and_still_commits(
    app: Application,
) -> None:
    backend = app.db.dialect.name
    before = commit_setting(app)
    assert before != DOES_NOT_WAIT[backend]
    assert WAITS[backend] in (None, before)

    app.use_for_delivery()

    assert commit_setting(app) == DOES_NOT_WAIT[backend]
    with app.db.begin() as connection:  # a commit is still a commit
        connection.execute(text("CREATE TABLE delivery_probe (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO delivery_probe (id) VALUES (1)"))
    app.db.dispose()
    with app.db.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM delivery_probe")).scalar_one() == 1
