"""The participant registry on SQLite and PostgreSQL: import, list, export, delete."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from deliberation.adapters import orm
from deliberation.adapters.participant_files import read_participant_file
from deliberation.adapters.repository import SqlRepository
from deliberation.bootstrap import Application
from deliberation.domain.errors import NotFound
from deliberation.service_layer import participants

HEADER = "Name;E-Mail;Sprache;Gemeinde;Rollen;Gremien"
GOOD_AND_BAD = f"""{HEADER}
Anna Schmidt;Anna.Schmidt@Peine.de;de;Ilsede;Bürgerin;
Jan Becker;jan.becker@landkreis-peine.de;;;Verwaltung;"Kreistag, Kommission"
Kaputt;kein-at-zeichen;de;;;

Doppelt;ANNA.SCHMIDT@peine.de;de;;;
Ohne Ort;ort@peine.de;de;Hannover;;
Fremd;fremd@peine.de;fr;;;
Ayşe Yılmaz;ayse@peine.de;tr;Stadt Peine;Verein;Planungsteam
"""


def rows(tmp_path: Path, text: str) -> list[tuple[int, Mapping[str, str]]]:
    path = tmp_path / "personen.csv"
    path.write_text(text, encoding="utf-8")
    return list(read_participant_file(path))


def count(app: Application) -> int:
    with app.db.connect() as connection:
        query = select(func.count()).select_from(orm.participants)
        return int(connection.execute(query).scalar_one())


def test_good_rows_are_imported_and_bad_rows_reported_with_line_and_reason(
    app: Application, tmp_path: Path
) -> None:
    report = participants.import_participants(app.deps, rows(tmp_path, GOOD_AND_BAD))

    assert report.imported == 3
    assert [line for line, _reason in report.rejected] == [4, 6, 7, 8]
    reasons = dict(report.rejected)
    assert "ungültig" in reasons[4]
    assert "steht schon in Zeile 2" in reasons[6]
    assert 'Gemeinde "Hannover" ist unbekannt' in reasons[7]
    assert 'Sprache "fr" ist unbekannt' in reasons[8]
    listed = {v.email: v for v in participants.list_participants(app.deps)}
    assert set(listed) == {
        "anna.schmidt@peine.de",
        "jan.becker@landkreis-peine.de",
        "ayse@peine.de",
    }
    assert listed["jan.becker@landkreis-peine.de"].legal_basis == "duty"
    assert listed["ayse@peine.de"].legal_basis == "consent"
    assert listed["ayse@peine.de"].municipality == "Stadt Peine"


def test_reimporting_the_same_file_adds_nothing_and_changes_nothing(
    app: Application, tmp_path: Path
) -> None:
    participants.import_participants(app.deps, rows(tmp_path, GOOD_AND_BAD))

    again = participants.import_participants(app.deps, rows(tmp_path, GOOD_AND_BAD))

    assert (again.imported, again.unchanged, again.updated) == (0, 3, ())
    assert count(app) == 3
    assert [line for line, _reason in again.rejected] == [4, 6, 7, 8]


def test_listing_filters_by_municipality_and_role(app: Application, tmp_path: Path) -> None:
    participants.import_participants(app.deps, rows(tmp_path, GOOD_AND_BAD))

    in_ilsede = participants.list_participants(app.deps, municipality="Ilsede")
    staff = participants.list_participants(app.deps, role="Verwaltung")

    assert [v.name for v in in_ilsede] == ["Anna Schmidt"]
    assert [v.name for v in staff] == ["Jan Becker"]
    assert participants.list_participants(app.deps, role="association")[0].name == "Ayşe Yılmaz"


def test_export_contains_everything_stored_about_the_person(
    app: Application, tmp_path: Path
) -> None:
    participants.import_participants(app.deps, rows(tmp_path, GOOD_AND_BAD))

    data = participants.export(app.deps, "Jan.Becker@Landkreis-Peine.de")

    assert json.loads(json.dumps(data)) == data
    assert data == {
        "name": "Jan Becker",
        "email": "jan.becker@landkreis-peine.de",
        "language": "de",
        "municipality": None,
        "roles": ["administration"],
        "bodies": ["kommission", "kreistag"],
        "legal_basis": "duty",
        "consent_requested_at": None,
        "publication_consent_at": None,
        "consent_confirmed_at": None,
        "created_at": app.deps.clock().isoformat(),
        "consent_withdrawn_at": None,
        "invitations": [],
        "working_groups": [],
        "mails": [],
        "dot_votes": [],
        "log": [
            {
                "at": app.deps.clock().isoformat(),
                "actor": "unbekannt",
                "subject": data["log"][0]["subject"],
                "change": "Personen importiert",
                "before": "",
                "after": "ins Verzeichnis übernommen",
                "reason": "",
            }
        ],
    }


def test_delete_removes_the_person_and_keeps_the_rest(
    app: Application, tmp_path: Path, walker
) -> None:
    walker.launch_workshops(("ilsede",))
    participants.import_participants(app.deps, rows(tmp_path, GOOD_AND_BAD))

    assert participants.delete(app.deps, "anna.schmidt@peine.de") == "Anna Schmidt"

    assert count(app) == 2
    with pytest.raises(NotFound):
        participants.export(app.deps, "anna.schmidt@peine.de")
    with app.db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(orm.transition_log)).scalar()


def test_nothing_is_half_written_when_the_database_fails_mid_import(
    app: Application, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_add = SqlRepository.add
    calls = []

    def failing_add(self: SqlRepository, item: object) -> None:
        calls.append(item)
        if len(calls) == 3:
            raise RuntimeError("Datenbank weg")
        real_add(self, item)
        self.session.flush()

    monkeypatch.setattr(SqlRepository, "add", failing_add)

    with pytest.raises(RuntimeError, match="Datenbank weg"):
        participants.import_participants(app.deps, rows(tmp_path, GOOD_AND_BAD))

    assert len(calls) == 3
    assert count(app) == 0


def test_the_database_refuses_a_second_row_with_the_same_email(app: Application) -> None:
    with app.db.begin() as connection:
        participant = {
            "name": "A",
            "email": "a@peine.de",
            "language": "de",
            "roles": frozenset(),
            "body_keys": frozenset(),
            "legal_basis": "consent",
            "created_at": app.deps.clock(),
        }
        connection.execute(orm.participants.insert().values(participant))
    with pytest.raises(IntegrityError), app.db.begin() as connection:
        connection.execute(orm.participants.insert().values(participant))
