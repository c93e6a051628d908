"""``deliberation backup``, ``restore`` and ``db status|downgrade``: the database in operation.

None of them needs the schema to be current: a backup is taken before an
upgrade, a restore goes into an empty database, ``db status`` says what is
pending. They read only ``database_url`` from the configuration.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.console import Console

from deliberation.adapters import backups, database
from deliberation.config import load_settings
from deliberation.domain.errors import DeliberationError
from deliberation.entrypoints.cli.subcommands import Subparsers, command, family


def _url(args: argparse.Namespace) -> str:
    return load_settings(args.config).database_url


def size_text(size: int) -> str:
    """Bytes as people read them, with a German decimal comma."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".", ",")
    return f"{size} Bytes"


def backup(args: argparse.Namespace, console: Console) -> int:
    url = _url(args)
    started = time.monotonic()
    with console.status("Sicherung läuft …") as status:
        result = backups.backup(url, args.file, lambda line: status.update(line))
    seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
    console.print(
        f"Sicherung geschrieben: {result.path} ({size_text(result.size)}, "
        f"{result.tables} Tabellen, {seconds} s) aus {database.redact(url)}.",
        markup=False,
        highlight=False,
    )
    return 0


def restore(args: argparse.Namespace, console: Console) -> int:
    url = _url(args)
    if not args.file.is_file():
        raise DeliberationError(f"Die Sicherung {args.file} gibt es nicht.")
    with console.status("Rückspielen läuft …") as status:
        result = backups.restore(url, args.file, lambda line: status.update(line))
    console.print(
        f"Sicherung {result.path} ({size_text(result.size)}, {result.tables} Tabellen) "
        f"nach {database.redact(url)} zurückgespielt.",
        markup=False,
        highlight=False,
    )
    engine = database.make_engine(url)
    try:
        state = database.schema_status(engine)
    finally:
        engine.dispose()
    problem = state.problem()
    if problem is None:
        console.print(f"Stand {state.current}: passt zu diesem Programm.", highlight=False)
    else:
        console.print(problem, markup=False, highlight=False)
    return 0


def db_status(args: argparse.Namespace, console: Console) -> int:
    url = _url(args)
    engine = database.make_engine(url)
    try:
        state = database.schema_status(engine)
    finally:
        engine.dispose()
    titles = {r.revision: r.title for r in database.known_revisions()}
    current = state.current or "nicht eingerichtet"
    if state.current in titles:
        current = f"{state.current} ({titles[state.current]})"
    console.print(f"Datenbank: {database.redact(url)}", markup=False, highlight=False)
    console.print(f"Stand der Datenbank: {current}", markup=False, highlight=False)
    console.print(f"Stand dieses Programms: {state.head}", highlight=False)
    if state.pending:
        console.print(f"Ausstehende Migrationen ({len(state.pending)}):", highlight=False)
        for revision in state.pending:
            console.print(f"  {revision.revision} {revision.title}", markup=False, highlight=False)
    problem = state.problem()
    if problem is None:
        console.print("Die Datenbank ist aktuell.")
        return 0
    console.print(problem, markup=False, highlight=False)
    return 1


def db_downgrade(args: argparse.Namespace, console: Console) -> int:
    url = _url(args)
    known = [r.revision for r in database.known_revisions()]
    if args.revision not in known:
        raise DeliberationError(
            f'"{args.revision}" ist kein Stand dieses Programms; möglich: {", ".join(known)}.'
        )
    engine = database.make_engine(url)
    try:
        state = database.schema_status(engine)
        if state.newer or state.current is None:
            raise DeliberationError(state.problem() or "")
        target = known.index(args.revision)
        undone = known[target + 1 : known.index(state.current) + 1]
        if not undone:
            console.print(
                f"Die Datenbank hat Stand {state.current}, nicht neuer als {args.revision}; "
                "nichts zu tun.",
                highlight=False,
            )
            return 0
        if not args.yes:
            raise DeliberationError(
                f"Zurückstufen von {state.current} auf {args.revision} nimmt die Migrationen "
                f"{', '.join(reversed(undone))} zurück; was nur die neueren Stände speichern, "
                "geht dabei verloren. Bitte vorher sichern (deliberation backup DATEI), dann "
                "mit --yes bestätigen."
            )
        before, after = database.downgrade(engine, args.revision)
    finally:
        engine.dispose()
    console.print(f"Datenbank von Stand {before} auf {after} zurückgestuft.", highlight=False)
    return 0


def register(group: Subparsers) -> None:
    """``backup``, ``restore`` and the ``db`` family."""
    saving = command(
        group,
        "backup",
        "die Datenbank im laufenden Betrieb in eine Datei sichern (SQLite: Backup-API; "
        "PostgreSQL: pg_dump im Custom-Format)",
        backup,
    )
    saving.add_argument(
        "file",
        type=Path,
        metavar="DATEI",
        help="neue Datei für die Sicherung (wird nie überschrieben)",
    )
    restoring = command(
        group,
        "restore",
        "eine Sicherung in eine leere Datenbank zurückspielen (database_url der Konfiguration)",
        restore,
    )
    restoring.add_argument("file", type=Path, metavar="DATEI", help="Datei von deliberation backup")
    db = family(group, "db", "Datenbankschema: Stand, ausstehende Migrationen, zurückstufen")
    command(
        db,
        "status",
        "Stand der Datenbank und ausstehende Migrationen zeigen (Rückgabewert 0 nur, wenn "
        "die Datenbank zu diesem Programm passt)",
        db_status,
    )
    down = command(
        db,
        "downgrade",
        "die Datenbank auf einen älteren Stand zurückstufen (vor dem Einspielen einer "
        "älteren Programmversion)",
        db_downgrade,
    )
    down.add_argument("revision", metavar="STAND", help="der Zielstand, z. B. 0013")
    down.add_argument("--yes", action="store_true", help="Zurückstufen bestätigen")
