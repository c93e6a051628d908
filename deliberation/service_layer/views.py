"""Read models: plain data for the entrypoints, detached from any session."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import NamedTuple

from deliberation.domain.consultations import Consultation
from deliberation.domain.engine import WorkflowEngine, vanished_state
from deliberation.domain.implementation import (
    TRAFFIC_LIGHT_COLOURS,
    TRAFFIC_LIGHT_TITLES,
    is_overdue,
    traffic_light,
)
from deliberation.domain.model import (
    Cycle,
    Meeting,
    Need,
    Recommendation,
    Round,
    Stateful,
    TransitionRecord,
    WorkingGroup,
)
from deliberation.service_layer.ports import TrackerRow

SCOPE_TITLES = {"local": "lokal", "county": "kreisweit"}
#: where a need of a county-wide cycle (no municipality) comes from
COUNTY_WIDE_PLACE = "Landkreis (kreisweit)"
NEED_STATUS_TITLES = {
    "open": "offen",
    "forwarded": "an die Konferenz weitergeleitet",
    "handled_locally": "in der Gemeinde bearbeitet",
}


@dataclass(frozen=True)
class StepView:
    trigger: str
    title: str
    needs_text: bool


@dataclass(frozen=True)
class LogView:
    """One history line; the keys for programs, the German titles for people."""

    at: datetime
    actor: str
    trigger: str
    from_state: str | None
    to_state: str
    reason: str
    step_title: str = ""
    from_title: str = ""
    to_title: str = ""
    messages: int = 0  # invitations the step queued in the outbox
    warning: str = ""  # what staff should know about the step (e.g. an incomplete agenda)


@dataclass(frozen=True)
class StatusView:
    """Where a workflow-driven record stands and what can happen next."""

    id: int
    workflow: str
    workflow_title: str
    state: str
    state_title: str
    final: bool
    version: int
    updated_at: datetime
    next_steps: tuple[StepView, ...]


@dataclass(frozen=True)
class NeedView:
    id: int
    cycle_id: int
    municipality: str
    text: str
    topic_field: str
    scope: str
    #: dots counted on site
    votes: int
    status: str
    #: dots given online through the personal links
    online_votes: int = 0

    @property
    def total_votes(self) -> int:
        return self.votes + self.online_votes


@dataclass(frozen=True)
class TopicView:
    id: int
    position: int
    title: str
    need_ids: tuple[int, ...]


@dataclass(frozen=True)
class CycleMeetingView:
    """A meeting of a cycle (a workshop evening, the conference day)."""

    id: int
    starts_at: datetime
    location: str
    status: str


@dataclass(frozen=True)
class FeedbackLine:
    """One implementation report mirrored back into a round (Rückspiegelung)."""

    recommendation_id: int
    title: str
    from_round: str
    text: str


@dataclass(frozen=True)
class CycleView:
    status: StatusView
    round: str
    title: str
    municipality: str
    needs: tuple[NeedView, ...] = ()
    agenda: tuple[TopicView, ...] = ()
    group_ids: tuple[int, ...] = ()
    log: tuple[LogView, ...] = ()
    meetings: tuple[CycleMeetingView, ...] = ()
    #: what keeps its invitations from going out ("" when a confirmed meeting has a place)
    invitation_problem: str = ""
    #: the Rückspiegelung: what became of the last round's recommendations
    feedback: tuple[FeedbackLine, ...] = ()


@dataclass(frozen=True)
class GroupView:
    status: StatusView
    name: str
    conference_id: int
    topic: str
    mandate: str
    due_date: date
    members: tuple[str, ...]
    recommendation_ids: tuple[int, ...] = ()
    log: tuple[LogView, ...] = ()
    report: str = ""
    topic_id: int = 0


@dataclass(frozen=True)
class RecommendationView:
    status: StatusView
    title: str
    text: str
    group_id: int
    group_name: str
    commission_statement: str
    resolution_text: str
    implementation_report: str
    need_ids: tuple[int, ...] = ()
    log: tuple[LogView, ...] = field(default=())
    conference_id: int = 0
    conference_title: str = ""
    round: str = ""
    municipalities: tuple[str, ...] = ()
    responsible_office: str = ""
    due_date: date | None = None
    overdue: bool = False
    consultations: tuple[ConsultationView, ...] = ()
    progress: tuple[ProgressView, ...] = ()
    #: the implementation's traffic light in German, e.g. "gelb – verspätet" ("" if none)
    traffic_light: str = ""


@dataclass(frozen=True)
class ConsultationView:
    """One stop of a recommendation on its route: which meeting, which role, what result."""

    id: int
    body_key: str
    role: str
    authoritative: bool
    #: 0 for a statement given without a meeting
    meeting_id: int
    meeting_title: str
    #: when the meeting began; for a statement without a meeting, when it was recorded
    meeting_starts_at: datetime
    #: dealt with in a public meeting (never without a meeting)
    public: bool
    result: str
    result_title: str
    resolution_text: str

    @property
    def held_in_meeting(self) -> bool:
        return bool(self.meeting_id)

    @property
    def where(self) -> str:
        """ "Sitzung 4, Vorberatung, nicht öffentlich" or "ohne Sitzung, Anhörung"."""
        if not self.held_in_meeting:
            return f"ohne Sitzung, {self.role}"
        closed = "" if self.public else ", nicht öffentlich"
        return f"Sitzung {self.meeting_id}, {self.role}{closed}"


@dataclass(frozen=True)
class ProgressView:
    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class StateFacts:
    """What the tracker shows about a workflow state, looked up once per state."""

    title: str
    #: the German titles of the steps possible next
    next_steps: tuple[str, ...]
    final: bool
    implementing: bool


class TrackerView(NamedTuple):
    """One line of the tracker: who, where, how far, by whom, until when (a named tuple:
    cheap to build and to read by the ten thousand)."""

    id: int
    title: str
    group_name: str
    conference_title: str
    round: str
    state: str
    state_title: str
    next_steps: tuple[str, ...]
    final: bool
    responsible_office: str
    due_date: date | None
    overdue: bool


def tracker_views(
    engine: WorkflowEngine, rows: Iterable[TrackerRow], today: date
) -> list[TrackerView]:
    """Views of tracker lines; titles and next steps are looked up once per state."""
    facts: dict[tuple[str, int, str], StateFacts] = {}

    def facts_of(id_: int, workflow: str, version: int, state: str) -> StateFacts:
        definition = engine.definition(workflow, version)
        if state not in definition.states:
            raise vanished_state(f"Empfehlung {id_}", state, definition)
        spec = definition.state(state)
        found = facts[workflow, version, state] = StateFacts(
            spec.title,
            tuple(definition.step_title(t) for t in definition.triggers_from(state)),
            spec.final,
            "implementing" in spec.marks,
        )
        return found

    lines = []
    make = TrackerView._make
    for id_, title, group, conference, round_, workflow, version, state, office, due in rows:
        known = facts.get((workflow, version, state)) or facts_of(id_, workflow, version, state)
        overdue = known.implementing and due is not None and due < today
        lines.append(
            make(
                (
                    id_,
                    title,
                    group,
                    conference,
                    round_,
                    state,
                    known.title,
                    known.next_steps,
                    known.final,
                    office,
                    due,
                    overdue,
                )
            )
        )
    return lines


def consultation_view(c: Consultation) -> ConsultationView:
    return ConsultationView(
        id=c.id or 0,
        body_key=c.body_key,
        role=c.role,
        authoritative=c.authoritative,
        meeting_id=(c.meeting.id or 0) if c.meeting is not None else 0,
        meeting_title=c.meeting_title,
        meeting_starts_at=c.meeting.starts_at
        if c.meeting is not None
        else c.decided_at or c.placed_at,
        public=c.public,
        result=c.result,
        result_title=c.result_title(),
        resolution_text=c.resolution_text,
    )


def status_view(engine: WorkflowEngine, subject: Stateful) -> StatusView:
    definition = engine.definition_of(subject)
    steps = tuple(
        StepView(t.trigger, t.title, "text" in t.requires)
        for t in definition.transitions_from(subject.state)
    )
    state = definition.states.get(subject.state)
    return StatusView(
        id=subject.id or 0,
        workflow=definition.name,
        workflow_title=definition.title,
        state=subject.state,
        state_title=state.title if state else f"unbekannter Zustand {subject.state}",
        final=state.final if state else False,
        version=subject.version,
        updated_at=subject.updated_at,
        next_steps=_unique_steps(steps),
    )


def _unique_steps(steps: tuple[StepView, ...]) -> tuple[StepView, ...]:
    seen: dict[str, StepView] = {}
    for step in steps:
        seen.setdefault(step.trigger, step)
    return tuple(seen.values())


def log_view(engine: WorkflowEngine, r: TransitionRecord) -> LogView:
    return LogView(
        r.at,
        r.actor,
        r.trigger,
        r.from_state,
        r.to_state,
        r.reason,
        step_title=engine.step_title(r.workflow, r.trigger),
        from_title=engine.state_title(r.workflow, r.from_state),
        to_title=engine.state_title(r.workflow, r.to_state),
    )


def log_views(engine: WorkflowEngine, records: list[TransitionRecord]) -> tuple[LogView, ...]:
    return tuple(log_view(engine, r) for r in records)


def need_place(need: Need) -> str:
    """The municipality a need comes from, or the county for a county-wide cycle's need."""
    return need.municipality.name if need.municipality else COUNTY_WIDE_PLACE


