"""Use cases: schedule a meeting, invite its audience, move or cancel it, collect answers.

Each recipient gets a message of their own with a calendar entry (REQUEST on
invitation and every change, CANCEL on cancellation) and three signed answer
links. Outbox messages are written in the same unit of work as the change
that caused them: a meeting is never moved without its update being queued.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deliberation.domain import text_rules
from deliberation.domain.errors import (
    ConcurrencyConflict,
    DeliberationError,
    FieldKey,
    LinkInvalid,
    NotFound,
)
from deliberation.domain.invitations import (
    RESPONSE_TITLES,
    Audience,
    CalendarEntry,
    Invitation,
    MeetingStatus,
    Response,
    answer,
    waiting_position,
)
from deliberation.domain.model import Meeting
from deliberation.domain.outbox import OutboxMessage
from deliberation.domain.participants import Participant, may_write_to
from deliberation.domain.scheduling import MEETING_STATUS_TITLES, meeting_status_title
from deliberation.service_layer import (
    audit,
    body_meetings,
    dot_votes,
    meeting_schedule,
    outbox,
    public_links,
)
from deliberation.service_layer.meeting_warnings import Slot, date_warnings, require_confirmed
from deliberation.service_layer.messages import (
    RSVP,
    PersonalMessages,
    answer_token,
    holds,
    personal_message,
    read_token,
)
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork
from deliberation.translations import ngettext

#: Called with (done, total) while messages are rendered.
Progress = Callable[[int, int], None]

INVITATION = "invitation/meeting"
CANCELLATION = "invitation/cancellation"
PROMOTION = "invitation/waitlist_promoted"
REMINDER = "invitation/reminder"
#: Who the log names for an answer given through a signed link (the person is ``person_id``).
ANSWER_ACTOR = "eingeladene Person (Antwortlink)"


@dataclass(frozen=True)
class MeetingPlan:
    title: str
    starts_at: datetime
    location: str
    duration_minutes: int = 120
    body_key: str | None = None
    cycle_id: int | None = None
    capacity: int | None = None


@dataclass(frozen=True)
class InviteReport:
    invited: int
    without_consent: int
    already_invited: int


@dataclass(frozen=True)
class MeetingRow:
    id: int
    title: str
    starts_at: datetime
    location: str
    status: str
    invited: int
    body_name: str = ""  # empty for meetings of no body (a workshop evening, the conference)
    public: bool = True
    series: str = ""  # the cadence series of a generated meeting
    next_work: str = ""  # the next pending scheduler item, e.g. "Erinnerung 03.03.2027 08:00"
    sequence: int = 0  # raised on every change (a form remembers it to notice a later one)
    #: "geplant", or "stattgefunden" once a planned meeting is over
    status_title: str = ""


@dataclass(frozen=True)
class AnswerRow:
    name: str
    email: str
    response: str
    waiting: int  # place on the waiting list, 0 if not waiting


@dataclass(frozen=True)
class MeetingAnswers:
    """What staff see per meeting: counts and one row per invited person."""

    title: str
    starts_at: datetime
    location: str
    status: str
    capacity: int | None
    sequence: int
    counts: dict[str, int]
    waiting: int
    rows: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class AnswerView:
    """An answer link as its page shows it, in the participant's language."""

    meeting_title: str
    starts_at: datetime
    location: str
    person_name: str
    language: str
    response: str
    waiting: int
    open: bool
    #: the person's calendar to subscribe to (every meeting they are invited to)
    calendar_url: str = ""


