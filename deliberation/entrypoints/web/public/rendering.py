"""Rendering a public page: the public base template, in the visitor's language.

How to add a public page (details in the foundation note of the public slice):

1. A router module under ``entrypoints/web/public/`` with plain ``def`` routes; one line in
   ``app.PUBLIC_ROUTERS``. No account, no CSRF token (there is no session to forge).
2. ``language = page_language(request)`` (or ``page_language(request, person.language)``),
   then ``render(ctx, request, "public/x.html", {"title": say(language, TITLE), …}, language)``.
3. The template ``{% extends "public/base.html" %}``, texts with ``{{ _("…") }}`` or
   ``{% trans %}…{% endtrans %}`` (German message ids, translated in the catalogue).
4. Forms: ``form: PublicForm`` and ``RateLimited("name")`` from ``protection``;
   ``{{ honeypot() }}`` inside each ``<form>``; ``validate(Model, form, language)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from deliberation.entrypoints.web.context import WebContext
from deliberation.entrypoints.web.public import language as languages
from deliberation.entrypoints.web.public.texts import HONEYPOT_LABEL, say

HONEYPOT = "leave_empty"


def render(
    ctx: WebContext,
    request: Request,
    name: str,
    context: Mapping[str, Any],
    language: str,
    status_code: int = 200,
) -> HTMLResponse:
    """``templates/web/<name>`` in ``language``, with the switcher, on the public base."""
    values = {
        "direction": languages.direction(language),
        "languages": languages.switcher(request, language),
        "honeypot": lambda: honeypot_field(language),
        **context,
    }
    response = ctx.pages.render(request, name, values, status_code=status_code, language=language)
    languages.remember(request, response, ctx.settings.web.base_url.startswith("https://"))
    response.headers["content-language"] = language
    response.headers["vary"] = "Accept-Language, Cookie"
    return response


def honeypot_field(language: str) -> Markup:
    """A field people never see or reach; a program filling every field fills it."""
    label = escape(say(language, HONEYPOT_LABEL))
    return Markup(
        f'<div class="honeypot"><label for="{HONEYPOT}">{label}</label>'
        f'<input type="text" id="{HONEYPOT}" name="{HONEYPOT}" value="" '
        f'autocomplete="off" tabindex="-1"></div>'
    )
