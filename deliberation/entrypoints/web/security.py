"""The outermost layer of the app: a request id, security headers on every response,
and the 500 page.

A pure ASGI middleware, so it also covers responses that Starlette's own
error handling would otherwise send bare. Each request gets an id: it is in
every log line written while the request runs, in the ``X-Request-Id`` header,
and it is the reference number ("Fehlernummer") on the 500 page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deliberation.entrypoints.process_logging import new_request_id, request_id

log = logging.getLogger("deliberation.web")
#: One line per request: method, route pattern, status, duration (no path, no query).
access = logging.getLogger("deliberation.web.access")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
NO_STORE = (b"cache-control", b"no-store")
#: Renders the 500 page for a request's scope and a reference number (no database, no session).
ErrorPage = Callable[[Scope, str], str]


class PageGuard:
    def __init__(self, app: ASGIApp, error_page: ErrorPage) -> None:
        self.app = app
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")
        started = False
        status = 500
        reference = new_request_id()
        token = request_id.set(reference)
        began = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
                headers = [h for h in message.get("headers", []) if h[0] != b"server"]
                present = {name for name, _ in headers}
                extra = HEADERS if static else [*HEADERS, NO_STORE]
                headers += [h for h in extra if h[0] not in present]
                headers.append((b"x-request-id", reference.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception(
                "Interner Fehler %s bei %s %s", reference, scope.get("method"), _route_of(scope)
            )
            if started:
                return
            body = self.error_page(scope, reference).encode("utf-8")
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"text/html; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
        finally:
            if not static:
                milliseconds = (time.perf_counter() - began) * 1000
                access.info(
                    "%s %s %d %.0f ms", scope.get("method"), _route_of(scope), status, milliseconds
                )
            request_id.reset(token)


def _route_of(scope: Scope) -> str:
    """The route's pattern (``/rsvp/{token}``), never the path itself: paths carry the
    tokens of personal links and ids, query strings what someone searched for."""
    route = scope.get("route")
    pattern = getattr(route, "path", None)
    return str(pattern) if pattern else "(keine Seite)"
