"""CLI handlers of the participant registry (``deliberation participant …``)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from deliberation.adapters.participant_files import read_participant_file
from deliberation.domain.errors import DeliberationError
from deliberation.domain.participants import LANGUAGES, ROLE_TITLES, Role
from deliberation.entrypoints.cli import subcommands
from deliberation.entrypoints.cli.commands import actor_of, opened
from deliberation.entrypoints.cli.subcommands import Subparsers
from deliberation.entrypoints.formats import table
from deliberation.service_layer import participants
from deliberation.service_layer.participant_rows import (
    LEGAL_BASIS_TITLES,
    OUTCOME_TITLES,
    Change,
    Outcome,
)
from deliberation.service_layer.participants import ImportPreview
from deliberation.translations import ngettext


def participant_import(args: argparse.Namespace, console: Console) -> int:
    rows = read_participant_file(args.file)
    with opened(args) as app:
        if args.preview:
            return _preview(console, participants.preview_import(app.deps, rows), args.file.name)
        report = participants.import_participants(
            app.deps, rows, actor_of(args), source=args.file.name
        )
    if report.updated:
        updated = [(str(line), email, _changes(changes)) for line, email, changes in report.updated]
        title = f"Aktualisierte Personen ({len(report.updated)})"
        console.print(table(title, ["Zeile", "E-Mail", "Änderungen"], updated))
    if report.rejected:
        title = f"Abgewiesene Zeilen ({len(report.rejected)})"
        console.print(table(title, ["Zeile", "Grund"], report.rejected))
    console.print(
        ngettext("%(num)d Person", "%(num)d Personen", report.imported)
        + f" aus {args.file.name} neu übernommen, {len(report.updated)} aktualisiert, "
        + f"{report.unchanged} unverändert, "
        + ngettext("%(num)d Zeile abgewiesen.", "%(num)d Zeilen abgewiesen.", len(report.rejected)),
        highlight=False,
    )
    return 0


def _preview(console: Console, preview: ImportPreview, file_name: str) -> int:
    rows = [
        (
            str(row.line),
            row.name or "—",
            row.email or "—",
            OUTCOME_TITLES[row.outcome],
            " ".join(text for _field, text in row.problems) or _changes(row.changes),
        )
        for row in preview.rows
    ]
    title = f"Vorschau: {file_name} ({len(rows)} Zeilen; nichts gespeichert)"
    console.print(table(title, ["Zeile", "Name", "E-Mail", "Ergebnis", "Einzelheiten"], rows))
    console.print(
        f"{preview.count(Outcome.NEW)} neu, {preview.count(Outcome.UPDATE)} zu aktualisieren, "
        f"{preview.count(Outcome.UNCHANGED)} unverändert, "
        f"{preview.count(Outcome.REJECTED)} abgewiesen. Übernehmen: ohne --vorschau.",
        highlight=False,
    )
    return 0


def _changes(changes: tuple[Change, ...]) -> str:
    return "; ".join(f"{c.field}: {c.before} → {c.after}" for c in changes)


def _record(args: argparse.Namespace) -> dict[str, str]:
    """The fields given on the command line (``None``: not given, stays as it is)."""
    given = {
        "name": args.name,
        "email": args.email,
        "language": args.language,
        "municipality": args.municipality,
        "roles": None if args.role is None else ", ".join(args.role),
        "bodies": None if args.body is None else ", ".join(args.body),
    }
    return {field: value for field, value in given.items() if value is not None}


def participant_add(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        view = participants.add(app.deps, _record(args), actor_of(args))
    basis = LEGAL_BASIS_TITLES.get(view.legal_basis, view.legal_basis)
    console.print(
        f"{view.name} ({view.email}) ins Verzeichnis aufgenommen; Rechtsgrundlage: {basis}.",
        highlight=False,
    )
    if view.legal_basis == "consent":
        console.print("Einwilligung erbitten: deliberation consent request", highlight=False)
    return 0


def participant_edit(args: argparse.Namespace, console: Console) -> int:
    changes = _record(args)
    del changes["email"]  # the address names the person; --new-email changes it
    if args.new_email is not None:
        changes["email"] = args.new_email
    if not changes:
        raise DeliberationError(
            "Bitte angeben, was sich ändert (--name, --new-email, --language, --municipality, "
            "--role, --body)."
        )
    with opened(args) as app:
        report = participants.edit(app.deps, args.email, changes, actor=actor_of(args))
    if not report.changes:
        console.print(f"{report.name} ({report.email}): keine Änderung.", highlight=False)
        return 0
    rows = [(c.field, c.before, c.after) for c in report.changes]
    console.print(table(f"{report.name} geändert", ["Feld", "bisher", "neu"], rows))
    if report.consent_reset:
        console.print(
            "Die neue Adresse braucht eine neue Einwilligung: deliberation consent request",
            highlight=False,
        )
    return 0


def participant_list(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        views = participants.list_participants(app.deps, args.municipality, args.role)
    console.print(
        table(
            f"Personen ({len(views)})",
            ["Name", "E-Mail", "Sprache", "Gemeinde", "Rollen", "Gremien", "Rechtsgrundlage"],
            [
                (
                    v.name,
                    v.email,
                    LANGUAGES.get(v.language, v.language),
                    v.municipality or "—",
                    ", ".join(ROLE_TITLES[Role(r)] for r in v.roles) or "—",
                    ", ".join(v.bodies) or "—",
                    LEGAL_BASIS_TITLES.get(v.legal_basis, v.legal_basis),
                )
                for v in views
            ],
        )
    )
    return 0


def participant_export(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        data = participants.export(app.deps, args.email)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if args.output is None:
        console.print_json(text)
        return 0
    args.output.write_text(text + "\n", encoding="utf-8")
    console.print(f"Daten von {data['email']} in {args.output} gespeichert.", highlight=False)
    return 0


def participant_delete(args: argparse.Namespace, console: Console) -> int:
    if not args.yes:
        raise DeliberationError(
            f"Löschen ist endgültig; zur Bestätigung: deliberation participant delete "
            f"{args.email} --yes"
        )
    with opened(args) as app:
        name = participants.delete(app.deps, args.email, actor_of(args))
    console.print(f"{name} ({args.email}) und die gespeicherten Personendaten wurden gelöscht.")
    return 0


def register_add_edit(family: Subparsers) -> None:
    """``participant add`` and ``participant edit``."""
    added = subcommands.command(
        family, "add", "eine Person ins Verzeichnis aufnehmen", participant_add
    )
    added.add_argument("name", metavar="NAME", help="Vor- und Nachname")
    added.add_argument("--email", required=True, metavar="ADRESSE", help="E-Mail-Adresse")
    _person_options(added)
    edited = subcommands.command(
        family,
        "edit",
        "Angaben einer Person ändern (nur was angegeben ist); zeigt, was sich geändert hat",
        participant_edit,
    )
    edited.add_argument("email", metavar="ADRESSE", help="heutige E-Mail-Adresse der Person")
    edited.add_argument("--name", metavar="NAME", help="neuer Name")
    edited.add_argument(
        "--new-email",
        metavar="ADRESSE",
        help="neue E-Mail-Adresse (wer per Einwilligung eingeladen wird, muss neu einwilligen)",
    )
    _person_options(edited)


def _person_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--language", metavar="SPRACHE", help="de, en, tr, ar oder uk (oder der Name)"
    )
    parser.add_argument("--municipality", metavar="GEMEINDE", help="Gemeinde (Schlüssel oder Name)")
    parser.add_argument(
        "--role",
        action="append",
        metavar="ROLLE",
        help="Rolle, z. B. Bürgerin, Verein, Verwaltung; mehrfach möglich (ersetzt die bisherigen)",
    )
    parser.add_argument(
        "--body",
        action="append",
        metavar="GREMIUM",
        help="Gremium, z. B. Kreistag; mehrfach möglich (ersetzt die bisherigen)",
    )
