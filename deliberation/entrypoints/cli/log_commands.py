"""``deliberation log`` and ``deliberation scheduler status``: what changed, what went wrong."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from rich.console import Console

from deliberation.entrypoints.cli.commands import opened
from deliberation.entrypoints.cli.scheduler_commands import item_line
from deliberation.entrypoints.cli.subcommands import Subparsers, command
from deliberation.entrypoints.formats import table
from deliberation.service_layer import audit, due_work

DateType = Callable[[str], date]


def register(group: Subparsers, german_date: DateType) -> None:
    log = command(
        group,
        "log",
        "Protokoll aller Änderungen: Schritte der Abläufe, Termine, Antworten, Einwilligungen, "
        "Löschungen, Importe, Platzierungen (wer, wann, was, vorher/nachher)",
        show_log,
    )
    log.add_argument(
        "--subject",
        metavar="GEGENSTAND",
        help="nur dieser Gegenstand: ART oder ART:NUMMER, z. B. meeting:14, 'Sitzung 14', "
        "recommendation:3, participant:7, cycle",
    )
    log.add_argument("--actor", help="nur Einträge dieser Person (Teil des Namens genügt)")
    log.add_argument("--von", dest="since", type=german_date, help="ab diesem Tag (TT.MM.JJJJ)")
    log.add_argument(
        "--bis", dest="until", type=german_date, help="bis zu diesem Tag (einschließlich)"
    )
    log.add_argument(
        "--limit", type=int, default=500, help="höchstens so viele Einträge (Standard 500)"
    )


def register_scheduler_status(scheduler: argparse.ArgumentParser) -> None:
    views = scheduler.add_subparsers(title="Befehle", metavar="BEFEHL")
    status = command(
        views,
        "status",
        "was der Terminplaner verspätet erledigt hat, was gescheitert ist oder wiederholt wird, "
        "und warum",
        scheduler_status,
    )
    status.add_argument(
        "--limit", type=int, default=200, help="höchstens so viele Einträge (Standard 200)"
    )


def show_log(args: argparse.Namespace, console: Console) -> int:
    kind, number = audit.parse_subject(args.subject) if args.subject else (None, None)
    wanted = audit.LogFilter(
        subject_kind=kind,
        subject_id=number,
        actor=args.actor,
        since=args.since,
        until=args.until,
        limit=max(args.limit, 1),
    )
    with opened(args) as app:
        rows = audit.entries(app.deps, wanted)
        zone = ZoneInfo(app.settings.county.timezone)
    console.print(
        table(
            f"Protokoll ({len(rows)})",
            ["Zeit", "Wer", "Gegenstand", "Was", "vorher", "nachher", "Begründung"],
            [
                (
                    f"{r.at.astimezone(zone):%d.%m.%Y %H:%M}",
                    r.actor,
                    r.subject,
                    r.what,
                    r.before or "—",
                    r.after or "—",
                    r.reason or "—",
                )
                for r in rows
            ],
        )
    )
    return 0


def scheduler_status(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        views = due_work.troubles(app.deps, max(args.limit, 1))
    if not views:
        console.print("Der Terminplaner hat nichts verspätet erledigt, nichts ist gescheitert.")
        return 0
    console.print(f"Verspätet, gescheitert oder in Wiederholung ({len(views)}):")
    for view in views:
        console.print(f"  {item_line(view)}", markup=False, highlight=False)
    return 0