def schedule(
    deps: Dependencies,
    plan: MeetingPlan,
    uid_domain: str,
    *,
    confirmed: bool = False,
    actor: str = "",
) -> int:
    """Store a planned meeting with its calendar UID; returns its id.

    A date on a holiday, in school holidays or at the time and place of
    another meeting is refused with ``NeedsConfirmation`` unless ``confirmed``.
    """
    plan = replace(
        plan,
        title=text_rules.single_line(plan.title, "Der Titel der Sitzung"),
        location=text_rules.single_line(plan.location, "Der Ort", field=FieldKey.LOCATION),
    )
    if plan.capacity is not None and plan.capacity < 1:
        raise DeliberationError("Die Zahl der Plätze muss mindestens 1 sein.")
    if plan.duration_minutes < 1:
        raise DeliberationError("Die Dauer muss mindestens 1 Minute sein.")
    _require_future(deps, plan.starts_at)
    with deps.unit_of_work() as uow:
        cycle = None
        if plan.cycle_id is not None:
            cycle = uow.cycles.cycle(plan.cycle_id)
            if cycle is None:
                raise NotFound(f"Zyklus {plan.cycle_id} gibt es nicht.")
        if plan.body_key is not None and uow.reference.body(plan.body_key) is None:
            known = ", ".join(b.key for b in uow.reference.bodies())
            raise NotFound(f'Das Gremium "{plan.body_key}" gibt es nicht (bekannt: {known}).')
        slot = Slot(plan.starts_at, plan.duration_minutes, plan.location)
        require_confirmed(date_warnings(uow, deps, slot), confirmed)
        meeting = Meeting(
            plan.title,
            plan.starts_at,
            plan.location,
            plan.body_key,
            cycle,
            MeetingStatus.PLANNED,
            plan.duration_minutes,
            plan.capacity,
            uid=new_uid(uid_domain),
        )
        uow.meetings.add(meeting)
        uow.flush()
        assert meeting.id is not None
        audit.record(
            uow,
            deps.clock(),
            actor,
            "meeting_scheduled",
            ("meeting", meeting.id),
            after=describe(deps, meeting),
        )
        uow.commit()
        return meeting.id


def new_uid(domain: str) -> str:
    """A calendar UID for a meeting: kept for its whole life, across every change."""
    return f"meeting-{uuid.uuid4().hex}@{domain}"


def invite(
    deps: Dependencies,
    mailing: Mailing,
    meeting_id: int,
    audience: Audience,
    progress: Progress | None = None,
) -> InviteReport:
    """Invite everyone in ``audience`` not yet invited whom we may write to.

    ``progress(done, total)`` is called after each person of the audience.
    """
    with deps.unit_of_work() as uow:
        meeting = _planned(uow, meeting_id, lock=True)
        people = [p for p in uow.participants.participants() if audience.includes(p)]
        report = invite_people(uow, deps, mailing, meeting, people, progress=progress)
        uow.commit()
        return report


def invite_people(
    uow: UnitOfWork,
    deps: Dependencies,
    mailing: Mailing,
    meeting: Meeting,
    people: Sequence[Participant],
    progress: Progress | None = None,
) -> InviteReport:
    """Record an invitation and queue its message for each new person (in ``uow``)."""
    assert meeting.id is not None
    invited_ids = {i.participant_id for i in uow.meetings.invitations(meeting_id=meeting.id)}
    invited = without_consent = already = 0
    messages, records = [], []
    invitations = Invitations(deps, mailing, meeting, changed=False)
    for done, person in enumerate(people, start=1):
        if person.id in invited_ids:
            already += 1
        elif not may_write_to(person):
            without_consent += 1
        else:
            assert person.id is not None
            records.append(Invitation(meeting.id, person.id, deps.clock()))
            messages.append(invitations.message(person))
            invited += 1
        if progress is not None:
            progress(done, len(people))
    uow.meetings.add_invitations(records)  # multi-row INSERTs, not one flush per object
    outbox.enqueue_all(uow, messages)
    return InviteReport(invited, without_consent, already)


@dataclass(frozen=True)
class MoveReport:
    changed: bool
    updates: int  # messages queued for those invited
    warnings: tuple[str, ...] = ()  # holiday, school holidays, clash: confirmed by the person


