"""Invitations rendered for many people at once decode to exactly what rendering each
person's message on its own gives: headers, parts, parameters, calendar properties.

``meetings.invitation`` (one person, composed by the email package) is the
reference; ``meetings.Invitations`` and ``messages.PersonalMessages`` render once per
language and fill in what is personal. Only the Message-ID, the MIME boundary and the
calendar's DTSTAMP may differ.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from deliberation.bootstrap import Application, bootstrap
from deliberation.domain.model import Meeting
from deliberation.domain.participants import LANGUAGES, LegalBasis, Participant
from deliberation.service_layer import meetings
from deliberation.service_layer.messages import PersonalMessages

NOW = datetime(2027, 2, 1, 9, 30, tzinfo=UTC)
NAMES = (
    "Ayşe Öztürk",
    'Dr. "Max" <Mustermann> & Söhne; Peine, Ilsede',
    "محمد الأحمد",
    "Олена Коваленко-Шевченко",
    "Jean-Baptiste " + "Vollständiger-Name " * 6,
)


@pytest.fixture
def app(config_path: Path, tmp_path: Path) -> Application:
    return bootstrap(
        config_path,
        database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        clock=lambda: NOW,
        require_schema=False,
    )


def people() -> list[Participant]:
    """Every language, both legal bases, names that need escaping, quoting and folding."""
    found = []
    for number, (language, name) in enumerate(
        (language, name) for language in sorted(LANGUAGES) for name in NAMES
    ):
        basis = LegalBasis.CONSENT if number % 2 else LegalBasis.DUTY
        person = Participant(name, f"person{number}@example.org", language, basis, NOW)
        person.id = 100 + number
        if basis == LegalBasis.CONSENT:
            person.consent_confirmed_at = NOW
        found.append(person)
    return found


def meeting() -> Meeting:
    item = Meeting(
        "Zukunftswerkstatt Peine 2027",
        NOW + timedelta(days=30),
        "Rathaus Peine, Saal 1",
        uid="meeting-7@landkreis-peine.de",
    )
    item.id = 7
    return item


def decoded(body: bytes) -> dict[str, Any]:
    """What a mail program sees: headers (decoded), then each part's type and content."""
    mail = message_from_bytes(body, policy=default)
    assert isinstance(mail, EmailMessage)
    headers = [
        (name, str(value))
        for name, value in mail.items()
        if name not in ("Message-ID", "Content-Type")
    ]
    params = {k: v for k, v in mail.get_params() or [] if k != "boundary"}
    parts: list[tuple[str, dict[str, str], str]] = []
    for part in mail.walk():
        if part.is_multipart():
            continue
        assert isinstance(part, EmailMessage)
        content = part.get_content()
        if part.get_content_subtype() == "calendar":
            content = calendar_without_stamp(content)
        parts.append((part.get_content_type(), dict(part.get_params() or []), content))
    return {
        "headers": headers,
        "type": mail.get_content_type(),
        "params": params,
        "parts": parts,
        "message_id_domain": mail["Message-ID"].rpartition("@")[2],
    }


def calendar_without_stamp(text: str) -> str:
    calendar = Calendar.from_ical(text)
    for component in calendar.walk():
        component.pop("DTSTAMP", None)
    return str(calendar.to_ical().decode("utf-8"))


@pytest.mark.parametrize("changed", [False, True])
def test_invitations_for_many_decode_exactly_as_one_at_a_time(
    app: Application, changed: bool
) -> None:
    mailing, item = app.mailing(), meeting()
    fast = meetings.Invitations(app.deps, mailing, item, changed=changed)
    for person in people():
        reference = meetings.invitation(app.deps, mailing, item, person, changed)
        message = fast.message(person)
        assert decoded(message.body) == decoded(reference.body), (person.language, person.name)
        assert (message.recipient, message.sender, message.subject) == (
            reference.recipient,
            reference.sender,
            reference.subject,
        )
        assert message.message_id != reference.message_id


def test_cancellations_for_many_decode_exactly_as_one_at_a_time(app: Application) -> None:
    mailing, item = app.mailing(), meeting()
    item.sequence = 2  # a cancellation raises the sequence; the entry carries it
    fast = meetings.Cancellations(app.deps, mailing, item)
    for person in people():
        reference = meetings.cancellation(app.deps, mailing, item, person)
        message = fast.message(person)
        assert decoded(message.body) == decoded(reference.body), (person.language, person.name)
        assert (message.recipient, message.subject) == (reference.recipient, reference.subject)
        kind, _params, calendar = decoded(message.body)["parts"][-1]
        unfolded = calendar.replace("\r\n ", "")
        assert kind == "text/calendar" and "METHOD:CANCEL" in unfolded
        assert "SEQUENCE:2" in unfolded and f"mailto:{person.email}" in unfolded


def test_reminders_for_many_decode_exactly_as_one_at_a_time(app: Application) -> None:
    mailing, item = app.mailing(), meeting()
    context = {"meeting": item, "days": 3}
    fast = PersonalMessages(app.deps, mailing, meetings.REMINDER, context)
    for person in people():
        answer = meetings.answer_links(mailing, item, person)
        reference = meetings.personal_message(
            app.deps, mailing, person, meetings.REMINDER, {**context, "answer": answer}
        )
        message = fast.message(person, {"answer": answer})
        assert decoded(message.body) == decoded(reference.body), (person.language, person.name)


def test_the_messages_carry_each_persons_own_name_and_links(app: Application) -> None:
    mailing, item = app.mailing(), meeting()
    fast = meetings.Invitations(app.deps, mailing, item, changed=False)
    first, second = people()[:2]
    one, other = decoded(fast.message(first).body), decoded(fast.message(second).body)
    text_one, text_other = one["parts"][0][2], other["parts"][0][2]
    assert first.name in text_one and first.name not in text_other
    yes = meetings.answer_links(mailing, item, first)["yes"]
    assert yes in text_one and yes not in text_other
    assert f"mailto:{first.email}" in one["parts"][2][2]
    assert f"mailto:{first.email}" not in other["parts"][2][2]


def test_a_template_needing_more_of_the_person_is_rendered_per_person(
    app: Application,
) -> None:
    """A stand-in that only knows the name refuses other attributes: the message is then
    rendered for the person, not filled in wrongly."""
    mailing, item = app.mailing(), meeting()
    seen: list[object] = []
    real = mailing.renderer

    class Renderer:
        def render_mail(self, name: str, language: str, context: Any) -> Any:
            seen.append(context["person"].email)  # more than the name
            return real.render_mail(name, language, context)

    picky = replace(mailing, renderer=Renderer())
    person = people()[0]
    fast = PersonalMessages(app.deps, picky, meetings.REMINDER, {"meeting": item, "days": 1})
    answer = meetings.answer_links(mailing, item, person)
    context = {"meeting": item, "days": 1, "answer": answer}
    reference = meetings.personal_message(app.deps, mailing, person, meetings.REMINDER, context)
    assert decoded(fast.message(person, {"answer": answer}).body) == decoded(reference.body)
    assert seen[-1] == person.email
