"""What staff look at before they act on a meeting: a month calendar, a meeting with its
answers and warnings, and the mail that confirm, move, cancel or invite would send.

Queries only: nothing here is ever committed. A preview renders the very
message the use case would queue (same templates, links and calendar part),
inside a unit of work that is rolled back.
"""

from __future__ import annotations

import calendar
import email
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email import policy
from email.message import EmailMessage
from enum import StrEnum
from zoneinfo import ZoneInfo

from deliberation.domain.cadence import MONTH_NAMES
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import Audience, MeetingStatus
from deliberation.domain.model import Meeting
from deliberation.domain.outbox import OutboxMessage
from deliberation.domain.participants import LANGUAGES, LegalBasis, Participant, may_write_to
from deliberation.domain.scheduling import DueKind, DueStatus
from deliberation.service_layer import body_meetings, meetings
from deliberation.service_layer.meeting_warnings import Slot, date_warnings, holidays_on
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_month: bool
    meetings: tuple[meetings.MeetingRow, ...]
    closed: tuple[str, ...]  # public holiday and school holidays, as staff read them


@dataclass(frozen=True)
class MonthCalendar:
    year: int
    month: int
    title: str  # "März 2027"
    body_key: str | None
    body_name: str
    weeks: tuple[tuple[CalendarDay, ...], ...]  # Monday to Sunday
    previous: tuple[int, int]
    next: tuple[int, int]


def month_calendar(
    deps: Dependencies, year: int, month: int, body_key: str | None = None
) -> MonthCalendar:
    """The weeks of a month with every meeting (of one body, or all), holidays marked."""
    if not 1 <= month <= 12 or not 1900 <= year <= 9999:
        raise DeliberationError(f"{month}/{year} ist kein Monat (Monat 1 bis 12).")
    zone = ZoneInfo(deps.timezone)
    body_name = ""
    if body_key is not None:
        with deps.unit_of_work() as uow:
            body = body_meetings.get_body(uow, body_key)
            body_key, body_name = body.key, body.name
    weeks = calendar.Calendar().monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
    found = meetings.list_meetings(
        deps,
        body_key,
        starts_from=datetime.combine(first, time(0), zone),
        starts_before=datetime.combine(last, time(0), zone),
    )
    by_day: dict[date, list[meetings.MeetingRow]] = {}
    for row in found:
        by_day.setdefault(row.starts_at.astimezone(zone).date(), []).append(row)
    return MonthCalendar(
        year,
        month,
        f"{MONTH_NAMES[month - 1]} {year}",
        body_key,
        body_name,
        tuple(
            tuple(
                CalendarDay(
                    day,
                    day.month == month,
                    tuple(by_day.get(day, ())),
                    tuple(_closed(deps, day)),
                )
                for day in week
            )
            for week in weeks
        ),
        (year - 1, 12) if month == 1 else (year, month - 1),
        (year + 1, 1) if month == 12 else (year, month + 1),
    )


def _closed(deps: Dependencies, day: date) -> list[str]:
    holiday, school = holidays_on(deps.holidays, day)
    return [
        *([f"Feiertag: {holiday}"] if holiday else []),
        *([f"Schulferien: {school}"] if school else []),
    ]


@dataclass(frozen=True)
class MeetingDetail:
    """One meeting as its page shows it: the row, the answers and what is wrong with its date."""

    row: meetings.MeetingRow
    duration_minutes: int
    answers: meetings.MeetingAnswers
    warnings: tuple[str, ...]


def meeting_detail(deps: Dependencies, meeting_id: int) -> MeetingDetail:
    row = meetings.meeting_row(deps, meeting_id)  # NotFound for an unknown id
    answers = meetings.answers(deps, meeting_id)
    with deps.unit_of_work() as uow:
        meeting = meetings.get_meeting(uow, meeting_id)
        slot = Slot(meeting.starts_at, meeting.duration_minutes, meeting.location)
        warnings = (
            ()
            if meeting.status == MeetingStatus.CANCELLED
            else date_warnings(uow, deps, slot, exclude_id=meeting_id)
        )
        return MeetingDetail(row, meeting.duration_minutes, answers, warnings)


class Action(StrEnum):
    CONFIRM = "confirm"
    MOVE = "move"
    CANCEL = "cancel"
    INVITE = "invite"


@dataclass(frozen=True)
class MailPreview:
    """The mail an action would send, as one recipient would get it (German where possible)."""

    action: Action
    recipients: int
    languages: tuple[tuple[str, int], ...]  # ("Türkisch", 2): recipients per language
    sample_to: str  # the recipient shown, or an example address when there is none
    subject: str
    text: str
    html: str | None
    has_calendar: bool
    note: str  # what happens besides, in German
    warnings: tuple[str, ...] = ()  # of a move's new date


