"""Use cases for meetings: list them, confirm, move or cancel a proposed date.

Moving a meeting moves its pending invitation, reminders and dated steps by
the same number of days (keeping their wall-clock time); cancelling cancels
them, and tells those already invited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deliberation.domain.errors import DeliberationError, NotFound
from deliberation.domain.model import Meeting
from deliberation.domain.outbox import compose
from deliberation.domain.scheduling import (
    KIND_TITLES,
    MEETING_STATUS_TITLES,
    DueKind,
    DueStatus,
    MeetingStatus,
    shift,
)
from deliberation.service_layer import due_work
from deliberation.service_layer.due_work import SchedulerTools
from deliberation.service_layer.ports import Dependencies, UnitOfWork


@dataclass(frozen=True)
class MeetingView:
    id: int
    title: str
    starts_at: datetime
    status: str
    status_title: str
    series: str
    next_work: str


def list_meetings(
    deps: Dependencies,
    tools: SchedulerTools,
    status: str | None = None,
    series: str | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
) -> list[MeetingView]:
    with deps.unit_of_work() as uow:
        meetings = uow.repo.meetings(series, status, starts_from, starts_before)
        return [_view(uow, tools, m) for m in meetings]


def _view(uow: UnitOfWork, tools: SchedulerTools, meeting: Meeting) -> MeetingView:
    pending = [
        i for i in uow.repo.due_work_of("meeting", meeting.id or 0)
        if i.status == DueStatus.PENDING
    ]
    next_work = ""
    if pending:
        first = pending[0]
        next_work = f"{KIND_TITLES[DueKind(first.kind)]} {_german(first.local_time)}"
    return MeetingView(
        id=meeting.id or 0,
        title=meeting.title,
        starts_at=meeting.starts_at.astimezone(tools.policy.tz),
        status=meeting.status,
        status_title=MEETING_STATUS_TITLES.get(meeting.status, meeting.status),
        series=meeting.series or "",
        next_work=next_work,
    )


def _german(local_time: str) -> str:
    day, _, clock = local_time.partition(" ")
    year, month, dom = day.split("-")
    return f"{dom}.{month}.{year} {clock}"


def confirm(deps: Dependencies, tools: SchedulerTools, meeting_id: int) -> MeetingView:
    with deps.unit_of_work() as uow:
        meeting = _get(uow, meeting_id)
        _refuse_cancelled(meeting)
        meeting.status = MeetingStatus.CONFIRMED
        uow.commit()
        return _view(uow, tools, meeting)


def move(
    deps: Dependencies, tools: SchedulerTools, meeting_id: int, starts_at: datetime
) -> tuple[MeetingView, str | None]:
    """Move the meeting and its pending work; returns a warning if the new day is closed."""
    policy = tools.policy
    with deps.unit_of_work() as uow:
        meeting = _get(uow, meeting_id)
        _refuse_cancelled(meeting)
        if starts_at <= deps.clock():
            raise DeliberationError("Eine Sitzung kann nicht in die Vergangenheit verlegt werden.")
        before = meeting.starts_at
        meeting.starts_at = starts_at
        meeting.status = MeetingStatus.CONFIRMED
        for item in uow.repo.due_work_of("meeting", meeting_id):
            if item.status == DueStatus.PENDING and item.kind != DueKind.LAUNCH:
                shift(item, before, starts_at, policy.tz)
        uow.commit()
        return _view(uow, tools, meeting), _closed_warning(tools, meeting)


def _closed_warning(tools: SchedulerTools, meeting: Meeting) -> str | None:
    series = tools.policy.series_by_key(meeting.series or "")
    if series is None or series.closed is None:
        return None
    day = meeting.starts_at.astimezone(tools.policy.tz).date()
    if day.weekday() >= 5 and not series.rule.allow_weekend:
        return f"Der {day:%d.%m.%Y} ist ein Wochenende."
    reason = series.closed.is_closed(day)
    return None if reason is None else f"Der {day:%d.%m.%Y} ist geschlossen ({reason})."


def cancel(deps: Dependencies, tools: SchedulerTools, meeting_id: int) -> tuple[MeetingView, int]:
    """Cancel the meeting and its pending work; returns how many invitees were told."""
    with deps.unit_of_work() as uow:
        meeting = _get(uow, meeting_id)
        _refuse_cancelled(meeting)
        items = uow.repo.due_work_of("meeting", meeting_id)
        invited = any(
            i.status == DueStatus.DONE and i.kind in (DueKind.INVITATION, DueKind.PHASE)
            for i in items
        )
        now = deps.clock()
        for item in items:
            if item.status == DueStatus.PENDING:
                item.status = DueStatus.CANCELLED
                item.finished_at = now
                item.note = "Sitzung abgesagt"
        told = 0
        if invited:
            told = _tell_cancelled(deps, tools, uow, meeting)
        meeting.status = MeetingStatus.CANCELLED
        uow.commit()
        return _view(uow, tools, meeting), told


def _tell_cancelled(
    deps: Dependencies, tools: SchedulerTools, uow: UnitOfWork, meeting: Meeting
) -> int:
    people = due_work.audience(uow, meeting)
    if not people:
        return 0
    local = meeting.starts_at.astimezone(tools.policy.tz)
    context: dict[str, object] = {"meeting": meeting, "when": f"{local:%d.%m.%Y um %H:%M} Uhr"}
    subject, body = due_work.render(deps, tools, "scheduling/meeting_cancelled", context)
    for person in people:
        uow.repo.enqueue(compose(tools.sender, person.email, subject, body, deps.clock()))
    return len(people)


def _get(uow: UnitOfWork, meeting_id: int) -> Meeting:
    meeting = uow.repo.meeting(meeting_id, lock=True)
    if meeting is None:
        raise NotFound(
            f"Sitzung {meeting_id} gibt es nicht (deliberation meeting list --all zeigt alle)."
        )
    return meeting


def _refuse_cancelled(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise DeliberationError(f"Sitzung {meeting.id} ist abgesagt und bleibt es.")
