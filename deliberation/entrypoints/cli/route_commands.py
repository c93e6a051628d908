"""CLI of the consultation route and implementation: ``deliberation meeting add`` and the
recommendation subcommands place, result, assign, progress, report and feedback."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console

from deliberation.domain.consultations import (
    ADVISORY_RESULTS,
    DECIDING_RESULTS,
    RESULT_TITLES,
    parse_result,
    titles,
)
from deliberation.entrypoints import tracker_files
from deliberation.entrypoints.cli import date_confirmation, plan_output, subcommands
from deliberation.entrypoints.cli.commands import (
    actor_of,
    local_moment,
    opened,
    parse_moment,
    print_step,
    zone,
)
from deliberation.entrypoints.cli.subcommands import Subparsers
from deliberation.entrypoints.formats import local_time
from deliberation.service_layer import (
    body_meetings,
    consultations,
    documents,
    implementation,
    implementation_report,
    route_overview,
)
from deliberation.service_layer.views import LogView

ACTOR_HELP = (
    "wer den Schritt ausführt, für das Protokoll (Standard: DELIBERATION_ACTOR oder "
    '"Sitzungsdienst")'
)
RESOLUTION_TEMPLATE = "recommendation/beschlussvorlage"
IMPLEMENTATION_OVERVIEW_TEMPLATE = "recommendation/implementation_overview"
DateType = Callable[[str], date]


def meeting_add(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        starts = local_moment(app, args.at, console)
        with date_confirmation.hint_on_warnings():
            view = body_meetings.add(
                app.deps,
                args.body,
                starts,
                args.location,
                args.title or "",
                confirmed=args.confirmed,
                actor=actor_of(args),
            )
        closed = "" if view.public else " (nicht öffentlich)"
        console.print(
            f"Sitzung {view.id} angelegt: {view.title}, {local_time(view.starts_at, zone(app))}, "
            f"{view.location}{closed}.",
            highlight=False,
        )
    return 0


def rec_place(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        step = consultations.place(app.deps, args.id, args.meeting, args.actor)
    _report(console, args.id, step, f"auf Sitzung {args.meeting} gesetzt")
    return 0


def rec_result(args: argparse.Namespace, console: Console) -> int:
    result = parse_result(args.result)
    if args.without_meeting:
        with opened(args) as app:
            steps = consultations.give_statement_without_meeting(
                app.deps, args.id, result, args.text, args.actor
            )
        what = f"Stellungnahme ohne Sitzung festgehalten: {RESULT_TITLES[result]}"
        console.print(f"Empfehlung {args.id}: {what}.", highlight=False)
        for taken in steps:
            print_step(console, f"Empfehlung {args.id}", taken)
        return 0
    with opened(args) as app:
        step = consultations.record_result(app.deps, args.id, result, args.actor, args.text)
    _report(console, args.id, step, f"Ergebnis festgehalten: {RESULT_TITLES[result]}")
    return 0


def rec_assign(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        step = implementation.assign(app.deps, args.id, args.office, args.due, args.actor)
    _report(console, args.id, step, f"zuständig: {args.office}, bis {args.due:%d.%m.%Y}")
    return 0


def rec_progress(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        count = implementation.note_progress(
            app.deps, args.id, args.note, args.actor, feasible=args.feasible
        )
    console.print(f"Empfehlung {args.id}: Vermerk {count} zum Umsetzungsstand gespeichert.")
    if args.feasible is False:
        console.print("Die Umsetzung ist als nicht umsetzbar gemeldet (Ampel rot).")
    elif args.feasible:
        console.print('Die Meldung "nicht umsetzbar" ist zurückgenommen.')
    return 0


def rec_plan(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        view = route_overview.backward_plan(app.deps, args.id, args.meeting)
    console.print(plan_output.plan_table(view), soft_wrap=True)
    for line in plan_output.plan_summary(view):
        console.print(line, highlight=False, markup=False)
    return 0 if view.plan.feasible else 1


def rec_implementation_report(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        report = implementation_report.implementation_report(app.deps, args.committee)
        if args.html is not None:
            html = app.documents().render(IMPLEMENTATION_OVERVIEW_TEMPLATE, {"report": report})
            args.html.write_text(html, encoding="utf-8")
    if args.xlsx is not None:
        args.xlsx.write_bytes(tracker_files.report_xlsx(report))
    console.print(plan_output.report_table(report))
    for target in (args.html, args.xlsx):
        if target is not None:
            console.print(f"Gespeichert: {target}", highlight=False, markup=False)
    return 0


def rec_report(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        view = implementation.report_back(app.deps, app.templates, args.id, args.actor, args.round)
    console.print(view.text, markup=False, highlight=False)
    console.print(
        f"Umsetzungsbericht zu Empfehlung {args.id} gespeichert und als Rückspiegelung dem "
        f"Durchgang {view.round} beigefügt.",
        highlight=False,
    )
    return 0


def rec_feedback(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        views = implementation.feedback(app.deps, args.round)
    if not views:
        console.print(f"Für den Durchgang {args.round} liegt noch keine Rückspiegelung vor.")
    for view in views:
        console.rule(f"Empfehlung {view.recommendation_id}: {view.title}")
        console.print(view.text, markup=False, highlight=False)
    return 0


def rec_resolution_draft(args: argparse.Namespace, console: Console) -> int:
    target = args.output or Path(f"Beschlussvorlage-{args.id}.html")
    with opened(args) as app:
        draft = documents.resolution_draft(app.deps, args.id)
        html = app.documents().render(RESOLUTION_TEMPLATE, {"draft": draft})
    target.write_text(html, encoding="utf-8")
    console.print(
        f"Beschlussvorlage {draft.reference} nach {target} geschrieben (im Browser drucken).",
        highlight=False,
    )
    return 0


def _report(console: Console, rec_id: int, step: LogView | None, what: str) -> None:
    if step is None:
        console.print(f"Empfehlung {rec_id}: {what}.", highlight=False)
    else:
        print_step(console, f"Empfehlung {rec_id} ({what})", step)


def _actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--actor",
        default=os.environ.get("DELIBERATION_ACTOR") or "Sitzungsdienst",
        help=ACTOR_HELP,
    )


_command = subcommands.command


def register_meeting_add(family: Subparsers) -> None:
    """``deliberation meeting add``: a meeting of a body, public or not as the body is."""
    add = _command(
        family,
        "add",
        "eine Sitzung eines Gremiums anlegen (öffentlich oder nicht, wie das Gremium in "
        "config.toml); Titel: Sitzung GREMIUM am DATUM",
        meeting_add,
    )
    add.add_argument("body", help="Gremium (Schlüssel oder Name aus config.toml), z. B. kreistag")
    add.add_argument(
        "--at",
        required=True,
        type=parse_moment,
        metavar="ZEIT",
        help='Beginn in Ortszeit, "TT.MM.JJJJ HH:MM"',
    )
    add.add_argument("--location", required=True, help="Ort, z. B. Kreishaus Peine, Saal 1")
    add.add_argument("--title", help="Titel (Standard: Sitzung GREMIUM am DATUM)")
    date_confirmation.add_flag(add)


def register_recommendation(family: Subparsers, german_date: DateType) -> None:
    """The route and implementation subcommands of ``deliberation recommendation``."""
    place = _command(
        family,
        "place",
        "eine Empfehlung auf eine Sitzung des nächsten Gremiums der Beratungsfolge setzen "
        "(Ladungsfrist wird geprüft)",
        rec_place,
    )
    place.add_argument("id", type=int, help="Nummer der Empfehlung")
    place.add_argument("meeting", type=int, help="Nummer der Sitzung (deliberation meeting list)")
    _actor(place)
    result = _command(
        family,
        "result",
        "das Ergebnis der Sitzung festhalten, auf der die Empfehlung liegt",
        rec_result,
    )
    result.add_argument("id", type=int, help="Nummer der Empfehlung")
    result.add_argument(
        "--result",
        required=True,
        help="Ergebnis; ein beratendes Gremium gibt eine Stellungnahme ab ("
        + titles(ADVISORY_RESULTS)
        + "), das entscheidende Gremium beschließt ("
        + titles(DECIDING_RESULTS)
        + ")",
    )
    result.add_argument(
        "--text",
        default="",
        help='Beschlusstext bzw. Stellungnahme (Pflicht bei der Anhörung, bei "geändert '
        'beschlossen" und "mit Änderungen empfohlen")',
    )
    result.add_argument(
        "--ohne-sitzung",
        dest="without_meeting",
        action="store_true",
        help="die Stellungnahme des nächsten beratenden Gremiums ohne Sitzung festhalten (nur "
        "wo die Beratungsfolge es erlaubt: statement_without_meeting); das Gremium gilt dann "
        "als beraten",
    )
    _actor(result)
    assign = _command(
        family, "assign", "zuständige Stelle und Frist für die Umsetzung festlegen", rec_assign
    )
    assign.add_argument("id", type=int, help="Nummer der Empfehlung")
    assign.add_argument("--office", required=True, help="zuständige Stelle, z. B. FD Soziales")
    assign.add_argument("--due", required=True, type=german_date, help="umzusetzen bis TT.MM.JJJJ")
    _actor(assign)
    progress = _command(family, "progress", "den Stand der Umsetzung vermerken", rec_progress)
    progress.add_argument("id", type=int, help="Nummer der Empfehlung")
    progress.add_argument("--note", required=True, help="Vermerk zum Stand")
    feasibility = progress.add_mutually_exclusive_group()
    feasibility.add_argument(
        "--not-feasible",
        dest="feasible",
        action="store_false",
        default=None,
        help="die Umsetzung als nicht umsetzbar melden (Ampel rot; der Vermerk sagt warum)",
    )
    feasibility.add_argument(
        "--feasible",
        dest="feasible",
        action="store_true",
        default=None,
        help='die Meldung "nicht umsetzbar" zurücknehmen',
    )
    _actor(progress)
    plan = _command(
        family,
        "plan",
        "Rückwärtsterminierung: welche Sitzungen die Empfehlung bis zu einer Kreistagssitzung "
        "durchlaufen muss und bis wann die Arbeitsgruppe sie beschließen muss (Ladungsfristen "
        "und Feiertage wie in der Geschäftsordnung)",
        rec_plan,
    )
    plan.add_argument("id", type=int, help="Nummer der Empfehlung")
    plan.add_argument(
        "--kreistag",
        dest="meeting",
        type=int,
        required=True,
        metavar="SITZUNG",
        help="Nummer der Sitzung des entscheidenden Gremiums (deliberation meeting list "
        "--body kreistag)",
    )
    overview = _command(
        family,
        "implementation-report",
        "Umsetzungsbericht für einen Ausschuss (z. B. vierteljährlich für den Kreisausschuss): "
        "jede beschlossene Empfehlung mit Ampel, Stelle, Frist und letztem Vermerk",
        rec_implementation_report,
    )
    overview.add_argument(
        "--committee", required=True, help="Gremium (Schlüssel oder Name), z. B. kreisausschuss"
    )
    overview.add_argument("--xlsx", type=Path, metavar="DATEI", help="auch als XLSX speichern")
    overview.add_argument(
        "--html", type=Path, metavar="DATEI", help="auch als druckbare HTML-Datei speichern"
    )
    report = _command(
        family,
        "report",
        "Umsetzungsbericht aus der Vorlage erzeugen und dem nächsten Durchgang als "
        "Rückspiegelung beifügen",
        rec_report,
    )
    report.add_argument("id", type=int, help="Nummer der Empfehlung")
    report.add_argument("--round", help="Durchgang der Rückspiegelung (Standard: der nächste)")
    _actor(report)
    feedback = _command(
        family, "feedback", "die Rückspiegelung für einen Durchgang zeigen", rec_feedback
    )
    feedback.add_argument("--round", required=True, help="Durchgang, z. B. 2028")
    draft = _command(
        family,
        "resolution-draft",
        "die Beschlussvorlage als druckbare HTML-Datei erzeugen",
        rec_resolution_draft,
    )
    draft.add_argument("id", type=int, help="Nummer der Empfehlung")
    draft.add_argument(
        "--output",
        type=Path,
        metavar="DATEI",
        help="Zieldatei (Standard: Beschlussvorlage-NR.html)",
    )
