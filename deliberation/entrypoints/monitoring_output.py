"""The monitoring report as terminal tables and as a printable HTML page with an SVG chart:
per workshop, then per working group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.console import Group
from rich.table import Table

from deliberation.entrypoints.formats import table
from deliberation.service_layer.monitoring import (
    FATE_TITLES,
    FATES,
    GroupFigures,
    WorkshopFigures,
)
from deliberation.service_layer.ports import Documents

HEADER = (
    "Durchgang",
    "Gemeinde",
    "Bedarfe",
    *(FATE_TITLES[f] for f in FATES),
    "eingeladen",
    "zugesagt",
    "teilgenommen",
    "Empfehlungen",
    "Ergebnisse",
)
GROUP_HEADER = (
    "Durchgang",
    "Arbeitsgruppe",
    "Thema",
    "Stand",
    "Bericht fällig",
    "Mitglieder",
    "Bedarfe",
    "Empfehlungen",
    "entschieden",
    "in Umsetzung",
    "Ergebnisse",
)
#: the terminal shows two tables (needs, then participation) to fit 80 columns
SHORT_FATE_TITLES = {
    "handled_locally": "lokal",
    "forwarded": "weiter",
    "answered": "beantw.",
    "decided": "entsch.",
    "open": "offen",
}
LEGEND = "; ".join(f"{SHORT_FATE_TITLES[f]}: {FATE_TITLES[f]}" for f in FATES)
WIDTHS = {"Jahr": 4, "Gemeinde": 11}
COLOURS = {
    "handled_locally": "#8fbc8f",
    "forwarded": "#87a9d0",
    "answered": "#e0b050",
    "decided": "#2e6b3a",
    "open": "#c8c8c8",
}
LABEL_WIDTH, SCALE, ROW_HEIGHT = 210, 18, 26


@dataclass(frozen=True)
class Bar:
    x: int
    width: int
    colour: str
    title: str
    count: int


@dataclass(frozen=True)
class ChartRow:
    y: int
    label: str
    bars: tuple[Bar, ...]
    end: int
    needs: int
    people: str


@dataclass(frozen=True)
class LegendItem:
    x: int
    colour: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rows: tuple[ChartRow, ...]
    legend: tuple[LegendItem, ...]
    legend_y: int


def rows(figures: list[WorkshopFigures]) -> list[tuple[object, ...]]:
    return [
        (
            f.round,
            f.municipality,
            f.needs,
            *(f.fates[fate] for fate in FATES),
            f.invited,
            "—" if f.accepted is None else f.accepted,
            "—" if f.attendees is None else f.attendees,
            f.recommendations,
            ", ".join(f"{title}: {n}" for title, n in f.outcomes.items()) or "—",
        )
        for f in figures
    ]


def group_rows(groups: list[GroupFigures]) -> list[tuple[object, ...]]:
    """One line per working group (``GROUP_HEADER``)."""
    return [
        (
            g.round,
            g.name,
            g.topic,
            g.state_title,
            f"{g.due_date:%d.%m.%Y}" + (" (überfällig)" if g.report_overdue else ""),
            g.members,
            g.needs,
            g.recommendations,
            g.decided,
            g.implementing,
            _outcomes(g.outcomes),
        )
        for g in groups
    ]


def _outcomes(outcomes: dict[str, int]) -> str:
    return ", ".join(f"{title}: {n}" for title, n in outcomes.items()) or "—"


def groups_table(groups: list[GroupFigures]) -> Table:
    """The working groups: what they were asked, what they delivered, how far it got."""
    found = table(
        f"Arbeitsgruppen ({len(groups)})",
        [
            "Jahr",
            "Arbeitsgruppe",
            "Stand",
            "fällig",
            "Mitgl.",
            "Bed.",
            "Empf.",
            "entsch.",
            "Ergebnisse",
        ],
        [
            (
                g.round,
                f"{g.name} ({g.topic})",
                g.state_title,
                f"{g.due_date:%d.%m.%Y}" + (" überfällig" if g.report_overdue else ""),
                g.members,
                g.needs,
                g.recommendations,
                g.decided,
                _outcomes(g.outcomes),
            )
            for g in groups
        ],
        min_widths={"Jahr": 4},
    )
    found.caption = (
        "fällig: Bericht fällig am; Mitgl.: Mitglieder; Bed.: Bedarfe, die ihre Empfehlungen "
        "beantworten; Empf.: Empfehlungen; entsch.: davon vom Kreistag entschieden"
    )
    found.caption_justify = "left"
    return found


def monitoring_table(figures: list[WorkshopFigures]) -> Group:
    """The needs per workshop and what became of them; then people and recommendations."""
    needs = table(
        f"Beteiligungsmonitoring ({len(figures)} Werkstätten): Bedarfe",
        ["Jahr", "Gemeinde", "Bedarfe", *(SHORT_FATE_TITLES[f] for f in FATES)],
        [(f.round, f.municipality, f.needs, *(f.fates[fate] for fate in FATES)) for f in figures],
        min_widths=WIDTHS,
    )
    needs.caption = LEGEND
    needs.caption_justify = "left"
    people = table(
        "Menschen und Empfehlungen",
        ["Jahr", "Gemeinde", "eingel.", "zuges.", "dabei", "Empf.", "Ergebnisse"],
        [
            (
                f.round,
                f.municipality,
                f.invited,
                _or_dash(f.accepted),
                _or_dash(f.attendees),
                f.recommendations,
                ", ".join(f"{title}: {n}" for title, n in f.outcomes.items()) or "—",
            )
            for f in figures
        ],
        min_widths=WIDTHS,
    )
    people.caption = (
        "eingel.: eingeladen; zuges.: Zusagen mit Platz; dabei: teilgenommen (erfasst); "
        "Empf.: Empfehlungen zu den Bedarfen, mit ihren Ergebnissen"
    )
    people.caption_justify = "left"
    return Group(needs, people)


def _or_dash(value: int | None) -> object:
    return "—" if value is None else value


def chart(figures: list[WorkshopFigures]) -> Chart:
    lines = []
    for n, f in enumerate(figures):
        x, bars = LABEL_WIDTH, []
        for fate in FATES:
            count = f.fates[fate]
            if count:
                bars.append(Bar(x, count * SCALE, COLOURS[fate], FATE_TITLES[fate], count))
                x += count * SCALE
        came = "?" if f.attendees is None else str(f.attendees)
        said_yes = "" if f.accepted is None else f"{f.accepted} zugesagt, "
        lines.append(
            ChartRow(
                n * ROW_HEIGHT,
                f"{f.municipality} {f.round}",
                tuple(bars),
                x,
                f.needs,
                f"{f.invited} eingeladen, {said_yes}{came} teilgenommen",
            )
        )
    widest = max((line.end for line in lines), default=LABEL_WIDTH)
    legend_y = len(lines) * ROW_HEIGHT + 10
    legend = tuple(
        LegendItem(i * 190, COLOURS[fate], FATE_TITLES[fate]) for i, fate in enumerate(FATES)
    )
    return Chart(max(widest + 260, 190 * len(FATES)), legend_y + 20, tuple(lines), legend, legend_y)


def monitoring_html(
    documents: Documents,
    figures: list[WorkshopFigures],
    groups: list[GroupFigures],
    county: str,
    organiser: str,
    today: date,
    round_label: str | None,
) -> str:
    return documents.render(
        "monitoring/report",
        {
            "county": county,
            "organiser": organiser,
            "today": today,
            "round": round_label,
            "chart": chart(figures),
            "header": HEADER,
            "rows": rows(figures),
            "group_header": GROUP_HEADER,
            "group_rows": group_rows(groups),
        },
    )
