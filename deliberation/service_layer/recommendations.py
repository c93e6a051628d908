"""Use cases for recommendations (Empfehlungen) on their way to a Kreistag decision."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from deliberation.domain import text_rules
from deliberation.domain.consultations import current_position, route_steps
from deliberation.domain.errors import DeliberationError, FieldKey, NextStep, NotFound, hint
from deliberation.domain.model import Recommendation, SubjectKind
from deliberation.service_layer import body_meetings, groups, stepping
from deliberation.service_layer.ports import Dependencies, UnitOfWork
from deliberation.service_layer.views import (
    LogView,
    RecommendationView,
    TrackerView,
    recommendation_view,
    tracker_views,
)


def draft(
    deps: Dependencies,
    group_id: int,
    title: str,
    text: str,
    actor: str,
    need_ids: list[int] | None = None,
) -> int:
    """Draft a recommendation in a working group, linked to the needs it answers."""
    if not title.strip() or not text.strip():
        raise DeliberationError("Eine Empfehlung braucht einen Titel und einen Text.")
    title = text_rules.single_line(title, "Der Titel der Empfehlung", field=FieldKey.TITLE)
    text = text_rules.multi_line(text, "Der Text der Empfehlung", field=FieldKey.TEXT)
    definition = deps.engine.for_subject(SubjectKind.RECOMMENDATION)
    with deps.unit_of_work() as uow:
        group = groups.get(uow, group_id, lock=True)
        stepping.require_capability(deps, group, "draft_recommendations", "Empfehlungen entwerfen")
        ctx = stepping.context(deps, actor)
        stepping.touch(group, ctx.now)
        recommendation = Recommendation(
            title=title.strip(),
            text=text.strip(),
            workflow=definition.name,
            workflow_version=definition.version,
            state=definition.initial,
            created_at=ctx.now,
        )
        recommendation.workflow_fingerprint = definition.fingerprint
        round_ = group.conference.round
        for need_id in need_ids or []:
            need = uow.needs.need(need_id)
            if need is None:
                raise NotFound(f"Bedarf {need_id} gibt es nicht.")
            if need.cycle.round is not round_:
                raise DeliberationError(
                    f"Bedarf {need_id} stammt aus Durchgang {need.cycle.round.label}, die "
                    f"Arbeitsgruppe aus Durchgang {round_.label}."
                )
            recommendation.needs.append(need)
        group.recommendations.append(recommendation)
        stepping.record_creation(uow, recommendation, "draft", ctx)
        uow.commit()
        return recommendation.id or 0


def advance(
    deps: Dependencies,
    recommendation_id: int,
    trigger: str,
    actor: str,
    reason: str = "",
    text: str = "",
) -> LogView:
    """Take a step of the recommendation's workflow by hand; the steps of the
    consultation route are refused (``route_refusal``): placing and results take them."""
    with deps.unit_of_work() as uow:
        rec = get(uow, recommendation_id)
        refusal = route_refusal(deps, rec, deps.engine.resolve_trigger(rec, trigger))
        if refusal is not None:
            raise refusal
        return stepping.step(deps, uow, rec, trigger, actor, reason, text)


def route_refusal(
    deps: Dependencies, rec: Recommendation, trigger: str
) -> DeliberationError | None:
    """Why ``trigger`` cannot be taken by hand: it is a step of the consultation route,
    which ``place`` and ``record_result`` take (None if the route does not own it)."""
    route = deps.consultation_route
    workflow = deps.engine.definition_of(rec)
    if trigger not in route_steps(route, workflow):
        return None
    title = next((t.title for t in workflow.transitions if t.trigger == trigger), trigger)
    message = (
        f"„{title}“ ist ein Schritt der Beratungsfolge und wird nicht von Hand "
        f"ausgelöst: {rec.subject_label()} auf eine Sitzung des Gremiums setzen und dort "
        "das Ergebnis festhalten."
    )
    steps = [NextStep.PLACE_RECOMMENDATION, NextStep.RECORD_RESULT]
    return refused_on_route(deps, rec, message, steps)


def refused_on_route(
    deps: Dependencies, rec: Recommendation, message: str, steps: list[NextStep]
) -> DeliberationError:
    """The refusal with its next steps for ``rec``; where the next body of the route may
    give its statement without a meeting, it says so and suggests that too."""
    route = deps.consultation_route
    position = current_position(route, rec.consultations)
    if position < len(route) and route[position].statement_without_meeting:
        message += " Die Stellungnahme darf hier auch ohne Sitzung festgehalten werden."
        steps = [*steps, NextStep.STATEMENT_WITHOUT_MEETING]
    return DeliberationError(
        message, next_steps=[hint(step, recommendation_id=rec.id) for step in steps]
    )


def get(uow: UnitOfWork, recommendation_id: int) -> Recommendation:
    rec = uow.recommendations.recommendation(recommendation_id)
    if rec is None:
        raise NotFound(
            f"Empfehlung {recommendation_id} gibt es nicht.",
            next_steps=[hint(NextStep.LIST_RECOMMENDATIONS)],
        )
    return rec


def list_recommendations(
    deps: Dependencies,
    state: str | None = None,
    group_id: int | None = None,
    *,
    round_label: str | None = None,
    conference_id: int | None = None,
    municipality: str | None = None,
    body: str | None = None,
    office: str | None = None,
    overdue: bool = False,
) -> list[RecommendationView]:
    """The secretaries' tracker: recommendations matching every given filter.

    ``state`` is a state's German title or its key, ``round_label`` the round (Durchgang) of the
    conference, ``municipality`` a key or name: recommendations answering at least one
    need of that municipality, ``body`` a key or name: recommendations placed on a meeting
    of that body; ``office`` the responsible office; ``overdue`` only those still being
    implemented after their due date.
    """
    if state is not None:
        state = deps.engine.resolve_state(SubjectKind.RECOMMENDATION, state)
    with deps.unit_of_work() as uow:
        today = deps.today()
        found = uow.recommendations.recommendations(
            state,
            group_id,
            round_label=round_label,
            conference_id=conference_id,
            **resolved_filters(deps, uow, municipality, body, office, today if overdue else None),
        )
        return [recommendation_view(deps.engine, r, today=today) for r in found]


def tracker(
    deps: Dependencies,
    state: str | None = None,
    group_id: int | None = None,
    *,
    round_label: str | None = None,
    conference_id: int | None = None,
    municipality: str | None = None,
    body: str | None = None,
    office: str | None = None,
    overdue: bool = False,
) -> list[TrackerView]:
    """The tracker's list: the same filters as ``list_recommendations``, lean lines only."""
    if state is not None:
        state = deps.engine.resolve_state(SubjectKind.RECOMMENDATION, state)
    with deps.unit_of_work() as uow:
        today = deps.today()
        rows = uow.tracker.tracker_rows(
            state,
            group_id,
            round_label=round_label,
            conference_id=conference_id,
            **resolved_filters(deps, uow, municipality, body, office, today if overdue else None),
        )
    return tracker_views(deps.engine, rows, today)


