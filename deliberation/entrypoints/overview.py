"""Where everything stands: cycles, needs, working groups and recommendations as tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from deliberation.domain.scheduling import MEETING_STATUS_TITLES
from deliberation.entrypoints.tables import feedback_table
from deliberation.service_layer import groups, meetings, needs, recommendations
from deliberation.service_layer.cycles import list_cycles, round_feedback
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.views import (
    CycleView,
    GroupView,
    NeedView,
    RecommendationView,
    StatusView,
)

COUNTY_SCOPE = "county"
LOCAL_SCOPE = "local"
FORWARDED = "forwarded"
NO_STEPS = "—"
UPCOMING = 8  # meetings shown in the overview; deliberation meeting list shows all
WIDE = 100  # from this terminal width on, the cycles table has its own round column
NARROW = 22  # columns that wrap early so that titles keep their room


@dataclass
class NeedTally:
    """Counts of one municipality's needs."""

    total: int = 0
    county: int = 0
    local: int = 0
    votes: int = 0
    forwarded: int = 0

    def add(self, need: NeedView) -> None:
        self.total += 1
        self.county += need.scope == COUNTY_SCOPE
        self.local += need.scope == LOCAL_SCOPE
        self.votes += need.votes
        self.forwarded += need.status == FORWARDED

    def cells(self) -> tuple[str, ...]:
        numbers = (self.total, self.county, self.local, self.votes, self.forwarded)
        return tuple(str(n) for n in numbers)


def print_overview(deps: Dependencies, console: Console, round_label: str | None = None) -> None:
    """Print the state of every cycle, need, working group and recommendation.

    With ``round_label`` only that round (Durchgang) is shown; without it, all rounds.
    """
    cycle_views = list_cycles(deps, round_label)
    group_views = _groups(deps, cycle_views, round_label)
    recommendation_views = _recommendations(deps, group_views, round_label)
    heading = f"Stand Durchgang {round_label}" if round_label else "Stand aller Durchgänge"
    console.rule(Text(heading, style="bold"))
    wide = console.width >= WIDE
    _print(console, cycle_table(cycle_views, with_round=wide), "Keine Zyklen.")
    feedback = round_feedback(deps, round_label) if round_label else ()
    if feedback:
        console.print(feedback_table(feedback))
    _print(console, needs_table(needs.list_needs(deps, round_label=round_label)), "Keine Bedarfe.")
    _print(console, group_table(group_views), "Keine Arbeitsgruppen.")
    recommendation_list = recommendation_table(recommendation_views, narrow=not wide)
    _print(console, recommendation_list, "Keine Empfehlungen.")
    _print(console, upcoming_table(deps), "Keine kommenden Termine.")


def upcoming_table(deps: Dependencies) -> Table:
    """The next meetings with their state and the scheduler's next step for each."""
    zone = ZoneInfo(deps.timezone)
    upcoming = meetings.list_meetings(deps, starts_from=deps.clock())
    table = _table(
        f"Nächste Termine ({min(len(upcoming), UPCOMING)} von {len(upcoming)}; "
        "alle: deliberation meeting list)",
        _fixed("Nr."),
        _fixed("Beginn"),
        _text("Titel"),
        _fixed("Stand"),
        _number("Eingeladen"),
        _text("Nächster Schritt", max_width=NARROW),
    )
    for meeting in upcoming[:UPCOMING]:
        _add_row(
            table,
            str(meeting.id),
            f"{meeting.starts_at.astimezone(zone):%d.%m.%Y %H:%M}",
            meeting.title,
            MEETING_STATUS_TITLES.get(meeting.status, meeting.status),
            str(meeting.invited),
            meeting.next_work or NO_STEPS,
        )
    return table


def _groups(
    deps: Dependencies, cycle_views: list[CycleView], round_label: str | None
) -> list[GroupView]:
    if round_label is None:
        return groups.list_groups(deps)
    conference = deps.engine.conference()
    name = conference.name if conference else None
    conference_ids = [c.status.id for c in cycle_views if c.status.workflow == name]
    return [g for cid in conference_ids for g in groups.list_groups(deps, conference_id=cid)]


