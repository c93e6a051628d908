"""What needs doing now: the start page of the web application, as one query.

Proposed meetings to confirm, invitations the scheduler will send soon,
overdue group reports and decisions, recommendations waiting for a meeting,
messages that could not be delivered, and the next meetings.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import SubjectKind
from deliberation.domain.outbox import OutboxStatus
from deliberation.domain.scheduling import DueKind, DueStatus
from deliberation.service_layer import meetings
from deliberation.service_layer.meetings import MeetingRow
from deliberation.service_layer.ports import Dependencies, UnitOfWork

SOON = timedelta(days=14)
NEXT_MEETINGS = 8
#: how many of the recommendations waiting for a meeting the start page names
WAITING_SHOWN = 20


@dataclass(frozen=True)
class Item:
    """One thing to look at: what, since or until when, and which page shows it."""

    title: str
    detail: str
    link: str
    when: datetime | None = None


@dataclass(frozen=True)
class StartPage:
    proposed_meetings: tuple[MeetingRow, ...]
    invitations_due: tuple[Item, ...]
    overdue_groups: tuple[Item, ...]
    overdue_decisions: tuple[Item, ...]
    #: the oldest ``WAITING_SHOWN`` of them; ``waiting_total`` counts them all
    waiting_for_meeting: tuple[Item, ...]
    outbox_failed: int
    next_meetings: tuple[MeetingRow, ...]
    waiting_total: int = 0

    def anything_to_do(self) -> bool:
        return any(
            (
                self.proposed_meetings,
                self.invitations_due,
                self.overdue_groups,
                self.overdue_decisions,
                self.waiting_for_meeting,
                self.outbox_failed,
            )
        )


def start_page(deps: Dependencies) -> StartPage:
    decided_states = deps.engine.marked_states(SubjectKind.RECOMMENDATION, "decided")
    now = deps.clock()
    upcoming = meetings.list_meetings(deps, starts_from=now)
    proposed = tuple(m for m in upcoming if m.status == MeetingStatus.PROPOSED)
    with deps.unit_of_work() as uow:
        titles = {m.id: m.title for m in upcoming}
        invitations = tuple(
            Item(
                titles.get(item.subject_id, f"Sitzung {item.subject_id}"),
                f"Einladung geht am {item.local_time} hinaus",
                f"/meetings/{item.subject_id}",
                item.due_at,
            )
            for item in uow.due_work.due_work(DueStatus.PENDING, DueKind.INVITATION)
            if item.due_at <= now + SOON
        )
        today = deps.today()
        overdue_groups = tuple(
            Item(g.name, f"Bericht war fällig am {g.due_date:%d.%m.%Y}", f"/groups/{g.id}")
            for g in uow.groups.working_groups()
            if g.due_date < today and not deps.engine.is_final(g)
        )
        decisions = []
        for item in uow.due_work.due_work(kind=DueKind.DECISION_OVERDUE):
            if item.due_at > now:
                continue
            rec = uow.recommendations.recommendation(item.subject_id)
            if rec is None or rec.state in decided_states or deps.engine.is_final(rec):
                continue
            state = deps.engine.definition_of(rec).state(rec.state).title
            decisions.append(
                Item(rec.title, f"noch keine Entscheidung ({state})", f"/recommendations/{rec.id}")
            )
        waiting, waiting_total = _waiting_for_meeting(deps, uow, decided_states)
        failed = uow.outbox.outbox_counts().get(OutboxStatus.FAILED.value, 0)
    return StartPage(
        proposed,
        invitations,
        overdue_groups,
        tuple(decisions),
        waiting,
        failed,
        tuple(m for m in upcoming if m.status != MeetingStatus.CANCELLED)[:NEXT_MEETINGS],
        waiting_total,
    )


def _on_the_route(deps: Dependencies, decided_states: Collection[str]) -> list[str]:
    """States of recommendations between their group's adoption and the decision."""
    definition = deps.engine.for_subject(SubjectKind.RECOMMENDATION)
    return [
        name
        for name, spec in definition.states.items()
        if name != definition.initial and not spec.final and name not in decided_states
    ]


def _waiting_for_meeting(
    deps: Dependencies, uow: UnitOfWork, decided_states: Collection[str]
) -> tuple[tuple[Item, ...], int]:
    """Recommendations on no meeting with a body of the route still ahead: the oldest few
    as plain rows (never whole recommendations: there can be 100,000), and how many."""
    if not deps.consultation_route:
        return (), 0
    definition = deps.engine.for_subject(SubjectKind.RECOMMENDATION)
    rows, total = uow.recommendations.waiting_for_meeting(
        _on_the_route(deps, decided_states), len(deps.consultation_route), WAITING_SHOWN
    )
    items = tuple(
        Item(title, definition.state(state).title, f"/recommendations/{rec_id}")
        for rec_id, title, state in rows
    )
    return items, total
