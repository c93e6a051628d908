"""Reading participant lists as staff export them from Excel, and checking one record."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from deliberation.adapters.participant_files import UnreadableFile, read_participant_file
from deliberation.domain.participants import (
    Directory,
    LegalBasis,
    Participant,
    Rejection,
    participant_from_record,
)
from deliberation.service_layer.participant_rows import normalise_email

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GERMAN_HEADER = "Name;E-Mail;Sprache;Gemeinde;Rollen;Gremien"


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "personen.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_semicolon_csv_with_german_headers_is_read_by_field_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{GERMAN_HEADER}\nAnna Schmidt;anna@peine.de;de;Ilsede;Bürger;\n"
        'Jan Becker;jan@peine.de;en;;Verwaltung;"Kreistag, Kommission"\n',
    )

    rows = read_participant_file(path)

    assert rows == [
        (
            2,
            {
                "name": "Anna Schmidt",
                "email": "anna@peine.de",
                "language": "de",
                "municipality": "Ilsede",
                "roles": "Bürger",
                "bodies": "",
            },
        ),
        (
            3,
            {
                "name": "Jan Becker",
                "email": "jan@peine.de",
                "language": "en",
                "municipality": "",
                "roles": "Verwaltung",
                "bodies": "Kreistag, Kommission",
            },
        ),
    ]


def test_comma_csv_with_english_headers_and_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffName,Email,Language\r\nAyşe Yılmaz,ayse@peine.de,tr\r\n")

    assert read_participant_file(path) == [
        (2, {"name": "Ayşe Yılmaz", "email": "ayse@peine.de", "language": "tr"})
    ]


def test_windows_1252_umlauts_are_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, f"{GERMAN_HEADER}\nJürgen Müller;jm@peine.de;de;Lengede;;\n", "cp1252")

    [(_line, record)] = read_participant_file(path)

    assert record["name"] == "Jürgen Müller"


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path, f"{GERMAN_HEADER}\n\nA;a@peine.de;;;;\n;;;;;\n\nB;b@peine.de;;;;\n")

    assert [line for line, _record in read_participant_file(path)] == [3, 6]


def test_xlsx_first_sheet_is_read_with_row_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "E-Mail", "Sprache", "Gemeinde", "Rollen", "Gremien", "Telefon"])
    sheet.append(["Olena Kovalenko", "olena@peine.de", "uk", "Vechelde", "AG-Mitglied", None, 5171])
    sheet.append([None, None, None, None, None, None, None])
    sheet.append(["Karim Haddad", "karim@peine.de", "ar", None, None, "kommission", None])
    path = tmp_path / "personen.xlsx"
    book.save(path)

    rows = read_participant_file(path)

    assert [line for line, _ in rows] == [2, 4]
    assert rows[0][1]["municipality"] == "Vechelde"
    assert rows[1][1] == {
        "name": "Karim Haddad",
        "email": "karim@peine.de",
        "language": "ar",
        "municipality": "",
        "roles": "",
        "bodies": "kommission",
    }


def test_first_and_last_name_columns_make_the_name(tmp_path: Path) -> None:
    path = write(tmp_path, "Vorname;Nachname;E-Mail\nAnna;Schmidt;a@peine.de\n")

    assert read_participant_file(path) == [(2, {"name": "Anna Schmidt", "email": "a@peine.de"})]


def test_a_file_without_an_email_column_is_refused_as_a_whole(tmp_path: Path) -> None:
    path = write(tmp_path, "Name;Telefon\nAnna;0511\n")

    with pytest.raises(UnreadableFile, match="E-Mail"):
        read_participant_file(path)


def test_a_broken_xlsx_is_refused_with_a_readable_message(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04 nothing else")

    with pytest.raises(UnreadableFile, match="keine lesbare Excel-Datei"):
        read_participant_file(path)


# --- checking one record ------------------------------------------------------------------

DIRECTORY = Directory(
    municipalities={"ilsede": "ilsede", "stadt peine": "stadt-peine", "stadt-peine": "stadt-peine"},
    bodies={
        "kreistag": ("kreistag", "council"),
        "kommission": ("kommission", "commission"),
        "planungsteam": ("planungsteam", "team"),
    },
    normalise_email=normalise_email,
)


def check(**record: str) -> Participant | Rejection:
    return participant_from_record({"name": "Anna Schmidt", **record}, DIRECTORY, NOW)


def test_a_good_record_becomes_a_participant_with_normalised_email() -> None:
    result = check(
        email=" Anna.Schmidt@Peine.DE ",
        language="Türkisch",
        municipality="Stadt Peine",
        roles="Bürgerin; Verein",
    )

    assert isinstance(result, Participant)
    assert result.email == "anna.schmidt@peine.de"
    assert (result.language, result.municipality_key) == ("tr", "stadt-peine")
    assert result.roles == {"citizen", "association"}
    assert result.legal_basis == LegalBasis.CONSENT
    assert result.consent_requested_at is None and result.consent_confirmed_at is None


def test_members_of_statutory_bodies_are_invited_by_duty() -> None:
    duty = check(email="a@peine.de", bodies="Kreistag, planungsteam")
    team_only = check(email="a@peine.de", bodies="planungsteam")

    assert isinstance(duty, Participant) and isinstance(team_only, Participant)
    assert duty.legal_basis == LegalBasis.DUTY
    assert duty.body_keys == {"kreistag", "planungsteam"}
    assert team_only.legal_basis == LegalBasis.CONSENT


def test_an_empty_language_means_german() -> None:
    result = check(email="a@peine.de", language="")

    assert isinstance(result, Participant) and result.language == "de"


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"email": "kein-at-zeichen"}, 'E-Mail-Adresse "kein-at-zeichen" ist ungültig'),
        ({"email": ""}, "E-Mail-Adresse fehlt"),
        ({"email": "a@peine.de", "name": " "}, "Name fehlt"),
        ({"email": "a@peine.de", "language": "fr"}, 'Sprache "fr" ist unbekannt'),
        ({"email": "a@peine.de", "municipality": "Hannover"}, 'Gemeinde "Hannover" ist unbekannt'),
        ({"email": "a@peine.de", "roles": "Chef"}, 'Rolle "Chef" ist unbekannt'),
        ({"email": "a@peine.de", "bodies": "Bundestag"}, 'Gremium "Bundestag" ist unbekannt'),
    ],
)
def test_a_bad_record_is_rejected_with_a_german_reason(record: dict[str, str], reason: str) -> None:
    result = check(**record)

    assert isinstance(result, Rejection)
    assert reason in result.reason
