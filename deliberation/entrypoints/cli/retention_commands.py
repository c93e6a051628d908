"""``deliberation retention [--dry-run]``: the retention periods applied, or shown first.

The scheduler applies the same rules on every tick (``service_layer.retention``);
this command is for looking before, and for databases without a scheduler.
"""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

from rich.console import Console

from deliberation.entrypoints.cli.commands import opened
from deliberation.entrypoints.cli.subcommands import Subparsers, command
from deliberation.entrypoints.formats import table
from deliberation.schedule_setup import retention_policy
from deliberation.service_layer import retention
from deliberation.service_layer.retention import RetentionReport

#: What the ids of each rule are.
ID_WORDS = {
    retention.UNCONFIRMED: "Personen",
    retention.NEED_ADDRESSES: "Bedarfe aus dem Web",
    retention.MESSAGE_TEXTS: "Nachrichten",
    retention.ANSWERS: "Sitzungen",
    retention.LOG_ROWS: "Protokollzeilen",
}
#: Ids shown per rule; the rest as a count.
SHOWN = 60


def report_rows(report: RetentionReport, zone: ZoneInfo) -> list[tuple[str, str, str, str]]:
    rows = []
    for result in report.results:
        ids = retention.id_ranges(result.ids) or "—"
        if len(ids) > SHOWN:
            ids = ids[:SHOWN].rsplit(",", 1)[0] + ", …"
        limit = result.limit.astimezone(zone).strftime("%d.%m.%Y %H:%M")
        rows.append((result.title, limit, str(len(result.ids)), f"{ID_WORDS[result.rule]}: {ids}"))
    return rows


def summary_line(report: RetentionReport) -> str:
    """One line for the scheduler's output: how many went by which rule."""
    parts = [f"{len(r.ids)} {ID_WORDS[r.rule]}" for r in report.results if r.ids]
    return "Aufbewahrungsfristen angewandt: " + ", ".join(parts) + " (siehe deliberation log)."


def retention_command(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        policy = retention_policy(app.settings)
        zone = ZoneInfo(app.settings.county.timezone)
        report = (
            retention.due(app.deps, policy) if args.dry_run else retention.apply(app.deps, policy)
        )
    title = (
        "Würde jetzt gelöscht (nichts geändert)"
        if args.dry_run
        else "Gelöscht bzw. pseudonymisiert"
    )
    console.print(
        table(title, ["Regel", "älter als", "Anzahl", "Nummern"], report_rows(report, zone))
    )
    if args.dry_run:
        console.print(
            "Anwenden mit: deliberation retention (der Terminplaner tut es bei jedem Lauf)."
        )
    elif report.total:
        console.print(
            "Protokolliert: deliberation log --actor Aufbewahrungsfristen", highlight=False
        )
    return 0


def register(group: Subparsers) -> None:
    runner = command(
        group,
        "retention",
        "Aufbewahrungsfristen anwenden: unbestätigte Einwilligungen und Adressen, Texte "
        "versandter E-Mails, Antworten nach der Sitzung, alte Protokollzeilen (pseudonymisiert)",
        retention_command,
    )
    runner.add_argument(
        "--dry-run",
        "--vorschau",
        dest="dry_run",
        action="store_true",
        help="nur zeigen, was gelöscht bzw. pseudonymisiert würde; nichts ändern",
    )