def move(
    deps: Dependencies,
    mailing: Mailing,
    meeting_id: int,
    starts_at: datetime | None = None,
    location: str | None = None,
    *,
    confirmed: bool = False,
    expected_sequence: int | None = None,
    actor: str = "",
) -> MoveReport:
    """Change time and/or place; every invited person (but those who declined) gets the update,
    and the meeting's pending invitation, reminders and dated steps move with it.

    Nothing changes if neither differs. A new date on a holiday, in school
    holidays or at the time and place of another meeting is refused with
    ``NeedsConfirmation`` unless ``confirmed``. ``expected_sequence`` is the
    meeting's change count the person saw: if it changed meanwhile, ``ConcurrencyConflict``.
    """
    with deps.unit_of_work() as uow:
        meeting = _planned(uow, meeting_id, lock=True)
        if expected_sequence is not None and meeting.sequence != expected_sequence:
            local = meeting.starts_at.astimezone(ZoneInfo(deps.timezone))
            raise ConcurrencyConflict(
                f"Termin {meeting_id} („{meeting.title}“) wurde inzwischen geändert; jetzt: "
                f"{local:%d.%m.%Y %H:%M} Uhr, {meeting.location}."
            )
        before = meeting.starts_at
        was = describe(deps, meeting)
        changed = False
        if starts_at is not None and starts_at != meeting.starts_at:
            _require_future(deps, starts_at)
            meeting.starts_at, changed = starts_at, True
        if location is not None and location.strip():
            location = text_rules.single_line(location, "Der Ort", field=FieldKey.LOCATION)
        if location is not None and location.strip() and location.strip() != meeting.location:
            meeting.location, changed = location.strip(), True
        if not changed:
            return MoveReport(changed=False, updates=0)
        slot = Slot(meeting.starts_at, meeting.duration_minutes, meeting.location)
        warnings = date_warnings(uow, deps, slot, exclude_id=meeting.id)
        require_confirmed(warnings, confirmed)
        if meeting.starts_at != before:
            # the pending invitation, reminders and dated steps move with it
            meeting_schedule.shift_pending_work(uow, meeting, before, ZoneInfo(deps.timezone))
        if meeting.status == MeetingStatus.PROPOSED:
            meeting.status = MeetingStatus.PLANNED  # a date staff chose is no longer a proposal
        meeting.sequence += 1
        invitations = Invitations(deps, mailing, meeting, changed=True)
        messages = [invitations.message(person) for person in recipients(uow, meeting)]
        outbox.enqueue_all(uow, messages)
        audit.record(
            uow,
            deps.clock(),
            actor,
            "meeting_moved",
            ("meeting", meeting_id),
            before=was,
            after=describe(deps, meeting),
            reason=ngettext(
                "%(num)d Aktualisierung an die Eingeladenen",
                "%(num)d Aktualisierungen an die Eingeladenen",
                len(messages),
            ),
        )
        uow.commit()
        return MoveReport(changed=True, updates=len(messages), warnings=warnings)


def cancel(deps: Dependencies, mailing: Mailing, meeting_id: int, actor: str = "") -> int:
    """Cancel the meeting and its pending reminders and dated steps; every invited person
    (but those who declined) gets a CANCEL."""
    with deps.unit_of_work() as uow:
        meeting = _planned(uow, meeting_id, lock=True)
        was = _status_title(meeting.status)
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        meeting_schedule.cancel_pending_work(uow, meeting, deps.clock())
        cancellations = Cancellations(deps, mailing, meeting)
        messages = [cancellations.message(person) for person in recipients(uow, meeting)]
        outbox.enqueue_all(uow, messages)  # one statement, not one flush per message
        queued = len(messages)
        audit.record(
            uow,
            deps.clock(),
            actor,
            "meeting_cancelled",
            ("meeting", meeting_id),
            before=was,
            after=_status_title(meeting.status),
            reason=f"{describe(deps, meeting)}; "
            + ngettext(
                "%(num)d Absage an die Eingeladenen", "%(num)d Absagen an die Eingeladenen", queued
            ),
        )
        uow.commit()
        return queued


def cancellation(
    deps: Dependencies, mailing: Mailing, meeting: Meeting, person: Participant
) -> OutboxMessage:
    """The cancellation with its CANCEL calendar entry, for one person, rendered and
    composed on its own (the reference of ``Cancellations``; the mail preview)."""
    entry = calendar_entry(deps, mailing, meeting, person, "CANCEL")
    return personal_message(deps, mailing, person, CANCELLATION, {"meeting": meeting}, entry)


def confirm(deps: Dependencies, meeting_id: int, actor: str = "") -> MeetingRow:
    """A proposed (generated) date becomes the planned one."""
    with deps.unit_of_work() as uow:
        meeting = _planned(uow, meeting_id, lock=True)
        was = _status_title(meeting.status)
        meeting.status = MeetingStatus.PLANNED
        audit.record(
            uow,
            deps.clock(),
            actor,
            "meeting_confirmed",
            ("meeting", meeting_id),
            before=was,
            after=_status_title(meeting.status),
            reason=describe(deps, meeting),
        )
        uow.commit()
        return row(uow, meeting, {}, deps.clock())


def show_answer(deps: Dependencies, mailing: Mailing, token: str) -> AnswerView:
    """What an answer link stands for, for the page that asks to confirm the answer."""
    with deps.unit_of_work() as uow:
        meeting, person, invitation = _from_token(uow, mailing, token)
        return _answer_view(deps, mailing, uow, meeting, person, invitation)


