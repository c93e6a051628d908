"""A meeting's scheduled work: what moves with it, what a cancellation cancels.

The scheduler (``due_work``) stores an invitation, reminders and dated
workflow steps per meeting. ``meetings.move`` and ``meetings.cancel`` call
these helpers inside their own unit of work, so the meeting and its due work
change together or not at all.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deliberation.domain.model import Meeting
from deliberation.domain.scheduling import (
    KIND_TITLES,
    DueKind,
    DueStatus,
    shift,
)
from deliberation.service_layer.ports import UnitOfWork


def shift_pending_work(uow: UnitOfWork, meeting: Meeting, before: datetime, zone: ZoneInfo) -> int:
    """Move the pending items of ``meeting`` by as many days as it moved (same wall-clock time).

    A round's launch is not moved: it belongs to the conference's period, not to its day.
    """
    moved = 0
    for item in uow.due_work.due_work_of("meeting", meeting.id or 0):
        if item.status == DueStatus.PENDING and item.kind != DueKind.LAUNCH:
            shift(item, before, meeting.starts_at, zone)
            moved += 1
    return moved


def cancel_pending_work(uow: UnitOfWork, meeting: Meeting, now: datetime) -> int:
    """Cancel every pending item of ``meeting``; returns how many."""
    cancelled = 0
    for item in uow.due_work.due_work_of("meeting", meeting.id or 0):
        if item.status == DueStatus.PENDING:
            item.status = DueStatus.CANCELLED
            item.finished_at = now
            item.note = "Sitzung abgesagt"
            cancelled += 1
    return cancelled


def next_work(uow: UnitOfWork, meeting: Meeting) -> str:
    """The meeting's next pending item as staff read it, e.g. "Erinnerung 03.03.2027 08:00"."""
    pending = [
        i
        for i in uow.due_work.due_work_of("meeting", meeting.id or 0)
        if i.status == DueStatus.PENDING
    ]
    if not pending:
        return ""
    first = pending[0]
    return f"{KIND_TITLES[DueKind(first.kind)]} {_german(first.local_time)}"


def _german(local_time: str) -> str:
    day, _, clock = local_time.partition(" ")
    year, month, dom = day.split("-")
    return f"{dom}.{month}.{year} {clock}"
