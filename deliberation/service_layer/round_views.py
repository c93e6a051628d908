"""Queries for the staff pages of rounds and cycles: what a page shows, with titles.

Every state and step appears by the title its workflow definition gives it,
never by its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deliberation.domain.errors import NotFound
from deliberation.domain.model import SubjectKind, TransitionRecord
from deliberation.domain.workflow import WorkflowDefinition
from deliberation.service_layer import cycles, groups
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.views import (
    CycleView,
    GroupView,
    NeedView,
    RecommendationView,
    cycle_detail,
    group_view,
    need_view,
    recommendation_view,
)

#: The first line of a record's history: it came into being (launched, formed, drafted).
CREATED = "Angelegt"


#: What a cycle's page asks of its state: does it collect needs, take votes, form groups?
CYCLE_CAPABILITIES = ("add_needs", "vote_needs", "form_groups")


@dataclass(frozen=True)
class WorkflowChoice:
    name: str
    title: str
    per_municipality: bool


@dataclass(frozen=True)
class RoundSummary:
    label: str
    created_at: datetime
    cycles: int
    open_cycles: int


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    step: str
    from_state: str
    to_state: str
    reason: str


@dataclass(frozen=True)
class CyclePage:
    cycle: CycleView
    history: tuple[HistoryEntry, ...]
    groups: tuple[GroupView, ...]
    collects_needs: bool
    takes_votes: bool
    forms_groups: bool


def launchable(deps: Dependencies) -> list[WorkflowChoice]:
    """The cycle workflows staff can start a round with (latest versions)."""
    latest = {d.name: d for d in deps.engine.definitions()}
    chosen = {
        d.name: deps.engine.latest(d.name)
        for d in latest.values()
        if d.subject == SubjectKind.CYCLE
    }
    return [
        WorkflowChoice(d.name, d.title, d.per_municipality)
        for d in sorted(chosen.values(), key=lambda d: (not d.per_municipality, d.title))
    ]


def list_rounds(deps: Dependencies) -> list[RoundSummary]:
    """Every round, newest first, with how many of its cycles are still open."""
    with deps.unit_of_work() as uow:
        rounds = uow.cycles.rounds()
        return sorted(
            (
                RoundSummary(
                    r.label,
                    r.created_at,
                    len(r.cycles),
                    sum(1 for c in r.cycles if not deps.engine.is_final(c)),
                )
                for r in rounds
            ),
            key=lambda r: r.created_at,
            reverse=True,
        )


def cycle_page(deps: Dependencies, cycle_id: int) -> CyclePage:
    """A cycle with its needs, agenda, groups and titled history, and what it allows now."""
    with deps.unit_of_work() as uow:
        cycle = cycles.get(uow, cycle_id)
        view = cycle_detail(deps.engine, cycle, [])
        history = titled_history(
            deps.engine.definition_of(cycle), uow.log.log(SubjectKind.CYCLE, cycle_id)
        )
        allows = {
            capability: deps.engine.allows(cycle, capability) for capability in CYCLE_CAPABILITIES
        }
    collects, votes, forms = (allows[c] for c in CYCLE_CAPABILITIES)
    groups_ = tuple(groups.list_groups(deps, cycle_id)) if view.agenda else ()
    return CyclePage(view, history, groups_, collects, votes, forms)


def titled_history(
    definition: WorkflowDefinition, records: list[TransitionRecord]
) -> tuple[HistoryEntry, ...]:
    """Log rows of one record with the titles its workflow gives steps and states."""
    steps = {t.trigger: t.title for t in definition.transitions}

    def state(name: str | None) -> str:
        if not name:
            return ""
        spec = definition.states.get(name)
        return spec.title if spec else name

    return tuple(
        HistoryEntry(
            r.at,
            r.actor,
            CREATED if r.from_state is None else steps.get(r.trigger, r.trigger),
            state(r.from_state),
            state(r.to_state),
            r.reason,
        )
        for r in records
    )


@dataclass(frozen=True)
class GroupPage:
    group: GroupView
    conference_title: str
    history: tuple[HistoryEntry, ...]
    topic_needs: tuple[NeedView, ...]
    recommendations: tuple[RecommendationView, ...]
    member_entries: tuple[str, ...]
    drafts: bool
    open: bool


def group_page(deps: Dependencies, group_id: int) -> GroupPage:
    """A working group with its topic's needs, its recommendations and its titled history."""
    entries = groups.member_entries(deps, group_id)
    with deps.unit_of_work() as uow:
        group = groups.get(uow, group_id)
        log = uow.log.log(SubjectKind.WORKING_GROUP, group_id)
        today = deps.today()
        return GroupPage(
            group_view(deps.engine, group),
            group.conference.title,
            titled_history(deps.engine.definition_of(group), log),
            tuple(need_view(n) for n in group.topic.needs),
            tuple(recommendation_view(deps.engine, r, today=today) for r in group.recommendations),
            entries,
            deps.engine.allows(group, "draft_recommendations"),
            not deps.engine.is_final(group),
        )


def agenda_topic(deps: Dependencies, conference_id: int, position: str) -> tuple[CycleView, str]:
    """The conference and the title of the agenda topic at ``position`` (for forming a group)."""
    view = cycles.show(deps, conference_id)
    for topic in view.agenda:
        if str(topic.position) == position.strip():
            return view, topic.title
    raise NotFound(f"Auf der Tagesordnung von {view.title} gibt es kein Thema {position}.")
