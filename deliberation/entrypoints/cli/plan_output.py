"""The backward plan and the implementation report in the terminal."""

from __future__ import annotations

from rich.table import Table

from deliberation.entrypoints.cli.next_steps import command_of, with_pointers
from deliberation.entrypoints.formats import table
from deliberation.service_layer.implementation_report import ImplementationReport
from deliberation.service_layer.route_overview import BackwardPlanView


def plan_table(view: BackwardPlanView) -> Table:
    decision = view.decision
    return table(
        f"Rückwärtsterminierung für Empfehlung {view.recommendation_id} bis zur Sitzung "
        f"{decision.id} am {decision.day:%d.%m.%Y}",
        ["Gremium", "Rolle", "Ladungsfrist", "Sitzung", "Tagesordnung bis", "Hinweis"],
        [
            (
                s.stop.body_name,
                s.stop.role,
                s.stop.notice.describe(),
                f"{s.meeting.id}: {s.meeting.day:%d.%m.%Y}" if s.meeting else "—",
                f"{s.agenda_deadline:%d.%m.%Y}" if s.agenda_deadline else "—",
                with_pointers(s.problem, [command_of(s.next_step)] if s.next_step else [])
                or ("liegt schon darauf" if s.stop.placed_on else ""),
            )
            for s in view.plan.stops
        ],
    )


def plan_summary(view: BackwardPlanView) -> list[str]:
    """The plan's conclusion in German sentences."""
    plan = view.plan
    lines = []
    if plan.adoption_deadline is not None:
        lines.append(
            f"Die Arbeitsgruppe „{view.group_name}“ muss die Empfehlung spätestens am "
            f"{plan.adoption_deadline:%d.%m.%Y} beschließen (Auftrag bis "
            f"{view.group_due_date:%d.%m.%Y})."
        )
    if plan.feasible:
        lines.append("Alle Ladungsfristen werden eingehalten.")
        return lines
    lines.append(f"Die Sitzung {view.decision.id} ist so nicht erreichbar.")
    reachable = view.earliest_reachable
    if reachable is not None:
        lines.append(
            f"Frühestens erreichbar: Sitzung {reachable.id} am {reachable.day:%d.%m.%Y} "
            f"({reachable.title})."
        )
    else:
        lines.append("Keine geplante Sitzung des entscheidenden Gremiums ist noch erreichbar.")
    return lines


def report_table(report: ImplementationReport) -> Table:
    counts = report.counts
    return table(
        f"Umsetzungsbericht {report.quarter} für {report.committee}: "
        f"{counts['not_feasible']} rot, {counts['late']} gelb, {counts['on_track']} grün",
        ["Nr.", "Titel", "Ampel", "Zuständig", "bis", "letzter Vermerk"],
        [
            (
                line.id,
                line.title,
                f"{line.light_colour} – {line.light_title}",
                line.office or "—",
                f"{line.due_date:%d.%m.%Y}" if line.due_date else "—",
                line.latest_note or "—",
            )
            for line in report.lines
        ],
    )
