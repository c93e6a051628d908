"""Meetings of the bodies (Sitzungen) on the consultation route: add, list, look up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from deliberation.domain import text_rules
from deliberation.domain.cadence import ClosedDays
from deliberation.domain.errors import DeliberationError, FieldKey, NextStep, NotFound, hint
from deliberation.domain.model import Body, Meeting
from deliberation.service_layer import audit
from deliberation.service_layer.meeting_warnings import Slot, date_warnings, require_confirmed
from deliberation.service_layer.ports import Dependencies, HolidayNames, UnitOfWork


@dataclass(frozen=True)
class MeetingView:
    id: int
    title: str
    starts_at: datetime
    location: str
    body_key: str
    body_name: str
    public: bool
    status: str


def add(
    deps: Dependencies,
    body_key: str,
    starts_at: datetime,
    location: str,
    title: str = "",
    *,
    confirmed: bool = False,
    actor: str = "",
) -> MeetingView:
    """Plan a meeting of a body; closed bodies (``public = false``) get non-public meetings.

    A date on a holiday, in school holidays or at the time and place of
    another meeting is refused with ``NeedsConfirmation`` unless ``confirmed``.
    """
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be aware")
    if not location.strip():
        raise DeliberationError("Eine Sitzung braucht einen Ort.", field=FieldKey.LOCATION)
    location = text_rules.single_line(location, "Der Ort", field=FieldKey.LOCATION)
    title = text_rules.single_line(title, "Der Titel", required=False, field=FieldKey.TITLE)
    with deps.unit_of_work() as uow:
        body = get_body(uow, body_key)
        local = starts_at.astimezone(ZoneInfo(deps.timezone))
        meeting = Meeting(
            title=title.strip() or f"Sitzung {body.name} am {local:%d.%m.%Y}",
            starts_at=starts_at,
            location=location.strip(),
            body_key=body.key,
            public=body.public,
            created_at=deps.clock(),
        )
        slot = Slot(meeting.starts_at, meeting.duration_minutes, meeting.location)
        require_confirmed(date_warnings(uow, deps, slot), confirmed)
        uow.meetings.add(meeting)
        uow.flush()
        view = meeting_view(meeting, body)
        audit.record(
            uow,
            deps.clock(),
            actor,
            "meeting_scheduled",
            ("meeting", meeting.id or 0),
            after=f"{local:%d.%m.%Y %H:%M}, {meeting.location}",
            reason=meeting.title,
        )
        uow.commit()
        return view


def list_meetings(deps: Dependencies, body_key: str | None = None) -> list[MeetingView]:
    with deps.unit_of_work() as uow:
        if body_key is not None:
            get_body(uow, body_key)
        bodies = {b.key: b for b in uow.reference.bodies()}
        return [
            meeting_view(m, bodies[m.body_key])
            for m in uow.meetings.meetings(body_key)
            if m.body_key is not None
        ]


def get_body(uow: UnitOfWork, key: str) -> Body:
    """A body by key or name, case-insensitive."""
    known = uow.reference.bodies()
    for body in known:
        if key.strip().casefold() in (body.key.casefold(), body.name.casefold()):
            return body
    raise DeliberationError(
        f'Das Gremium "{key}" ist unbekannt (bekannt: {", ".join(b.key for b in known)}).'
    )


def get(uow: UnitOfWork, meeting_id: int) -> Meeting:
    meeting = uow.meetings.meeting(meeting_id)
    if meeting is None:
        raise NotFound(
            f"Sitzung {meeting_id} gibt es nicht.", next_steps=[hint(NextStep.LIST_MEETINGS)]
        )
    return meeting


def local_day(deps: Dependencies, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(deps.timezone)).date()


def meeting_view(meeting: Meeting, body: Body) -> MeetingView:
    return MeetingView(
        id=meeting.id or 0,
        title=meeting.title,
        starts_at=meeting.starts_at,
        location=meeting.location,
        body_key=body.key,
        body_name=body.name,
        public=meeting.public,
        status=meeting.status,
    )


class _PublicHolidays:
    """The county's public holidays as closed days (school holidays do not count)."""

    def __init__(self, names: HolidayNames | None) -> None:
        self.names = names

    def is_closed(self, day: date) -> str | None:
        name = self.names.public_holiday(day) if self.names is not None else None
        return None if name is None else f"Feiertag: {name}"


def public_holidays(deps: Dependencies) -> ClosedDays:
    """What notice periods skip as the rules of procedure say: the public holidays."""
    return _PublicHolidays(deps.holidays)