def respond(deps: Dependencies, mailing: Mailing, token: str, response: Response) -> AnswerView:
    """Record an answer from a signed link; a freed seat goes to the first one waiting."""
    with deps.unit_of_work() as uow:
        meeting, person, invitation = _from_token(uow, mailing, token, lock=True)
        if not _open(deps, meeting):
            raise DeliberationError(
                "Auf diese Einladung kann nicht mehr geantwortet werden: der Termin ist "
                "abgesagt oder vorbei."
            )
        others = [
            i for i in uow.meetings.invitations(meeting_id=meeting.id) if i.id != invitation.id
        ]
        was = RESPONSE_TITLES[Response(invitation.response)]
        promoted = answer(invitation, response, others, meeting.capacity, deps.clock())
        audit.record(
            uow,
            deps.clock(),
            ANSWER_ACTOR,
            "invitation_answered",
            ("meeting", meeting.id or 0),
            before=was,
            after=RESPONSE_TITLES[Response(invitation.response)],
            person_id=person.id,
        )
        if promoted is not None:
            _tell_promoted(uow, deps, mailing, meeting, promoted)
        uow.commit()
        return _answer_view(deps, mailing, uow, meeting, person, invitation)


def answers(deps: Dependencies, meeting_id: int) -> MeetingAnswers:
    with deps.unit_of_work() as uow:
        meeting = get_meeting(uow, meeting_id)
        invitations = uow.meetings.invitations(meeting_id=meeting_id)
        people = uow.participants.participants_by_id({i.participant_id for i in invitations})
        counts = {str(r): 0 for r in Response}
        rows = []
        for invitation in invitations:
            counts[invitation.response] += 1
            person = people.get(invitation.participant_id)
            rows.append(
                AnswerRow(
                    person.name if person else "(gelöscht)",
                    person.email if person else "",
                    RESPONSE_TITLES[Response(invitation.response)],
                    waiting_position(invitation, invitations),
                )
            )
        return MeetingAnswers(
            meeting.title,
            meeting.starts_at,
            meeting.location,
            meeting.status,
            meeting.capacity,
            meeting.sequence,
            counts,
            sum(1 for i in invitations if i.waitlisted),
            tuple(rows),
        )


def meeting_row(deps: Dependencies, meeting_id: int) -> MeetingRow:
    """One meeting as ``list_meetings`` shows it."""
    with deps.unit_of_work() as uow:
        meeting = get_meeting(uow, meeting_id)
        names = {body.key: body.name for body in uow.reference.bodies()}
        return row(uow, meeting, names, deps.clock())


def list_meetings(
    deps: Dependencies,
    body_key: str | None = None,
    *,
    status: str | None = None,
    series: str | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
) -> list[MeetingRow]:
    """Meetings, earliest first, with the number of people invited and the next due work."""
    with deps.unit_of_work() as uow:
        if body_key is not None:
            body_key = body_meetings.get_body(uow, body_key).key
        names = {body.key: body.name for body in uow.reference.bodies()}
        found = uow.meetings.meetings(
            body_key,
            series=series,
            status=status,
            starts_from=starts_from,
            starts_before=starts_before,
        )
        now = deps.clock()
        return [row(uow, meeting, names, now) for meeting in found]


def row(uow: UnitOfWork, meeting: Meeting, body_names: dict[str, str], now: datetime) -> MeetingRow:
    """A meeting as the lists show it at ``now``, read in the caller's unit of work."""
    assert meeting.id is not None
    return MeetingRow(
        meeting.id,
        meeting.title,
        meeting.starts_at,
        meeting.location,
        meeting.status,
        len(uow.meetings.invitations(meeting_id=meeting.id)),
        body_names.get(meeting.body_key or "", ""),
        meeting.public,
        meeting.series or "",
        meeting_schedule.next_work(uow, meeting),
        meeting.sequence,
        meeting_status_title(
            meeting.status, meeting.starts_at + timedelta(minutes=meeting.duration_minutes), now
        ),
    )


def calendar_entry(
    deps: Dependencies, mailing: Mailing, meeting: Meeting, person: Participant, method: str
) -> CalendarEntry:
    if not meeting.uid:  # a meeting stored elsewhere (e.g. by the scheduler) gets one now
        meeting.uid = new_uid(mailing.sender.rpartition("@")[2])
    return CalendarEntry(
        method=method,
        uid=meeting.uid,
        sequence=meeting.sequence,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
        location=meeting.location,
        organiser_name=f"{deps.organiser}, {deps.county_name}".strip(", "),
        organiser_email=mailing.sender,
        attendee_name=person.name,
        attendee_email=person.email,
        stamp=deps.clock(),
        timezone=deps.timezone,
    )


