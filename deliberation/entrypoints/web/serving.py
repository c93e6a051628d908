"""Serving the web application with uvicorn: in this process, or in worker processes.

``serve_app`` serves one composition root (``deliberation web``, ``demo --serve``);
``app_from_environment`` is the factory each worker of ``deliberation web --workers N``
calls: it builds its own composition root from ``DELIBERATION_CONFIG``, nothing is
shared between workers but the database.
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from rich.console import Console

from deliberation.bootstrap import Application, bootstrap
from deliberation.domain.errors import DeliberationError
from deliberation.entrypoints import process_logging
from deliberation.entrypoints.web.app import create_app


def app_from_environment() -> FastAPI:
    application = bootstrap(Path(os.environ.get("DELIBERATION_CONFIG", "config.toml")))
    log_setup(application)
    return create_app(application)


def check_port_free(host: str, port: int) -> None:
    """A clear German line instead of uvicorn's traceback when the port cannot be used."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise DeliberationError(f'Die Adresse "{host}" ist unbekannt.') from None
    family_, kind, proto, _, address = infos[0]
    with socket.socket(family_, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except PermissionError:
            raise DeliberationError(
                f"Port {port} darf nur der Administrator öffnen; bitte einen Port ab 1024 wählen."
            ) from None
        except OSError as exc:
            raise DeliberationError(
                f"Port {port} auf {host} ist schon belegt oder nicht verfügbar ({exc.strerror}); "
                "läuft die Anwendung schon? Sonst einen anderen mit --port wählen."
            ) from None


#: host names that mean "every interface": a browser on this machine reaches them as localhost
ANY_INTERFACE = ("", "0.0.0.0", "::")


def served_address(host: str, port: int) -> str:
    """The address a browser opens for a server on ``host`` and ``port`` (no final slash)."""
    name = "localhost" if host in ANY_INTERFACE else host
    if ":" in name:  # an IPv6 address
        name = f"[{name}]"
    return f"http://{name}:{port}"


def serve_app(app: Application, host: str, port: int, console: Console) -> None:
    """Serve the web application of ``app`` in this process until Strg+C."""
    log_setup(app)
    asgi = create_app(app)
    console.print(started(app, host, port), highlight=False, soft_wrap=True)
    with contextlib.suppress(KeyboardInterrupt):  # Strg+C ends the server, not with an error
        uvicorn.Server(_config(asgi, host, port)).run()


def _config(asgi: Any, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        asgi,
        host=host,
        port=port,
        server_header=False,  # no version for attackers to look up
        access_log=False,  # the paths of email links carry personal tokens
        proxy_headers=True,
        log_config=None,  # process_logging's set-up, not uvicorn's own
    )


def started(app: Application, host: str, port: int) -> str:
    return (
        f"Webanwendung läuft auf http://{host}:{port}/ (öffentliche Adresse: "
        f"{app.settings.web.base_url}, Links in E-Mails: {app.settings.invitations.base_url}); "
        "beenden mit Strg+C."
    )


def log_setup(app: Application) -> None:
    process_logging.configure(app.settings.logging, "web")
