"""The web application served by a real uvicorn on a free localhost port, in a thread.

Used by the HTTP tests, the link-page tests and the browser tests: requests go
through real sockets, the HTTP parser and the middleware exactly as in
production.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn
from argon2 import PasswordHasher as Argon2
from fastapi import FastAPI

from deliberation.adapters.passwords import Argon2Passwords
from deliberation.bootstrap import Application
from deliberation.service_layer import accounts

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "richtig-geheim"
#: Real argon2id, with parameters cheap enough for a test suite on a busy machine.
PASSWORDS = Argon2Passwords(Argon2(time_cost=1, memory_cost=1024, parallelism=1))


@dataclass
class Site:
    """A served app: its base URL, the composition root and the ASGI app behind it."""

    url: str
    app: Application
    asgi: FastAPI
    passwords: Argon2Passwords = PASSWORDS

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def add_account(self, name: str, role: str, password: str = PASSWORD) -> None:
        accounts.add(self.app.deps, self.passwords, name, role, password)


@contextmanager
def serving(asgi: FastAPI) -> Iterator[str]:
    """Serve ``asgi`` until the block ends; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        asgi, log_config=None, server_header=False, access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        started = threading.Event()
        while not server.started and thread.is_alive():
            started.wait(0.01)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


#: ``staff("referat")`` (fixture): a client signed in as a new account with that role.
StaffClient = Callable[..., httpx.Client]


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found[1]


def sign_in(client: httpx.Client, name: str, password: str) -> httpx.Response:
    page = client.get("/login")
    return client.post(
        "/login", data={"username": name, "password": password, "csrf_token": csrf_of(page.text)}
    )