def invitation_links(
    deps: Dependencies, mailing: Mailing, meeting: Meeting, person: Participant
) -> dict[str, str | Mapping[str, str]]:
    """The links an invitation carries: the answers, the person's calendar to subscribe to,
    their vote (when the meeting's cycle takes dots) and what became of the last round's
    needs (when the cycle received a Rückspiegelung)."""
    return {
        "answer": answer_links(mailing, meeting, person),
        "calendar_url": public_links.personal_feed_url(mailing, person),
        "vote_url": dot_votes.invitation_vote_url(deps, mailing, meeting.cycle, person),
        "feedback_url": public_links.invitation_feedback_url(mailing.links, meeting.cycle, person),
    }


def answer_links(mailing: Mailing, meeting: Meeting, person: Participant) -> dict[str, str]:
    """The signed yes/no/maybe links of ``person`` for ``meeting``."""
    assert person.id is not None and meeting.id is not None
    url = mailing.links.url(RSVP, answer_token(person, meeting.id))
    return {r.value: f"{url}?answer={r.value}" for r in (Response.YES, Response.NO, Response.MAYBE)}


def invitation(
    deps: Dependencies, mailing: Mailing, meeting: Meeting, person: Participant, changed: bool
) -> OutboxMessage:
    """The invitation (or, ``changed``, its update) with its calendar entry, for one person,
    rendered and composed on its own: what ``Invitations`` gives for many people at a
    fraction of the cost (kept as its reference)."""
    entry = calendar_entry(deps, mailing, meeting, person, "REQUEST")
    context = {
        "meeting": meeting,
        "changed": changed,
        **invitation_links(deps, mailing, meeting, person),
    }
    return personal_message(deps, mailing, person, INVITATION, context, entry)


class MeetingMessages:
    """Messages about one meeting to many people, each with its calendar entry
    (``PersonalMessages``): the invitations, their updates, the cancellations. What
    differs per person is filled in: name, address, links, the entry's attendee."""

    def __init__(
        self,
        deps: Dependencies,
        mailing: Mailing,
        meeting: Meeting,
        template: str,
        context: Mapping[str, object],
        method: str,
    ) -> None:
        self._deps, self._mailing, self._meeting = deps, mailing, meeting
        self._messages = PersonalMessages(deps, mailing, template, context)
        self._method = method
        self._entry: CalendarEntry | None = None  # one DTSTAMP for the whole fan-out

    def message(self, person: Participant) -> OutboxMessage:
        if self._entry is None:
            self._entry = calendar_entry(
                self._deps, self._mailing, self._meeting, person, self._method
            )
        entry = replace(self._entry, attendee_name=person.name, attendee_email=person.email)
        return self._messages.message(person, self.links(person), entry)

    def links(self, person: Participant) -> Mapping[str, str | Mapping[str, str]]:
        """The person's own links in the message (none but the unsubscribe link)."""
        return {}


class Invitations(MeetingMessages):
    """The invitations (or changes) of one meeting for many people: what ``invitation``
    gives for each, at a fraction of the cost."""

    def __init__(
        self, deps: Dependencies, mailing: Mailing, meeting: Meeting, changed: bool
    ) -> None:
        context = {"meeting": meeting, "changed": changed}
        super().__init__(deps, mailing, meeting, INVITATION, context, "REQUEST")

    def links(self, person: Participant) -> Mapping[str, str | Mapping[str, str]]:
        return invitation_links(self._deps, self._mailing, self._meeting, person)


class Cancellations(MeetingMessages):
    """The cancellations of one meeting for many people: what ``cancellation`` gives for
    each, at a fraction of the cost."""

    def __init__(self, deps: Dependencies, mailing: Mailing, meeting: Meeting) -> None:
        super().__init__(deps, mailing, meeting, CANCELLATION, {"meeting": meeting}, "CANCEL")


def try_invitations(
    deps: Dependencies, mailing: Mailing, meeting: Meeting, people: Sequence[Participant]
) -> None:
    """Render the invitation once for each language and legal basis among ``people`` and
    drop it: a template that cannot be rendered raises ``TemplateRenderError`` before a
    fan-out stores its first part. Gives the meeting its calendar UID if it has none."""
    invitations = Invitations(deps, mailing, meeting, changed=False)
    tried: set[tuple[str, str]] = set()
    for person in people:
        kind = (person.language, str(person.legal_basis))
        if kind not in tried:
            tried.add(kind)
            invitations.message(person)


