"""End-to-end: every error a person can cause is one clear German line, never "Interner Fehler"."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

import pytest
from cli_helpers import CONFIG, ok, run
from rich.console import Console

from deliberation.entrypoints.cli import main as cli


def _clear(code: int, err: str, *expected: str) -> None:
    assert code == 1, err
    assert err.startswith("Fehler: ") and err.count("\n") == 1, err
    assert "Interner Fehler" not in err and "Traceback" not in err
    for text in expected:
        assert text in err, err


def _config(folder: Path, old: str, new: str) -> Path:
    text = CONFIG.read_text(encoding="utf-8")
    assert old in text
    path = folder / "config.toml"
    path.write_text(
        text.replace(old, new, 1)
        .replace('workflows = "workflows"', f'workflows = "{CONFIG.parent / "workflows"}"')
        .replace('templates = "templates"', f'templates = "{CONFIG.parent / "templates"}"'),
        encoding="utf-8",
    )
    return path


def test_an_unknown_database_driver(
    data_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", "mysql+foo://x")
    _clear(*run(capsys, "cycle", "list")[::2], "unbekannten Treiber", "mysql+foo")


def test_a_config_that_is_not_utf8_or_is_utf16(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin = data_folder / "latin1.toml"
    latin.write_bytes(CONFIG.read_text(encoding="utf-8").encode("cp1252", "replace"))
    utf16 = data_folder / "utf16.toml"
    utf16.write_bytes(CONFIG.read_text(encoding="utf-8").encode("utf-16"))

    code, _, err = run_with(capsys, latin, "cycle", "list")
    _clear(code, err, "latin1.toml: die Datei ist nicht in UTF-8 gespeichert")
    code, _, err = run_with(capsys, utf16, "cycle", "list")
    _clear(code, err, "utf16.toml: die Datei ist als UTF-16 gespeichert")
    code, _, err = run_with(capsys, data_folder, "cycle", "list")
    _clear(code, err, "ist ein Ordner, keine Datei")


def run_with(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--config", str(config), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_invalid_escalation_address(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # (decided states are declared in the workflow files now: counts_as = ["decided"])
    ok(capsys, "init")
    bad = _config(
        data_folder,
        'escalation_to = "migration-teilhabe@landkreis-peine.de"',
        'escalation_to = "kein at"',
    )
    code, _, err = run_with(capsys, bad, "scheduler", "--once")
    _clear(code, err, "scheduler.escalation_to")


def test_a_number_too_large_is_refused_by_the_argument_parser(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "report", "attendance", "1", "99999999999999999999999")
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "99999999999999999999999 ist zu groß (höchstens 2147483647)" in err
    assert "Interner Fehler" not in err


def test_a_file_where_a_folder_is_wanted_and_the_reverse(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    ok(capsys, "meeting", "add", "kreistag", "--at", "01.02.2030 10:00", "--location", "Peine")
    (data_folder / "datei").write_text("x", encoding="utf-8")
    (data_folder / "ordner").mkdir()
    _clear(*run(capsys, "export", "oparl", "datei")[::2], "ist eine Datei; hier wird ein Ordner")
    _clear(
        *run(capsys, "recommendation", "list", "--csv", "ordner")[::2],
        "ordner ist ein Ordner; hier wird eine Datei erwartet",
    )
    _clear(
        *run(capsys, "recommendation", "list", "--csv", "datei/x.csv")[::2],
        "ein Teil dieses Pfads ist eine Datei",
    )
    _clear(*run(capsys, "demo", "--folder", "datei")[::2], "datei ist eine Datei")


def test_a_port_out_of_range_or_in_use(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "mailsink", "--port", "70000")
    assert exit_.value.code == 2 and "Port 70000 gibt es nicht" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run(capsys, "mailsink", "--host", "127.0.0.1", "--port", str(port))
    _clear(code, err, f"Port {port} auf 127.0.0.1 ist schon belegt")


def test_the_internal_error_message_says_nothing_was_saved_only_if_nothing_was(
    data_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(capsys, "init")

    def fails_after_saving(args: argparse.Namespace, console: Console) -> int:
        # something is committed, then the command fails
        with cli.commands.opened(args) as app_, app_.deps.unit_of_work() as uow:
            uow.commit()
        raise RuntimeError("Ausgabe gescheitert")

    def fails_before_saving(args: argparse.Namespace, console: Console) -> int:
        raise RuntimeError("gleich gescheitert")

    for handler, expected, not_expected in (
        (fails_before_saving, "Es wurde nichts gespeichert.", "Ein Teil"),
        (fails_after_saving, "Ein Teil wurde schon gespeichert", "nichts gespeichert"),
    ):
        monkeypatch.setattr(cli.commands, "status", handler)
        code, _, err = run(capsys, "status")
        assert code == 70
        assert expected in err and not_expected not in err
