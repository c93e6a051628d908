"""A fan-out of invitations stored in parts, sent while it is rendered, rendered in worker
processes: on SQLite and PostgreSQL, with a real local SMTP server."""

from __future__ import annotations

import email
import re
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from datetime import time as time_of_day
from email import policy
from email.message import EmailMessage, Message
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deliberation.bootstrap import Application, local_delivery
from deliberation.domain.model import NotificationStatus
from deliberation.domain.participants import LegalBasis, Participant, Role
from deliberation.service_layer import cycles, meetings, notifications, outbox
from deliberation.service_layer.notifications import FanOut
from deliberation.service_layer.outbox import SendOptions
from deliberation.service_layer.ports import InvitationRenderer, RenderedInvitation

LANGUAGES = ("de", "en", "tr", "ar", "uk")
PEOPLE = 23  # five parts of five: the last part is short
ACTOR = "Test"


class Crash(Exception):
    """Stands for the process dying between two parts."""


def pending_fan_out(app: Application, people: int = PEOPLE) -> int:
    """``people`` in Stadt Peine (five languages, duty or confirmed consent, one without
    consent), its future workshop with a meeting and its invitation pending; the meeting's
    id."""
    now = app.deps.clock()
    with app.deps.unit_of_work() as uow:
        for i in range(people + 1):
            citizen = i % 2 == 0 or i == people
            person = Participant(
                name=f"Person {i}",
                email=f"person{i}@example.org",
                language=LANGUAGES[i % len(LANGUAGES)],
                legal_basis=LegalBasis.CONSENT if citizen else LegalBasis.DUTY,
                created_at=now,
                municipality_key="stadt-peine",
                roles=frozenset({Role.CITIZEN if citizen else Role.ADMINISTRATION}),
            )
            if citizen and i != people:  # the last one never confirmed: not invited
                person.consent_requested_at = person.consent_confirmed_at = now
            uow.participants.add(person)
        uow.commit()
    [cycle_id] = cycles.launch(app.deps, "future_workshop", "2026", ACTOR, ["stadt-peine"])
    starts = datetime_in_a_month(app)
    plan = meetings.MeetingPlan(
        "Zukunftswerkstatt Stadt Peine", starts, "Rathaus", cycle_id=cycle_id
    )
    meeting_id = meetings.schedule(app.deps, plan, "landkreis-peine.de", confirmed=True)
    cycles.advance(app.deps, cycle_id, "send_invitations", ACTOR, reason="Test")
    assert notification_statuses(app) == [NotificationStatus.PENDING]
    return meeting_id


def datetime_in_a_month(app: Application) -> datetime:
    day = app.deps.today() + timedelta(days=30)
    return datetime.combine(day, time_of_day(18), ZoneInfo(app.deps.timezone))


def notification_statuses(app: Application) -> list[str]:
    with app.deps.unit_of_work() as uow:
        return [n.status for n in uow.outbox.notifications()]


def recipients_in_outbox(app: Application) -> Counter[str]:
    with app.deps.unit_of_work() as uow:
        return Counter(m.recipient for m in uow.outbox.outbox_messages())


def invited_people(app: Application, meeting_id: int) -> Counter[int]:
    with app.deps.unit_of_work() as uow:
        return Counter(i.participant_id for i in uow.meetings.invitations(meeting_id=meeting_id))


def test_a_fan_out_is_stored_in_parts_and_a_crash_between_parts_loses_nothing(
    app: Application,
) -> None:
    meeting_id = pending_fan_out(app)
    stored: list[tuple[int, int]] = []

    def crash_after_the_second_part(done: int, total: int) -> None:
        stored.append((done, total))
        if len(stored) == 2:
            raise Crash

    with pytest.raises(Crash):
        notifications.render_pending(
            app.deps, app.mailing(), FanOut(chunk_size=5), crash_after_the_second_part
        )

    # Two parts are stored with their invitations; the notification waits for the rest.
    assert stored == [(5, PEOPLE), (10, PEOPLE)]
    assert sum(recipients_in_outbox(app).values()) == 10
    assert sum(invited_people(app, meeting_id).values()) == 10
    assert notification_statuses(app) == [NotificationStatus.PENDING]

    # The next run invites only those not invited yet.
    assert notifications.render_pending(app.deps, app.mailing(), FanOut(chunk_size=5)) == 13
    recipients = recipients_in_outbox(app)
    assert len(recipients) == PEOPLE and set(recipients.values()) == {1}
    assert f"person{PEOPLE}@example.org" not in recipients  # consent never confirmed
    invited = invited_people(app, meeting_id)
    assert len(invited) == PEOPLE and set(invited.values()) == {1}
    assert notification_statuses(app) == [NotificationStatus.RENDERED]
    assert notifications.render_pending(app.deps, app.mailing(), FanOut(chunk_size=5)) == 0