def remind(
    uow: UnitOfWork, deps: Dependencies, mailing: Mailing, meeting: Meeting, days: int
) -> int:
    """Queue a reminder ``days`` before the meeting for everyone invited who has not declined,
    in their language (in ``uow``); returns how many."""
    reminders = PersonalMessages(deps, mailing, REMINDER, {"meeting": meeting, "days": days})
    messages = [
        reminders.message(person, {"answer": answer_links(mailing, meeting, person)})
        for person in recipients(uow, meeting)
    ]
    outbox.enqueue_all(uow, messages)
    return len(messages)


def _tell_promoted(
    uow: UnitOfWork, deps: Dependencies, mailing: Mailing, meeting: Meeting, moved_up: Invitation
) -> None:
    person = uow.participants.participant_by_id(moved_up.participant_id)
    if person is None or not may_write_to(person):
        return
    context = {"meeting": meeting, "answer": answer_links(mailing, meeting, person)}
    outbox.enqueue(uow, personal_message(deps, mailing, person, PROMOTION, context))


def recipients(uow: UnitOfWork, meeting: Meeting) -> Sequence[Participant]:
    """Invited people who did not decline and whom we may (still) write to."""
    invitations = [
        i for i in uow.meetings.invitations(meeting_id=meeting.id) if i.response != Response.NO
    ]
    people = uow.participants.participants_by_id({i.participant_id for i in invitations})
    return [
        people[i.participant_id]
        for i in invitations
        if i.participant_id in people and may_write_to(people[i.participant_id])
    ]


def get_meeting(uow: UnitOfWork, meeting_id: int, lock: bool = False) -> Meeting:
    meeting = uow.meetings.meeting(meeting_id, lock=lock)
    if meeting is None:
        raise NotFound(f"Termin {meeting_id} gibt es nicht.")
    return meeting


def _planned(uow: UnitOfWork, meeting_id: int, lock: bool = False) -> Meeting:
    meeting = get_meeting(uow, meeting_id, lock)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DeliberationError(f'Termin {meeting_id} ("{meeting.title}") ist abgesagt.')
    return meeting


def describe(deps: Dependencies, meeting: Meeting) -> str:
    """Time and place of a meeting for the log, e.g. "17.03.2027 18:00, Kreishaus Peine"."""
    local = meeting.starts_at.astimezone(ZoneInfo(deps.timezone))
    return f"{local:%d.%m.%Y %H:%M}, {meeting.location or 'ohne Ort'}"


def _status_title(status: str) -> str:
    return MEETING_STATUS_TITLES.get(status, status)


def _require_future(deps: Dependencies, starts_at: datetime) -> None:
    if starts_at <= deps.clock():
        raise DeliberationError("Der Beginn liegt in der Vergangenheit; bitte Datum prüfen.")


def _open(deps: Dependencies, meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.PLANNED and meeting.starts_at > deps.clock()


def _from_token(
    uow: UnitOfWork, mailing: Mailing, token: str, lock: bool = False
) -> tuple[Meeting, Participant, Invitation]:
    payload = mailing.links.read(RSVP, token, mailing.answer_valid)
    [person_id, meeting_id], digest = read_token(payload, 2)
    meeting = uow.meetings.meeting(meeting_id, lock=lock)
    person = uow.participants.participant_by_id(person_id)
    if meeting is None or person is None or not holds(person, digest):
        raise LinkInvalid("Zu diesem Link gibt es keine Einladung (mehr).")
    mine = uow.meetings.invitations(meeting_id=meeting_id, participant_id=person_id)
    if not mine:
        raise LinkInvalid("Zu diesem Link gibt es keine Einladung (mehr).")
    return meeting, person, mine[0]


def _answer_view(
    deps: Dependencies,
    mailing: Mailing,
    uow: UnitOfWork,
    meeting: Meeting,
    person: Participant,
    invitation: Invitation,
) -> AnswerView:
    everyone = uow.meetings.invitations(meeting_id=meeting.id)
    return AnswerView(
        meeting.title,
        meeting.starts_at,
        meeting.location,
        person.name,
        person.language,
        invitation.response,
        waiting_position(invitation, everyone),
        _open(deps, meeting),
        public_links.personal_feed_url(mailing, person),
    )
