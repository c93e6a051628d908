"""The county's bodies with their next public meetings and the calendar to subscribe to
(``/public/bodies``); the feeds themselves are ``feeds.py``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deliberation.adapters.templates import format_when
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.public.home import SECTIONS, Section
from deliberation.entrypoints.web.public.language import page_language
from deliberation.entrypoints.web.public.rendering import render
from deliberation.entrypoints.web.public.texts import N_, say
from deliberation.service_layer import calendar_feeds
from deliberation.service_layer.public_links import BODIES_PATH

router = APIRouter()

TITLE = N_("Gremien und Sitzungstermine")
INTRO = N_(
    "Die öffentlichen Sitzungen der Gremien des Landkreises. Jeder Kalender lässt sich "
    "in Outlook, Thunderbird oder auf dem Telefon abonnieren; geänderte und abgesagte "
    "Termine werden dort von selbst aktualisiert."
)


@router.get(BODIES_PATH, response_class=HTMLResponse)
def bodies(request: Request, ctx: Context) -> HTMLResponse:
    language = page_language(request)
    zone = ctx.deps.timezone
    context = {
        "title": say(language, TITLE),
        "intro": say(language, INTRO),
        "bodies": calendar_feeds.public_bodies(ctx.deps),
        "when": lambda moment: format_when(moment, language, zone),
        "base_url": ctx.mailing.links.base_url,
    }
    return render(ctx, request, "public/bodies.html", context, language)


def _section(ctx: WebContext, language: str) -> Section:
    return Section(
        say(language, TITLE), say(language, INTRO), [(BODIES_PATH, say(language, TITLE))]
    )


SECTIONS.append(_section)
