"""Which pg_dump a backup uses: one at least as new as the server, else a German error
naming the package (fake client programs in a temporary folder stand in for Debian's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberation.adapters import backups
from deliberation.adapters.database import DatabaseError
from deliberation.adapters.retention_store import headers_only


def _fake_program(folder: Path, version: int, name: str = "pg_dump") -> Path:
    program = folder / str(version) / "bin" / name
    program.parent.mkdir(parents=True)
    program.write_text(
        f"#!/bin/sh\necho '{name} (PostgreSQL) {version}.3 (Debian {version}.3-1)'\n"
    )
    program.chmod(0o755)
    return program


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(backups, "DEBIAN_PG_BIN", tmp_path)
    monkeypatch.setattr(backups.shutil, "which", lambda _name: None)
    return tmp_path


def test_the_program_of_the_servers_version_is_preferred(installed: Path) -> None:
    _fake_program(installed, 13)
    wanted = _fake_program(installed, 15)
    _fake_program(installed, 16)

    assert backups.client_program("pg_dump", 15) == wanted


def test_a_newer_program_serves_an_older_server(installed: Path) -> None:
    newer = _fake_program(installed, 16)

    assert backups.client_program("pg_dump", 14) == newer


def test_a_program_older_than_the_server_is_refused_with_the_package(installed: Path) -> None:
    _fake_program(installed, 13)

    with pytest.raises(DatabaseError) as refused:
        backups.client_program("pg_dump", 15)

    message = str(refused.value)
    assert "pg_dump hat Version 13, der Server PostgreSQL 15" in message
    assert "postgresql-client-15" in message


def test_a_missing_program_is_named_with_the_package(installed: Path) -> None:
    with pytest.raises(DatabaseError, match=r"pg_restore fehlt.*postgresql-client-16"):
        backups.client_program("pg_restore", 16)


def test_headers_only_keeps_the_header_block() -> None:
    message = b"Subject: Einladung\r\nTo: a@example.org\r\n\r\nHallo Ay\xc5\x9fe,\r\n..."

    assert headers_only(message) == b"Subject: Einladung\r\nTo: a@example.org\r\n\r\n"
    assert headers_only(b"Subject: x\n\nText") == b"Subject: x\n\n"