def preview(
    deps: Dependencies,
    mailing: Mailing,
    meeting_id: int,
    action: Action,
    *,
    starts_at: datetime | None = None,
    location: str | None = None,
    audience: Audience | None = None,
) -> MailPreview:
    """The mail ``action`` would send now; nothing is written."""
    with deps.unit_of_work() as uow:
        meeting = meetings.get_meeting(uow, meeting_id)
        if meeting.status == MeetingStatus.CANCELLED:
            raise DeliberationError(f'Termin {meeting_id} ("{meeting.title}") ist abgesagt.')
        try:
            return _preview(uow, deps, mailing, meeting, action, starts_at, location, audience)
        finally:
            uow.rollback()  # a move's new time or a new calendar UID must not stay


def _preview(
    uow: UnitOfWork,
    deps: Dependencies,
    mailing: Mailing,
    meeting: Meeting,
    action: Action,
    starts_at: datetime | None,
    location: str | None,
    audience: Audience | None,
) -> MailPreview:
    warnings: tuple[str, ...] = ()
    if action == Action.INVITE:
        people = _not_yet_invited(uow, meeting, audience or Audience())
        note = "Jede Person erhält eine eigene Einladung mit Kalendereintrag."
    elif action == Action.CANCEL:
        people = list(meetings.recipients(uow, meeting))
        note = "Ausstehende Einladung und Erinnerungen entfallen; Eingeladene erhalten die Absage."
    elif action == Action.MOVE:
        meeting.starts_at = starts_at or meeting.starts_at
        meeting.location = (location or "").strip() or meeting.location
        meeting.sequence += 1
        slot = Slot(meeting.starts_at, meeting.duration_minutes, meeting.location)
        warnings = date_warnings(uow, deps, slot, exclude_id=meeting.id)
        people = list(meetings.recipients(uow, meeting))
        note = "Eingeladene erhalten die Änderung für ihren Kalender; Einladung und Erinnerungen "
        note += "wandern mit."
    else:
        people = []
        note = _confirm_note(uow, deps, meeting)
    sample = _sample(people, deps)
    message = _message(deps, mailing, meeting, sample, action)
    return _mail_preview(action, people, sample, message, note, warnings)


def _not_yet_invited(uow: UnitOfWork, meeting: Meeting, audience: Audience) -> list[Participant]:
    invited = {i.participant_id for i in uow.meetings.invitations(meeting_id=meeting.id)}
    return [
        p
        for p in uow.participants.participants()
        if audience.includes(p) and p.id not in invited and may_write_to(p)
    ]


def _confirm_note(uow: UnitOfWork, deps: Dependencies, meeting: Meeting) -> str:
    pending = [
        i
        for i in uow.due_work.due_work_of("meeting", meeting.id or 0)
        if i.status == DueStatus.PENDING and i.kind in (DueKind.INVITATION, DueKind.PHASE)
    ]
    if not pending:
        return (
            "Mit dem Bestätigen geht noch keine E-Mail hinaus; eingeladen wird mit "
            "„Einladen“. So wird die Einladung aussehen:"
        )
    due = pending[0].due_at.astimezone(ZoneInfo(deps.timezone))
    return (
        "Mit dem Bestätigen geht noch keine E-Mail hinaus; der Terminplaner lädt am "
        f"{due:%d.%m.%Y} um {due:%H:%M} Uhr ein. So wird die Einladung aussehen:"
    )


def _sample(people: Sequence[Participant], deps: Dependencies) -> Participant:
    """The first German-speaking recipient (staff read the preview), else the first; an
    example person when there is nobody."""
    german = [p for p in people if p.language == "de"]
    if german or people:
        return (german or list(people))[0]
    example = Participant(
        "Erika Mustermann", "erika.mustermann@example.org", "de", LegalBasis.DUTY, deps.clock()
    )
    example.id = 0
    return example


def _message(
    deps: Dependencies, mailing: Mailing, meeting: Meeting, person: Participant, action: Action
) -> OutboxMessage:
    if action == Action.CANCEL:
        return meetings.cancellation(deps, mailing, meeting, person)
    return meetings.invitation(deps, mailing, meeting, person, changed=action == Action.MOVE)


def _mail_preview(
    action: Action,
    people: Sequence[Participant],
    sample: Participant,
    message: OutboxMessage,
    note: str,
    warnings: tuple[str, ...],
) -> MailPreview:
    parsed = email.message_from_bytes(message.body, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    text = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    calendar_part = any(p.get_content_type() == "text/calendar" for p in parsed.walk())
    languages: dict[str, int] = {}
    for person in people:
        name = LANGUAGES.get(person.language, person.language)
        languages[name] = languages.get(name, 0) + 1
    return MailPreview(
        action,
        len(people),
        tuple(sorted(languages.items(), key=lambda item: (-item[1], item[0]))),
        sample.email,
        str(parsed["Subject"]),
        "" if text is None else str(text.get_content()),
        None if html is None else str(html.get_content()),
        calendar_part,
        note,
        warnings,
    )
