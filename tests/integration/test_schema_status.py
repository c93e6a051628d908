"""``db status`` and the refusal to start on a schema that does not fit: both backends.

The web application, the scheduler and the outbox sender refuse a database
with pending migrations and one set up by a newer version, with a German line
naming the command to run; nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from deliberation.adapters import database
from deliberation.bootstrap import Application
from deliberation.entrypoints.cli import main as cli
from deliberation.entrypoints.web import serving

PREVIOUS = database.known_revisions()[-2].revision
HEAD = database.head_revision()
STARTS = {
    "web": ["web", "--port", "8799"],
    "scheduler": ["scheduler", "--once"],
    "sender": ["outbox", "send"],
}


@pytest.fixture
def run(database_url: str, config_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    monkeypatch.setenv("DELIBERATION_CONFIG", str(config_path))

    def running(*argv: str) -> int:
        return cli.main(["--config", str(config_path), *argv])

    return running


def _one_line(text_: str) -> str:
    return " ".join(text_.split())


def _pending(app: Application) -> None:
    database.downgrade(app.db, PREVIOUS)


def _newer(app: Application) -> None:
    with app.db.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))


@pytest.mark.parametrize("process", sorted(STARTS))
def test_a_process_refuses_a_database_with_pending_migrations(
    app: Application, run, process: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _pending(app)

    assert run(*STARTS[process]) == 1

    error = _one_line(capsys.readouterr().err)
    assert f"Die Datenbank hat Stand {PREVIOUS}, erwartet wird Stand {HEAD}" in error
    assert f"ausstehende Migrationen: {HEAD}" in error
    assert "'deliberation init' ausführen" in error
    assert database.current_revision(app.db) == PREVIOUS  # nothing upgraded behind one's back


@pytest.mark.parametrize("process", sorted(STARTS))
def test_a_process_refuses_a_database_newer_than_the_code(
    app: Application, run, process: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _newer(app)

    assert run(*STARTS[process]) == 1

    error = _one_line(capsys.readouterr().err)
    assert "Stand 9999, den dieses Programm nicht kennt" in error
    assert "neuere Version installieren" in error
    assert f"deliberation db downgrade {HEAD}" in error


def test_web_workers_refuse_a_database_with_pending_migrations(app: Application, run) -> None:
    _pending(app)

    with pytest.raises(database.DatabaseError, match="ausstehende Migrationen"):
        serving.app_from_environment()


def test_db_status_lists_pending_migrations_and_says_what_to_run(
    app: Application, run, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("db", "status") == 0
    assert "Die Datenbank ist aktuell." in capsys.readouterr().out

    _pending(app)
    assert run("db", "status") == 1
    out = _one_line(capsys.readouterr().out)
    assert f"Stand der Datenbank: {PREVIOUS}" in out
    assert f"Ausstehende Migrationen (1): {HEAD} " in out
    assert "'deliberation init' ausführen" in out

    assert run("init") == 0
    capsys.readouterr()
    assert run("db", "status") == 0


def test_db_status_of_a_newer_database(app: Application, run, capsys) -> None:
    _newer(app)

    assert run("db", "status") == 1

    assert "den dieses Programm nicht kennt" in _one_line(capsys.readouterr().out)


def test_db_downgrade_asks_for_confirmation_then_goes_back(
    app: Application, run, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("db", "downgrade", PREVIOUS) == 1
    assert "mit --yes bestätigen" in _one_line(capsys.readouterr().err)
    assert database.current_revision(app.db) == HEAD

    assert run("db", "downgrade", PREVIOUS, "--yes") == 0
    assert database.current_revision(app.db) == PREVIOUS

    assert run("db", "downgrade", "0042", "--yes") == 1
    assert '"0042" ist kein Stand dieses Programms' in capsys.readouterr().err


def test_schema_status_for_readiness_checks(app: Application) -> None:
    assert database.schema_status(app.db).problem() is None

    _pending(app)
    state = database.schema_status(app.db)

    assert (state.current, state.head, state.newer) == (PREVIOUS, HEAD, False)
    assert [r.revision for r in state.pending] == [HEAD]
    assert state.problem() is not None
