"""Corrections on the command line: ``need edit|delete``, ``group change|report``."""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console

from deliberation.domain.errors import DeliberationError
from deliberation.entrypoints.cli.commands import opened
from deliberation.entrypoints.cli.subcommands import Subparsers, command
from deliberation.service_layer import groups, needs
from deliberation.translations import ngettext

DateType = Callable[[str], date]


def need_edit(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        old = needs.show(app.deps, args.id)
        view = needs.edit(
            app.deps,
            args.id,
            old.text if args.text is None else args.text,
            old.topic_field if args.topic is None else args.topic,
            old.scope if args.scope is None else args.scope,
            args.actor,
        )
    console.print(f"Bedarf {view.id} geändert: {view.text}", markup=False, highlight=False)
    return 0


def need_delete(args: argparse.Namespace, console: Console) -> int:
    if not args.yes:
        raise DeliberationError(f"Bedarf {args.id} wirklich löschen? Dann mit --yes bestätigen.")
    with opened(args) as app:
        view = needs.delete(app.deps, args.id, args.actor)
    console.print(f"Bedarf {view.id} gelöscht: {view.text}", markup=False, highlight=False)
    return 0


def group_change(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        old = groups.show(app.deps, args.id)
        members = (
            list(groups.member_entries(app.deps, args.id)) if args.member is None else args.member
        )
        view = groups.change(
            app.deps,
            args.id,
            old.mandate if args.mandate is None else args.mandate,
            old.due_date if args.due is None else args.due,
            members,
            args.actor,
        )
    console.print(
        f'Arbeitsgruppe {view.status.id} "{view.name}" geändert: Frist {view.due_date:%d.%m.%Y}, '
        + ngettext("%(num)d Mitglied.", "%(num)d Mitglieder.", len(view.members)),
        markup=False,
        highlight=False,
    )
    return 0


def group_report(args: argparse.Namespace, console: Console) -> int:
    text = args.text if args.file is None else _read_text(args.file)
    with opened(args) as app:
        view = groups.write_report(app.deps, args.id, text, args.actor)
    console.print(
        f"Bericht der Arbeitsgruppe {view.status.id} gespeichert ({len(view.report)} Zeichen).",
        highlight=False,
    )
    return 0


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except IsADirectoryError:
        raise DeliberationError(f"{path} ist ein Ordner, keine Textdatei.") from None
    except FileNotFoundError:
        raise DeliberationError(f"Die Datei {path} gibt es nicht.") from None
    except UnicodeDecodeError:
        raise DeliberationError(f"{path} ist keine UTF-8-Textdatei.") from None
    except OSError as exc:
        raise DeliberationError(f"{path} lässt sich nicht lesen: {exc.strerror}.") from None


def _actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--actor",
        default=os.environ.get("DELIBERATION_ACTOR") or getpass.getuser(),
        help="wer ändert, für das Protokoll (Standard: DELIBERATION_ACTOR oder der Anmeldename)",
    )


def register_need(family: Subparsers) -> None:
    edit = command(
        family,
        "edit",
        "einen Bedarf berichtigen, solange die Werkstatt Bedarfe sammelt",
        need_edit,
    )
    edit.add_argument("id", type=int, help="Nummer des Bedarfs")
    edit.add_argument("--text", help="neuer Text")
    edit.add_argument("--topic", help="neues Themenfeld")
    edit.add_argument("--scope", help="lokal oder kreisweit")
    _actor(edit)
    delete = command(
        family,
        "delete",
        "einen Bedarf löschen, solange die Werkstatt Bedarfe sammelt",
        need_delete,
    )
    delete.add_argument("id", type=int, help="Nummer des Bedarfs")
    delete.add_argument("--yes", action="store_true", help="Löschen bestätigen")
    _actor(delete)


def register_group(family: Subparsers, german_date: DateType) -> None:
    change = command(
        family,
        "change",
        "Auftrag, Frist oder Mitglieder einer Arbeitsgruppe ändern (Ungenanntes bleibt)",
        group_change,
    )
    change.add_argument("id", type=int, help="Nummer der Arbeitsgruppe")
    change.add_argument("--mandate", help="neuer Auftrag")
    change.add_argument("--due", type=german_date, help="neue Frist (TT.MM.JJJJ)")
    change.add_argument(
        "--member",
        action="append",
        help='Mitglied: E-Mail-Adresse aus dem Personenverzeichnis oder "Name / Organisation"; '
        "mehrfach; ersetzt alle bisherigen Mitglieder",
    )
    _actor(change)
    report = command(family, "report", "den Bericht einer Arbeitsgruppe speichern", group_report)
    report.add_argument("id", type=int, help="Nummer der Arbeitsgruppe")
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="der Bericht als Text")
    source.add_argument(
        "--file", type=Path, metavar="DATEI", help="der Bericht aus einer Textdatei (UTF-8)"
    )
    _actor(report)
