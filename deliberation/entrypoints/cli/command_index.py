"""The index of the ``deliberation`` command: its top-level commands and options, light.

``launcher`` answers ``deliberation --help`` from this index alone; ``cli`` builds
the whole command tree on ``base_parser()``. A new top-level command needs a line
in ``COMMANDS`` with the help text of its registration
(``tests/unit/test_cold_start.py`` compares the two).
"""

from __future__ import annotations

import argparse
import os
import textwrap
from pathlib import Path

from deliberation.entrypoints.cli import argparse_de

DESCRIPTION = (
    "deliberation führt wiederkehrende Beteiligungsprozesse: Zukunftswerkstätten in den "
    "Gemeinden, die Integrationskonferenz, Arbeitsgruppen und ihre Empfehlungen bis zum "
    "Beschluss des Kreistags."
)
EPILOG = (
    "Beispiele:\n"
    "  deliberation init\n"
    "  deliberation cycle launch future_workshop --round 2027\n"
    "  deliberation cycle advance 3 send_invitations --reason 'Termin steht'\n"
    "  deliberation demo\n"
    "Hilfe zu einem Befehl: deliberation cycle advance --help"
)

#: Every top-level command with its help text, in the order of ``deliberation --help``.
COMMANDS = {
    "init": "Datenbank anlegen oder auf den neuesten Stand bringen, Gemeinden und Gremien aus "
    "der Konfiguration übernehmen",
    "cycle": "Zyklen: Zukunftswerkstätten und Integrationskonferenzen",
    "need": "Bedarfe aus den Zukunftswerkstätten",
    "group": "Ad-hoc-Arbeitsgruppen der Integrationskonferenz",
    "recommendation": "Empfehlungen auf dem Weg zum Kreistagsbeschluss",
    "trace": "Nachverfolgung: vom Bedarf zur Entscheidung und zurück",
    "workflows": "Workflow-Definitionen prüfen und zeichnen",
    "status": "Überblick: wo alles steht",
    "demo": "einen vollständigen Durchgang für den Landkreis Peine mit Beispieldaten durchspielen",
    "participant": "Personenverzeichnis: einladen, exportieren, löschen",
    "outbox": "Postausgang: E-Mails versenden und Versandstand zeigen",
    "mailsink": "lokale Mail-Senke zum Ausprobieren: speichert jede empfangene E-Mail als "
    ".eml-Datei",
    "meeting": "Termine: anlegen, einladen, verschieben, absagen, Antworten",
    "consent": "Einwilligungen: Bestätigung erbitten, Unbestätigte löschen",
    "web": "die Webanwendung anbieten: Seiten für Referat, Geschäftsstelle und Verwaltung und "
    "die Seiten hinter den Links in E-Mails",
    "serve": "wie 'web' (früherer Name: die Seiten hinter den Links in E-Mails)",
    "user": "Zugänge zur Webanwendung: anlegen, auflisten, sperren",
    "export": "Daten für andere Systeme exportieren",
    "report": "Berichte: Beteiligungsmonitoring",
    "scheduler": "Terminplaner starten: schlägt Sitzungen vor, lädt fristgerecht ein, "
    "erinnert, mahnt und startet Durchgänge (es darf nur einer je Datenbank laufen)",
    "simulate": "den Terminkalender Jahre im Voraus durchspielen (in einer Übungsdatenbank): "
    "Durchgänge, Sitzungen, Einladungen, Erinnerungen, Mahnungen; prüft die Regeln",
    "log": "Protokoll aller Änderungen: Schritte der Abläufe, Termine, Antworten, "
    "Einwilligungen, Löschungen, Importe, Platzierungen (wer, wann, was, vorher/nachher)",
    "backup": "die Datenbank im laufenden Betrieb in eine Datei sichern (SQLite: Backup-API; "
    "PostgreSQL: pg_dump im Custom-Format)",
    "restore": "eine Sicherung in eine leere Datenbank zurückspielen (database_url der "
    "Konfiguration)",
    "db": "Datenbankschema: Stand, ausstehende Migrationen, zurückstufen",
    "retention": "Aufbewahrungsfristen anwenden: unbestätigte Einwilligungen und Adressen, Texte "
    "versandter E-Mails, Antworten nach der Sitzung, alte Protokollzeilen (pseudonymisiert)",
}


def base_parser() -> argparse.ArgumentParser:
    """The top-level parser without its commands (``cli.build_parser`` adds them)."""
    parser: argparse.ArgumentParser = argparse_de.Parser(
        prog="deliberation",
        description=textwrap.fill(DESCRIPTION, 78),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path(os.environ.get("DELIBERATION_CONFIG", "config.toml")),
        metavar="DATEI",
        help="Konfigurationsdatei (Standard: config.toml im aktuellen Ordner "
        "oder DELIBERATION_CONFIG)",
    )
    return parser


def overview_parser() -> argparse.ArgumentParser:
    parser = base_parser()
    commands = parser.add_subparsers(title="Befehle", metavar="BEFEHL")
    for name, help_text in COMMANDS.items():
        commands.add_parser(name, help=help_text)
    return parser
