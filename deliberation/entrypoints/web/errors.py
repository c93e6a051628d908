"""Refusals and error pages: 403 (role, CSRF), 404, 405, 400/409, 413/429, 500.

Staff get them in German; a visitor without an account gets them in their own
language on the public look (``public/error_pages.py``).

An unexpected error shows a reference number (the request's id, ``security.PageGuard``);
the traceback goes to the log under the same number, never to the browser.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from deliberation.domain.accounts import Role
from deliberation.domain.errors import DeliberationError, LinkInvalid, NotFound
from deliberation.entrypoints.web.next_steps import links_of
from deliberation.entrypoints.web.pages import Pages
from deliberation.entrypoints.web.public import error_pages
from deliberation.entrypoints.web.public.protection import PublicRefusal
from deliberation.entrypoints.web.refusals import CsrfRefused, LoginRequired, RoleRefused
from deliberation.entrypoints.web.roles import ROLE_DUTIES

log = logging.getLogger("deliberation.web")


def install(app: FastAPI, pages: Pages) -> None:
    """Register the German error pages with ``app``."""

    def page(
        request: Request, status: int, title: str, message: str, **extra: object
    ) -> HTMLResponse:
        if error_pages.is_public(request):  # no account: the visitor's language
            extra.pop("next_links", None)  # staff pages only
            return error_pages.page(request, status, title, message, **extra)
        context = {"title": title, "message": message, **extra}
        return pages.render(request, "error.html", context, status_code=status)

    async def login_required(request: Request, exc: Exception) -> Response:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    async def role_refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RoleRefused)
        allowed = [f"„{r.label}“ ({ROLE_DUTIES[r]})" for r in exc.allowed]
        mine = Role(exc.role).label
        return page(
            request,
            403,
            "Keine Berechtigung",
            f"{exc.what} darf nur, wer die Rolle {' oder '.join(allowed)} hat. "
            f"Sie sind mit der Rolle „{mine}“ angemeldet.",
        )

    async def csrf_refused(request: Request, exc: Exception) -> Response:
        return page(
            request,
            403,
            "Formular abgelehnt",
            "Das Formular war abgelaufen oder kam nicht von dieser Seite. Bitte laden Sie die "
            "Seite neu und senden Sie es noch einmal.",
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            return page(request, 405, "Nicht möglich", "Diese Adresse nimmt so keine Anfrage an.")
        if exc.status_code == 404:
            return not_found_page(request)
        return page(request, exc.status_code, "Anfrage nicht möglich", str(exc.detail))

    def not_found_page(
        request: Request, detail: str = "", error: DeliberationError | None = None
    ) -> HTMLResponse:
        return page(
            request,
            404,
            "Seite nicht gefunden",
            detail
            or "Diese Seite gibt es nicht. Vielleicht ist die Adresse veraltet oder unvollständig.",
            next_links=links_of(error) if error is not None else [],
        )

    async def invalid_path(request: Request, exc: Exception) -> Response:
        return not_found_page(request)  # /cycles/abc: no such record, not a form error

    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotFound)
        return not_found_page(request, str(exc), exc)

    async def link_invalid(request: Request, exc: Exception) -> Response:
        return page(request, 400, "Link ungültig", str(exc))

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DeliberationError)
        return page(request, 409, "Nicht möglich", str(exc), next_links=links_of(exc))

    async def public_refusal(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PublicRefusal)
        return page(request, exc.status, exc.title, exc.message)

    app.add_exception_handler(PublicRefusal, public_refusal)
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(RoleRefused, role_refused)
    app.add_exception_handler(CsrfRefused, csrf_refused)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_path)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(LinkInvalid, link_invalid)
    app.add_exception_handler(DeliberationError, refused)
