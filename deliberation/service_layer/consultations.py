"""The consultation route: placing a recommendation on meetings and recording results.

Every placement and every result is one unit of work together with the
workflow step it takes, so the ``consultations`` table and the
recommendation's state never disagree. These use cases are the only way the
route's steps are taken (``recommendations.advance`` refuses them); where the
county's rules allow it, ``give_statement_without_meeting`` records an advisory
body's statement without a meeting.
"""

from __future__ import annotations

from deliberation.domain.consultations import (
    NEEDS_TEXT,
    RESULT_TITLES,
    STATEMENT_RESULTS,
    WITHOUT_MEETING,
    Consultation,
    ConsultationResult,
    ConsultationRole,
    RouteStep,
    current_position,
    notice_refusal,
    pending_consultation,
    placement_trigger,
    result_trigger,
    titles,
)
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import ConfigError, DeliberationError, FieldKey, NextStep, hint
from deliberation.domain.model import Meeting, Recommendation, SubjectKind
from deliberation.service_layer import audit, body_meetings, stepping
from deliberation.service_layer.ports import Dependencies, UnitOfWork
from deliberation.service_layer.recommendations import get, refused_on_route
from deliberation.service_layer.views import LogView, log_view


def check_route(engine: WorkflowEngine, route: tuple[RouteStep, ...], source: str) -> None:
    """Refuse a route whose placement steps the recommendation workflow does not know."""
    workflow = engine.for_subject(SubjectKind.RECOMMENDATION)
    triggers = {t.trigger for t in workflow.transitions}
    for number, step in enumerate(route, start=1):
        if step.placement_trigger and step.placement_trigger not in triggers:
            raise ConfigError(
                f"{source}: consultation_route[{number}].placement_trigger: "
                f'"{step.placement_trigger}" ist kein Schritt des Workflows '
                f"{workflow.name} ({workflow.source}; bekannt: {', '.join(sorted(triggers))})."
            )


def place(
    deps: Dependencies,
    recommendation_id: int,
    meeting_id: int,
    actor: str,
    seen_version: int | None = None,
) -> LogView | None:
    """Put a recommendation on a meeting of the next body of its route.

    Refused when the meeting belongs to another body, is inside that body's notice
    period (the message names the earliest possible meeting), or is not later than
    the meeting that deferred it. Returns the workflow step taken, if any.
    """
    with deps.unit_of_work() as uow:
        rec = get(uow, recommendation_id)
        stepping.require_version(rec, seen_version)
        step, position = _next_step(deps, rec)
        meeting = body_meetings.get(uow, meeting_id)
        _check_body(uow, rec, step, meeting)
        earlier = [c for c in rec.consultations if c.position == position]
        _check_later_than_deferral(deps, meeting, earlier)
        _check_notice(deps, uow, meeting)
        ctx = stepping.context(deps, actor, f"auf Sitzung {meeting.id} gesetzt: {meeting.title}")
        rec.consultations.append(Consultation(meeting, step, position, ctx.now))
        audit.record(
            uow,
            ctx.now,
            actor,
            "placed_on_meeting",
            (SubjectKind.RECOMMENDATION.value, recommendation_id),
            after=f"Sitzung {meeting.id}: {meeting.title} ({step.role.value})",
        )
        trigger = placement_trigger(step, earlier, deps.engine.definition_of(rec))
        if trigger:
            return log_view(deps.engine, stepping.fire(deps, uow, rec, trigger, ctx))
        stepping.touch(rec, ctx.now)
        uow.commit()
        return None


