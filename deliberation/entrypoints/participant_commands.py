"""CLI handlers of the participant registry (``deliberation participant …``)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from deliberation.adapters.participant_files import read_participant_file
from deliberation.domain.errors import DeliberationError
from deliberation.domain.participants import LANGUAGES, ROLE_TITLES, Role
from deliberation.entrypoints.commands import opened
from deliberation.entrypoints.tables import table
from deliberation.service_layer import participants

LEGAL_BASIS_TITLES = {"duty": "Pflicht (Gremium)", "consent": "Einwilligung"}


def participant_import(args: argparse.Namespace, console: Console) -> int:
    rows = read_participant_file(args.file)
    with opened(args) as app:
        report = participants.import_participants(app.deps, rows)
    if report.rejected:
        title = f"Abgewiesene Zeilen ({len(report.rejected)})"
        console.print(table(title, ["Zeile", "Grund"], report.rejected))
    console.print(
        f"{report.imported} Person(en) aus {args.file.name} übernommen, "
        f"{len(report.rejected)} Zeile(n) abgewiesen.",
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
        name = participants.delete(app.deps, args.email)
    console.print(f"{name} ({args.email}) und die gespeicherten Personendaten wurden gelöscht.")
    return 0
