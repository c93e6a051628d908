"""``deliberation status``: where everything stands, printed from one service-layer query."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from deliberation.entrypoints.cli.tables import (
    cycles_table,
    feedback_table,
    groups_table,
    need_tally_table,
    recommendations_table,
    upcoming_table,
)
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.status_overview import StatusOverview, status_overview

WIDE = 100  # from this terminal width on, the cycles table has its own round column


def print_overview(deps: Dependencies, console: Console, round_label: str | None = None) -> None:
    """Print the state of every cycle, need, working group and recommendation.

    With ``round_label`` only that round (Durchgang) is shown; without it, all rounds.
    """
    print_status(console, status_overview(deps, round_label), ZoneInfo(deps.timezone))


def print_status(console: Console, view: StatusOverview, zone: ZoneInfo) -> None:
    """Format the overview as tables; an empty part is one line saying so."""
    label = view.round_label
    console.rule(Text(f"Stand Durchgang {label}" if label else "Stand aller Durchgänge", "bold"))
    wide = console.width >= WIDE
    _print(console, cycles_table(view.cycles, with_round=wide), "Keine Zyklen.")
    if view.feedback:
        console.print(feedback_table(view.feedback))
    _print(console, need_tally_table(view.need_tallies, view.need_total), "Keine Bedarfe.")
    _print(console, groups_table(view.groups), "Keine Arbeitsgruppen.")
    recommendations = recommendations_table(view.recommendations, with_steps=False, narrow=not wide)
    _print(console, recommendations, "Keine Empfehlungen.")
    upcoming = upcoming_table(view.upcoming, view.upcoming_total, zone)
    _print(console, upcoming, "Keine kommenden Termine.")


def _print(console: Console, table: Table, empty: str) -> None:
    console.print()
    if table.row_count:
        console.print(table)
    else:
        title = str(table.title).partition(" (")[0]
        console.print(Text.assemble((f"{title}: ", "bold"), (empty, "dim")))