def record_result(
    deps: Dependencies,
    recommendation_id: int,
    result: ConsultationResult,
    actor: str,
    text: str = "",
    seen_version: int | None = None,
) -> LogView | None:
    """Record what the meeting the recommendation lies on decided, and take the matching step."""
    with deps.unit_of_work() as uow:
        rec = get(uow, recommendation_id)
        stepping.require_version(rec, seen_version)
        consultation = pending_consultation(rec.consultations)
        if consultation is None or consultation.meeting is None:
            raise _not_placed(deps, rec)
        now = deps.clock()
        if consultation.meeting.starts_at > now:
            day = body_meetings.local_day(deps, consultation.meeting.starts_at)
            raise DeliberationError(
                f"Die Sitzung {consultation.meeting.id} findet erst am {day:%d.%m.%Y} statt; "
                "ein Ergebnis kann erst danach festgehalten werden."
            )
        step = _route(deps)[consultation.position]
        step.check_result(result, body_meetings.get_body(uow, step.body_key).name)
        trigger = result_trigger(step, result, deps.engine.definition_of(rec))
        _require_text(step, result, text)
        consultation.result = result.value
        consultation.resolution_text = text.strip() or _default_resolution(rec, result)
        consultation.decided_at = now
        reason = f"Sitzung {consultation.meeting.id}: {consultation.result_title()}"
        ctx = stepping.context(deps, actor, reason, text.strip())
        audit.record(
            uow,
            now,
            actor,
            "result_recorded",
            (SubjectKind.RECOMMENDATION.value, recommendation_id),
            before="offen",
            after=consultation.result_title(),
            reason=reason,
        )
        if trigger:
            return log_view(deps.engine, stepping.fire(deps, uow, rec, trigger, ctx))
        stepping.touch(rec, now)
        uow.commit()
        return None


def give_statement_without_meeting(
    deps: Dependencies,
    recommendation_id: int,
    result: ConsultationResult,
    text: str,
    actor: str,
    seen_version: int | None = None,
) -> list[LogView]:
    """Record the statement of the next (advisory) body of the route without a meeting.

    Allowed only where the route entry says ``statement_without_meeting = true`` (the
    county's rules of procedure allow it, e.g. a written procedure). The body then counts
    as done, exactly as after a meeting: the placement's step and the statement's step
    are taken in the same unit of work. Returns the steps taken.
    """
    with deps.unit_of_work() as uow:
        rec = get(uow, recommendation_id)
        stepping.require_version(rec, seen_version)
        step, position = _next_step(deps, rec)
        body = body_meetings.get_body(uow, step.body_key)
        if not step.statement_without_meeting:
            raise DeliberationError(
                f"{body.name} ({step.role.value}) gibt ihre Stellungnahme in einer Sitzung ab; "
                "ohne Sitzung erlaubt es die Beratungsfolge nicht ([[consultation_route]] "
                "statement_without_meeting). Zuerst die Empfehlung auf eine Sitzung setzen.",
                next_steps=[
                    hint(NextStep.PLACE_RECOMMENDATION, recommendation_id=recommendation_id)
                ],
            )
        if result not in STATEMENT_RESULTS:
            raise DeliberationError(
                f'"{RESULT_TITLES[result]}" gibt es ohne Sitzung nicht; eine Stellungnahme '
                f"lautet {titles(STATEMENT_RESULTS)}."
            )
        _require_text(step, result, text)
        workflow = deps.engine.definition_of(rec)
        triggers = [placement_trigger(step, [], workflow), result_trigger(step, result, workflow)]
        reason = f"{body.name}: {RESULT_TITLES[result]} ({WITHOUT_MEETING})"
        ctx = stepping.context(deps, actor, reason, text.strip())
        consultation = Consultation(None, step, position, ctx.now)
        consultation.result = result.value
        consultation.resolution_text = text.strip()
        consultation.decided_at = ctx.now
        rec.consultations.append(consultation)
        audit.record(
            uow,
            ctx.now,
            actor,
            "statement_without_meeting",
            (SubjectKind.RECOMMENDATION.value, recommendation_id),
            before="offen",
            after=f"{body.name}: {RESULT_TITLES[result]}",
            reason=reason,
        )
        records = [stepping.apply(deps, uow, rec, t, ctx) for t in triggers if t]
        if not records:
            stepping.touch(rec, ctx.now)
        uow.commit()
        return [log_view(deps.engine, r) for r in records]


def _not_placed(deps: Dependencies, rec: Recommendation) -> DeliberationError:
    """Why no result can be recorded yet, and what to do instead."""
    message = f"{rec.subject_label()} liegt auf keiner Sitzung; zuerst auf eine Sitzung setzen."
    return refused_on_route(deps, rec, message, [NextStep.PLACE_RECOMMENDATION])


