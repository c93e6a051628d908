"""Implementing adopted recommendations: office, due date, progress, and the feedback
report (Rückspiegelung) attached to the next round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from deliberation.domain.errors import DeliberationError, FieldKey, NextStep, hint
from deliberation.domain.implementation import FeedbackReport, ProgressNote
from deliberation.domain.model import Recommendation, Round
from deliberation.service_layer import stepping
from deliberation.service_layer.ports import Dependencies, TemplateRenderer, UnitOfWork
from deliberation.service_layer.recommendations import get
from deliberation.service_layer.views import LogView, log_view, recommendation_view

REPORT_TEMPLATE = "recommendation/implementation_report"
NOT_FEASIBLE_PREFIX = "Nicht umsetzbar"
FEASIBLE_AGAIN_PREFIX = "Wieder umsetzbar"


@dataclass(frozen=True)
class FeedbackView:
    round: str
    recommendation_id: int
    title: str
    text: str
    created_at: datetime


def assign(
    deps: Dependencies,
    recommendation_id: int,
    office: str,
    due: date,
    actor: str,
    seen_version: int | None = None,
) -> LogView | None:
    """Give an adopted recommendation its responsible office and due date; implementation
    starts with it (if it has not already)."""
    if not office.strip():
        raise DeliberationError("Die zuständige Stelle fehlt.", field=FieldKey.OFFICE)
    with deps.unit_of_work() as uow:
        rec = _being_implemented(deps, uow, recommendation_id, "Zuständigkeit festlegen")
        stepping.require_version(rec, seen_version)
        rec.responsible_office = office.strip()
        rec.due_date = due
        reason = f"zuständig: {rec.responsible_office}, bis {due:%d.%m.%Y}"
        ctx = stepping.context(deps, actor, reason)
        start = deps.engine.definition_of(rec).trigger_for("implementation_start")
        if start and start in deps.engine.allowed_triggers(rec):
            return log_view(deps.engine, stepping.fire(deps, uow, rec, start, ctx))
        stepping.touch(rec, ctx.now)
        uow.commit()
        return None


def note_progress(
    deps: Dependencies,
    recommendation_id: int,
    text: str,
    actor: str,
    feasible: bool | None = None,
    seen_version: int | None = None,
) -> int:
    """Add a dated progress note; returns how many notes the recommendation has.

    ``feasible=False`` reports the implementation not feasible (the traffic light turns
    red, the note says why), ``True`` withdraws that report; ``None`` leaves it as it is.
    """
    if not text.strip():
        raise DeliberationError("Der Vermerk zum Stand der Umsetzung ist leer.")
    with deps.unit_of_work() as uow:
        rec = _being_implemented(deps, uow, recommendation_id, "Umsetzungsstand vermerken")
        stepping.require_version(rec, seen_version)
        now = deps.clock()
        prefix = ""
        if feasible is False and rec.not_feasible_since is None:
            rec.not_feasible_since, prefix = now, f"{NOT_FEASIBLE_PREFIX}: "
        elif feasible is True and rec.not_feasible_since is not None:
            rec.not_feasible_since, prefix = None, f"{FEASIBLE_AGAIN_PREFIX}: "
        rec.progress_notes.append(ProgressNote(prefix + text.strip(), actor, now))
        stepping.touch(rec, now)
        count = len(rec.progress_notes)
        uow.commit()
        return count


def report_back(
    deps: Dependencies,
    renderer: TemplateRenderer,
    recommendation_id: int,
    actor: str,
    round_label: str | None = None,
) -> FeedbackView:
    """Render the implementation report, record it, and attach it to the next round."""
    with deps.unit_of_work() as uow:
        rec = get(uow, recommendation_id)
        report_trigger = deps.engine.definition_of(rec).trigger_for("implementation_report")
        if not report_trigger or report_trigger not in deps.engine.allowed_triggers(rec):
            state = deps.engine.definition_of(rec).state(rec.state).title
            raise DeliberationError(
                f'Ein Umsetzungsbericht ist für {rec.subject_label()} im Zustand "{state}" '
                "nicht möglich; erst die Zuständigkeit festlegen.",
                next_steps=[
                    hint(NextStep.ASSIGN_RECOMMENDATION, recommendation_id=recommendation_id)
                ],
            )
        target = _next_round(uow, rec, round_label, deps.clock())
        view = recommendation_view(deps.engine, rec, today=deps.today())
        text = renderer.render(
            REPORT_TEMPLATE,
            deps.language,
            {
                "recommendation": view,
                "county": deps.county_name,
                "organiser": deps.organiser,
                "round": target.label,
                "today": deps.today(),
            },
        )
        ctx = stepping.context(deps, actor, f"Rückspiegelung in Durchgang {target.label}", text)
        report = FeedbackReport(target, rec, text, ctx.now)
        uow.cycles.add_feedback_report(report)
        stepping.fire(deps, uow, rec, report_trigger, ctx)
        return FeedbackView(target.label, rec.id or 0, rec.title, text, ctx.now)


def feedback(deps: Dependencies, round_label: str) -> list[FeedbackView]:
    """The implementation reports mirrored back into a round, for its workshops and conference."""
    with deps.unit_of_work() as uow:
        if uow.cycles.round(round_label) is None:
            raise DeliberationError(f'Den Durchgang "{round_label}" gibt es nicht.')
        return [
            FeedbackView(
                round_label, r.recommendation.id or 0, r.recommendation.title, r.text, r.created_at
            )
            for r in uow.cycles.feedback_reports(round_label)
        ]


def _being_implemented(
    deps: Dependencies, uow: UnitOfWork, recommendation_id: int, what: str
) -> Recommendation:
    rec = get(uow, recommendation_id)
    if not deps.engine.marked(rec, "implementing"):
        state = deps.engine.definition_of(rec).state(rec.state).title
        raise DeliberationError(
            f'{what} ist bei {rec.subject_label()} im Zustand "{state}" nicht möglich, nur '
            "bei vom Kreistag beschlossenen Empfehlungen in Umsetzung."
        )
    return rec


def _next_round(
    uow: UnitOfWork, rec: Recommendation, round_label: str | None, now: datetime
) -> Round:
    own = rec.working_group.conference.round
    if round_label is not None:
        if round_label == own.label:
            raise DeliberationError(
                f"Die Rückspiegelung gehört in einen späteren Durchgang als {own.label}."
            )
        return uow.cycles.round(round_label) or Round(round_label, now)
    later = [r for r in uow.cycles.rounds() if r.label > own.label]
    if not later:
        raise DeliberationError(
            f"Es gibt noch keinen Durchgang nach {own.label}; den Durchgang für die "
            "Rückspiegelung mit --round angeben (z. B. --round "
            f"{_following(own.label)})."
        )
    return later[0]


def _following(label: str) -> str:
    return str(int(label) + 2) if label.isdigit() else "NÄCHSTER"
