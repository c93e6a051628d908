"""What became of our needs: the public trace of one round in one municipality.

Need → conference topic → working group → recommendation → its consultations and
decision → implementation, and the implementation report mirrored back into a later
round (Rückspiegelung). Public, so it carries no personal data: no member of a
working group, no author of a progress note, no actor of the log, no one invited.
What stays is what the county publishes anyway: the cards' texts, the groups' names
and mandates, the recommendations, the decisions and the state of implementation.
Results of closed sessions (a Kreisausschuss) are withheld as in the OParl export.
Codes (role, result, traffic light) are returned as codes, so a page can say them
in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from deliberation.domain.errors import NotFound
from deliberation.domain.implementation import traffic_light
from deliberation.domain.model import Need, NeedScope, Recommendation, WorkingGroup
from deliberation.service_layer import body_meetings
from deliberation.service_layer.documents import reference
from deliberation.service_layer.ports import Dependencies, UnitOfWork


@dataclass(frozen=True)
class PublicConsultation:
    body: str
    #: the consultation's role ("Anhörung", "Vorberatung", "Entscheidung", …)
    role: str
    day: date
    #: the result's code ("adopted" …); "" while open or when withheld
    result: str
    #: the meeting was held in closed session: its result is not published
    closed: bool
    authoritative: bool


@dataclass(frozen=True)
class PublicFeedback:
    """The implementation report, mirrored back into ``round`` on ``day``."""

    round: str
    day: date


@dataclass(frozen=True)
class PublicProgress:
    day: date
    text: str


@dataclass(frozen=True)
class PublicImplementation:
    office: str
    due_date: date | None
    #: the traffic light's code ("on_track", "late", "not_feasible"), "" when done
    light: str
    progress: tuple[PublicProgress, ...]
    completed: bool


@dataclass(frozen=True)
class PublicRecommendation:
    id: int
    reference: str
    title: str
    text: str
    #: the state's title from the recommendation's workflow
    state_title: str
    consultations: tuple[PublicConsultation, ...]
    #: the deciding body's result code ("adopted" …), "" while undecided
    decision: str
    decided_on: date | None
    resolution_text: str
    implementation: PublicImplementation | None
    feedback: tuple[PublicFeedback, ...]


@dataclass(frozen=True)
class PublicGroup:
    name: str
    mandate: str
    due_date: date
    state_title: str
    recommendations: tuple[PublicRecommendation, ...]


@dataclass(frozen=True)
class PublicTopic:
    position: int
    title: str
    conference: str


@dataclass(frozen=True)
class PublicNeed:
    id: int
    text: str
    topic_field: str
    #: "local" (stays in the municipality) or "county" (forwarded to the conference)
    scope: str
    #: "open", "handled_locally", "forwarded"
    status: str
    votes_on_site: int
    votes_online: int
    topics: tuple[PublicTopic, ...]
    groups: tuple[PublicGroup, ...]


@dataclass(frozen=True)
class Place:
    key: str
    name: str


@dataclass(frozen=True)
class RoundTrace:
    round: str
    municipality: Place
    needs: tuple[PublicNeed, ...]
    #: every round and municipality a page can switch to
    rounds: tuple[str, ...]
    municipalities: tuple[Place, ...]

    @property
    def counts(self) -> dict[str, int]:
        """How many needs stayed local, went to the county, got a recommendation."""
        return {
            "needs": len(self.needs),
            "county": sum(1 for n in self.needs if n.scope == NeedScope.COUNTY),
            "recommendations": len(
                {r.id for n in self.needs for g in n.groups for r in g.recommendations}
            ),
        }


@dataclass(frozen=True)
class TraceIndex:
    rounds: tuple[str, ...]
    municipalities: tuple[Place, ...]


def index(deps: Dependencies) -> TraceIndex:
    """The rounds (newest first) and municipalities a public trace page exists for."""
    with deps.unit_of_work() as uow:
        return TraceIndex(_rounds(uow), _places(uow))


def round_trace(deps: Dependencies, round_label: str, municipality_key: str) -> RoundTrace:
    """The trace of every need a municipality brought into a round; ``NotFound`` for a
    round or municipality that does not exist."""
    with deps.unit_of_work() as uow:
        rounds = _rounds(uow)
        places = _places(uow)
        place = next((p for p in places if p.key == municipality_key), None)
        if round_label not in rounds or place is None:
            raise NotFound("Diese Seite gibt es nicht.")
        bodies = {b.key: b.name for b in uow.reference.bodies()}
        feedback = _feedback_by_recommendation(deps, uow, rounds)
        needs = [
            n
            for n in uow.needs.needs(round_label=round_label)
            if n.municipality is not None and n.municipality.key == place.key
        ]
        traced = tuple(_need(deps, uow, n, bodies, feedback) for n in needs)
        return RoundTrace(round_label, place, traced, rounds, places)


def _rounds(uow: UnitOfWork) -> tuple[str, ...]:
    return tuple(sorted((r.label for r in uow.cycles.rounds()), reverse=True))


def _places(uow: UnitOfWork) -> tuple[Place, ...]:
    return tuple(
        sorted((Place(m.key, m.name) for m in uow.reference.municipalities()), key=lambda p: p.name)
    )


def _feedback_by_recommendation(
    deps: Dependencies, uow: UnitOfWork, rounds: tuple[str, ...]
) -> dict[int, list[PublicFeedback]]:
    found: dict[int, list[PublicFeedback]] = {}
    for label in sorted(rounds):
        for report in uow.cycles.feedback_reports(label):
            found.setdefault(report.recommendation.id or 0, []).append(
                PublicFeedback(label, _day(deps, report.created_at))
            )
    return found


def _need(
    deps: Dependencies,
    uow: UnitOfWork,
    need: Need,
    bodies: dict[str, str],
    feedback: dict[int, list[PublicFeedback]],
) -> PublicNeed:
    need_id = need.id or 0
    placed = uow.needs.topics_with_need(need_id)
    topic_ids = [topic.id or 0 for _cycle, topic in placed]
    groups = uow.groups.working_groups(topic_ids=topic_ids) if topic_ids else []
    answering = uow.recommendations.recommendations_for_need(need_id)
    by_id: dict[int, WorkingGroup] = {g.id or 0: g for g in groups}
    for rec in answering:
        by_id.setdefault(rec.working_group.id or 0, rec.working_group)
    return PublicNeed(
        id=need_id,
        text=need.text,
        topic_field=need.topic_field,
        scope=str(need.scope),
        status=str(need.status),
        votes_on_site=need.votes,
        votes_online=need.online_votes,
        topics=tuple(
            PublicTopic(topic.position, topic.title, conference.title)
            for conference, topic in placed
        ),
        groups=tuple(
            _group(
                deps, group, [r for r in answering if r.working_group is group], bodies, feedback
            )
            for _id, group in sorted(by_id.items())
        ),
    )


def _group(
    deps: Dependencies,
    group: WorkingGroup,
    recs: list[Recommendation],
    bodies: dict[str, str],
    feedback: dict[int, list[PublicFeedback]],
) -> PublicGroup:
    return PublicGroup(
        name=group.name,
        mandate=group.mandate,
        due_date=group.due_date,
        state_title=deps.engine.definition_of(group).state(group.state).title,
        recommendations=tuple(_recommendation(deps, r, bodies, feedback) for r in recs),
    )


def _recommendation(
    deps: Dependencies,
    rec: Recommendation,
    bodies: dict[str, str],
    feedback: dict[int, list[PublicFeedback]],
) -> PublicRecommendation:
    consultations = tuple(
        PublicConsultation(
            body=bodies.get(c.body_key, c.body_key),
            role=c.role,
            day=_day(deps, c.meeting.starts_at if c.meeting else c.decided_at or c.placed_at),
            result="" if not c.public else c.result,
            closed=not c.public,
            authoritative=c.authoritative,
        )
        for c in rec.consultations
    )
    deciding = [c for c in rec.consultations if c.authoritative and c.result and c.public]
    last = deciding[-1] if deciding else None
    return PublicRecommendation(
        id=rec.id or 0,
        reference=reference(rec.id or 0, rec.working_group.conference.round.label),
        title=rec.title,
        text=rec.text,
        state_title=deps.engine.definition_of(rec).state(rec.state).title,
        consultations=consultations,
        decision=last.result if last else "",
        decided_on=_day(deps, last.decided_at) if last and last.decided_at else None,
        resolution_text=rec.resolution_text if last else "",
        implementation=_implementation(deps, rec),
        feedback=tuple(feedback.get(rec.id or 0, ())),
    )


def _implementation(deps: Dependencies, rec: Recommendation) -> PublicImplementation | None:
    marks = deps.engine.marks(rec)
    if not marks & {"implementing", "reported", "completed"}:
        return None
    light = traffic_light(rec, deps.today(), marks)
    notes = sorted(rec.progress_notes, key=lambda n: (n.at, n.id or 0))
    return PublicImplementation(
        office=rec.responsible_office,
        due_date=rec.due_date,
        light=light.value if light else "",
        # the notes' texts and days; who wrote them is no one's business
        progress=tuple(PublicProgress(_day(deps, n.at), n.text) for n in notes),
        completed="completed" in marks,
    )


def _day(deps: Dependencies, moment: datetime) -> date:
    return body_meetings.local_day(deps, moment)
