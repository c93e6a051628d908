"""Pending notifications become outbox messages, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import email
import shutil
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from deliberation.adapters.templates import TemplateCatalog
from deliberation.bootstrap import Application
from deliberation.domain.errors import TemplateRenderError
from deliberation.domain.model import NotificationStatus
from deliberation.domain.outbox import OutboxMessage
from deliberation.service_layer import meetings, participants
from deliberation.service_layer.notifications import render_pending

SENDER = "migration-teilhabe@landkreis-peine.de"
PEOPLE = [
    # name, email, municipality, roles, bodies
    ("Heike Brandes", "heike.brandes@example.org", "Stadt Peine", "", "Kreistag"),
    ("Murat Çelik", "murat.celik@example.org", "Stadt Peine", "Bürger", ""),
    ("Nina Unbestätigt", "nina@example.org", "Stadt Peine", "Bürgerin", ""),
    ("Ingrid Lüders", "ingrid.lueders@example.org", "Edemissen", "", "Kommission"),
    ("Susanne Kleine", "susanne.kleine@example.org", "", "Verwaltung", "Koordinierungsstab"),
]
CONFIRMED = {"murat.celik@example.org"}


def register(app: Application) -> None:
    rows = [
        (line, {"name": n, "email": e, "municipality": m, "roles": r, "bodies": b})
        for line, (n, e, m, r, b) in enumerate(PEOPLE, start=2)
    ]
    assert participants.import_participants(app.deps, rows).imported == len(PEOPLE)
    with app.deps.unit_of_work() as uow:
        for email_ in CONFIRMED:
            person = uow.participants.participant(email_)
            assert person is not None
            person.consent_requested_at = person.consent_confirmed_at = app.deps.clock()
        uow.commit()


def invite(walker: Any) -> None:
    """Invitations sent for the workshops of Stadt Peine and Edemissen and the conference."""
    walker.launch_workshops()
    walker.run_workshop("stadt-peine")
    walker.run_workshop("edemissen")
    walker.launch_conference()
    walker.hold_conference()


def outbox(app: Application) -> list[OutboxMessage]:
    with app.deps.unit_of_work() as uow:
        # plain copies: the unit of work expires what it loaded when it rolls back
        return [dataclasses.replace(m) for m in uow.outbox.outbox_messages()]


def statuses(app: Application) -> list[str]:
    with app.deps.unit_of_work() as uow:
        return [n.status for n in uow.outbox.notifications()]


def parsed(message: OutboxMessage) -> EmailMessage:
    result = email.message_from_bytes(message.body, policy=policy.default)
    assert isinstance(result, EmailMessage)
    return result


def test_pending_invitations_become_one_message_per_eligible_recipient(
    app: Application, walker: Any
) -> None:
    register(app)
    invite(walker)
    assert statuses(app) == ["pending"] * 3

    queued = render_pending(app.deps, app.mailing())

    # Stadt Peine: Brandes (duty), Çelik (confirmed); Nina's consent is unconfirmed.
    # Edemissen: Lüders. Conference: everyone but Nina.
    by_subject: dict[str, set[str]] = {}
    for message in outbox(app):
        by_subject.setdefault(message.subject, set()).add(message.recipient)
    assert by_subject == {
        "Einladung: Zukunftswerkstatt Stadt Peine 2026": {
            "heike.brandes@example.org",
            "murat.celik@example.org",
        },
        "Einladung: Zukunftswerkstatt Edemissen 2026": {"ingrid.lueders@example.org"},
        "Einladung: Integrationskonferenz 2026": {
            "heike.brandes@example.org",
            "murat.celik@example.org",
            "ingrid.lueders@example.org",
            "susanne.kleine@example.org",
        },
    }
    assert queued == 7
    assert statuses(app) == [NotificationStatus.RENDERED] * 3

    messages = outbox(app)
    assert len({m.message_id for m in messages}) == 7
    conference = next(m for m in messages if "Integrationskonferenz" in m.subject)
    mail = parsed(conference)
    assert mail["Message-ID"] == conference.message_id
    assert mail["From"] == SENDER
    # every invitation says when and where, and carries its calendar entry
    text = mail.get_body(preferencelist=("plain",))
    assert text is not None
    body = text.get_content().replace("\r\n", "\n")
    assert "Guten Tag " in body
    assert "Datum: " in body and "Uhrzeit: " in body
    assert "Ort: Forum Peine, Werderstraße 22, 31224 Peine" in body
    types = [part.get_content_type() for part in mail.walk()]
    assert "text/calendar" in types

    assert render_pending(app.deps, app.mailing()) == 0
    assert len(outbox(app)) == 7


def test_a_template_that_cannot_be_rendered_queues_nothing(
    app: Application, walker: Any, tmp_path: Path, repo_root: Path
) -> None:
    register(app)
    invite(walker)
    # The workshop invitations render (and are queued in the session) before the
    # conference's template fails: all of it must be rolled back.
    shutil.copytree(repo_root / "templates", tmp_path, dirs_exist_ok=True)
    (tmp_path / "invitation" / "meeting.txt.j2").write_text(
        "Einladung: {{ meeting.title }}\n\n"
        "{% if 'konferenz' in meeting.title %}{{ meeting.no_such_field.name }}{% endif %}\n",
        encoding="utf-8",
    )
    broken = TemplateCatalog(tmp_path)

    failing = r"invitation/meeting\.txt\.j2"
    with pytest.raises(TemplateRenderError, match=failing):
        render_pending(app.deps, dataclasses.replace(app.mailing(), renderer=broken))

    assert outbox(app) == []
    assert statuses(app) == ["pending"] * 3
    assert render_pending(app.deps, app.mailing()) == 7


def test_a_missing_template_is_reported_and_nothing_is_queued(
    app: Application, walker: Any, tmp_path: Path
) -> None:
    register(app)
    invite(walker)

    with pytest.raises(TemplateRenderError, match="fehlt"):
        render_pending(
            app.deps, dataclasses.replace(app.mailing(), renderer=TemplateCatalog(tmp_path))
        )

    assert outbox(app) == []
    assert statuses(app) == ["pending"] * 3


def test_without_pending_notifications_nothing_is_queued(app: Application) -> None:
    register(app)
    assert render_pending(app.deps, app.mailing()) == 0
    assert outbox(app) == []


def test_a_cycle_with_a_meeting_invites_its_audience_to_the_meeting(
    app: Application, walker: Any
) -> None:
    register(app)
    walker.launch_workshops(("edemissen",))
    workshop = walker.record.workshops["edemissen"]
    plan = meetings.MeetingPlan(
        "Zukunftswerkstatt Edemissen",
        datetime(2026, 4, 20, 16, 0, tzinfo=UTC),
        "Dorfgemeinschaftshaus Edemissen",
        cycle_id=workshop,
    )
    meeting_id = meetings.schedule(app.deps, plan, "landkreis-peine.de")
    walker.advance(workshop, "send_invitations")

    assert render_pending(app.deps, app.mailing()) == 1

    [message] = outbox(app)
    mail = parsed(message)
    assert (message.recipient, mail["Subject"]) == (
        "ingrid.lueders@example.org",
        "Einladung: Zukunftswerkstatt Edemissen",
    )
    types = [part.get_content_type() for part in mail.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html", "text/calendar"]
    answers = meetings.answers(app.deps, meeting_id)
    assert [(r.email, r.response) for r in answers.rows] == [
        ("ingrid.lueders@example.org", "keine Antwort")
    ]
    assert statuses(app) == [NotificationStatus.RENDERED]
