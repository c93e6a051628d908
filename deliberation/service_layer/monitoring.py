"""Participation monitoring: per municipality and workshop, what came in and what became of it;
per working group, what it was asked and what it delivered.

For each future workshop: the needs submitted and their fate (handled locally,
forwarded, answered by a recommendation, decided by the Kreistag), the people
invited (the invitations to the workshop's meeting with their answers, or else
the workshop's audience once its invitation was sent) and attending (recorded by
staff), and the recommendations answering its needs with their
outcomes.

For each working group: its topic, state and due date (and whether its report
is overdue), its members, the needs its recommendations answer, and its
recommendations with how far they got (decided, being implemented) and their
outcomes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from deliberation.domain.errors import DeliberationError, NextStep, NotFound, hint
from deliberation.domain.model import (
    Cycle,
    Need,
    NeedStatus,
    NotificationStatus,
    Recommendation,
    WorkingGroup,
)
from deliberation.domain.participants import may_write_to
from deliberation.service_layer import notifications
from deliberation.service_layer.ports import Dependencies, UnitOfWork

#: the fate of a need, from the furthest it got
FATES = ("handled_locally", "forwarded", "answered", "decided", "open")
FATE_TITLES = {
    "handled_locally": "vor Ort bearbeitet",
    "forwarded": "an die Konferenz weitergeleitet",
    "answered": "durch Empfehlung beantwortet",
    "decided": "vom Kreistag entschieden",
    "open": "offen",
}


@dataclass(frozen=True)
class WorkshopFigures:
    cycle_id: int
    round: str
    municipality: str
    title: str
    needs: int
    fates: dict[str, int]
    invited: int
    accepted: int | None  # seated "yes" answers to the workshop's meeting; None: no meeting
    attendees: int | None
    recommendations: int
    outcomes: dict[str, int]


def monitoring(deps: Dependencies, round_label: str | None = None) -> list[WorkshopFigures]:
    """One row per future workshop (municipality and round), ordered by round and name."""
    with deps.unit_of_work() as uow:
        if round_label is not None and uow.cycles.round(round_label) is None:
            raise DeliberationError(f'Den Durchgang "{round_label}" gibt es nicht.')
        rendered = {
            n.subject_id
            for n in uow.outbox.notifications(NotificationStatus.RENDERED)
            if n.subject_kind == "cycle"
        }
        workshops = [
            c
            for c in uow.cycles.cycles(round_label=round_label)
            if deps.engine.definition_of(c).collects_needs
        ]
        rows = [_figures(deps, uow, c, c.id in rendered) for c in workshops]
        return sorted(rows, key=lambda r: (r.round, r.municipality, r.cycle_id))


@dataclass(frozen=True)
class GroupFigures:
    group_id: int
    round: str
    name: str
    topic: str
    state_title: str
    due_date: date
    #: the due date has passed and the group is still at work
    report_overdue: bool
    members: int
    #: the needs its recommendations answer
    needs: int
    recommendations: int
    #: recommendations the Kreistag has decided / that are being implemented
    decided: int
    implementing: int
    outcomes: dict[str, int]


def working_groups(deps: Dependencies, round_label: str | None = None) -> list[GroupFigures]:
    """One row per working group, ordered by round and name."""
    with deps.unit_of_work() as uow:
        if round_label is not None and uow.cycles.round(round_label) is None:
            raise DeliberationError(f'Den Durchgang "{round_label}" gibt es nicht.')
        groups = [
            g
            for g in uow.groups.working_groups()
            if round_label is None or g.conference.round.label == round_label
        ]
        rows = [_group_figures(deps, g) for g in groups]
        return sorted(rows, key=lambda r: (r.round, r.name.casefold(), r.group_id))


def _group_figures(deps: Dependencies, group: WorkingGroup) -> GroupFigures:
    engine = deps.engine
    recs = group.recommendations
    state = engine.definition_of(group).state(group.state).title
    return GroupFigures(
        group_id=group.id or 0,
        round=group.conference.round.label,
        name=group.name,
        topic=group.topic.title,
        state_title=state,
        due_date=group.due_date,
        report_overdue=group.due_date < deps.today() and not engine.is_final(group),
        members=len(group.members),
        needs=len({n.id for r in recs for n in r.needs}),
        recommendations=len(recs),
        decided=sum(1 for r in recs if engine.marked(r, "decided")),
        implementing=sum(1 for r in recs if engine.marked(r, "implementing")),
        outcomes=dict(
            sorted(Counter(engine.definition_of(r).state(r.state).title for r in recs).items())
        ),
    )


def record_attendance(deps: Dependencies, cycle_id: int, attendees: int) -> str:
    """Record how many people came to a workshop or conference; returns its title."""
    if attendees < 0:
        raise DeliberationError("Die Zahl der Teilnehmenden kann nicht negativ sein.")
    with deps.unit_of_work() as uow:
        cycle = uow.cycles.cycle(cycle_id, lock=True)
        if cycle is None:
            raise NotFound(
                f"Zyklus {cycle_id} gibt es nicht.", next_steps=[hint(NextStep.LIST_CYCLES)]
            )
        cycle.attendees = attendees
        cycle.updated_at = deps.clock()
        title = cycle.title
        uow.commit()
        return title


def _figures(deps: Dependencies, uow: UnitOfWork, cycle: Cycle, invited: bool) -> WorkshopFigures:
    answering = {n.id: uow.recommendations.recommendations_for_need(n.id or 0) for n in cycle.needs}
    recs: dict[int, Recommendation] = {r.id or 0: r for found in answering.values() for r in found}
    recorded = uow.meetings.invitations_of_cycle(cycle.id or 0)
    # the figures a meeting kept when retention removed its answers after the meeting
    kept = [m for m in uow.meetings.meetings_of_cycle(cycle.id or 0) if m.invited_count is not None]
    if recorded or kept:  # invited to the workshop's meeting: one record per person
        invited_count = len({i.participant_id for i in recorded})
        invited_count += sum(m.invited_count or 0 for m in kept)
        accepted: int | None = sum(1 for i in recorded if i.seated)
        accepted = (accepted or 0) + sum(m.accepted_count or 0 for m in kept)
    else:  # invited by the cycle's own notification: its audience once it was sent
        audience = (
            [p for p in notifications.cycle_audience(uow, deps.engine, cycle) if may_write_to(p)]
            if invited
            else []
        )
        invited_count, accepted = len(audience), None
    titles = deps.engine.definition_of
    outcomes = Counter(titles(r).state(r.state).title for r in recs.values())
    fates = Counter(_fate(deps, n, answering[n.id]) for n in cycle.needs)
    return WorkshopFigures(
        cycle_id=cycle.id or 0,
        round=cycle.round.label,
        municipality=cycle.municipality.name if cycle.municipality else deps.county_name,
        title=cycle.title,
        needs=len(cycle.needs),
        fates={fate: fates.get(fate, 0) for fate in FATES},
        invited=invited_count,
        accepted=accepted,
        attendees=cycle.attendees,
        recommendations=len(recs),
        outcomes=dict(sorted(outcomes.items())),
    )


def _fate(deps: Dependencies, need: Need, answered_by: list[Recommendation]) -> str:
    if any(deps.engine.marked(r, "decided") for r in answered_by):
        return "decided"
    if answered_by:
        return "answered"
    if need.status == NeedStatus.HANDLED_LOCALLY:
        return "handled_locally"
    if need.status == NeedStatus.FORWARDED:
        return "forwarded"
    return "open"


def round_labels(deps: Dependencies) -> list[str]:
    """The labels of every round, oldest first (for choosing one)."""
    with deps.unit_of_work() as uow:
        return sorted(r.label for r in uow.cycles.rounds())
