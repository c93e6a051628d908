"""Terminal tables for the CLI: one function per view, German headings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from deliberation.domain.scheduling import MEETING_STATUS_TITLES
from deliberation.domain.workflow import WorkflowDefinition
from deliberation.service_layer.views import (
    NEED_STATUS_TITLES,
    SCOPE_TITLES,
    CycleView,
    FeedbackLine,
    GroupView,
    LogView,
    NeedView,
    RecommendationView,
    StatusView,
)


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def heading(title: str, rest: str = "") -> Text:
    """A record's title in bold, then ``rest``: both literal (the console reads no markup)."""
    return Text.assemble((title, "bold"), rest)


def _ids(ids: tuple[int, ...]) -> str:
    return ", ".join(map(str, ids)) or "—"


def table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    min_widths: dict[str, int] | None = None,
) -> Table:
    result = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        result.add_column(column, overflow="fold", min_width=(min_widths or {}).get(column))
    for row in rows:
        result.add_row(*(str(cell) for cell in row))
    return result


def next_steps(status: StatusView) -> str:
    if status.final:
        return "— (abgeschlossen)"
    return ", ".join(step.title for step in status.next_steps)


def cycles_table(views: list[CycleView]) -> Table:
    return table(
        f"Zyklen ({len(views)})",
        ["Nr.", "Durchgang", "Zyklus", "Zustand", "Nächste Schritte"],
        [
            (v.status.id, v.round, v.title, v.status.state_title, next_steps(v.status))
            for v in views
        ],
    )


def status_lines(status: StatusView, zone: ZoneInfo) -> list[str]:
    lines = [
        f"Ablauf:    {status.workflow_title}",
        f"Zustand:   {status.state_title}, Version {status.version}, "
        f"geändert {local_time(status.updated_at, zone)}",
    ]
    if status.final:
        lines.append("Nächste Schritte: keine, der Vorgang ist abgeschlossen.")
        return lines
    lines.append("Nächste Schritte (den Titel in Anführungszeichen bei advance angeben):")
    for step in status.next_steps:
        hint = " (mit --text)" if step.needs_text else ""
        lines.append(f'  "{step.title}"{hint}')
    return lines


def log_table(entries: tuple[LogView, ...], zone: ZoneInfo) -> Table:
    return table(
        "Verlauf",
        ["Zeit", "Wer", "Schritt: von → nach", "Begründung"],
        [
            (
                local_time(e.at, zone),
                e.actor,
                f"{e.step_title}: {e.from_title or '—'} → {e.to_title}",
                e.reason,
            )
            for e in entries
        ],
        min_widths={"Zeit": 16},
    )


def needs_table(views: Iterable[NeedView], title: str = "Bedarfe") -> Table:
    rows = [
        (
            n.id,
            n.municipality,
            n.topic_field,
            SCOPE_TITLES.get(n.scope, n.scope),
            n.votes,
            NEED_STATUS_TITLES.get(n.status, n.status),
            n.text,
        )
        for n in views
    ]
    return table(
        f"{title} ({len(rows)})",
        ["Nr.", "Gemeinde", "Themenfeld", "Reichweite", "Punkte", "Verbleib", "Text"],
        rows,
    )


def print_cycle(console: Console, view: CycleView, zone: ZoneInfo) -> None:
    console.print(heading(view.title, f" (Zyklus {view.status.id}, Durchgang {view.round})"))
    for line in status_lines(view.status, zone):
        console.print(line, highlight=False)
    for meeting in view.meetings:
        where = meeting.location or "noch ohne Ort"
        status = MEETING_STATUS_TITLES.get(meeting.status, meeting.status)
        console.print(
            f"Termin {meeting.id}: {meeting.starts_at.astimezone(zone):%d.%m.%Y %H:%M} Uhr, "
            f"{where} ({status})",
            highlight=False,
            markup=False,
        )
    if view.invitation_problem and not view.status.final:
        console.print(f"Einladungen: {view.invitation_problem}", highlight=False, markup=False)
    if view.feedback:
        console.print(feedback_table(view.feedback))
    if view.needs:
        console.print(needs_table(view.needs))
    if view.agenda:
        console.print(
            table(
                "Tagesordnung",
                ["Pos.", "Thema", "Bedarfe"],
                [
                    (t.position, t.title, ", ".join(map(str, t.need_ids)) or "—")
                    for t in view.agenda
                ],
            )
        )
    if view.group_ids:
        console.print("Arbeitsgruppen: " + ", ".join(map(str, view.group_ids)))
    console.print(log_table(view.log, zone))


