"""The public start page: what a person can do here without an account.

Other public areas add a section: one entry in ``SECTIONS`` (a function of the
context and the language returning a ``Section``, or None when there is nothing
to show).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.public.language import page_language
from deliberation.entrypoints.web.public.rendering import render
from deliberation.entrypoints.web.public.texts import N_, say

router = APIRouter()

TITLE = N_("Beteiligung")


@dataclass(frozen=True)
class Section:
    title: str
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)


#: The start page's sections, in order; each gets the context and the page's language.
SECTIONS: list[Callable[[WebContext, str], Section | None]] = []


@router.get("/public/", response_class=HTMLResponse)
def home(request: Request, ctx: Context) -> HTMLResponse:
    language = page_language(request)
    sections = [s for s in (make(ctx, language) for make in SECTIONS) if s is not None]
    return render(
        ctx,
        request,
        "public/home.html",
        {"title": say(language, TITLE), "sections": sections},
        language,
    )