def _recommendations(
    deps: Dependencies, group_views: list[GroupView], round_label: str | None
) -> list[RecommendationView]:
    if round_label is None:
        return recommendations.list_recommendations(deps)
    return [
        r
        for g in group_views
        for r in recommendations.list_recommendations(deps, group_id=g.status.id)
    ]


def _print(console: Console, table: Table, empty: str) -> None:
    console.print()
    if table.row_count:
        console.print(table)
    else:
        console.print(Text.assemble((f"{table.title}: ", "bold"), (empty, "dim")))


def _table(title: str, *columns: Column) -> Table:
    return Table(
        *columns,
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )


def _add_row(table: Table, *cells: str, style: str | None = None) -> None:
    """Add cells as plain text: what people typed is never read as rich markup."""
    table.add_row(*(Text(cell) for cell in cells), style=style)


def _text(header: str, max_width: int | None = None) -> Column:
    return Column(header, overflow="fold", max_width=max_width)


def _number(header: str) -> Column:
    return Column(header, justify="right", no_wrap=True)


def _fixed(header: str) -> Column:
    return Column(header, no_wrap=True)


def next_steps(status: StatusView) -> str:
    """The triggers possible next, one a line, or a dash for a record in a final state."""
    return "\n".join(step.title for step in status.next_steps) or NO_STEPS


def cycle_table(cycle_views: Iterable[CycleView], with_round: bool = True) -> Table:
    """Cycles: id, round, title, state and the possible next steps.

    Without ``with_round`` (for narrow terminals) the round is left to the title,
    which names it anyway.
    """
    round_column = (_fixed("Durchgang"),) if with_round else ()
    table = _table(
        "Zyklen",
        _number("ID"),
        *round_column,
        _text("Zyklus"),
        _text("Zustand"),
        _fixed("Nächste Schritte"),
    )
    for c in cycle_views:
        title = (c.round, c.title.removesuffix(f" {c.round}")) if with_round else (c.title,)
        _add_row(table, str(c.status.id), *title, c.status.state_title, next_steps(c.status))
    return table


def tally_needs(need_views: Iterable[NeedView]) -> dict[str, NeedTally]:
    """Needs counted per municipality, municipalities in alphabetical order."""
    tallies: dict[str, NeedTally] = {}
    for need in need_views:
        tallies.setdefault(need.municipality, NeedTally()).add(need)
    return dict(sorted(tallies.items()))


def needs_table(need_views: Iterable[NeedView]) -> Table:
    """Needs per municipality with a total row."""
    table = _table(
        "Bedarfe je Gemeinde",
        _text("Gemeinde"),
        _number("Bedarfe gesamt"),
        _number("kreisweit"),
        _number("lokal"),
        _number("Punkte"),
        _number("weitergeleitet"),
    )
    views = list(need_views)
    tallies = tally_needs(views)
    for municipality, tally in tallies.items():
        _add_row(table, municipality, *tally.cells())
    if tallies:
        table.add_section()
        _add_row(table, "Landkreis gesamt", *_total(views).cells(), style="bold")
    return table


def _total(need_views: Iterable[NeedView]) -> NeedTally:
    total = NeedTally()
    for need in need_views:
        total.add(need)
    return total


def group_table(group_views: Iterable[GroupView]) -> Table:
    """Working groups: id, name, topic, due date, state and number of recommendations."""
    table = _table(
        "Ad-hoc-Arbeitsgruppen",
        _number("ID"),
        _text("Name"),
        _text("Thema"),
        _fixed("Frist"),
        _text("Zustand"),
        _number("Empf."),
    )
    for g in group_views:
        _add_row(
            table,
            str(g.status.id),
            g.name,
            g.topic,
            f"{g.due_date:%d.%m.%Y}",
            g.status.state_title,
            str(len(g.recommendation_ids)),
        )
    return table


def recommendation_table(
    recommendation_views: Iterable[RecommendationView], narrow: bool = False
) -> Table:
    """Recommendations: id, title, working group and state; ``narrow`` wraps groups early."""
    table = _table(
        "Empfehlungen",
        _number("ID"),
        _text("Titel"),
        _text("Arbeitsgruppe", max_width=NARROW if narrow else None),
        _text("Zustand", max_width=NARROW),
    )
    for r in recommendation_views:
        _add_row(table, str(r.status.id), r.title, r.group_name, r.status.state_title)
    return table
