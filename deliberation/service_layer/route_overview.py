"""A recommendation's whole way for its page: the route with bodies, meetings and notice
periods, where it can go next (the earliest possible meeting first), what results the
meeting it lies on can record, how its implementation is going, and the backward plan
for a chosen meeting of the deciding body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from deliberation.domain.backward_plan import (
    BackwardPlan,
    MeetingSlot,
    RouteStop,
    plan_backward,
)
from deliberation.domain.consultations import (
    RESULT_TITLES,
    STATEMENT_RESULTS,
    Consultation,
    ConsultationResult,
    RouteStep,
    current_position,
    earliest_allowed_date,
    notice_period,
    pending_consultation,
)
from deliberation.domain.errors import DeliberationError, NextStep, hint
from deliberation.domain.implementation import (
    TRAFFIC_LIGHT_COLOURS,
    TRAFFIC_LIGHT_TITLES,
    traffic_light,
)
from deliberation.domain.model import Body, Meeting, Recommendation, SubjectKind
from deliberation.service_layer import body_meetings, recommendations
from deliberation.service_layer.ports import Dependencies, UnitOfWork
from deliberation.service_layer.views import (
    ConsultationView,
    RecommendationView,
    consultation_view,
    recommendation_view,
)

STOP_TITLES = {
    "done": "beraten",
    "placed": "liegt auf der Tagesordnung",
    "next": "als Nächstes",
    "later": "später",
}


@dataclass(frozen=True)
class MeetingOption:
    id: int
    title: str
    starts_at: datetime
    day: date
    location: str
    #: inside the body's notice period: it cannot be placed on any more
    too_close: bool = False


@dataclass(frozen=True)
class RouteStopView:
    position: int
    body_key: str
    body_name: str
    role: str
    authoritative: bool
    public: bool
    notice: str
    consultations: tuple[ConsultationView, ...]
    status: str

    @property
    def status_title(self) -> str:
        return STOP_TITLES[self.status]


@dataclass(frozen=True)
class ResultChoice:
    value: str
    title: str


@dataclass(frozen=True)
class Placement:
    """Where the recommendation can go next: the next body's meetings from today on."""

    body_key: str
    body_name: str
    role: str
    notice: str
    earliest_day: date
    earliest: MeetingOption | None
    options: tuple[MeetingOption, ...]
    #: the county's rules let this body give its statement without a meeting: its results
    without_meeting: tuple[ResultChoice, ...] = ()


@dataclass(frozen=True)
class RecommendationDetail:
    recommendation: RecommendationView
    route: tuple[RouteStopView, ...]
    placement: Placement | None
    pending: ConsultationView | None
    result_choices: tuple[ResultChoice, ...]
    #: the traffic light ("on_track", "late", "not_feasible"), "" before adoption and when done
    traffic_light: str
    traffic_light_title: str
    traffic_light_colour: str
    not_feasible_since: datetime | None
    implementing: bool
    #: meetings of the deciding body from today on, for the backward plan
    deciding_meetings: tuple[MeetingOption, ...]


def detail(deps: Dependencies, recommendation_id: int) -> RecommendationDetail:
    with deps.unit_of_work() as uow:
        rec = recommendations.get(uow, recommendation_id)
        today = deps.today()
        view = recommendation_view(
            deps.engine, rec, uow.log.log(SubjectKind.RECOMMENDATION, rec.id or 0), today=today
        )
        route = deps.consultation_route
        bodies = {b.key: b for b in uow.reference.bodies()}
        position = current_position(route, rec.consultations)
        final = deps.engine.is_final(rec)
        pending = pending_consultation(rec.consultations)
        stops = tuple(
            _stop_view(step, index, bodies[step.body_key], rec.consultations, position, final)
            for index, step in enumerate(route)
        )
        placement = None
        if not final and pending is None and position < len(route):
            placement = _placement(deps, uow, bodies[route[position].body_key], route[position])
        light = traffic_light(rec, today, deps.engine.marks(rec))
        return RecommendationDetail(
            recommendation=view,
            route=stops,
            placement=placement,
            pending=consultation_view(pending) if pending is not None else None,
            result_choices=_result_choices(route, pending),
            traffic_light=light.value if light else "",
            traffic_light_title=TRAFFIC_LIGHT_TITLES[light] if light else "",
            traffic_light_colour=TRAFFIC_LIGHT_COLOURS[light] if light else "",
            not_feasible_since=rec.not_feasible_since,
            implementing=deps.engine.marked(rec, "implementing"),
            deciding_meetings=_deciding_meetings(deps, uow, route) if not final else (),
        )


def _stop_view(
    step: RouteStep,
    index: int,
    body: Body,
    consultations: list[Consultation],
    position: int,
    final: bool,
) -> RouteStopView:
    held = tuple(consultation_view(c) for c in consultations if c.position == index)
    if index < position or (final and held):
        status = "done"
    elif any(c.pending for c in consultations if c.position == index):
        status = "placed"
    else:
        status = "next" if index == position and not final else "later"
    return RouteStopView(
        position=index,
        body_key=body.key,
        body_name=body.name,
        role=step.role.value,
        authoritative=step.authoritative,
        public=body.public,
        notice=notice_period(body).describe(),
        consultations=held,
        status=status,
    )


