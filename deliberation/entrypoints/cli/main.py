"""The ``deliberation`` command: what Referat staff and secretaries type.

Every subcommand has German help (``--help``). Errors print one line,
``Fehler: …``, and exit non-zero; there is never a traceback for a mistake
a user can make.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from sqlalchemy.exc import OperationalError

from deliberation import bootstrap
from deliberation.domain.errors import DeliberationError
from deliberation.entrypoints.cli import (
    argparse_de,
    command_index,
    commands,
    correction_commands,
    database_commands,
    field_options,
    invitation_commands,
    log_commands,
    outbox_commands,
    participant_commands,
    publication_commands,
    retention_commands,
    route_commands,
    scheduler_commands,
    simulate_command,
    subcommands,
    web_commands,
)
from deliberation.entrypoints.cli.subcommands import Handler, Subparsers


def main(argv: Sequence[str] | None = None) -> int:
    argparse_de.install()
    parser = build_parser()
    args = parser.parse_args(argv)
    # User text is data: no rich markup or emoji codes are read from any text printed.
    console = Console(markup=False, emoji=False)
    errors = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    commits_before = bootstrap.commits()
    try:
        return handler(args, console)
    except DeliberationError as exc:
        errors.print(f"Fehler: {field_options.message_of(exc)}", markup=False)
        return 1
    except OperationalError as exc:
        detail = " ".join(str(exc.orig).split())
        errors.print(f"Fehler: Datenbankzugriff gescheitert: {detail}", markup=False)
        return 1
    except OSError as exc:
        # a path or port the person gave: a file where a folder is wanted, no permission, …
        errors.print(f"Fehler: {file_problem(exc)}", markup=False)
        return 1
    except KeyboardInterrupt:
        errors.print("Abgebrochen.")
        return 130
    except Exception as exc:
        if os.environ.get("DELIBERATION_DEBUG"):
            raise
        errors.print(
            f"Interner Fehler ({type(exc).__name__}: {exc}). "
            f"{_what_was_saved(commits_before)} "
            "Details mit DELIBERATION_DEBUG=1; bitte dem Referat bzw. der IT melden.",
            markup=False,
        )
        return 70


def _what_was_saved(commits_before: int) -> str:
    """Only a rolled-back transaction may be called "nothing saved"."""
    if bootstrap.commits() == commits_before:
        return "Es wurde nichts gespeichert."
    return (
        "Ein Teil wurde schon gespeichert, bevor der Fehler kam; bitte nachsehen "
        "(z. B. mit deliberation status), bevor der Befehl wiederholt wird."
    )


def file_problem(exc: OSError) -> str:
    """A German line for a file system error, naming the path."""
    name = exc.filename if exc.filename is not None else ""
    if isinstance(exc, IsADirectoryError):
        return f"{name} ist ein Ordner; hier wird eine Datei erwartet."
    if isinstance(exc, NotADirectoryError):
        if Path(name).is_file():
            return f"{name} ist eine Datei; hier wird ein Ordner erwartet."
        return f"{name}: ein Teil dieses Pfads ist eine Datei, kein Ordner."
    if isinstance(exc, FileNotFoundError):
        return f"{name} gibt es nicht."
    if isinstance(exc, FileExistsError):
        return f"{name} gibt es schon."
    if isinstance(exc, PermissionError):
        return f"keine Berechtigung für {name}."
    if exc.errno == errno.EADDRINUSE:
        return "Der Port ist schon belegt; läuft das Programm schon? Sonst --port ändern."
    detail = exc.strerror or str(exc)
    return f"{name}: {detail}" if name else detail


def build_parser() -> argparse.ArgumentParser:
    parser = command_index.base_parser()
    commands_ = parser.add_subparsers(title="Befehle", metavar="BEFEHL")
    _init(commands_)
    _cycle(commands_)
    _need(commands_)
    _group(commands_)
    _recommendation(commands_)
    _trace(commands_)
    _workflows(commands_)
    _status(commands_)
    _demo(commands_)
    _participant(commands_)
    _outbox(commands_)
    invitation_commands.add_commands(commands_, _command, _family)
    web_commands.register(commands_)
    publication_commands.register(commands_)
    publication_commands.register_reports(commands_)
    _scheduling(commands_)
    database_commands.register(commands_)
    retention_commands.register(commands_)
    return parser


_command = subcommands.command
_family = subcommands.family


def _who(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--actor",
        default=os.environ.get("DELIBERATION_ACTOR") or getpass.getuser(),
        help="wer den Schritt ausführt, für das Protokoll (Standard: DELIBERATION_ACTOR "
        "oder der Anmeldename)",
    )


def _why(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", default="", help="Begründung, wird im Verlauf protokolliert")


def _german_date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{value!r} ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT)")


def _init(group: Subparsers) -> None:
    _command(
        group,
        "init",
        "Datenbank anlegen oder auf den neuesten Stand bringen, Gemeinden und Gremien "
        "aus der Konfiguration übernehmen",
        commands.init,
    )


def _cycle(group: Subparsers) -> None:
    family = _family(group, "cycle", "Zyklen: Zukunftswerkstätten und Integrationskonferenzen")
    launch = _command(
        family,
        "launch",
        "Zyklen starten: eine Werkstatt je Gemeinde (oder die genannten) bzw. eine Konferenz",
        commands.cycle_launch,
    )
    launch.add_argument(
        "workflow",
        help='der Ablauf: Name oder Titel, z. B. future_workshop oder "Bürgerforum"',
    )
    launch.add_argument("--round", required=True, help="Durchgang, z. B. 2027")
    launch.add_argument(
        "--municipality",
        action="append",
        help="nur diese Gemeinde (Schlüssel aus config.toml); mehrfach möglich",
    )
    _who(launch)
    _why(launch)
    listing = _command(family, "list", "Zyklen auflisten", commands.cycle_list)
    listing.add_argument("--round", help="nur dieser Durchgang")
    listing.add_argument("--workflow", help="nur dieser Ablauf (Name oder Titel)")
    listing.add_argument("--state", help='nur dieser Zustand, z. B. "Geplant"')
    show = _command(
        family, "show", "einen Zyklus mit Bedarfen und Verlauf zeigen", commands.cycle_show
    )
    show.add_argument("id", type=int, help="Nummer des Zyklus")
    advance = _command(
        family, "advance", "einen Zyklus einen Schritt weiterführen", commands.cycle_advance
    )
    _advance_arguments(advance, "Nummer des Zyklus")


def _advance_arguments(parser: argparse.ArgumentParser, id_help: str) -> None:
    parser.add_argument("id", type=int, help=id_help)
    parser.add_argument(
        "trigger",
        help='der Schritt, z. B. "Einladungen versenden" (show zeigt die möglichen)',
    )
    parser.add_argument("--text", default="", help="Text, den manche Schritte brauchen")
    _who(parser)
    _why(parser)


def _need(group: Subparsers) -> None:
    family = _family(group, "need", "Bedarfe aus den Zukunftswerkstätten")
    add = _command(family, "add", "einen Bedarf in einer Werkstatt erfassen", commands.need_add)
    add.add_argument("cycle", type=int, help="Nummer der Zukunftswerkstatt")
    add.add_argument("--text", required=True, help="der Bedarf, wie er auf der Karte steht")
    add.add_argument("--topic", required=True, help="Themenfeld, z. B. Sprache")
    add.add_argument("--scope", required=True, help="lokal (bleibt in der Gemeinde) oder kreisweit")
    _who(add)
    listing = _command(family, "list", "Bedarfe auflisten", commands.need_list)
    listing.add_argument("--cycle", type=int, help="nur diese Werkstatt")
    listing.add_argument("--round", help="nur dieser Durchgang")
    listing.add_argument("--scope", help="nur lokal oder kreisweit")
    listing.add_argument(
        "--ranked",
        action="store_true",
        help="Rangliste: die meisten Punkte (vor Ort und online zusammen) zuerst",
    )
    vote = _command(family, "vote", "Punkte für einen Bedarf vergeben", commands.need_vote)
    vote.add_argument("id", type=int, help="Nummer des Bedarfs")
    vote.add_argument("--dots", type=int, default=1, help="Anzahl Punkte (1 bis 10, Standard 1)")
    correction_commands.register_need(family)


def _group(group: Subparsers) -> None:
    family = _family(group, "group", "Ad-hoc-Arbeitsgruppen der Integrationskonferenz")
    form = _command(family, "form", "eine Arbeitsgruppe bilden", commands.group_form)
    form.add_argument("conference", type=int, help="Nummer der Integrationskonferenz")
    form.add_argument(
        "--topic", required=True, help="Thema: Position oder Titel auf der Tagesordnung"
    )
    form.add_argument("--name", required=True, help="Name der Arbeitsgruppe")
    form.add_argument("--mandate", required=True, help="Auftrag der Arbeitsgruppe")
    form.add_argument(
        "--due", required=True, type=_german_date, help="Frist für den Bericht (TT.MM.JJJJ)"
    )
    form.add_argument(
        "--member", action="append", default=[], help='Mitglied "Name/Organisation"; mehrfach'
    )
    _who(form)
    listing = _command(family, "list", "Arbeitsgruppen auflisten", commands.group_list)
    listing.add_argument("--conference", type=int, help="nur diese Konferenz")
    show = _command(family, "show", "eine Arbeitsgruppe zeigen", commands.group_show)
    show.add_argument("id", type=int, help="Nummer der Arbeitsgruppe")
    advance = _command(
        family, "advance", "eine Arbeitsgruppe einen Schritt weiterführen", commands.group_advance
    )
    _advance_arguments(advance, "Nummer der Arbeitsgruppe")
    close = _command(
        family,
        "close",
        "Arbeitsgruppe abschließen: Bericht abgeben oder (mit --dissolve) auflösen",
        commands.group_close,
    )
    close.add_argument("id", type=int, help="Nummer der Arbeitsgruppe")
    close.add_argument("--dissolve", action="store_true", help="ohne Bericht auflösen")
    _who(close)
    _why(close)
    correction_commands.register_group(family, _german_date)


def _recommendation(group: Subparsers) -> None:
    family = _family(group, "recommendation", "Empfehlungen auf dem Weg zum Kreistagsbeschluss")
    draft = _command(
        family, "draft", "eine Empfehlung einer Arbeitsgruppe entwerfen", commands.rec_draft
    )
    draft.add_argument("group", type=int, help="Nummer der Arbeitsgruppe")
    draft.add_argument("--title", required=True, help="Titel der Empfehlung")
    draft.add_argument("--text", required=True, help="Wortlaut der Empfehlung")
    draft.add_argument(
        "--need", type=int, action="append", default=[], help="beantworteter Bedarf; mehrfach"
    )
    _who(draft)
    listing = _command(family, "list", "Empfehlungen auflisten", commands.rec_list)
    listing.add_argument("--state", help='nur dieser Zustand, z. B. "In Umsetzung"')
    listing.add_argument("--group", type=int, help="nur diese Arbeitsgruppe")
    listing.add_argument("--round", help="nur Empfehlungen der Konferenz dieses Durchgangs")
    listing.add_argument("--conference", type=int, help="nur diese Konferenz (Nummer des Zyklus)")
    listing.add_argument(
        "--municipality",
        help="nur Empfehlungen zu Bedarfen dieser Gemeinde (Schlüssel oder Name)",
    )
    listing.add_argument("--body", help="nur Empfehlungen, die in diesem Gremium beraten wurden")
    listing.add_argument("--office", help="nur Empfehlungen dieser zuständigen Stelle")
    listing.add_argument(
        "--overdue", action="store_true", help="nur Empfehlungen, deren Umsetzung überfällig ist"
    )
    listing.add_argument(
        "--csv",
        type=Path,
        metavar="DATEI",
        help="als CSV-Datei speichern (Semikolon, UTF-8 mit BOM, öffnet direkt in Excel)",
    )
    show = _command(family, "show", "eine Empfehlung mit Verlauf zeigen", commands.rec_show)
    show.add_argument("id", type=int, help="Nummer der Empfehlung")
    advance = _command(
        family, "advance", "eine Empfehlung einen Schritt weiterführen", commands.rec_advance
    )
    _advance_arguments(advance, "Nummer der Empfehlung")
    route_commands.register_recommendation(family, _german_date)


def _trace(group: Subparsers) -> None:
    family = _family(group, "trace", "Nachverfolgung: vom Bedarf zur Entscheidung und zurück")
    need = _command(
        family,
        "need",
        "was aus einem Bedarf wurde: Werkstatt, Konferenz, Arbeitsgruppe, Empfehlung, Beschluss",
        commands.trace_need,
    )
    need.add_argument("id", type=int, help="Nummer des Bedarfs")
    rec = _command(
        family,
        "recommendation",
        "woher eine Empfehlung kommt: Arbeitsgruppe, Konferenz, Bedarfe mit Gemeinden, Verlauf",
        commands.trace_recommendation,
    )
    rec.add_argument("id", type=int, help="Nummer der Empfehlung")


def _workflows(group: Subparsers) -> None:
    family = _family(group, "workflows", "Workflow-Definitionen prüfen und zeichnen")
    _command(
        family,
        "check",
        "alle Definitionen in workflows/ prüfen, auch gegen die laufenden Vorgänge",
        commands.workflows_check,
    )
    migrate = _command(
        family,
        "migrate",
        "laufende Vorgänge eines Workflows auf eine neue Version umstellen",
        commands.workflows_migrate,
    )
    migrate.add_argument("name", help="der Workflow, z. B. recommendation")
    migrate.add_argument("--to", type=int, required=True, help="die neue Version, z. B. 2")
    _who(migrate)
    diagram = _command(
        family,
        "diagram",
        "Zustandsdiagramm ausgeben (Mermaid-Text) und als HTML-Bild speichern",
        commands.workflows_diagram,
    )
    diagram.add_argument("name", help="z. B. recommendation")
    diagram.add_argument(
        "--output", type=Path, help="HTML-Datei für das Bild (Standard: NAME.html)"
    )


def _status(group: Subparsers) -> None:
    status = _command(group, "status", "Überblick: wo alles steht", commands.status)
    status.add_argument("--round", help="nur dieser Durchgang")
    status.add_argument(
        "--check",
        action="store_true",
        help="Betriebsprüfung für die Überwachung: Datenbank, Migrationen, Terminplaner, "
        "Postausgang; Exit-Code 0 = bereit, 2 = Datenbank, 3 = Migrationen, "
        "4 = Terminplaner, 5 = Postausgang (wie /readyz)",
    )


def _demo(group: Subparsers) -> None:
    demo = _command(
        group,
        "demo",
        "einen vollständigen Durchgang für den Landkreis Peine mit Beispieldaten durchspielen",
        commands.demo,
    )
    demo.add_argument(
        "--folder",
        type=Path,
        default=Path("demo-data"),
        help="Ordner für die Demo-Datenbank (Standard: demo-data); "
        "sie wird bei jedem Lauf neu angelegt",
    )
    demo.add_argument(
        "--serve",
        action="store_true",
        help="danach die Webanwendung auf der Demo-Datenbank anbieten (beenden mit Strg+C)",
    )
    demo.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADRESSE",
        help="Adresse für --serve (Standard: 127.0.0.1)",
    )
    demo.add_argument(
        "--port",
        type=web_commands.port_number,
        default=web_commands.DEFAULT_PORT,
        metavar="PORT",
        help=f"Port für --serve (Standard: {web_commands.DEFAULT_PORT})",
    )


def _participant(group: Subparsers) -> None:
    family = _family(group, "participant", "Personenverzeichnis: einladen, exportieren, löschen")
    handlers = participant_commands
    importing = _command(
        family,
        "import",
        "Personen aus einer CSV- oder Excel-Datei (.xlsx) übernehmen; Spalten: Name, E-Mail, "
        "Sprache, Gemeinde, Rollen, Gremien. Wer schon im Verzeichnis ist (gleiche Adresse), "
        "wird mit den Spalten der Datei aktualisiert",
        handlers.participant_import,
    )
    importing.add_argument("file", type=Path, metavar="DATEI", help="CSV (; oder ,) oder XLSX")
    importing.add_argument(
        "--vorschau",
        "--dry-run",
        dest="preview",
        action="store_true",
        help="nur zeigen, was jede Zeile ergäbe (neu, aktualisiert, unverändert, Fehler); "
        "nichts speichern",
    )
    participant_commands.register_add_edit(family)
    listing = _command(family, "list", "Personen auflisten", handlers.participant_list)
    listing.add_argument("--municipality", help="nur diese Gemeinde (Schlüssel oder Name)")
    listing.add_argument("--role", help="nur diese Rolle, z. B. Verwaltung oder citizen")
    export = _command(
        family,
        "export",
        "alle gespeicherten Daten einer Person als JSON ausgeben (Auskunft nach Art. 15 DSGVO)",
        handlers.participant_export,
    )
    export.add_argument("email", help="E-Mail-Adresse der Person")
    export.add_argument("--output", type=Path, metavar="DATEI", help="in diese Datei schreiben")
    delete = _command(
        family,
        "delete",
        "eine Person und ihre Personendaten löschen (Protokolle und Empfehlungen bleiben)",
        handlers.participant_delete,
    )
    delete.add_argument("email", help="E-Mail-Adresse der Person")
    delete.add_argument("--yes", action="store_true", help="Löschen bestätigen")
    publication_commands.register_participant(family)


def _outbox(group: Subparsers) -> None:
    family = _family(group, "outbox", "Postausgang: E-Mails versenden und Versandstand zeigen")
    send = _command(
        family,
        "send",
        "fällige E-Mails an den Mailserver aus [smtp] senden (mit Wiederholung bei "
        "vorübergehenden Fehlern)",
        outbox_commands.outbox_send,
    )
    send.add_argument(
        "--nach-absturz",
        dest="take_over",
        action="store_true",
        help="Nachrichten, die ein abgebrochener Versand als 'wird gesendet' hinterlassen hat, "
        "sofort übernehmen statt nach claim_timeout_minutes (nur, wenn kein anderer Versand "
        "läuft; sie gehen mit derselben Message-ID erneut hinaus)",
    )
    send.add_argument(
        "--fortlaufend",
        dest="continuous",
        action="store_true",
        help="als Dienst weiterlaufen: fällige E-Mails senden, dann alle --pause Sekunden "
        "wieder nachsehen, bis Strg+C oder SIGTERM (meldet ins Protokoll, [logging])",
    )
    send.add_argument(
        "--pause",
        type=outbox_commands.pause_seconds,
        default=10,
        metavar="SEKUNDEN",
        help="mit --fortlaufend: so lange zwischen zwei Runden warten (Standard: 10)",
    )
    _command(
        family,
        "status",
        "Nachrichten je Status und endgültig gescheiterte mit der Antwort des Servers",
        outbox_commands.outbox_status,
    )
    retry = _command(
        family,
        "retry",
        "endgültig gescheiterte Nachrichten erneut in den Versand geben (mit derselben "
        "Message-ID); versendet werden sie mit outbox send",
        outbox_commands.outbox_retry,
    )
    retry.add_argument(
        "--id",
        type=int,
        action="append",
        dest="ids",
        metavar="NR",
        help="nur diese Nachricht (Nummer aus outbox status); mehrfach möglich",
    )
    sink = _command(
        group,
        "mailsink",
        "lokale Mail-Senke zum Ausprobieren: speichert jede empfangene E-Mail als .eml-Datei",
        outbox_commands.mailsink,
    )
    sink.add_argument(
        "--folder",
        type=Path,
        default=Path("mails"),
        help="Ordner für die .eml-Dateien (Standard: mails)",
    )
    sink.add_argument(
        "--port", type=web_commands.port_number, default=8025, help="Port (Standard: 8025)"
    )
    sink.add_argument("--host", default="127.0.0.1", help="Adresse (Standard: 127.0.0.1)")


def _scheduling(group: Subparsers) -> None:
    runner = _command(
        group,
        "scheduler",
        "Terminplaner starten: schlägt Sitzungen vor, lädt fristgerecht ein, erinnert, mahnt "
        "und startet Durchgänge (es darf nur einer je Datenbank laufen)",
        scheduler_commands.scheduler,
    )
    runner.add_argument(
        "--once", action="store_true", help="nur einmal nachsehen, was fällig ist, dann enden"
    )
    log_commands.register_scheduler_status(runner)
    simulate_command.add_parser(group, _command, _german_date)
    log_commands.register(group, _german_date)


if __name__ == "__main__":
    sys.exit(main())
