"""Meetings: audience, one calendar invitation per person, changes, cancellation, answers.

On SQLite and PostgreSQL, through the real composition root.
"""

from __future__ import annotations

import base64
import dataclasses
import email
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage

import pytest
from icalendar import Calendar

from deliberation.bootstrap import Application
from deliberation.domain.errors import DeliberationError, LinkInvalid
from deliberation.domain.invitations import Audience, Response
from deliberation.domain.model import Meeting
from deliberation.domain.outbox import OutboxMessage
from deliberation.service_layer import consent, meetings, participants
from deliberation.service_layer.messages import RSVP, UNSUBSCRIBE, answer_token, fingerprint
from deliberation.service_layer.ports import Mailing

pytestmark = pytest.mark.usefixtures("database_url")

PEOPLE = [
    # name, email, municipality, roles, bodies, language
    ("Heike Brandes", "heike.brandes@example.org", "Stadt Peine", "", "Kreistag", ""),
    ("Murat Çelik", "murat.celik@example.org", "Stadt Peine", "Bürger", "", "tr"),
    ("Samira Nasser", "samira.nasser@example.org", "Hohenhameln", "Verein", "", "ar"),
    ("Oksana Lysenko", "oksana.lysenko@example.org", "Lengede", "Bürgerin", "", "uk"),
    ("Nina Unbestätigt", "nina@example.org", "Stadt Peine", "Bürgerin", "", "en"),
    ("Ingrid Lüders", "ingrid.lueders@example.org", "Edemissen", "", "Kommission", ""),
]
UNCONFIRMED = "nina@example.org"
STARTS = datetime(2026, 4, 16, 16, 0, tzinfo=UTC)


def register(app: Application) -> None:
    rows = [
        (
            line,
            {"name": n, "email": e, "municipality": m, "roles": r, "bodies": b, "language": lang},
        )
        for line, (n, e, m, r, b, lang) in enumerate(PEOPLE, start=2)
    ]
    assert participants.import_participants(app.deps, rows).imported == len(PEOPLE)
    with app.deps.unit_of_work() as uow:
        for person in uow.participants.participants():
            if person.email != UNCONFIRMED and person.legal_basis == "consent":
                person.consent_requested_at = person.consent_confirmed_at = app.deps.clock()
        uow.commit()


def schedule(app: Application, capacity: int | None = None) -> int:
    plan = meetings.MeetingPlan(
        "Sitzung <Kommission> & Gäste", STARTS, "Kreishaus Peine", 90, capacity=capacity
    )
    return meetings.schedule(app.deps, plan, "landkreis-peine.de", confirmed=True)


def outbox(app: Application) -> list[OutboxMessage]:
    with app.deps.unit_of_work() as uow:
        return [dataclasses.replace(m) for m in uow.outbox.outbox_messages()]


def parsed(message: OutboxMessage) -> EmailMessage:
    result = email.message_from_bytes(message.body, policy=policy.default)
    assert isinstance(result, EmailMessage)
    return result


def part(mail: EmailMessage, content_type: str) -> EmailMessage:
    [found] = [p for p in mail.walk() if p.get_content_type() == content_type]
    assert isinstance(found, EmailMessage)
    return found


def event_of(message: OutboxMessage) -> tuple[str, str, int]:
    """METHOD, UID and SEQUENCE of a message's calendar part."""
    calendar = Calendar.from_ical(part(parsed(message), "text/calendar").get_content())
    [event] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])


def token(mailing: Mailing, purpose: str, url: str) -> str:
    return url.split(f"/{purpose}/", 1)[1].split("?", 1)[0]


def rsvp_token(app: Application, mailing: Mailing, email_: str, meeting_id: int) -> str:
    with app.deps.unit_of_work() as uow:
        person = uow.participants.participant(email_)
        assert person is not None and person.id is not None
        url = mailing.links.url(RSVP, answer_token(person, meeting_id))
    return token(mailing, RSVP, url)


