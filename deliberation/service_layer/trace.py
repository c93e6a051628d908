"""Traceability: what became of a need, and where a recommendation comes from.

``trace_need`` follows a need from its workshop through the conference agenda
and the working groups to the recommendations that answer it and their
decision; ``trace_recommendation`` goes the other way. Both return plain,
frozen data for the entrypoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from deliberation.domain.errors import NextStep, NotFound, hint
from deliberation.domain.implementation import is_overdue
from deliberation.domain.model import Cycle, Need, Recommendation, SubjectKind, TransitionRecord
from deliberation.service_layer import recommendations
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.views import (
    NEED_STATUS_TITLES,
    SCOPE_TITLES,
    ConsultationView,
    LogView,
    ProgressView,
    consultation_view,
    log_views,
    need_place,
    status_view,
)


@dataclass(frozen=True)
class WorkshopRef:
    cycle_id: int
    title: str
    municipality: str
    round: str


@dataclass(frozen=True)
class NeedRef:
    id: int
    text: str
    municipality: str
    topic_field: str
    scope: str
    scope_title: str
    votes: int
    status: str
    status_title: str
    workshop: WorkshopRef


@dataclass(frozen=True)
class ConferenceRef:
    id: int
    title: str
    round: str


@dataclass(frozen=True)
class TopicRef:
    id: int
    position: int
    title: str
    conference: ConferenceRef


@dataclass(frozen=True)
class GroupRef:
    id: int
    name: str
    state_title: str
    topic_id: int
    topic: str


@dataclass(frozen=True)
class RecommendationRef:
    id: int
    title: str
    state: str
    state_title: str
    group_id: int
    group_name: str
    #: the title of the Kreistag decision it reached, "" while undecided
    decision: str
    #: where it lies on its consultation route, e.g. "Kreistag (Entscheidung): vertagt"
    stage: str = ""


@dataclass(frozen=True)
class NeedTrace:
    need: NeedRef
    topics: tuple[TopicRef, ...]
    groups: tuple[GroupRef, ...]
    recommendations: tuple[RecommendationRef, ...]
    outcome: str


@dataclass(frozen=True)
class RecommendationTrace:
    recommendation: RecommendationRef
    group: GroupRef
    conference: ConferenceRef
    needs: tuple[NeedRef, ...]
    log: tuple[LogView, ...]
    consultations: tuple[ConsultationView, ...] = ()
    responsible_office: str = ""
    due_date: date | None = None
    overdue: bool = False
    progress: tuple[ProgressView, ...] = ()


def trace_need(deps: Dependencies, need_id: int) -> NeedTrace:
    with deps.unit_of_work() as uow:
        need = uow.needs.need(need_id)
        if need is None:
            raise NotFound(
                f"Bedarf {need_id} gibt es nicht.", next_steps=[hint(NextStep.LIST_NEEDS)]
            )
        found = uow.needs.topics_with_need(need_id)
        topics = tuple(
            TopicRef(topic.id or 0, topic.position, topic.title, _conference(cycle_))
            for cycle_, topic in found
        )
        topic_ids = [t.id for t in topics]
        groups = tuple(
            GroupRef(
                g.id or 0,
                g.name,
                status_view(deps.engine, g).state_title,
                g.topic.id or 0,
                g.topic.title,
            )
            for g in (uow.groups.working_groups(topic_ids=topic_ids) if topic_ids else [])
        )
        recs = tuple(
            _recommendation_ref(deps, r, uow.log.log(SubjectKind.RECOMMENDATION, r.id or 0))
            for r in uow.recommendations.recommendations_for_need(need_id)
        )
        ref = _need_ref(need)
        return NeedTrace(ref, topics, groups, recs, _outcome(ref, recs))


def trace_recommendation(deps: Dependencies, recommendation_id: int) -> RecommendationTrace:
    with deps.unit_of_work() as uow:
        rec = recommendations.get(uow, recommendation_id)
        log = uow.log.log(SubjectKind.RECOMMENDATION, rec.id or 0)
        group = rec.working_group
        group_ref = GroupRef(
            group.id or 0,
            group.name,
            status_view(deps.engine, group).state_title,
            group.topic.id or 0,
            group.topic.title,
        )
        return RecommendationTrace(
            recommendation=_recommendation_ref(deps, rec, log),
            group=group_ref,
            conference=_conference(group.conference),
            needs=tuple(_need_ref(n) for n in rec.needs),
            log=log_views(deps.engine, log),
            consultations=tuple(consultation_view(c) for c in rec.consultations),
            responsible_office=rec.responsible_office,
            due_date=rec.due_date,
            overdue=is_overdue(rec, deps.today(), deps.engine.marked(rec, "implementing")),
            progress=tuple(ProgressView(n.at, n.author, n.text) for n in rec.progress_notes),
        )


def _conference(cycle_: Cycle) -> ConferenceRef:
    return ConferenceRef(cycle_.id or 0, cycle_.title, cycle_.round.label)


def _need_ref(need: Need) -> NeedRef:
    workshop = need.cycle
    return NeedRef(
        id=need.id or 0,
        text=need.text,
        municipality=need_place(need),
        topic_field=need.topic_field,
        scope=str(need.scope),
        scope_title=SCOPE_TITLES.get(str(need.scope), str(need.scope)),
        votes=need.votes,
        status=str(need.status),
        status_title=NEED_STATUS_TITLES.get(str(need.status), str(need.status)),
        workshop=WorkshopRef(
            workshop.id or 0,
            workshop.title,
            workshop.municipality.name if workshop.municipality else "",
            workshop.round.label,
        ),
    )


def _recommendation_ref(
    deps: Dependencies, rec: Recommendation, log: list[TransitionRecord]
) -> RecommendationRef:
    definition = deps.engine.definition_of(rec)
    decisions = definition.decision_states()
    decided = [r.to_state for r in log if r.to_state in decisions]
    if rec.state in decisions:
        decided.append(rec.state)
    decision = ""
    if decided and decided[-1] in definition.states:
        decision = definition.states[decided[-1]].title
    return RecommendationRef(
        id=rec.id or 0,
        title=rec.title,
        state=rec.state,
        state_title=status_view(deps.engine, rec).state_title,
        group_id=rec.working_group.id or 0,
        group_name=rec.working_group.name,
        decision=decision,
        stage=_stage(rec),
    )


def _stage(rec: Recommendation) -> str:
    if not rec.consultations:
        return ""
    last = rec.consultations[-1]
    return f"{last.meeting_title} ({last.role}): {last.result_title()}"


def _outcome(need: NeedRef, recs: tuple[RecommendationRef, ...]) -> str:
    """One German line: what became of the need."""
    if not recs:
        return need.status_title
    return "; ".join(
        f"entschieden: {r.decision} (Empfehlung {r.id})"
        if r.decision
        else f"beantwortet durch Empfehlung {r.id} (Zustand {r.state_title})"
        for r in recs
    )
