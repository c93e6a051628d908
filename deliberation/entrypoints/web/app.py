"""The app factory: ``create_app(application)`` wires routers, error pages and middleware.

Adding an area is one line in ``STAFF_ROUTERS`` (and, if it has a menu entry,
one in ``roles.NAVIGATION``). Every staff router gets the CSRF check, so no
POST can forget it; the pages behind email links are public and need none.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from deliberation.bootstrap import Application
from deliberation.entrypoints.web import auth, errors, feeds, health, links
from deliberation.entrypoints.web.context import WebContext
from deliberation.entrypoints.web.forms import verify_csrf
from deliberation.entrypoints.web.oparl.app import create_oparl_app
from deliberation.entrypoints.web.oparl.server import PREFIX as OPARL_PREFIX
from deliberation.entrypoints.web.pages import Pages
from deliberation.entrypoints.web.public import bodies as public_bodies
from deliberation.entrypoints.web.public import error_pages
from deliberation.entrypoints.web.public import feedback as public_feedback
from deliberation.entrypoints.web.public import home as public_home
from deliberation.entrypoints.web.public import my_data as public_my_data
from deliberation.entrypoints.web.public import needs as public_needs
from deliberation.entrypoints.web.public import votes as public_votes
from deliberation.entrypoints.web.security import PageGuard
from deliberation.entrypoints.web.session_data import COOKIE
from deliberation.entrypoints.web.sessions import signed_in_account
from deliberation.entrypoints.web.staff import (
    accounts,
    cycles,
    groups,
    home,
    meeting_actions,
    meetings,
    moderation,
    needs,
    outbox,
    participant_import,
    participants,
    pictures,
    rounds,
)
from deliberation.entrypoints.web.staff import implementation as implementation_pages
from deliberation.entrypoints.web.staff import recommendations as recommendation_pages
from deliberation.entrypoints.web.staff import tracker as tracker_pages
from deliberation.service_layer.ports import PasswordHasher

STATIC = Path(__file__).parent / "static"

#: Pages for signed-in staff (each route decides its role); one line per area.
STAFF_ROUTERS: list[APIRouter] = [
    auth.router,
    home.router,
    rounds.router,
    cycles.router,
    needs.router,
    groups.router,
    accounts.router,
    meetings.router,
    meeting_actions.router,
    participant_import.router,  # before participants: /participants/import is no person's id
    participants.router,
    outbox.router,
    pictures.router,
    tracker_pages.router,
    recommendation_pages.router,
    implementation_pages.router,
    moderation.router,
]
#: Pages anyone with a signed link may open.
PUBLIC_ROUTERS: list[APIRouter] = [
    public_home.router,
    public_needs.router,
    public_my_data.router,
    links.router,
    feeds.router,
    public_votes.router,
    public_feedback.router,
    public_bodies.router,
    health.router,
]


def create_app(application: Application, passwords: PasswordHasher | None = None) -> FastAPI:
    settings = application.settings
    pages = Pages(
        settings.templates_dir / "web",
        settings.county.name,
        settings.county.timezone,
        signed_in_account,
    )
    app = FastAPI(
        title=f"deliberation · {settings.county.name}",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = WebContext(
        application.deps,
        settings,
        application.mailing(),
        passwords or application.passwords(),
        pages,
        application.documents(),
    )
    app.state.health = application.health()
    for router in STAFF_ROUTERS:
        app.include_router(router, dependencies=[Depends(verify_csrf)])
    for router in PUBLIC_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount(OPARL_PREFIX, create_oparl_app(application.deps, settings, application.documents()))
    errors.install(app, pages)
    web = settings.web
    secret = application.web_secret()
    #: Keys the digests of client addresses (rate limit): not reversible without it.
    app.state.address_key = hashlib.sha256(f"addresses\0{secret}".encode()).digest()
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=COOKIE,
        max_age=web.session_hours * 3600,
        same_site="lax",
        https_only=web.base_url.startswith("https://"),
    )
    app.add_middleware(
        PageGuard,
        error_page=lambda scope, reference: error_pages.internal_error(pages, scope, reference),
    )
    return app