def _placement(deps: Dependencies, uow: UnitOfWork, body: Body, step: RouteStep) -> Placement:
    today = deps.today()
    earliest_day = earliest_allowed_date(body, today, body_meetings.public_holidays(deps))
    options = tuple(
        MeetingOption(
            m.id or 0, m.title, m.starts_at, day, m.location, too_close=day < earliest_day
        )
        for m, day in _upcoming(deps, uow, body.key)
    )
    earliest = next((o for o in options if not o.too_close), None)
    return Placement(
        body.key,
        body.name,
        step.role.value,
        notice_period(body).describe(),
        earliest_day,
        earliest,
        options,
        _choices(STATEMENT_RESULTS) if step.statement_without_meeting else (),
    )


def _upcoming(deps: Dependencies, uow: UnitOfWork, body_key: str) -> list[tuple[Meeting, date]]:
    """The body's meetings that are not cancelled, from today on, with their local days."""
    today = deps.today()
    found = []
    for meeting in uow.meetings.meetings(body_key):
        day = body_meetings.local_day(deps, meeting.starts_at)
        if meeting.status != "cancelled" and day >= today:
            found.append((meeting, day))
    return sorted(found, key=lambda pair: pair[0].starts_at)


def _deciding_meetings(
    deps: Dependencies, uow: UnitOfWork, route: tuple[RouteStep, ...]
) -> tuple[MeetingOption, ...]:
    if not route:
        return ()
    return tuple(
        MeetingOption(m.id or 0, m.title, m.starts_at, day, m.location)
        for m, day in _upcoming(deps, uow, route[-1].body_key)
    )


def _result_choices(
    route: tuple[RouteStep, ...], pending: Consultation | None
) -> tuple[ResultChoice, ...]:
    if pending is None:
        return ()
    return _choices(route[pending.position].results)


def _choices(results: tuple[ConsultationResult, ...]) -> tuple[ResultChoice, ...]:
    return tuple(ResultChoice(r.value, RESULT_TITLES[r]) for r in results)


@dataclass(frozen=True)
class BackwardPlanView:
    recommendation_id: int
    title: str
    state_title: str
    group_name: str
    group_due_date: date
    decision: MeetingOption
    plan: BackwardPlan
    #: the first meeting of the deciding body a plan made today can still reach
    earliest_reachable: MeetingOption | None


def backward_plan(deps: Dependencies, recommendation_id: int, meeting_id: int) -> BackwardPlanView:
    """The plan towards meeting ``meeting_id`` of the deciding body (see
    ``domain.backward_plan``), and the earliest such meeting still reachable."""
    route = deps.consultation_route
    if not route:
        raise DeliberationError(
            "In der Konfiguration ist keine Beratungsfolge ([[consultation_route]]) angegeben."
        )
    with deps.unit_of_work() as uow:
        rec = recommendations.get(uow, recommendation_id)
        deciding = body_meetings.get_body(uow, route[-1].body_key)
        meeting = body_meetings.get(uow, meeting_id)
        if meeting.body_key != deciding.key or meeting.status == "cancelled":
            raise DeliberationError(
                f"Sitzung {meeting_id} ist keine (nicht abgesagte) Sitzung des Gremiums "
                f"{deciding.name}, das entscheidet.",
                next_steps=[hint(NextStep.MEETINGS_OF_BODY, body=deciding.key)],
            )
        stops = _remaining_stops(deps, uow, rec)
        today = deps.today()
        decision = _slot(deps, meeting)
        plan = plan_backward(stops, decision, today, body_meetings.public_holidays(deps))
        reachable = next(
            (
                option
                for option in _deciding_meetings(deps, uow, route)
                if plan_backward(
                    stops,
                    MeetingSlot(option.id, option.title, option.day),
                    today,
                    body_meetings.public_holidays(deps),
                ).feasible
            ),
            None,
        )
        group = rec.working_group
        return BackwardPlanView(
            recommendation_id=rec.id or 0,
            title=rec.title,
            state_title=deps.engine.definition_of(rec).state(rec.state).title,
            group_name=group.name,
            group_due_date=group.due_date,
            decision=MeetingOption(
                meeting.id or 0, meeting.title, meeting.starts_at, decision.day, meeting.location
            ),
            plan=plan,
            earliest_reachable=reachable,
        )


def _remaining_stops(deps: Dependencies, uow: UnitOfWork, rec: Recommendation) -> list[RouteStop]:
    label = rec.subject_label()
    if deps.engine.is_final(rec):
        state = deps.engine.definition_of(rec).state(rec.state).title
        raise DeliberationError(f'{label} ist abgeschlossen ("{state}"); es gibt nichts zu planen.')
    route = deps.consultation_route
    position = current_position(route, rec.consultations)
    if position == len(route):
        raise DeliberationError(f"{label} hat die Beratungsfolge schon ganz durchlaufen.")
    pending = pending_consultation(rec.consultations)
    stops = []
    for index in range(position, len(route)):
        body = body_meetings.get_body(uow, route[index].body_key)
        meetings = tuple(
            _slot(deps, m) for m in uow.meetings.meetings(body.key) if m.status != "cancelled"
        )
        placed = (
            _slot(deps, pending.meeting)
            if pending is not None and pending.meeting is not None and pending.position == index
            else None
        )
        stops.append(
            RouteStop(
                index,
                body.key,
                body.name,
                route[index].role.value,
                notice_period(body),
                meetings,
                placed,
            )
        )
    return stops


def _slot(deps: Dependencies, meeting: Meeting) -> MeetingSlot:
    return MeetingSlot(
        meeting.id or 0, meeting.title, body_meetings.local_day(deps, meeting.starts_at)
    )