def need_view(need: Need) -> NeedView:
    return NeedView(
        id=need.id or 0,
        cycle_id=need.cycle.id or 0,
        municipality=need_place(need),
        text=need.text,
        topic_field=need.topic_field,
        scope=str(need.scope),
        votes=need.votes,
        status=str(need.status),
        online_votes=need.online_votes,
    )


def cycle_summary(engine: WorkflowEngine, cycle: Cycle) -> CycleView:
    """A cycle for lists: where it stands, without its needs, agenda and history."""
    return CycleView(
        status=status_view(engine, cycle),
        round=cycle.round.label,
        title=cycle.title,
        municipality=cycle.municipality.name if cycle.municipality else "",
    )


def cycle_detail(
    engine: WorkflowEngine,
    cycle: Cycle,
    log: list[TransitionRecord],
    meetings: Iterable[Meeting] = (),
) -> CycleView:
    """A cycle with everything ``cycle show`` prints."""
    return replace(
        cycle_summary(engine, cycle),
        needs=tuple(need_view(n) for n in cycle.needs),
        agenda=tuple(
            TopicView(t.id or 0, t.position, t.title, tuple(n.id or 0 for n in t.needs))
            for t in cycle.agenda_topics
        ),
        group_ids=tuple(g.id or 0 for g in cycle.working_groups),
        log=log_views(engine, log),
        meetings=tuple(
            CycleMeetingView(m.id or 0, m.starts_at, m.location, m.status) for m in meetings
        ),
        feedback=feedback_lines(cycle.round),
    )