def _route(deps: Dependencies) -> tuple[RouteStep, ...]:
    if not deps.consultation_route:
        raise DeliberationError(
            "In der Konfiguration ist keine Beratungsfolge ([[consultation_route]]) angegeben."
        )
    return deps.consultation_route


def _next_step(deps: Dependencies, rec: Recommendation) -> tuple[RouteStep, int]:
    route = _route(deps)
    label = rec.subject_label()
    if deps.engine.is_final(rec):
        state = deps.engine.definition_of(rec).state(rec.state).title
        raise DeliberationError(f'{label} ist abgeschlossen ("{state}").')
    pending = pending_consultation(rec.consultations)
    if pending is not None and pending.meeting is not None:
        raise DeliberationError(
            f"{label} liegt schon auf Sitzung {pending.meeting.id} ({pending.meeting.title}); "
            "zuerst dort das Ergebnis festhalten.",
            next_steps=[hint(NextStep.RECORD_RESULT, recommendation_id=rec.id)],
        )
    position = current_position(route, rec.consultations)
    if position == len(route):
        raise DeliberationError(f"{label} hat die Beratungsfolge schon ganz durchlaufen.")
    return route[position], position


def _check_body(uow: UnitOfWork, rec: Recommendation, step: RouteStep, meeting: Meeting) -> None:
    if meeting.body_key == step.body_key:
        if meeting.status == "cancelled":
            raise DeliberationError(f"Sitzung {meeting.id} ist abgesagt.")
        return
    wanted = body_meetings.get_body(uow, step.body_key)
    raise DeliberationError(
        f"Als Nächstes berät {wanted.name} ({step.role.value}) über {rec.subject_label()}; "
        f"Sitzung {meeting.id} ist keine Sitzung dieses Gremiums.",
        next_steps=[hint(NextStep.MEETINGS_OF_BODY, body=wanted.key)],
    )


def _check_later_than_deferral(
    deps: Dependencies, meeting: Meeting, earlier: list[Consultation]
) -> None:
    held = [c.meeting for c in earlier if c.meeting is not None]
    if not held:
        return
    last = max(held, key=lambda m: m.starts_at)
    if meeting.starts_at <= last.starts_at:
        day = body_meetings.local_day(deps, last.starts_at)
        raise DeliberationError(
            f"Die Empfehlung wurde in Sitzung {last.id} am {day:%d.%m.%Y} vertagt; "
            "sie kann nur auf eine spätere Sitzung gesetzt werden."
        )


def _check_notice(deps: Dependencies, uow: UnitOfWork, meeting: Meeting) -> None:
    body = body_meetings.get_body(uow, meeting.body_key or "")
    candidates = [m for m in uow.meetings.meetings(body.key) if m.status != "cancelled"]
    day_of = {m.id or 0: body_meetings.local_day(deps, m.starts_at) for m in candidates}
    refusal = notice_refusal(
        body,
        meeting,
        body_meetings.local_day(deps, meeting.starts_at),
        deps.today(),
        candidates,
        day_of,
        body_meetings.public_holidays(deps),
    )
    if refusal is not None:
        raise refusal


def _require_text(step: RouteStep, result: ConsultationResult, text: str) -> None:
    if text.strip():
        return
    if result in NEEDS_TEXT:
        raise DeliberationError(
            f'Für "{RESULT_TITLES[result]}" {NEEDS_TEXT[result]}.', field=FieldKey.TEXT
        )
    if step.role == ConsultationRole.HEARING and result in STATEMENT_RESULTS:
        raise DeliberationError("Für die Anhörung fehlt die Stellungnahme.", field=FieldKey.TEXT)


def _default_resolution(rec: Recommendation, result: ConsultationResult) -> str:
    return rec.text if result == ConsultationResult.ADOPTED else ""


def counts_by_body(deps: Dependencies) -> dict[str, int]:
    """How many recommendations each body has had on its meetings (tracker overview)."""
    with deps.unit_of_work() as uow:
        return uow.recommendations.recommendation_counts_by_body()
