"""End-to-end: the ``deliberation`` command as staff use it, from a clean data folder."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
from cli_helpers import CONFIG, ok, run

from deliberation.entrypoints.cli.main import main


def test_commands_refuse_to_work_before_init(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "cycle", "list")
    assert code == 1
    assert "deliberation init" in err
    assert "Traceback" not in err


def test_init_creates_the_database_and_is_idempotent(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "Datenbank angelegt" in ok(capsys, "init")
    assert (data_folder / "db.sqlite3").exists()
    out = ok(capsys, "init")
    assert "Datenbank ist aktuell" in out
    assert "7 Gemeinden und 6 Gremien" in out


def test_a_workshop_round_through_the_cli(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    out = ok(capsys, "cycle", "launch", "future_workshop", "--round", "2027")
    assert "7 Zyklen gestartet" in out
    for name in ("Stadt Peine", "Edemissen", "Hohenhameln", "Ilsede", "Lengede", "Vechelde"):
        assert name in out
    # launched by hand, each workshop got a proposed evening at its municipality's venue
    shown = ok(capsys, "cycle", "show", "1")
    [meeting] = re.findall(r"Termin (\d+): .*Rathaus .*\(vorgeschlagen\)", shown)
    code, _, err = run(capsys, "cycle", "advance", "1", "send_invitations")
    assert code == 1
    assert f"Termin {meeting} am" in err and "erst vorgeschlagen" in err
    ok(capsys, "meeting", "confirm", meeting)
    ok(capsys, "cycle", "advance", "1", "send_invitations", "--reason", "Termin steht")
    ok(capsys, "cycle", "advance", "1", "start_needs_collection")

    code, _, err = run(capsys, "cycle", "advance", "1", "start_vision")
    assert code == 1
    assert "Bedarfe" in err and "Traceback" not in err

    out = ok(
        capsys,
        "need",
        "add",
        "1",
        "--text",
        "Sprachkurse am Abend",
        "--topic",
        "sprache",
        "--scope",
        "kreisweit",
    )
    assert "Bedarf 1 in Zyklus 1 erfasst" in out
    ok(capsys, "cycle", "advance", "1", "start_vision")
    ok(capsys, "cycle", "advance", "1", "start_realisation")
    assert "3 Punkte" in ok(capsys, "need", "vote", "1", "--dots", "3")
    ok(capsys, "cycle", "advance", "1", "document")

    shown = ok(capsys, "cycle", "show", "1")
    assert "Dokumentiert" in shown
    assert "Frau Test (Referat)" in shown
    assert "Termin steht" in shown
    assert "an die Konferenz weitergeleitet" in shown
    listed = ok(capsys, "need", "list", "--scope", "kreisweit")
    assert "Sprachkurse am Abend" in listed


def test_an_invalid_trigger_lists_the_allowed_ones(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    ok(capsys, "cycle", "launch", "integration_conference", "--round", "2027")
    code, out, err = run(capsys, "cycle", "advance", "1", "fly_to_the_moon")
    assert code == 1
    assert err.startswith("Fehler: ")
    assert 'Möglich sind: "Tagesordnung aus den kreisweiten Bedarfen bilden".' in err
    assert "build_agenda" not in err
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_unknown_records_and_missing_texts_are_clear_errors(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    code, _, err = run(capsys, "recommendation", "show", "99")
    assert code == 1 and "Empfehlung 99 gibt es nicht (deliberation recommendation list)." in err
    code, _, err = run(
        capsys, "need", "add", "99", "--text", "x", "--topic", "Sprache", "--scope", "lokal"
    )
    assert code == 1 and "Zyklus 99 gibt es nicht (deliberation cycle list zeigt alle)." in err
    code, _, err = run(
        capsys,
        "cycle",
        "launch",
        "future_workshop",
        "--round",
        "2027",
        "--municipality",
        "atlantis",
    )
    assert code == 1 and "atlantis" in err and "wendeburg" in err


def test_a_broken_config_names_the_key_and_touches_nothing(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = data_folder / "config.toml"
    broken.write_text(
        CONFIG.read_text(encoding="utf-8").replace("notice_days = 14", 'notice_days = "zwei"', 1),
        encoding="utf-8",
    )
    code = main(["--config", str(broken), "init"])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(r"bodies\[\d\]\.notice_days", err)
    assert "daten/config.toml" in err
    assert not (data_folder / "db.sqlite3").exists()


def test_workflows_check_and_diagram(data_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ok(capsys, "workflows", "check")
    for name in ("future_workshop", "integration_conference", "working_group", "recommendation"):
        assert name in out
    out = ok(capsys, "workflows", "diagram", "recommendation", "--output", "bild.html")
    assert out.startswith("stateDiagram-v2")
    assert "deferred --> kreistag_agenda" in out
    picture = (data_folder / "bild.html").read_text(encoding="utf-8")
    assert "<svg" in picture and "Vertagt" in picture


def test_help_is_german(data_folder: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deliberation", "cycle", "advance", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert "Aufruf:" in result.stdout
    assert "Optionen" in result.stdout
    assert "einen Zyklus einen Schritt weiterführen" in result.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "deliberation", "cycle", "advance"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "diese Angaben fehlen" in missing.stderr


def test_demo_runs_twice_from_a_clean_folder(data_folder: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "deliberation",
        "--config",
        str(CONFIG),
        "demo",
        "--folder",
        "demo",
    ]
    env = {**os.environ, "COLUMNS": "160"}
    for _ in range(2):
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    assert (data_folder / "demo" / "demo.sqlite3").exists()
    out = result.stdout
    for municipality in ("Stadt Peine", "Wendeburg", "Vechelde"):
        assert municipality in out
    assert "Abgelehnt" in out or "abgelehnt" in out
    # Three accounts for the web application, in the demo database only.
    assert 'Passwort jeweils "demo"' in out
    for account in ("referat", "geschaeftsstelle", "admin"):
        assert re.search(rf"^  {account} +", out, re.M), out

    # The mails went out for real, into the local mail sink; the second run
    # replaced the first run's mails instead of adding to them.
    delivered = re.search(r"✓ (\d+) E-Mails \(Bestätigungen, Einladungen mit", out)
    assert delivered is not None, out
    mails = sorted((data_folder / "demo" / "mails").iterdir())
    assert mails and all(path.suffix == ".eml" for path in mails)
    assert len(mails) == int(delivered.group(1))
    message_ids = set()
    invitations: dict[str, str] = {}
    for path in mails:
        mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert mail["Message-ID"], path
        message_ids.add(mail["Message-ID"])
        types = {part.get_content_type() for part in mail.walk()}
        if "text/calendar" in types:
            assert {"text/plain", "text/html"} <= types
            invitations[mail["To"]] = mail["Subject"]
    assert len(message_ids) == len(mails)
    # Multipart invitations with calendar entries, in the recipients' languages.
    assert invitations["heike.brandes@example.org"].startswith("Einladung: ")
    assert invitations["murat.celik@example.org"].startswith("Davet: ")
    assert invitations["oksana.lysenko@example.org"].startswith("Запрошення: ")
    assert "hamid.karimi@example.org" not in invitations  # never confirmed his consent


def test_demo_refuses_a_mails_folder_with_other_files(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mails = data_folder / "demo" / "mails"
    mails.mkdir(parents=True)
    (mails / "alt.eml").write_bytes(b"Subject: alt\n\n")
    (mails / "notiz.txt").write_text("nicht löschen", encoding="utf-8")
    code, _, err = run(capsys, "demo", "--folder", "demo")
    assert code == 1 and "mails/notiz.txt" in err
    assert (mails / "notiz.txt").exists() and (mails / "alt.eml").exists()


def test_demo_refuses_a_folder_with_other_files(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_folder / "wichtig.txt").write_text("nicht löschen", encoding="utf-8")
    code, _, err = run(capsys, "demo", "--folder", ".")
    assert code == 1 and "wichtig.txt" in err
    assert (data_folder / "wichtig.txt").exists()
