"""The outermost layer of the app: security headers on every response, and the 500 page.

A pure ASGI middleware, so it also covers responses that Starlette's own
error handling would otherwise send bare.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deliberation.entrypoints.web.errors import reference_number

log = logging.getLogger("deliberation.web")

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
#: First path parts whose next part is a personal token (never logged whole).
TOKEN_PATHS = {"confirm", "unsubscribe", "rsvp", "public", "vote", "calendar"}

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

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [h for h in message.get("headers", []) if h[0] != b"server"]
                present = {name for name, _ in headers}
                extra = HEADERS if static else [*HEADERS, NO_STORE]
                headers += [h for h in extra if h[0] not in present]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            reference = reference_number()
            log.exception(
                "Interner Fehler %s bei %s %s",
                reference,
                scope.get("method"),
                _path_without_token(str(scope.get("path", ""))),
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


def _path_without_token(path: str) -> str:
    """Link paths carry a personal token: the log gets only the first part."""
    first = path.strip("/").partition("/")[0]
    return f"/{first}/…" if first in TOKEN_PATHS else path