def feedback_lines(round_: Round) -> tuple[FeedbackLine, ...]:
    return tuple(
        FeedbackLine(
            r.recommendation.id or 0,
            r.recommendation.title,
            r.recommendation.working_group.conference.round.label,
            r.text,
        )
        for r in round_.feedback_reports
    )


def group_view(
    engine: WorkflowEngine, group: WorkingGroup, log: list[TransitionRecord] | None = None
) -> GroupView:
    return GroupView(
        status=status_view(engine, group),
        name=group.name,
        conference_id=group.conference.id or 0,
        topic=group.topic.title,
        mandate=group.mandate,
        due_date=group.due_date,
        members=tuple(m.label() for m in group.members),
        recommendation_ids=tuple(r.id or 0 for r in group.recommendations),
        log=log_views(engine, log or []),
        report=group.report,
        topic_id=group.topic.id or 0,
    )


def recommendation_view(
    engine: WorkflowEngine,
    rec: Recommendation,
    log: list[TransitionRecord] | None = None,
    today: date | None = None,
) -> RecommendationView:
    conference = rec.working_group.conference
    return RecommendationView(
        status=status_view(engine, rec),
        title=rec.title,
        text=rec.text,
        group_id=rec.working_group.id or 0,
        group_name=rec.working_group.name,
        commission_statement=rec.commission_statement,
        resolution_text=rec.resolution_text,
        implementation_report=rec.implementation_report,
        need_ids=tuple(n.id or 0 for n in rec.needs),
        log=log_views(engine, log or []),
        conference_id=conference.id or 0,
        conference_title=conference.title,
        round=conference.round.label,
        municipalities=tuple(sorted({need_place(n) for n in rec.needs})),
        responsible_office=rec.responsible_office,
        due_date=rec.due_date,
        overdue=today is not None and is_overdue(rec, today, engine.marked(rec, "implementing")),
        consultations=tuple(consultation_view(c) for c in rec.consultations),
        progress=tuple(ProgressView(n.at, n.author, n.text) for n in rec.progress_notes),
        traffic_light=_light_title(engine, rec, today),
    )


def _light_title(engine: WorkflowEngine, rec: Recommendation, today: date | None) -> str:
    light = traffic_light(rec, today, engine.marks(rec)) if today is not None else None
    return f"{TRAFFIC_LIGHT_COLOURS[light]} – {TRAFFIC_LIGHT_TITLES[light]}" if light else ""
