"""The OParl 1.1 server as an application of its own, mounted at ``/oparl/v1``.

Read-only and without login. Every answer, errors included, is JSON with
``Access-Control-Allow-Origin: *`` (the specification requires it); an unknown
object or address is a 404 error object, a bad filter value a 400, each with a
German ``message`` (the language of the content) and an English ``debug``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deliberation.adapters.oparl import MEDIA_TYPE, Addresses, County, OparlObjects
from deliberation.config import Settings
from deliberation.entrypoints.process_logging import new_request_id, request_id
from deliberation.service_layer import oparl_feed
from deliberation.service_layer.oparl_rows import Window
from deliberation.service_layer.ports import Dependencies, Documents

log = logging.getLogger("deliberation.web")
PREFIX = "/oparl/v1"
ERROR_TYPE = "https://schema.oparl.org/1.1/Error"
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


class OparlResponse(JSONResponse):
    media_type = MEDIA_TYPE


class BadRequest(Exception):
    """A parameter the server cannot use: ``message`` German, ``debug`` English."""

    def __init__(self, message: str, debug: str) -> None:
        super().__init__(message)
        self.message, self.debug = message, debug


def error(status: int, message: str, debug: str) -> OparlResponse:
    return OparlResponse(
        {"type": ERROR_TYPE, "message": message, "debug": debug}, status_code=status
    )


@dataclass(frozen=True)
class OparlSite:
    """What every OParl route needs: the use cases' dependencies and the county's settings."""

    deps: Dependencies
    settings: Settings
    documents: Documents

    @property
    def feed(self) -> oparl_feed.Feed:
        return oparl_feed.Feed(frozenset(self.settings.oparl.closed_session_publishes))

    def objects(self) -> OparlObjects:
        county = County(
            self.settings.county.name,
            self.settings.county.organiser,
            self.settings.county.timezone,
            self.settings.oparl,
        )
        since = oparl_feed.beginning(self.deps)
        return OparlObjects(county, Addresses(self.settings.web.base_url + PREFIX), since, since)


@dataclass(frozen=True)
class ListRequest:
    """A list's page, its size and its filters, read from the query string."""

    window: Window
    page: int
    size: int
    query: dict[str, str]


def site_of(request: Request) -> OparlSite:
    site: OparlSite = request.app.state.oparl
    return site


Site = Annotated[OparlSite, Depends(site_of)]


def list_request(request: Request, site: Site) -> ListRequest:
    params = request.query_params
    config = site.settings.oparl
    moments = {name: _moment(name, params[name]) for name in FILTERS if params.get(name)}
    size = min(
        _number("elementsPerPage", params.get("elementsPerPage"), config.page_size),
        config.max_page_size,
    )
    page = _number("page", params.get("page"), 1)
    query = {name: params[name] for name in FILTERS if params.get(name)}
    if params.get("elementsPerPage"):
        query["elementsPerPage"] = str(size)
    return ListRequest(Window(**moments), page, size, query)


Listed = Annotated[ListRequest, Depends(list_request)]


def _moment(name: str, raw: str) -> datetime:
    text = raw.strip().replace(" ", "+")  # an unencoded "+" of the offset arrives as a space
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or "T" not in text or moment.tzinfo is None:
        raise BadRequest(
            f"{name}={raw!r} ist keine vollständige Zeitangabe mit Zeitzone "
            "(z. B. 2026-01-01T00:00:00+01:00).",
            f"{name} must be a date-time with a time zone offset (RFC 3339), got {raw!r}",
        )
    return moment


def _number(name: str, raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest(
            f"{name}={raw!r} ist keine ganze Zahl ab 1.",
            f"{name} must be a positive integer, got {raw!r}",
        )
    return int(raw)


class CrossOrigin:
    """``Access-Control-Allow-Origin: *`` on every answer; a crash is a JSON 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_open(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [*message.get("headers", []), (b"access-control-allow-origin", b"*")]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_open)
        except Exception:
            reference = request_id.get() or new_request_id()  # the request's id, as logged
            log.exception("Interner Fehler %s bei OParl %s", reference, scope.get("path"))
            if not started:
                response = error(
                    500,
                    f"Interner Fehler auf dem Server (Fehlernummer {reference}).",
                    f"internal server error, reference {reference}",
                )
                await response(scope, receive, send_open)
