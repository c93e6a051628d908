"""The calendar as a timeline: every meeting by body, launches and reminders to staff.

The picture (``adapters.timeline``) is drawn from these entries; the
simulator draws its own simulated years the same way.
"""

from __future__ import annotations

from datetime import datetime

from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Meeting
from deliberation.domain.scheduling import KIND_TITLES, DueKind, DueStatus
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.simulation import TimelineEntry

#: Scheduler items that appear on the timeline (meetings are there anyway).
SHOWN_KINDS = (DueKind.LAUNCH, DueKind.GROUP_OVERDUE, DueKind.DECISION_OVERDUE)
STAFF_LANE = "Durchgänge und Mahnungen"
WORKSHOP_LANE = "Zukunftswerkstätten"


def calendar_timeline(deps: Dependencies, start: datetime, end: datetime) -> list[TimelineEntry]:
    """Meetings (not cancelled) and the scheduler's launches and reminders in ``[start, end)``."""
    with deps.unit_of_work() as uow:
        bodies = {b.key: b.name for b in uow.reference.bodies()}
        entries = [
            TimelineEntry(_lane(m, bodies), m.starts_at, "meeting", m.title)
            for m in uow.meetings.meetings(starts_from=start, starts_before=end)
            if m.status != MeetingStatus.CANCELLED
        ]
        for kind in SHOWN_KINDS:
            for item in uow.due_work.due_work(kind=kind.value):
                if start <= item.due_at < end and item.status != DueStatus.CANCELLED:
                    label = f"{KIND_TITLES[kind]} {item.note}".strip()
                    entries.append(TimelineEntry(STAFF_LANE, item.due_at, kind.value, label))
    return entries


def _lane(meeting: Meeting, bodies: dict[str, str]) -> str:
    if meeting.body_key:
        return bodies.get(meeting.body_key, meeting.body_key)
    if meeting.cycle is not None and meeting.cycle.municipality is not None:
        return WORKSHOP_LANE
    return meeting.title
