"""CLI of publication and reporting: ``deliberation export oparl``, ``deliberation participant
publish``, ``deliberation report monitoring``."""

from __future__ import annotations

import argparse
from collections.abc import Collection
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from deliberation.adapters.oparl import County, OparlTree, write_tree
from deliberation.bootstrap import Application
from deliberation.entrypoints.cli import subcommands
from deliberation.entrypoints.cli.commands import opened
from deliberation.entrypoints.cli.subcommands import Subparsers
from deliberation.entrypoints.monitoring_output import (
    groups_table,
    monitoring_html,
    monitoring_table,
)
from deliberation.service_layer import monitoring, oparl_feed, participants, publication
from deliberation.service_layer.documents import RESOLUTION_TEMPLATE


def export_oparl(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        settings = app.settings
        closed = settings.oparl.closed_session_publishes
        data = publication.publication(app.deps, closed)
        base_url = args.base_url or settings.oparl_base_url
        county = County(
            settings.county.name,
            settings.county.organiser,
            settings.county.timezone,
            settings.oparl,
        )
        files = OparlTree(data, county, base_url).files()
        documents = resolution_documents(app, data, closed)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("OParl-Dateien schreiben", total=len(files) + len(documents))
        count = write_tree(
            files,
            args.folder,
            lambda done, _: progress.update(task, completed=done),
            documents,
        )
    console.print(
        f"OParl-1.1-Export: {count} Dateien in {args.folder} ({len(data.papers)} Vorlagen, "
        f"{len(data.meetings)} Sitzungen, {len(data.persons)} Personen mit Einwilligung). "
        f"Einstieg: {base_url}/system.json",
        highlight=False,
    )
    return 0


def resolution_documents(
    app: Application, data: publication.Publication, closed: Collection[str]
) -> dict[str, str]:
    """Each paper's Beschlussvorlage (its File), as ``file/N.html`` beside the JSON."""
    documents = app.documents()
    feed = oparl_feed.Feed(frozenset(closed))
    return {
        f"file/{paper.id}.html": documents.render(
            RESOLUTION_TEMPLATE,
            {"draft": oparl_feed.public_resolution_draft(app.deps, feed, paper.id)},
        )
        for paper in data.papers
    }


def participant_publish(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        name = participants.set_publication_consent(app.deps, args.email, not args.revoke)
    if args.revoke:
        console.print(f"{name}: Einwilligung in die Veröffentlichung des Namens widerrufen.")
    else:
        console.print(f"{name}: Einwilligung in die Veröffentlichung des Namens gespeichert.")
    return 0


def report_monitoring(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        figures = monitoring.monitoring(app.deps, args.round)
        groups = monitoring.working_groups(app.deps, args.round)
        if args.html is not None:
            html = monitoring_html(
                app.documents(),
                figures,
                groups,
                app.deps.county_name,
                app.deps.organiser,
                app.deps.today(),
                args.round,
            )
    console.print(monitoring_table(figures))
    console.print(groups_table(groups))
    if args.html is not None:
        args.html.write_text(html, encoding="utf-8")
        console.print(f"Bericht mit Grafik nach {args.html} geschrieben.", highlight=False)
    return 0


def report_attendance(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        title = monitoring.record_attendance(app.deps, args.cycle, args.count)
    console.print(f"{title}: {args.count} Teilnehmende festgehalten.", highlight=False)
    return 0


_command = subcommands.command
_family = subcommands.family


def register(group: Subparsers) -> None:
    """``deliberation export …``."""
    export = _family(group, "export", "Daten für andere Systeme exportieren")
    oparl = _command(
        export,
        "oparl",
        "vollständigen statischen OParl-1.1-Baum (Ratsinformationssystem) in einen Ordner "
        "schreiben; ein früherer Export dort wird ersetzt",
        export_oparl,
    )
    oparl.add_argument("folder", type=Path, metavar="ORDNER", help="Zielordner")
    oparl.add_argument(
        "--base-url",
        help="Web-Adresse, unter der der Ordner veröffentlicht wird "
        "(Standard: [oparl] base_url aus config.toml)",
    )


def register_reports(group: Subparsers) -> None:
    """``deliberation report monitoring|attendance``."""
    report = _family(group, "report", "Berichte: Beteiligungsmonitoring")
    monitor = _command(
        report,
        "monitoring",
        "je Gemeinde und Werkstatt: Bedarfe und was aus ihnen wurde, Eingeladene und "
        "Teilnehmende, Empfehlungen und ihre Ergebnisse",
        report_monitoring,
    )
    monitor.add_argument("--round", help="nur dieser Durchgang")
    monitor.add_argument(
        "--html",
        type=Path,
        metavar="DATEI",
        help="zusätzlich als druckbare HTML-Seite mit Grafik (SVG) speichern",
    )
    attendance = _command(
        report,
        "attendance",
        "festhalten, wie viele Personen an einer Werkstatt teilnahmen",
        report_attendance,
    )
    attendance.add_argument("cycle", type=int, help="Nummer der Werkstatt (Zyklus)")
    attendance.add_argument("count", type=int, help="Zahl der Teilnehmenden")


def register_participant(family: Subparsers) -> None:
    """``deliberation participant publish``."""
    publish = _command(
        family,
        "publish",
        "Einwilligung einer Person in die Veröffentlichung ihres Namens (OParl) festhalten",
        participant_publish,
    )
    publish.add_argument("email", help="E-Mail-Adresse der Person")
    publish.add_argument("--revoke", action="store_true", help="Einwilligung widerrufen")
