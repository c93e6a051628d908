"""End-to-end: meetings and consent through ``deliberation meeting …`` and ``consent …``."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from cli_helpers import ok, run
from sqlalchemy import create_engine, text

PEOPLE = (
    "Name;E-Mail;Sprache;Gemeinde;Rollen;Gremien\r\n"
    "Heike Brandes;heike.brandes@example.org;de;Stadt Peine;;Kreistag\r\n"
    "Murat Çelik;murat.celik@example.org;Türkisch;Stadt Peine;Bürger;\r\n"
    "Ingrid Lüders;ingrid.lueders@example.org;de;Edemissen;;Kommission\r\n"
)


def outbox_bodies(folder: Path) -> list[email.message.EmailMessage]:
    engine = create_engine(f"sqlite:///{folder / 'db.sqlite3'}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT body FROM outbox ORDER BY id")).all()
    finally:
        engine.dispose()
    result = []
    for (body,) in rows:
        parsed = email.message_from_bytes(body, policy=policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        result.append(parsed)
    return result


def test_schedule_invite_move_answers_and_cancel_through_the_cli(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    (data_folder / "personen.csv").write_text(PEOPLE, encoding="utf-8-sig")
    ok(capsys, "participant", "import", "personen.csv")

    out = ok(capsys, "consent", "request")
    assert "1 Bitte um Bestätigung" in out
    out = ok(
        capsys,
        "meeting",
        "schedule",
        "Sitzung der Kommission",
        "--at",
        "16.04.2030 18:00",
        "--location",
        "Kreishaus Peine",
        "--capacity",
        "10",
    )
    assert "Termin 1 angelegt: Sitzung der Kommission, Dienstag, 16. April 2030, 18:00" in out

    out = ok(capsys, "meeting", "invite", "1", "--body", "Kreistag", "--body", "kommission")
    assert "2 Einladungen in den Postausgang gelegt" in out
    out = ok(capsys, "meeting", "invite", "1")
    assert "0 Einladungen" in out and "1 Person ohne bestätigte Einwilligung" in out
    assert "2 bereits eingeladen" in out

    out = ok(capsys, "meeting", "move", "1", "--location", "Rathaus Peine")
    assert "2 Aktualisierungen" in out
    out = ok(capsys, "meeting", "answers", "1")
    assert "Rathaus Peine" in out and "Änderungsstand 1" in out and "ohne Antwort 2" in out
    out = ok(capsys, "meeting", "list")
    assert "Sitzung der Kommission" in out and "geplant" in out

    code, _, err = run(capsys, "meeting", "cancel", "1")
    assert code == 1 and "--yes" in err
    out = ok(capsys, "meeting", "cancel", "1", "--yes")
    assert "2 Absagen" in out

    subjects = [m["Subject"] for m in outbox_bodies(data_folder)]
    assert subjects == [
        "Lütfen e-posta adresinizi onaylayın",
        "Einladung: Sitzung der Kommission",
        "Einladung: Sitzung der Kommission",
        "Geänderter Termin: Sitzung der Kommission",
        "Geänderter Termin: Sitzung der Kommission",
        "Abgesagt: Sitzung der Kommission",
        "Abgesagt: Sitzung der Kommission",
    ]


def test_bad_meeting_input_is_a_clear_german_error(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "meeting", "schedule", "X", "--at", "morgen", "--location", "Y")
    assert exit_.value.code == 2
    assert "ist kein Zeitpunkt (TT.MM.JJJJ HH:MM" in capsys.readouterr().err
    ok(capsys, "meeting", "schedule", "X", "--at", "01.02.2030 10:00", "--location", "Y")
    code, _, err = run(capsys, "meeting", "invite", "1", "--body", "Gemeinderat")
    assert code == 1 and 'Das Gremium "Gemeinderat" ist unbekannt' in err
    code, _, err = run(capsys, "meeting", "invite", "1", "--language", "fr")
    assert code == 1 and 'Die Sprache "fr" ist unbekannt' in err
    code, _, err = run(capsys, "meeting", "move", "1", "--at", "01.02.2020 10:00")
    assert code == 1 and "Der Beginn liegt in der Vergangenheit" in err
    code, _, err = run(capsys, "meeting", "move", "7", "--location", "Z")
    assert code == 1 and "Termin 7 gibt es nicht" in err


def test_purge_removes_only_unconfirmed_people_asked_long_enough_ago(
    data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(capsys, "init")
    (data_folder / "personen.csv").write_text(PEOPLE, encoding="utf-8")
    ok(capsys, "participant", "import", "personen.csv")
    ok(capsys, "consent", "request")

    out = ok(capsys, "consent", "purge")
    assert "0 unbestätigte Adressen gelöscht (gefragt vor mehr als 30 Tagen)" in out
    out = ok(capsys, "consent", "purge", "--days", "0")
    assert out.startswith("1 unbestätigte Adresse gelöscht")
    out = ok(capsys, "participant", "list")
    assert "Murat" not in out and "Heike Brandes" in out
