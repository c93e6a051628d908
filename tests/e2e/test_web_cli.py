"""``deliberation user …`` and the refusals of ``deliberation web`` before it serves anything."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cli_helpers import ok, run


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the person types at the password prompts, in order."""
    answers: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers.pop(0))
    return answers


def test_accounts_are_added_listed_disabled_and_get_new_passwords(
    data_folder: Path, capsys: pytest.CaptureFixture[str], typed: list[str]
) -> None:
    ok(capsys, "init")
    typed += ["erstes-passwort", "erstes-passwort"]
    out = ok(capsys, "user", "add", "M.Mueller", "--role", "referat")
    assert 'Zugang "m.mueller" mit der Rolle „Referat“ angelegt.' in out
    assert not typed  # asked twice

    typed += ["zweites-passwort", "anders-vertippt"]
    code, _, err = run(capsys, "user", "password", "m.mueller")
    assert code == 1 and "stimmen nicht überein" in err

    typed += ["zweites-passwort", "zweites-passwort"]
    assert "Passwort von" in ok(capsys, "user", "password", "m.mueller")
    ok(capsys, "user", "disable", "m.mueller")
    out = ok(capsys, "user", "list")
    assert "m.mueller" in out and "Referat" in out and "gesperrt" in out


def test_a_bad_account_gets_a_german_line_and_nothing_is_stored(
    data_folder: Path, capsys: pytest.CaptureFixture[str], typed: list[str]
) -> None:
    ok(capsys, "init")
    typed += ["kurz", "kurz"]
    code, _, err = run(capsys, "user", "add", "neu", "--role", "admin")
    assert code == 1 and "mindestens 8 Zeichen" in err
    typed += ["lang-genug-1", "lang-genug-1"]
    code, _, err = run(capsys, "user", "add", "mit leerzeichen", "--role", "admin")
    assert code == 1 and "taugt nicht als Anmeldename" in err
    typed += ["lang-genug-1", "lang-genug-1"]
    ok(capsys, "user", "add", "neu", "--role", "admin")
    typed += ["lang-genug-1", "lang-genug-1"]
    code, _, err = run(capsys, "user", "add", "NEU", "--role", "admin")
    assert code == 1 and "gibt es schon" in err
    code, _, err = run(capsys, "user", "disable", "niemand")
    assert code == 1 and 'Den Zugang "niemand" gibt es nicht' in err
    assert "Traceback" not in err


def test_the_password_is_never_an_argument(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run(capsys, "user", "add", "neu", "--role", "admin", "--password", "geheim")


def test_web_refuses_a_port_out_of_range_in_german(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "web", "--port", "70000")
    assert exit_.value.code == 2
    assert "Port 70000 gibt es nicht (1 bis 65535)" in capsys.readouterr().err


def test_web_and_serve_refuse_a_port_in_use_with_one_german_line(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for command in ("web", "serve"):
            code, _, err = run(capsys, command, "--port", port)
            assert code == 1
            assert f"Port {port} auf 127.0.0.1 ist schon belegt" in err
            assert "Traceback" not in err
