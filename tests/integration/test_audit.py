"""Every change is in the one append-only log, on SQLite and PostgreSQL; and the DSGVO export
and deletion cover everything a person left."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deliberation.bootstrap import Application
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import Audience, Response
from deliberation.domain.scheduling import DueKind, DueStatus, due_item
from deliberation.service_layer import (
    audit,
    body_meetings,
    consent,
    due_work,
    meetings,
    participants,
)
from deliberation.service_layer.audit import LogFilter
from deliberation.service_layer.messages import (
    CONFIRM,
    RSVP,
    UNSUBSCRIBE,
    answer_token,
    person_token,
)

STAFF = "Frau Schulz (Referat)"
STARTS = datetime(2026, 4, 16, 16, 0, tzinfo=UTC)
AYSE = "ayse.demir@example.org"


def _people(app: Application) -> None:
    rows = [
        (
            2,
            {
                "name": "Ayşe Demir",
                "email": AYSE,
                "municipality": "Stadt Peine",
                "roles": "Bürgerin",
                "bodies": "",
                "language": "tr",
            },
        ),
        (
            3,
            {
                "name": "Jan Becker",
                "email": "jan@example.org",
                "municipality": "Ilsede",
                "roles": "",
                "bodies": "Kommission",
                "language": "",
            },
        ),
    ]
    report = participants.import_participants(app.deps, rows, STAFF, source="personen.csv")
    assert report.imported == 2


def _person_id(app: Application, address: str) -> int:
    with app.deps.unit_of_work() as uow:
        person = uow.participants.participant(address)
        assert person is not None and person.id is not None
        return person.id


def _token(app: Application, address: str, purpose: str, meeting: int | None = None) -> str:
    with app.deps.unit_of_work() as uow:
        person = uow.participants.participant(address)
        assert person is not None
        payload = answer_token(person, meeting) if meeting else person_token(person)
        return app.mailing().links.url(purpose, payload).rpartition("/")[2]


def _changes(app: Application, **where: Any) -> list[tuple[str, str, str, str, str]]:
    """(actor, subject, what, before, after) of the log, as ``deliberation log`` shows it."""
    rows = audit.entries(app.deps, LogFilter(**where))
    return [(r.actor, r.subject, r.what, r.before, r.after) for r in rows]


def test_meeting_changes_answers_consent_imports_and_deletions_write_audit_rows(
    app: Application, clock: Any
) -> None:
    _people(app)
    ayse = _person_id(app, AYSE)
    mailing = app.mailing()
    consent.request_confirmations(app.deps, mailing)
    consent.confirm(app.deps, mailing, _token(app, AYSE, CONFIRM))
    plan = meetings.MeetingPlan("Sitzung der Kommission", STARTS, "Kreishaus Peine")
    meeting = meetings.schedule(app.deps, plan, "landkreis-peine.de", actor=STAFF)
    meetings.invite(app.deps, mailing, meeting, Audience())
    meetings.move(app.deps, mailing, meeting, STARTS + timedelta(days=7), actor=STAFF)
    meetings.respond(app.deps, mailing, _token(app, AYSE, RSVP, meeting), Response.YES)
    consent.withdraw(app.deps, mailing, _token(app, AYSE, UNSUBSCRIBE))
    meetings.cancel(app.deps, mailing, meeting, "Herr Öztürk")

    assert _changes(app, subject_kind="meeting", subject_id=meeting) == [
        (STAFF, f"Sitzung {meeting}", "Termin angesetzt", "", "16.04.2026 18:00, Kreishaus Peine"),
        (
            STAFF,
            f"Sitzung {meeting}",
            "Termin verlegt",
            "16.04.2026 18:00, Kreishaus Peine",
            "23.04.2026 18:00, Kreishaus Peine",
        ),
        (
            "eingeladene Person (Antwortlink)",
            f"Sitzung {meeting}",
            "Antwort auf Einladung",
            "keine Antwort",
            "Zusage",
        ),
        ("Herr Öztürk", f"Sitzung {meeting}", "Termin abgesagt", "geplant", "abgesagt"),
    ]
    about_ayse = [what for _, _, what, _, _ in _changes(app, person_id=ayse)]
    assert about_ayse == [
        "Personen importiert",
        "Einwilligung angefragt",
        "Einwilligung bestätigt",
        "Antwort auf Einladung",
        "Einwilligung widerrufen (Abmeldung)",
    ]
    [imported] = _changes(app, subject_kind="import")
    assert imported[0] == STAFF and imported[4] == "2 übernommen, 0 aktualisiert, 0 abgelehnt"
    # a re-import that changes her language is logged as a change, without the values
    again = [(2, {"name": "Ayşe Demir", "email": AYSE, "language": "de"})]
    assert participants.import_participants(app.deps, again, STAFF).updated
    [changed] = _changes(app, person_id=ayse)[-1:]
    assert changed[2] == "Personen importiert" and changed[4].startswith("geändert: ")
    assert "tr" not in changed[4].split(": ", 1)[1].split(", ")

    participants.delete(app.deps, AYSE, STAFF)
    [deleted] = _changes(app, subject_kind="participant", subject_id=ayse, actor="schulz")[-1:]
    assert deleted == (STAFF, f"Person {ayse}", "Person gelöscht", "", "")
    # nothing in the log names the deleted person: she is an id that leads to no one now
    everything = json.dumps(
        [list(r) for r in _changes(app)]
        + [[e.reason for e in audit.entries(app.deps, LogFilter())]],
        ensure_ascii=False,
    )
    assert "Ayşe" not in everything and AYSE not in everything
    assert len(_changes(app, person_id=ayse)) == 7  # the rows stay (append-only), pseudonymous


def test_the_log_filters_by_subject_actor_and_period(app: Application, clock: Any) -> None:
    first = body_meetings.add(app.deps, "kommission", STARTS, "Kreishaus Peine", actor=STAFF)
    clock.advance(timedelta(days=3))
    second = body_meetings.add(
        app.deps, "kreistag", STARTS + timedelta(days=30), "Kreishaus Peine", actor="Herr Öztürk"
    )
    meetings.confirm(app.deps, first.id, STAFF)

    assert [s for _, s, _, _, _ in _changes(app, actor="öztürk")] == [f"Sitzung {second.id}"]
    day = clock().date()
    assert len(_changes(app, since=day, until=day)) == 2  # the second meeting and the confirmation
    assert len(_changes(app, until=day - timedelta(days=1))) == 1
    assert audit.parse_subject("Sitzung 14") == ("meeting", 14)
    assert audit.parse_subject("recommendation:3") == ("recommendation", 3)
    with pytest.raises(DeliberationError, match="kein Gegenstand des Protokolls"):
        audit.parse_subject("Sitzung vierzehn")
    with pytest.raises(DeliberationError, match="Zeitraum ist leer"):
        audit.entries(app.deps, LogFilter(since=day, until=day - timedelta(days=2)))


def test_audit_rows_are_append_only_like_the_transition_log(app: Application) -> None:
    body_meetings.add(app.deps, "kommission", STARTS, "Kreishaus Peine", actor=STAFF)
    with pytest.raises(DBAPIError, match="append-only"), app.db.begin() as connection:
        connection.execute(text("UPDATE transition_log SET actor = 'jemand anderes'"))
    with pytest.raises(DBAPIError, match="append-only"), app.db.begin() as connection:
        connection.execute(text("DELETE FROM transition_log"))


def test_the_dsgvo_export_and_deletion_cover_everything_a_person_left(
    app: Application, walker: Any
) -> None:
    _people(app)
    mailing = app.mailing()
    meeting = meetings.schedule(
        app.deps,
        meetings.MeetingPlan("Sitzung der Kommission", STARTS, "Kreishaus Peine"),
        "landkreis-peine.de",
        actor=STAFF,
    )
    meetings.invite(app.deps, mailing, meeting, Audience(bodies=frozenset({"kommission"})))
    meetings.respond(app.deps, mailing, _token(app, "jan@example.org", RSVP, meeting), Response.NO)
    walker.walk()  # a conference whose working group has "Jan Becker / VHS Peine" as a member

    export = participants.export(app.deps, "jan@example.org")

    assert export["name"] == "Jan Becker"
    [invitation] = export["invitations"]
    assert (invitation["title"], invitation["location"], invitation["response"]) == (
        "Sitzung der Kommission",
        "Kreishaus Peine",
        "Absage",
    )
    assert invitation["responded_at"] is not None
    [membership] = export["working_groups"]
    assert (membership["name"], membership["organisation"]) == ("AG Sprachkurse", "VHS Peine")
    [mail] = export["mails"]
    assert mail["subject"] == "Einladung: Sitzung der Kommission" and mail["created_at"]
    changes = [row["change"] for row in export["log"]]
    assert changes == ["Personen importiert", "Antwort auf Einladung"]

    participants.delete(app.deps, "jan@example.org", STAFF)

    with app.deps.unit_of_work() as uow:
        assert uow.participants.participant("jan@example.org") is None
        assert uow.meetings.invitations(meeting_id=meeting) == []
        assert uow.outbox.mail_history("jan@example.org") == []
        [group] = uow.groups.working_groups()
        members = sorted((m.name, m.organisation) for m in group.members)
        recommendations = uow.recommendations.recommendations()
    # the group, its recommendation and the other member stay; Jan's name is gone
    assert members == [
        ("(gelöschte Person)", "VHS Peine"),
        ("Ayşe Yılmaz", "Migrantenorganisation"),
    ]
    assert len(recommendations) == 1
    with pytest.raises(DeliberationError):
        participants.export(app.deps, "jan@example.org")


def test_scheduler_status_lists_what_ran_late_or_failed_and_why(app: Application) -> None:
    now = app.deps.clock()
    berlin = ZoneInfo("Europe/Berlin")
    items = [
        due_item("ok", DueKind.PLAN, ("calendar", 0), date(2026, 3, 1), now.time(), berlin, now),
        due_item("late", DueKind.PLAN, ("calendar", 0), date(2026, 2, 1), now.time(), berlin, now),
        due_item(
            "broken", DueKind.PLAN, ("calendar", 0), date(2026, 1, 1), now.time(), berlin, now
        ),
    ]
    items[1].status, items[1].late, items[1].note = DueStatus.DONE, True, "3 Sitzungen"
    items[2].status, items[2].note = DueStatus.FAILED, "Datenbank nicht erreichbar"
    items[0].status = DueStatus.DONE
    with app.deps.unit_of_work() as uow:
        uow.due_work.add_due_work(items)
        uow.commit()

    troubles = due_work.troubles(app.deps)

    assert [(v.key, v.status, v.late, v.note) for v in troubles] == [
        ("late", "done", True, "3 Sitzungen"),
        ("broken", "failed", False, "Datenbank nicht erreichbar"),
    ]
