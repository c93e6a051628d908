"""Error pages of the public side: the visitor's language, the public look, never a traceback.

``errors.py`` asks ``is_public`` for every error page: a request without a signed-in
account gets its page here (a participant, a visitor, a tampered link); staff get
the German staff page. Titles and messages are German catalogue ids; a message the
catalogue does not know (a service-layer refusal in German) is replaced by the
page's generic message in that language, so no page mixes languages.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.types import Scope

from deliberation.entrypoints.web.context import web_context
from deliberation.entrypoints.web.pages import Pages
from deliberation.entrypoints.web.public import language as languages
from deliberation.entrypoints.web.public import texts
from deliberation.entrypoints.web.public.rendering import render
from deliberation.entrypoints.web.public.texts import say, say_or
from deliberation.entrypoints.web.sessions import signed_in_account

#: The message a page shows when the catalogue does not know the one it was given.
FALLBACKS = {
    400: texts.LINK_INVALID,
    403: texts.FORM_REFUSED,
    404: texts.NOT_FOUND,
    405: texts.NOT_ALLOWED,
    409: texts.CONFLICT,
    413: texts.TOO_LARGE,
    429: texts.TOO_MANY,
}


def is_public(request: Request) -> bool:
    """Whether an error page for ``request`` belongs to the public side (no account)."""
    return signed_in_account(request) is None


def page(request: Request, status: int, title: str, message: str, **extra: Any) -> HTMLResponse:
    language = languages.page_language(request)
    fallback = FALLBACKS.get(status, texts.CONFLICT)
    context = {
        "title": say(language, title),
        "message": say_or(language, message, fallback),
        **extra,
    }
    return render(web_context(request), request, "public/error.html", context, language, status)


def internal_error(pages: Pages, scope: Scope, reference: str) -> str:
    """The 500 page for a bare ASGI scope (no route, no session, no database)."""
    request = Request(scope)
    language = languages.page_language(request)
    return pages.text(
        "public/error.html",
        {
            "title": say(language, texts.INTERNAL_TITLE),
            "message": say(language, texts.INTERNAL),
            "reference": reference,
            "language": language,
            "direction": languages.direction(language),
            "languages": languages.switcher(request, language),
            "honeypot": lambda: "",
        },
    )
