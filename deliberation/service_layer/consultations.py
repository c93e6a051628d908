"""The consultation route: placing a recommendation on meetings and recording results.

Every placement and every result is one unit of work together with the
workflow step it takes, so the ``consultations`` table and the
recommendation's state never disagree.
"""

from __future__ import annotations

from deliberation.domain.consultations import (
    Consultation,
    ConsultationResult,
    ConsultationRole,
    RouteStep,
    current_position,
    notice_refusal,
    pending_consultation,
    placement_trigger,
    result_trigger,
)
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import ConfigError, DeliberationError
from deliberation.domain.model import Meeting, Recommendation, SubjectKind
from deliberation.service_layer import audit, body_meetings, stepping
from deliberation.service_layer.ports import Dependencies, UnitOfWork
from deliberation.service_layer.recommendations import get
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
        if consultation is None:
            raise DeliberationError(
                f"Empfehlung {recommendation_id} liegt auf keiner Sitzung; zuerst "
                f"deliberation recommendation place {recommendation_id} SITZUNG."
            )
        now = deps.clock()
        if consultation.meeting.starts_at > now:
            day = body_meetings.local_day(deps, consultation.meeting.starts_at)
            raise DeliberationError(
                f"Die Sitzung {consultation.meeting.id} findet erst am {day:%d.%m.%Y} statt; "
                "ein Ergebnis kann erst danach festgehalten werden."
            )
        step = _route(deps)[consultation.position]
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
    if pending is not None:
        raise DeliberationError(
            f"{label} liegt schon auf Sitzung {pending.meeting.id} ({pending.meeting.title}); "
            f"zuerst dort das Ergebnis festhalten (deliberation recommendation result "
            f"{rec.id} …)."
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
        f"Sitzung {meeting.id} ist keine Sitzung dieses Gremiums "
        f"(deliberation meeting list --body {wanted.key})."
    )


def _check_later_than_deferral(
    deps: Dependencies, meeting: Meeting, earlier: list[Consultation]
) -> None:
    if not earlier:
        return
    last = max(earlier, key=lambda c: c.meeting.starts_at)
    if meeting.starts_at <= last.meeting.starts_at:
        day = body_meetings.local_day(deps, last.meeting.starts_at)
        raise DeliberationError(
            f"Die Empfehlung wurde in Sitzung {last.meeting.id} am {day:%d.%m.%Y} vertagt; "
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
        raise DeliberationError(refusal)


def _require_text(step: RouteStep, result: ConsultationResult, text: str) -> None:
    if text.strip():
        return
    if result == ConsultationResult.ADOPTED_AMENDED:
        raise DeliberationError('Für "geändert beschlossen" fehlt der Beschlusstext (--text).')
    if step.role == ConsultationRole.HEARING and result not in (
        ConsultationResult.DEFERRED,
        ConsultationResult.WITHDRAWN,
    ):
        raise DeliberationError("Für die Anhörung fehlt die Stellungnahme (--text).")


def _default_resolution(rec: Recommendation, result: ConsultationResult) -> str:
    return rec.text if result == ConsultationResult.ADOPTED else ""


def counts_by_body(deps: Dependencies) -> dict[str, int]:
    """How many recommendations each body has had on its meetings (tracker overview)."""
    with deps.unit_of_work() as uow:
        return uow.recommendations.recommendation_counts_by_body()
