"""``deliberation simulate``: the whole calendar, years ahead, in seconds, on a scratch database."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.text import Text

from deliberation.adapters.timeline import write_timeline
from deliberation.bootstrap import bootstrap, initialise_database
from deliberation.domain.clock import Clock
from deliberation.entrypoints.formats import table
from deliberation.schedule_setup import scheduler_tools
from deliberation.service_layer import simulation
from deliberation.service_layer.ports import MailTransport
from deliberation.service_layer.simulation import SimulationResult

#: (key, column title) of the per-year table; short titles so it fits 80 columns.
COLUMNS = (
    ("conference", "Konf."),
    ("workshop", "Werkst."),
    ("body:koordinierungsstab", "K.-Stab"),
    ("bodies", "Gremien"),
    ("invitation", "Einlad."),
    ("reminder", "Erinn."),
    ("phase", "Phasen"),
    ("launch", "Starts"),
    ("escalations", "Mahn."),
)
LEGEND = (
    "Konf. = Integrationskonferenzen, Werkst. = Zukunftswerkstätten, K.-Stab = Sitzungen des "
    "Koordinierungsstabs, Gremien = Sitzungen aller Gremien, Einlad. = Einladungen an "
    "Gremien, Erinn. = Erinnerungen, Phasen = Schritte nach Terminplan (auch Einladungen zu "
    "Werkstätten und Konferenz), Starts = gestartete Zyklen, Mahn. = Mahnungen"
)


def add_parser(
    group: Any, command: Callable[..., argparse.ArgumentParser], parse_date: Callable[[str], date]
) -> None:
    parser = command(
        group,
        "simulate",
        "den Terminkalender Jahre im Voraus durchspielen (in einer Übungsdatenbank): "
        "Durchgänge, Sitzungen, Einladungen, Erinnerungen, Mahnungen; prüft die Regeln",
        simulate,
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=parse_date,
        default=date(date.today().year, 1, 1),
        metavar="DATUM",
        help="erster simulierter Tag (TT.MM.JJJJ oder JJJJ-MM-TT; Standard: 1. Januar)",
    )
    parser.add_argument(
        "--years", type=int, default=10, metavar="JAHRE", help="so viele Jahre (Standard 10)"
    )
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path("simulation"),
        metavar="ORDNER",
        help="Ordner für Übungsdatenbank, E-Mails und Zeitleiste (Standard: simulation); "
        "wird bei jedem Lauf neu angelegt",
    )
    parser.add_argument(
        "--people",
        type=int,
        default=3,
        metavar="ANZAHL",
        help="Beispielpersonen je Gemeinde und Gremium, die Einladungen bekommen (Standard 3)",
    )


def simulate(args: argparse.Namespace, console: Console) -> int:
    simulation.require_valid_window(args.years)
    folder: Path = args.folder
    _fresh(folder)
    clock = Clock().stopped()  # set to the start below
    app = bootstrap(
        args.config,
        database_url=f"sqlite:///{folder.resolve() / 'simulation.sqlite3'}",
        clock=clock,
        require_schema=False,
    )
    try:
        tz = ZoneInfo(app.settings.county.timezone)
        start = datetime.combine(args.start, time(0), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(
            args.start.replace(year=args.start.year + args.years), time(0), tzinfo=tz
        ).astimezone(UTC)
        clock.set(start)
        app.use_as_scratch()
        initialise_database(app)
        simulation.seed_participants(app.deps, args.people, args.people)
        tools = scheduler_tools(app)
        transport = app.file_transport(folder / "mails")
        result = _run(app.deps, tools, clock, start, end, transport, console)
        simulation.summarise(app.deps, tools, start, end, result)
    finally:
        app.close()
    _print(result, console)
    title = (
        f"{app.settings.county.name}: simulierter Terminkalender {args.start.year}–"
        f"{args.start.year + args.years - 1}"
    )
    picture = write_timeline(folder / "zeitleiste.html", result.timeline, start, end, title)
    console.print(
        f"{result.items} Aufgaben in {result.ticks} Schritten, {result.messages} E-Mails in "
        f"{folder / 'mails'}/, Zeitleiste: {picture}",
        highlight=False,
    )
    return 1 if result.violations else 0


def _fresh(folder: Path) -> None:
    for name in ("simulation.sqlite3", "simulation.sqlite3-wal", "simulation.sqlite3-shm"):
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / "mails", ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def _run(
    deps: Any,
    tools: Any,
    clock: Clock,
    start: datetime,
    end: datetime,
    transport: MailTransport,
    console: Console,
) -> SimulationResult:
    total = (end - start).days
    columns = (TextColumn("Simulation"), BarColumn(), TextColumn("{task.description}"))
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as progress:
        task = progress.add_task("", total=total)

        def advanced(now: datetime) -> None:
            progress.update(task, completed=(now - start).days, description=f"{now:%m/%Y}")

        return simulation.run(deps, tools, clock.set, end, transport, on_progress=advanced)


def _print(result: SimulationResult, console: Console) -> None:
    rows = []
    for year in result.years:
        counts = year.counts
        bodies = sum(n for key, n in counts.items() if key.startswith("body:"))
        values = {
            **counts,
            "bodies": bodies,
            "escalations": counts["group_overdue"] + counts["decision_overdue"],
        }
        rows.append((str(year.year), *(str(values.get(key, 0)) for key, _ in COLUMNS)))
    console.print(table("Simulierter Kalender je Jahr", ["Jahr", *(t for _, t in COLUMNS)], rows))
    console.print(LEGEND, highlight=False)
    for check in result.checks:
        console.print(Text.assemble(("✓", "green"), f" {check}"))
    for violation in result.violations:
        console.print(Text.assemble(("✗", "red"), f" {violation}"))