class NamedFilters(TypedDict):
    municipality_key: str | None
    body_key: str | None
    office: str | None
    overdue_on: date | None
    implementing_states: frozenset[str]


def resolved_filters(
    deps: Dependencies,
    uow: UnitOfWork,
    municipality: str | None,
    body: str | None,
    office: str | None,
    overdue_on: date | None,
) -> NamedFilters:
    """The filters every tracker query takes, with municipality and body resolved to keys."""
    return NamedFilters(
        municipality_key=municipality_key(uow, municipality) if municipality is not None else None,
        body_key=body_meetings.get_body(uow, body).key if body is not None else None,
        office=office,
        overdue_on=overdue_on,
        implementing_states=deps.engine.marked_states(SubjectKind.RECOMMENDATION, "implementing"),
    )


def municipality_key(uow: UnitOfWork, name: str) -> str:
    """The key of a municipality given by key or name, case-insensitive."""
    known = uow.reference.municipalities()
    for m in known:
        if name.strip().casefold() in (m.key.casefold(), m.name.casefold()):
            return m.key
    raise DeliberationError(
        f'Die Gemeinde "{name}" ist unbekannt (bekannt: {", ".join(m.key for m in known)}).'
    )


def show(deps: Dependencies, recommendation_id: int) -> RecommendationView:
    with deps.unit_of_work() as uow:
        rec = get(uow, recommendation_id)
        log = uow.log.log(SubjectKind.RECOMMENDATION, rec.id or 0)
        return recommendation_view(deps.engine, rec, log, today=deps.today())
