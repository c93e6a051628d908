"""Dates a county would never pick: a public holiday, school holidays, a clash of time and place.

A meeting added or moved by hand onto such a date is not refused but must be
confirmed: ``date_warnings`` names every reason in German, ``require_confirmed``
refuses with them until the person confirms (``--trotzdem`` on the command
line, a confirmation step in the web application). Both front ends call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Meeting
from deliberation.service_layer.ports import Dependencies, HolidayNames, UnitOfWork

#: How far back a meeting may have started and still run into the new one.
LONGEST_MEETING = timedelta(days=1)


class NeedsConfirmation(DeliberationError):
    """The date has warnings; the change happens only once the person confirms them."""

    def __init__(self, warnings: Sequence[str]) -> None:
        super().__init__("Bitte bestätigen: " + " ".join(warnings))
        self.warnings = tuple(warnings)


@dataclass(frozen=True)
class Slot:
    """When and where a meeting would take place."""

    starts_at: datetime
    duration_minutes: int
    location: str

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


def same_place(first: str, second: str) -> bool:
    """Whether two locations name the same place (case and spacing do not count)."""
    return _place(first) == _place(second) != ""


def _place(location: str) -> str:
    return " ".join(location.casefold().split())


def date_warnings(
    uow: UnitOfWork, deps: Dependencies, slot: Slot, exclude_id: int | None = None
) -> tuple[str, ...]:
    """Every reason against ``slot`` in German; empty if there is none.

    ``exclude_id`` is the meeting being moved (it does not clash with itself).
    """
    zone = ZoneInfo(deps.timezone)
    found = list(calendar_warnings(deps.holidays, slot, zone))
    for other in clashes(uow, slot, exclude_id):
        local = other.starts_at.astimezone(zone)
        end = (other.starts_at + timedelta(minutes=other.duration_minutes)).astimezone(zone)
        found.append(
            f"Zur selben Zeit am selben Ort ({other.location}) ist schon Termin {other.id} "
            f"„{other.title}“ am {local:%d.%m.%Y} von {local:%H:%M} bis {end:%H:%M} Uhr."
        )
    return tuple(found)


def calendar_warnings(calendar: HolidayNames | None, slot: Slot, zone: ZoneInfo) -> list[str]:
    day = slot.starts_at.astimezone(zone).date()
    holiday, school = holidays_on(calendar, day)
    found = []
    if holiday is not None:
        found.append(f"Der {day:%d.%m.%Y} ist ein Feiertag ({holiday}).")
    if school is not None:
        found.append(f"Der {day:%d.%m.%Y} liegt in den Schulferien ({school}).")
    return found


def holidays_on(calendar: HolidayNames | None, day: date) -> tuple[str | None, str | None]:
    """The public holiday and the school holidays ``day`` falls on (their names, or None)."""
    if calendar is None:
        return None, None
    return calendar.public_holiday(day), calendar.school_holiday(day)


def clashes(uow: UnitOfWork, slot: Slot, exclude_id: int | None = None) -> list[Meeting]:
    """Meetings (not cancelled) at the same place whose time overlaps ``slot``."""
    nearby = uow.meetings.meetings(
        starts_from=slot.starts_at - LONGEST_MEETING, starts_before=slot.ends_at
    )
    return [
        m
        for m in nearby
        if m.id != exclude_id
        and m.status != MeetingStatus.CANCELLED
        and same_place(m.location, slot.location)
        and m.starts_at + timedelta(minutes=m.duration_minutes) > slot.starts_at
    ]


def require_confirmed(warnings: Sequence[str], confirmed: bool) -> None:
    """Refuse with the warnings unless the person confirmed them."""
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings)