def test_each_eligible_person_gets_an_own_invitation_in_their_language(
    app: Application,
) -> None:
    register(app)
    meeting_id = schedule(app)
    mailing = app.mailing()

    steps: list[tuple[int, int]] = []
    report = meetings.invite(
        app.deps, mailing, meeting_id, Audience(), lambda done, total: steps.append((done, total))
    )

    assert (report.invited, report.without_consent, report.already_invited) == (5, 1, 0)
    assert steps == [(n, 6) for n in range(1, 7)]  # progress over the whole audience
    messages = {m.recipient: m for m in outbox(app)}
    assert UNCONFIRMED not in messages and len(messages) == 5
    subjects = {r: parsed(m)["Subject"] for r, m in messages.items()}
    assert subjects["heike.brandes@example.org"] == "Einladung: Sitzung <Kommission> & Gäste"
    assert subjects["murat.celik@example.org"] == "Davet: Sitzung <Kommission> & Gäste"
    assert subjects["samira.nasser@example.org"] == "دعوة: Sitzung <Kommission> & Gäste"
    assert subjects["oksana.lysenko@example.org"].startswith("Запрошення: ")
    assert parsed(messages["oksana.lysenko@example.org"])["Content-Language"] == "uk"

    uids = set()
    for recipient, message in messages.items():
        mail = parsed(message)
        assert mail["To"] == recipient and "," not in mail["To"] and mail["Cc"] is None
        html = part(mail, "text/html").get_content()
        assert "Sitzung &lt;Kommission&gt; &amp; Gäste" in html
        assert part(mail, "text/calendar").get_param("method") == "REQUEST"
        method, uid, sequence = event_of(message)
        assert (method, sequence) == ("REQUEST", 0)
        uids.add(uid)
        text = part(mail, "text/plain").get_content()
        assert f"/{RSVP}/" in text and "?answer=yes" in text and "?answer=maybe" in text
    assert len(uids) == 1
    assert (
        'dir="rtl"'
        in part(parsed(messages["samira.nasser@example.org"]), "text/html").get_content()
    )

    # Only people invited by consent get the unsubscribe link and headers.
    citizen = parsed(messages["murat.celik@example.org"])
    assert citizen["List-Unsubscribe"].startswith(
        f"<{app.settings.invitations.base_url}/{UNSUBSCRIBE}/"
    )
    assert citizen["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Signed tokens are readable: the address must not be in them.
    payload = citizen["List-Unsubscribe"].strip("<>").rpartition("/")[2].split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"murat" not in decoded and b"@" not in decoded
    member = parsed(messages["heike.brandes@example.org"])
    assert member["List-Unsubscribe"] is None

    # Inviting again adds nobody twice.
    again = meetings.invite(app.deps, mailing, meeting_id, Audience())
    assert (again.invited, again.already_invited) == (0, 5)
    assert len(outbox(app)) == 5


def test_the_audience_is_chosen_by_body_role_municipality_and_language(
    app: Application,
) -> None:
    register(app)
    mailing = app.mailing()
    cases = [
        (
            Audience(bodies=frozenset({"kreistag", "kommission"})),
            {"heike.brandes@example.org", "ingrid.lueders@example.org"},
        ),
        (Audience(roles=frozenset({"association"})), {"samira.nasser@example.org"}),
        (
            Audience(municipalities=frozenset({"stadt-peine"}), languages=frozenset({"tr", "de"})),
            {"heike.brandes@example.org", "murat.celik@example.org"},
        ),
    ]
    for audience, expected in cases:
        meeting_id = schedule(app)
        before = {m.message_id for m in outbox(app)}
        meetings.invite(app.deps, mailing, meeting_id, audience)
        got = {m.recipient for m in outbox(app) if m.message_id not in before}
        assert got == expected, audience


def test_a_move_raises_the_sequence_keeps_the_uid_and_skips_those_who_declined(
    app: Application,
) -> None:
    register(app)
    meeting_id = schedule(app)
    mailing = app.mailing()
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    [first_uid] = {event_of(m)[1] for m in outbox(app)}
    meetings.respond(
        app.deps,
        mailing,
        rsvp_token(app, mailing, "murat.celik@example.org", meeting_id),
        Response.NO,
    )
    before = {m.message_id for m in outbox(app)}

    queued = meetings.move(app.deps, mailing, meeting_id, STARTS + timedelta(days=7)).updates

    updates = [m for m in outbox(app) if m.message_id not in before]
    assert queued == len(updates) == 4
    assert "murat.celik@example.org" not in {m.recipient for m in updates}
    assert {event_of(m) for m in updates} == {("REQUEST", first_uid, 1)}
    brandes = next(m for m in updates if m.recipient == "heike.brandes@example.org")
    assert parsed(brandes)["Subject"].startswith("Geänderter Termin: ")
    assert "Donnerstag, 23. April 2026" in part(parsed(brandes), "text/plain").get_content()

    # Same time and place again: no change, no message, no new sequence.
    unchanged = meetings.move(app.deps, mailing, meeting_id, STARTS + timedelta(days=7))
    assert not unchanged.changed and unchanged.updates == 0
    meetings.move(app.deps, mailing, meeting_id, location="Rathaus Peine")
    assert meetings.answers(app.deps, meeting_id).sequence == 2


def test_a_cancellation_sends_cancel_and_ends_answers(app: Application) -> None:
    register(app)
    meeting_id = schedule(app)
    mailing = app.mailing()
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    [uid] = {event_of(m)[1] for m in outbox(app)}
    before = {m.message_id for m in outbox(app)}

    assert meetings.cancel(app.deps, mailing, meeting_id) == 5

    cancellations = [m for m in outbox(app) if m.message_id not in before]
    assert {event_of(m) for m in cancellations} == {("CANCEL", uid, 1)}
    for message in cancellations:
        assert part(parsed(message), "text/calendar").get_param("method") == "CANCEL"
    assert {parsed(m)["Subject"] for m in cancellations if m.recipient.startswith("heike")} == {
        "Abgesagt: Sitzung <Kommission> & Gäste"
    }
    answer_token = rsvp_token(app, mailing, "heike.brandes@example.org", meeting_id)
    with pytest.raises(DeliberationError, match="abgesagt oder vorbei"):
        meetings.respond(app.deps, mailing, answer_token, Response.YES)
    with pytest.raises(DeliberationError, match="abgesagt"):
        meetings.cancel(app.deps, mailing, meeting_id)


def test_capacity_fills_the_waiting_list_and_a_decline_promotes_with_a_message(
    app: Application, clock: object
) -> None:
    register(app)
    meeting_id = schedule(app, capacity=2)
    mailing = app.mailing()
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    order = [
        "heike.brandes@example.org",
        "murat.celik@example.org",
        "samira.nasser@example.org",
        "oksana.lysenko@example.org",
    ]
    views = {}
    for address in order:
        clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
        answer_token = rsvp_token(app, mailing, address, meeting_id)
        views[address] = meetings.respond(app.deps, mailing, answer_token, Response.YES)
    assert [views[a].waiting for a in order] == [0, 0, 1, 2]
    before = {m.message_id for m in outbox(app)}

    meetings.respond(app.deps, mailing, rsvp_token(app, mailing, order[1], meeting_id), Response.NO)

    [promotion] = [m for m in outbox(app) if m.message_id not in before]
    assert promotion.recipient == "samira.nasser@example.org"
    assert parsed(promotion)["Subject"] == "مكان لكم: Sitzung <Kommission> & Gäste"
    view = meetings.answers(app.deps, meeting_id)
    assert (view.counts["yes"], view.counts["no"], view.waiting) == (3, 1, 1)
    rows = {r.email: (r.response, r.waiting) for r in view.rows}
    assert rows["samira.nasser@example.org"] == ("Zusage", 0)
    assert rows["oksana.lysenko@example.org"] == ("Zusage", 1)
    assert rows["murat.celik@example.org"] == ("Absage", 0)
    assert rows["ingrid.lueders@example.org"] == ("keine Antwort", 0)


def test_an_altered_or_foreign_answer_link_is_refused(app: Application) -> None:
    register(app)
    meeting_id = schedule(app)
    mailing = app.mailing()
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    good = rsvp_token(app, mailing, "heike.brandes@example.org", meeting_id)

    with pytest.raises(LinkInvalid, match="ungültig"):
        meetings.respond(app.deps, mailing, good[:-2] + "xx", Response.YES)
    with pytest.raises(LinkInvalid):  # an unsubscribe token is not an answer
        unsubscribe = mailing.links.url(UNSUBSCRIBE, [1, fingerprint("heike.brandes@example.org")])
        meetings.respond(app.deps, mailing, token(mailing, UNSUBSCRIBE, unsubscribe), Response.YES)
    not_invited = rsvp_token(app, mailing, UNCONFIRMED, meeting_id)
    with pytest.raises(LinkInvalid, match="keine Einladung"):
        meetings.respond(app.deps, mailing, not_invited, Response.YES)


def test_withdrawn_consent_stops_later_updates_and_deleting_removes_the_answers(
    app: Application,
) -> None:
    register(app)
    meeting_id = schedule(app)
    mailing = app.mailing()
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    murat = next(m for m in outbox(app) if m.recipient == "murat.celik@example.org")
    unsubscribe_url = parsed(murat)["List-Unsubscribe"].strip("<>")

    view = consent.withdraw(app.deps, mailing, token(mailing, UNSUBSCRIBE, unsubscribe_url))
    assert view.withdrawn
    # The invitation still waiting in the outbox is not sent any more either.
    statuses = {m.recipient: (m.status, m.last_error) for m in outbox(app)}
    assert statuses["murat.celik@example.org"] == ("withdrawn", "Einwilligung widerrufen")
    assert statuses["heike.brandes@example.org"][0] == "queued"
    before = {m.message_id for m in outbox(app)}
    meetings.move(app.deps, mailing, meeting_id, location="Rathaus Peine")
    updated = {m.recipient for m in outbox(app) if m.message_id not in before}
    assert "murat.celik@example.org" not in updated and len(updated) == 4

    participants.delete(app.deps, "oksana.lysenko@example.org")
    emails = {r.email for r in meetings.answers(app.deps, meeting_id).rows}
    assert "oksana.lysenko@example.org" not in emails and len(emails) == 4
    assert "oksana.lysenko@example.org" not in {m.recipient for m in outbox(app)}


def test_a_meeting_stored_without_a_calendar_uid_gets_one_that_stays(app: Application) -> None:
    register(app)
    with app.deps.unit_of_work() as uow:
        meeting = Meeting("Kreistag", STARTS, "Kreishaus Peine", body_key="kreistag")
        uow.meetings.add(meeting)  # as another part of the program might store it: no UID
        uow.commit()
        meeting_id = meeting.id
    assert meeting_id is not None
    mailing = app.mailing()
    meetings.invite(app.deps, mailing, meeting_id, Audience(bodies=frozenset({"kreistag"})))
    meetings.move(app.deps, mailing, meeting_id, location="Rathaus Peine")

    events = {event_of(m) for m in outbox(app)}
    [uid] = {uid for _, uid, _ in events}
    assert uid.startswith("meeting-") and uid.endswith("@landkreis-peine.de")
    assert {(method, sequence) for method, _, sequence in events} == {
        ("REQUEST", 0),
        ("REQUEST", 1),
    }


def test_people_answering_at_once_for_the_last_seat_get_it_only_once(app: Application) -> None:
    register(app)
    meeting_id = schedule(app, capacity=1)
    mailing = app.mailing()
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    addresses = [
        "heike.brandes@example.org",
        "murat.celik@example.org",
        "samira.nasser@example.org",
        "oksana.lysenko@example.org",
    ]
    tokens = [rsvp_token(app, mailing, a, meeting_id) for a in addresses]
    start = threading.Barrier(len(tokens))
    errors: list[BaseException] = []

    def answer_yes(answer_token: str) -> None:
        start.wait()
        try:
            meetings.respond(app.deps, mailing, answer_token, Response.YES)
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=answer_yes, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    view = meetings.answers(app.deps, meeting_id)
    assert (view.counts["yes"], view.waiting) == (4, 3)
    assert sorted(r.waiting for r in view.rows if r.email in addresses) == [0, 1, 2, 3]
