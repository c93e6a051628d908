"""``deliberation status --check``: the readiness checks as exit codes, for cron monitoring.

A real scheduler tick (``scheduler --once``) writes the heartbeat; a stopped scheduler
is one whose heartbeat has aged; pending migrations come from a real downgrade.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from cli_helpers import ok, run
from sqlalchemy import create_engine, update

from deliberation.adapters import database, orm
from deliberation.adapters.mailsink import free_port


@pytest.fixture
def initialised(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    ok(capsys, "init")
    return database_url


def _age_heartbeat(url: str, minutes: int) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            then = datetime.now(UTC) - timedelta(minutes=minutes)
            connection.execute(update(orm.heartbeats).values(beat_at=then))
    finally:
        engine.dispose()


def test_exit_codes_follow_the_scheduler_and_the_migrations(
    initialised: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "status", "--check")
    assert code == 4
    assert "FEHLER scheduler: Terminplaner ist noch nie gelaufen" in out

    ok(capsys, "scheduler", "--once")
    code, out, err = run(capsys, "status", "--check")
    assert code == 0, out + err
    assert [line.split()[0] for line in out.splitlines()] == ["ok"] * 4

    _age_heartbeat(initialised, minutes=10)  # the scheduler stopped ten minutes ago
    code, out, _ = run(capsys, "status", "--check")
    assert code == 4
    assert "FEHLER scheduler: Terminplaner zuletzt vor 600 s aktiv" in out

    engine = database.make_engine(initialised)
    try:
        command.downgrade(database.alembic_config(engine), "-1")
    finally:
        engine.dispose()
    code, out, err = run(capsys, "status", "--check")
    assert code == 3, err
    assert "FEHLER migrations:" in out and "ausstehende Migrationen" in out
    assert "Traceback" not in err


def test_an_unreachable_database_is_exit_code_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    port = free_port()  # nothing listens there
    monkeypatch.setenv(
        "DELIBERATION_DATABASE_URL", f"postgresql+psycopg://deliberation@127.0.0.1:{port}/db"
    )

    code, out, err = run(capsys, "status", "--check")

    assert code == 2, out + err
    assert out.startswith("FEHLER database: Die Datenbank ist nicht erreichbar")
