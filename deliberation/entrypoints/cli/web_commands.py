"""CLI of the web application: ``deliberation web`` (and its old name ``serve``), ``user …``.

Passwords are asked twice on the terminal (never an argument: it would stay in
the shell history and the process list).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console

from deliberation.domain.errors import DeliberationError
from deliberation.entrypoints.cli.commands import opened
from deliberation.entrypoints.cli.subcommands import Subparsers, command, family
from deliberation.entrypoints.formats import table
from deliberation.service_layer import accounts

APP_FACTORY = "deliberation.entrypoints.web.serving:app_from_environment"
#: The port ``web``, ``serve`` and ``demo --serve`` use unless told otherwise.
DEFAULT_PORT = 8000


def port_number(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} ist keine Portnummer (1 bis 65535)") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"Port {port} gibt es nicht (1 bis 65535)")
    return port


def workers_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} ist keine Anzahl") from None
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError(f"{count} Prozesse: erlaubt sind 1 bis 64")
    return count


def web(args: argparse.Namespace, console: Console) -> int:
    # Imported here: the web stack is not needed (nor loaded) by the other commands.
    import uvicorn

    from deliberation.entrypoints.web.serving import check_port_free, log_setup, serve_app, started

    check_port_free(args.host, args.port)
    if args.workers == 1:
        with opened(args) as app:
            serve_app(app, args.host, args.port, console)
        console.print("Beendet.")
        return 0
    with opened(args) as app:  # check config and schema once, before the workers start
        console.print(started(app, args.host, args.port), highlight=False, soft_wrap=True)
        log_setup(app)
    os.environ["DELIBERATION_CONFIG"] = str(args.config.resolve())
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            server_header=False,
            access_log=False,
            proxy_headers=True,
            log_config=None,
        )
    console.print("Beendet.")
    return 0


def _new_password(name: str) -> str:
    first = getpass.getpass(f"Neues Passwort für {name}: ")
    second = getpass.getpass("Passwort wiederholen: ")
    if first != second:
        raise DeliberationError("Die beiden Passwörter stimmen nicht überein; nichts geändert.")
    return first


def user_add(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        view = accounts.add(
            app.deps, app.passwords(), args.name, args.role, _new_password(args.name)
        )
    console.print(f'Zugang "{view.name}" mit der Rolle „{view.role_title}“ angelegt.', markup=False)
    return 0


def user_list(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        views = accounts.list_accounts(app.deps)
        zone = app.settings.county.timezone
    if not views:
        console.print("Noch keine Zugänge. Anlegen mit: deliberation user add NAME --role referat")
        return 0
    rows = [
        (
            v.name,
            v.role_title,
            "aktiv" if v.active else "gesperrt",
            _moment(v.last_login_at, zone) or "noch nie",
            _moment(v.locked_until, zone),
        )
        for v in views
    ]
    console.print(
        table("Zugänge", ("Zugang", "Rolle", "Status", "Zuletzt angemeldet", "Gesperrt bis"), rows)
    )
    return 0


def _moment(value: Any, zone: str) -> str:
    return value.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M") if value else ""


def user_disable(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        view = accounts.disable(app.deps, args.name)
    console.print(f'Zugang "{view.name}" gesperrt; offene Anmeldungen sind beendet.', markup=False)
    return 0


def user_password(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        view = accounts.set_password(app.deps, app.passwords(), args.name, _new_password(args.name))
    console.print(
        f'Passwort von "{view.name}" geändert; offene Anmeldungen sind beendet.', markup=False
    )
    return 0


def register(group: Subparsers) -> None:
    """``web``, ``serve`` (the same) and the ``user`` family."""
    for name, help_text in (
        (
            "web",
            "die Webanwendung anbieten: Seiten für Referat, Geschäftsstelle und Verwaltung "
            "und die Seiten hinter den Links in E-Mails",
        ),
        ("serve", "wie 'web' (früherer Name: die Seiten hinter den Links in E-Mails)"),
    ):
        served = command(group, name, help_text, web)
        served.add_argument(
            "--host", default="127.0.0.1", metavar="ADRESSE", help="Adresse (Standard: 127.0.0.1)"
        )
        served.add_argument(
            "--port",
            type=port_number,
            default=DEFAULT_PORT,
            metavar="PORT",
            help=f"Port (Standard: {DEFAULT_PORT})",
        )
        served.add_argument(
            "--workers",
            type=workers_count,
            default=1,
            metavar="ANZAHL",
            help="so viele Prozesse (mit PostgreSQL; Standard: 1)",
        )
    users = family(group, "user", "Zugänge zur Webanwendung: anlegen, auflisten, sperren")
    add = command(
        users, "add", "einen Zugang anlegen (das Passwort wird zweimal abgefragt)", user_add
    )
    add.add_argument("name", metavar="NAME", help="Anmeldename, z. B. m.mueller")
    add.add_argument(
        "--role",
        required=True,
        choices=("referat", "geschaeftsstelle", "admin"),
        help="referat (Durchgänge, Bedarfe, Arbeitsgruppen, Termine), geschaeftsstelle "
        "(Beratungsfolge, Ergebnisse, Umsetzung, Exporte) oder admin (Zugänge)",
    )
    command(users, "list", "alle Zugänge mit Rolle und Status", user_list)
    disable = command(
        users, "disable", "einen Zugang sperren (beendet seine Anmeldungen)", user_disable
    )
    disable.add_argument("name", metavar="NAME", help="Anmeldename")
    password = command(
        users, "password", "ein neues Passwort setzen (beendet die Anmeldungen)", user_password
    )
    password.add_argument("name", metavar="NAME", help="Anmeldename")