def test_delivery_starts_while_the_fan_out_is_rendered_and_each_message_goes_once(
    app: Application, tmp_path: Path
) -> None:
    pending_fan_out(app)
    sink, transport = local_delivery(tmp_path / "mail", app.settings.smtp.sender, 10**6)
    delivered_while_rendering = threading.Event()
    rendering_done = threading.Event()
    pending_at_first_delivery: list[list[str]] = []

    def hold_until_first_delivery(done: int, _total: int) -> None:
        # Rendering waits after its first part until the sender has delivered from it:
        # the proof that sending does not wait for the whole fan-out (no timing involved).
        if done == 5:
            assert delivered_while_rendering.wait(30), "nothing was delivered meanwhile"

    def sender() -> None:
        while True:
            last_round = rendering_done.is_set()
            summary = outbox.send_due(app.deps, transport, SendOptions(batch_size=3))
            if summary.sent and not delivered_while_rendering.is_set():
                pending_at_first_delivery.append(notification_statuses(app))
                delivered_while_rendering.set()
            if last_round:
                return
            rendering_done.wait(0.02)

    with sink:
        thread = threading.Thread(target=sender)
        thread.start()
        try:
            queued = notifications.render_pending(
                app.deps,
                app.mailing(),
                FanOut(chunk_size=5),
                hold_until_first_delivery,
            )
        finally:
            rendering_done.set()
            thread.join(60)
        received = [parse(path.read_bytes()) for path in sorted((tmp_path / "mail").glob("*.eml"))]

    assert pending_at_first_delivery == [[NotificationStatus.PENDING]]
    assert queued == PEOPLE
    message_ids = Counter(str(m["Message-ID"]) for m in received)
    assert len(message_ids) == PEOPLE and set(message_ids.values()) == {1}
    with app.deps.unit_of_work() as uow:
        stored_ids = {m.message_id for m in uow.outbox.outbox_messages()}
        assert {m.status for m in uow.outbox.outbox_messages()} == {"sent"}
    assert set(message_ids) == stored_ids


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def decoded(raw: bytes) -> dict[str, object]:
    """A message as its reader sees it: headers but Message-ID (and the MIME boundary),
    every part's type and decoded content, the calendar's properties but DTSTAMP."""
    message = parse(raw)
    headers = sorted(
        (k, re.sub(r'boundary="[^"]*"', "boundary", str(v)))  # a random MIME boundary
        for k, v in message.items()
        if k.lower() != "message-id"
    )
    parts: list[tuple[str, str]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content = _content(part)
        if part.get_content_type() == "text/calendar":
            content = "\n".join(
                line for line in content.splitlines() if not line.startswith("DTSTAMP")
            )
        parts.append((part.get_content_type(), content))
    return {"headers": headers, "parts": parts}


def _content(part: Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def test_worker_processes_render_the_same_messages_as_this_process(app: Application) -> None:
    meeting_id = pending_fan_out(app)
    with app.deps.unit_of_work() as uow:
        people = sorted(p.id for p in uow.participants.participants() if p.id is not None)
    parts = [(meeting_id, people[start : start + 6]) for start in range(0, len(people), 6)]
    renderer = app.fan_out().workers
    assert renderer is not None

    elsewhere = list(renderer.render(parts, app.deps.clock()))
    here = [notifications.render_part(app.deps, app.mailing(), *part) for part in parts]

    assert [[person for person, _ in part] for part in elsewhere] == [
        [person for person, _ in part] for part in here
    ]
    flat_elsewhere = [message for part in elsewhere for _, message in part]
    flat_here = [message for part in here for _, message in part]
    assert len(flat_here) == PEOPLE
    for there, local in zip(flat_elsewhere, flat_here, strict=True):
        assert (there.recipient, there.sender, there.subject) == (
            local.recipient,
            local.sender,
            local.subject,
        )
        assert there.message_id != local.message_id
        assert decoded(there.body) == decoded(local.body)
    subjects = {m.subject for m in flat_here}
    assert len(subjects) == len(LANGUAGES)  # every language was rendered


class CountingRenderer:
    """Passes every run on to the real worker processes and counts the parts."""

    def __init__(self, workers: InvitationRenderer) -> None:
        self.workers = workers
        self.parts = 0

    def render(
        self, parts: Sequence[tuple[int, Sequence[int]]], now: datetime
    ) -> Iterator[list[RenderedInvitation]]:
        for rendered in self.workers.render(parts, now):
            self.parts += 1
            yield rendered


@pytest.mark.parametrize(("processes_from", "parts_in_workers"), [(PEOPLE, 6), (PEOPLE + 1, 0)])
def test_a_fan_out_from_the_threshold_on_is_rendered_by_worker_processes_and_stored_once(
    app: Application, processes_from: int, parts_in_workers: int
) -> None:
    meeting_id = pending_fan_out(app)
    workers = app.fan_out().workers
    assert workers is not None
    counting = CountingRenderer(workers)
    fan_out = FanOut(chunk_size=4, processes_from=processes_from, workers=counting)

    assert notifications.render_pending(app.deps, app.mailing(), fan_out) == PEOPLE

    assert counting.parts == parts_in_workers
    recipients = recipients_in_outbox(app)
    assert len(recipients) == PEOPLE and set(recipients.values()) == {1}
    invited = invited_people(app, meeting_id)
    assert len(invited) == PEOPLE and set(invited.values()) == {1}
    assert notification_statuses(app) == [NotificationStatus.RENDERED]
