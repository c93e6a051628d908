"""Fixtures for the web application: a live server on the test database, signed-in clients.

``site`` serves ``create_app`` on the ``app`` fixture's database (SQLite and
PostgreSQL); ``visitor`` is a client without a session; ``staff("referat")``
creates an account with that role and returns a client signed in with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI
from live_server import PASSWORD, PASSWORDS, Site, serving, sign_in

from deliberation.bootstrap import Application
from deliberation.entrypoints.web import create_app


@pytest.fixture
def asgi(app: Application) -> FastAPI:
    return create_app(app, PASSWORDS)


@pytest.fixture
def site(app: Application, asgi: FastAPI) -> Iterator[Site]:
    with serving(asgi) as url:
        yield Site(url, app, asgi)


@pytest.fixture
def visitor(site: Site) -> Iterator[httpx.Client]:
    with site.client() as client:
        yield client


@pytest.fixture
def staff(site: Site) -> Iterator[Callable[..., httpx.Client]]:
    """``staff("referat")``: a client signed in as a new account with that role."""
    clients: list[httpx.Client] = []

    def make(role: str, name: str = "") -> httpx.Client:
        login = name or f"test-{role}"
        site.add_account(login, role)
        client = site.client()
        clients.append(client)
        response = sign_in(client, login, PASSWORD)
        assert response.status_code == 303, response.text
        return client

    yield make
    for client in clients:
        client.close()
