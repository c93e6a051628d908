"""People are corrected, not refused: add, edit, and a re-import that updates by address.

The import preview shows every row with all its problems and writes nothing.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from deliberation.adapters.participant_files import read_participant_file
from deliberation.bootstrap import Application
from deliberation.domain.errors import ConcurrencyConflict, NotFound
from deliberation.service_layer import participants
from deliberation.service_layer.participant_rows import Change, Outcome

HEADER = "Name;E-Mail;Sprache;Gemeinde;Rollen;Gremien"
FIRST = f"""{HEADER}
Anna Schmidt;anna@peine.de;de;Ilsede;Bürgerin;
Jan Becker;jan@landkreis-peine.de;;;Verwaltung;Kommission
"""
#: Anna moved and speaks Turkish at home; Jan joined the Kreistag; a new person; two bad rows
SECOND = f"""{HEADER}
Anna Schmidt;ANNA@peine.de;Türkisch;Stadt Peine;Bürgerin;
Jan Becker;jan@landkreis-peine.de;;;Verwaltung;"Kommission, Kreistag"
Ayşe Yılmaz;ayse@peine.de;tr;Lengede;Verein;
Kaputt;kein-at-zeichen;fr;Hannover;;
;;;;;
Doppelt;ayse@peine.de;de;;;
"""


def rows(tmp_path: Path, text: str) -> list[tuple[int, Mapping[str, str]]]:
    path = tmp_path / "personen.csv"
    path.write_text(text, encoding="utf-8")
    return list(read_participant_file(path))


def directory(app: Application) -> dict[str, participants.ParticipantView]:
    return {v.email: v for v in participants.list_participants(app.deps)}


def test_a_reimport_updates_people_by_address_and_reports_what_changed(
    app: Application, tmp_path: Path
) -> None:
    participants.import_participants(app.deps, rows(tmp_path, FIRST))

    report = participants.import_participants(app.deps, rows(tmp_path, SECOND))

    assert report.imported == 1 and report.unchanged == 0
    assert [(line, email) for line, email, _ in report.updated] == [
        (2, "anna@peine.de"),
        (3, "jan@landkreis-peine.de"),
    ]
    anna_changes, jan_changes = (changes for _l, _e, changes in report.updated)
    assert anna_changes == (
        Change("Sprache", "Deutsch", "Türkisch"),
        Change("Gemeinde", "Ilsede", "Stadt Peine"),
    )
    kommission = "Kommission Migration und Teilhabe"
    assert jan_changes == (Change("Gremien", kommission, f"{kommission}, Kreistag"),)
    assert [line for line, _ in report.rejected] == [5, 7]
    people = directory(app)
    assert (people["anna@peine.de"].language, people["anna@peine.de"].municipality) == (
        "tr",
        "Stadt Peine",
    )
    assert people["jan@landkreis-peine.de"].bodies == ("kommission", "kreistag")


def test_a_file_without_a_column_leaves_that_field_as_it_is(
    app: Application, tmp_path: Path
) -> None:
    participants.import_participants(app.deps, rows(tmp_path, FIRST))

    only_names = "Name;E-Mail\nAnna Schmidt-Peters;anna@peine.de\n"
    report = participants.import_participants(app.deps, rows(tmp_path, only_names))

    assert [changes for _l, _e, changes in report.updated] == [
        (Change("Name", "Anna Schmidt", "Anna Schmidt-Peters"),)
    ]
    anna = directory(app)["anna@peine.de"]
    assert (anna.municipality, anna.roles) == ("Ilsede", ("citizen",))


def test_the_preview_shows_every_row_with_all_its_problems_and_writes_nothing(
    app: Application, tmp_path: Path
) -> None:
    participants.import_participants(app.deps, rows(tmp_path, FIRST))

    preview = participants.preview_import(app.deps, rows(tmp_path, SECOND))

    outcomes = [(row.line, row.outcome) for row in preview.rows]
    assert outcomes == [
        (2, Outcome.UPDATE),
        (3, Outcome.UPDATE),
        (4, Outcome.NEW),
        (5, Outcome.REJECTED),
        (7, Outcome.REJECTED),
    ]
    broken = preview.rows[3]
    assert [field for field, _text in broken.problems] == ["email", "language", "municipality"]
    assert "steht schon in Zeile 4" in preview.rows[4].problems[0][1]
    assert preview.count(Outcome.NEW) == 1
    people = directory(app)
    assert set(people) == {"anna@peine.de", "jan@landkreis-peine.de"}  # nothing written
    assert people["anna@peine.de"].language == "de"


def test_a_person_is_added_and_edited_with_the_import_rules(app: Application) -> None:
    added = participants.add(
        app.deps,
        {
            "name": " Murat  Çelik ",
            "email": "Murat@Example.org",
            "language": "Türkisch",
            "municipality": "Stadt Peine",
            "roles": "Bürger",
        },
    )
    assert (added.name, added.email, added.legal_basis) == (
        "Murat Çelik",
        "murat@example.org",
        "consent",
    )
    with pytest.raises(participants.InvalidPerson) as refused:
        participants.add(app.deps, {"name": "", "email": "murat@example.org", "bodies": "Bund"})
    assert [field for field, _ in refused.value.problems] == ["name", "bodies"]
    with pytest.raises(participants.InvalidPerson, match="bereits im Verzeichnis"):
        participants.add(app.deps, {"name": "Murat", "email": "murat@example.org"})

    report = participants.edit(
        app.deps, "murat@example.org", {"bodies": "Kreistag", "language": "de"}
    )
    assert report.changes == (
        Change("Sprache", "Türkisch", "Deutsch"),
        Change("Gremien", "—", "Kreistag"),
        Change("Rechtsgrundlage", "Einwilligung", "Pflicht (Gremium)"),
    )
    assert directory(app)["murat@example.org"].legal_basis == "duty"


def test_a_new_address_of_someone_invited_by_consent_needs_consent_again(
    app: Application,
) -> None:
    participants.add(app.deps, {"name": "Anna", "email": "anna@peine.de"})
    with app.deps.unit_of_work() as uow:
        anna = uow.participants.participant("anna@peine.de")
        assert anna is not None
        anna.consent_requested_at = anna.consent_confirmed_at = app.deps.clock()
        uow.commit()

    report = participants.edit(app.deps, "anna@peine.de", {"email": "anna.neu@peine.de"})

    assert report.consent_reset and report.changes[0] == Change(
        "E-Mail", "anna@peine.de", "anna.neu@peine.de"
    )
    moved = directory(app)["anna.neu@peine.de"]
    assert moved.consent_confirmed_at is None and moved.consent_requested_at is None
    with pytest.raises(NotFound):
        participants.edit(app.deps, "anna@peine.de", {"name": "Anna Alt"})


def test_an_edit_on_a_stale_form_is_refused_and_changes_nothing(app: Application) -> None:
    participants.add(app.deps, {"name": "Anna", "email": "anna@peine.de"})
    seen = participants.editable_record(app.deps, "anna@peine.de")
    participants.edit(app.deps, "anna@peine.de", {"name": "Anna Schmidt"})

    with pytest.raises(ConcurrencyConflict, match="inzwischen geändert"):
        participants.edit(app.deps, "anna@peine.de", {"language": "en"}, expected=seen)
    assert directory(app)["anna@peine.de"].language == "de"


def test_the_directory_is_searched_by_name_or_address(app: Application) -> None:
    participants.add(app.deps, {"name": "Anna Schmidt", "email": "anna@peine.de"})
    participants.add(app.deps, {"name": "Jan Becker", "email": "jan@schmidt-gmbh.de"})
    participants.add(app.deps, {"name": "Ayşe Yılmaz", "email": "ayse@peine.de"})

    found = participants.list_participants(app.deps, search=" SCHMIDT ")

    assert [v.name for v in found] == ["Anna Schmidt", "Jan Becker"]
    assert participants.list_participants(app.deps, search="yılmaz")[0].email == "ayse@peine.de"
