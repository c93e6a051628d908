"""Terminal tables for the CLI: one function per view, German headings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from deliberation.domain.scheduling import MEETING_STATUS_TITLES
from deliberation.domain.workflow import WorkflowDefinition
from deliberation.entrypoints.formats import (
    fixed_column,
    local_time,
    number_column,
    table,
    text_column,
)
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

if TYPE_CHECKING:  # the views only; ``--help`` imports no service module it does not need
    from deliberation.service_layer.meetings import MeetingRow
    from deliberation.service_layer.status_overview import NeedTally


def heading(title: str, rest: str = "") -> Text:
    """A record's title in bold, then ``rest``: both literal (the console reads no markup)."""
    return Text.assemble((title, "bold"), rest)


def _ids(ids: tuple[int, ...]) -> str:
    return ", ".join(map(str, ids)) or "—"


#: columns that wrap early so that titles keep their room
NARROW = 22
NO_STEPS = "—"


def next_steps(status: StatusView) -> str:
    if status.final:
        return "— (abgeschlossen)"
    return ", ".join(step.title for step in status.next_steps)


def cycles_table(views: Iterable[CycleView], with_round: bool = True) -> Table:
    """Cycles with their state and next steps.

    Without ``with_round`` (for narrow terminals) the round is left to the title,
    which names it.
    """
    views = list(views)
    round_column = [fixed_column("Durchgang")] if with_round else []
    return table(
        f"Zyklen ({len(views)})",
        [number_column("Nr."), *round_column, "Zyklus", "Zustand", "Nächste Schritte"],
        [
            (
                v.status.id,
                *((v.round,) if with_round else ()),
                v.title,
                v.status.state_title,
                next_steps(v.status),
            )
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
            n.online_votes,
            n.total_votes,
            NEED_STATUS_TITLES.get(n.status, n.status),
            n.text,
        )
        for n in views
    ]
    return table(
        f"{title} ({len(rows)})",
        [
            "Nr.",
            "Gemeinde",
            "Themenfeld",
            "Reichweite",
            "Punkte vor Ort",
            "Punkte online",
            "Punkte gesamt",
            "Verbleib",
            "Text",
        ],
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


def groups_table(views: Iterable[GroupView]) -> Table:
    views = list(views)
    return table(
        f"Arbeitsgruppen ({len(views)})",
        [
            number_column("Nr."),
            "Name",
            "Thema",
            fixed_column("Frist"),
            "Zustand",
            number_column("Empfehlungen"),
        ],
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


def recommendations_table(
    views: Iterable[RecommendationView], with_steps: bool = True, narrow: bool = False
) -> Table:
    """Recommendations with group and state; ``narrow`` wraps groups and states early."""
    views = list(views)
    width = NARROW if narrow else None
    steps = ["Nächste Schritte"] if with_steps else []
    return table(
        f"Empfehlungen ({len(views)})",
        [
            number_column("Nr."),
            "Titel",
            text_column("Arbeitsgruppe", max_width=width),
            text_column("Zustand", max_width=width),
            *steps,
        ],
        [
            (
                r.status.id,
                r.title,
                r.group_name,
                r.status.state_title,
                *((next_steps(r.status),) if with_steps else ()),
            )
            for r in views
        ],
    )


def need_tally_table(tallies: Sequence[NeedTally], total: NeedTally) -> Table:
    """Needs per municipality with a total line."""
    result = table(
        "Bedarfe je Gemeinde",
        ["Gemeinde", *map(number_column, TALLY_HEADINGS)],
        [(t.place, *_counts(t)) for t in tallies],
    )
    if tallies:
        result.add_section()
        result.add_row(
            Text("Landkreis gesamt"), *(Text(str(n)) for n in _counts(total)), style="bold"
        )
    return result


TALLY_HEADINGS = ("Bedarfe gesamt", "kreisweit", "lokal", "Punkte", "weitergeleitet")


def _counts(tally: NeedTally) -> tuple[int, ...]:
    return (tally.total, tally.county, tally.local, tally.votes, tally.forwarded)


def upcoming_table(rows: Sequence[MeetingRow], total: int, zone: ZoneInfo) -> Table:
    """The next meetings with their state and the scheduler's next step for each."""
    return table(
        f"Nächste Termine ({len(rows)} von {total}; alle: deliberation meeting list)",
        [
            number_column("Nr."),
            fixed_column("Beginn"),
            "Titel",
            fixed_column("Stand"),
            number_column("Eingeladen"),
            text_column("Nächster Schritt", max_width=NARROW),
        ],
        [
            (
                m.id,
                local_time(m.starts_at, zone),
                m.title,
                m.status_title,
                m.invited,
                m.next_work or NO_STEPS,
            )
            for m in rows
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
        console.print(f"Beratung: {c.meeting_title} ({c.where}): {c.result_title}", highlight=False)
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