def feedback_table(lines: Sequence[FeedbackLine]) -> Table:
    """The Rückspiegelung: a section of its own, before the agenda."""
    return table(
        f"Rückspiegelung: was aus den Empfehlungen früherer Durchgänge wurde ({len(lines)})",
        ["Empfehlung", "Titel", "aus Durchgang", "Umsetzungsbericht"],
        [(f.recommendation_id, f.title, f.from_round, _first_lines(f.text)) for f in lines],
    )


def _first_lines(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def groups_table(views: list[GroupView]) -> Table:
    return table(
        f"Arbeitsgruppen ({len(views)})",
        ["Nr.", "Name", "Thema", "Frist", "Zustand", "Empfehlungen"],
        [
            (
                g.status.id,
                g.name,
                g.topic,
                f"{g.due_date:%d.%m.%Y}",
                g.status.state_title,
                len(g.recommendation_ids),
            )
            for g in views
        ],
    )


def print_group(console: Console, view: GroupView, zone: ZoneInfo) -> None:
    console.print(heading(view.name, f" (Arbeitsgruppe {view.status.id})"))
    console.print(f"Konferenz: Zyklus {view.conference_id}, Thema: {view.topic}", highlight=False)
    console.print(f"Auftrag:   {view.mandate}", highlight=False)
    console.print(f"Frist:     {view.due_date:%d.%m.%Y}", highlight=False)
    console.print("Mitglieder: " + ("; ".join(view.members) or "—"), highlight=False)
    if view.report:
        console.print("Bericht:   " + view.report, highlight=False, markup=False)
    for line in status_lines(view.status, zone):
        console.print(line, highlight=False)
    ids = ", ".join(map(str, view.recommendation_ids)) or "—"
    console.print(f"Empfehlungen: {ids}", highlight=False)
    console.print(log_table(view.log, zone))


def recommendations_table(views: list[RecommendationView]) -> Table:
    return table(
        f"Empfehlungen ({len(views)})",
        ["Nr.", "Titel", "Arbeitsgruppe", "Zustand", "Nächste Schritte"],
        [
            (r.status.id, r.title, r.group_name, r.status.state_title, next_steps(r.status))
            for r in views
        ],
    )


def print_recommendation(console: Console, view: RecommendationView, zone: ZoneInfo) -> None:
    console.print(heading(view.title, f" (Empfehlung {view.status.id})"))
    console.print(f"Arbeitsgruppe: {view.group_name} ({view.group_id})", highlight=False)
    console.print(f"Text: {view.text}", highlight=False)
    texts = [
        ("Stellungnahme der Kommission", view.commission_statement),
        ("Beschlusstext", view.resolution_text),
        ("Umsetzungsbericht", view.implementation_report),
    ]
    for label, text in texts:
        if text:
            console.print(f"{label}: {text}", highlight=False)
    if view.need_ids:
        console.print("Beantwortet Bedarfe: " + ", ".join(map(str, view.need_ids)))
    for c in view.consultations:
        closed = ", nicht öffentlich" if not c.public else ""
        console.print(
            f"Beratung: {c.meeting_title} (Sitzung {c.meeting_id}, {c.role}{closed}): "
            f"{c.result_title}",
            highlight=False,
        )
    if view.responsible_office:
        due = f" bis {view.due_date:%d.%m.%Y}" if view.due_date else ""
        late = " – überfällig" if view.overdue else ""
        console.print(f"Umsetzung: {view.responsible_office}{due}{late}", highlight=False)
    if view.traffic_light:
        console.print(f"Ampel: {view.traffic_light}", highlight=False)
    for line in status_lines(view.status, zone):
        console.print(line, highlight=False)
    console.print(log_table(view.log, zone))


def workflows_table(definitions: list[WorkflowDefinition]) -> Table:
    return table(
        "Workflow-Definitionen: alle gültig",
        ["Name", "Version", "Titel", "Zustände", "Übergänge", "Datei"],
        [
            (d.name, d.version, d.title, len(d.states), len(d.transitions), d.source)
            for d in definitions
        ],
    )
