"""The pages behind the links in emails: confirm consent, unsubscribe, answer an invitation.

No account is needed: the signed token in the path is the permission, so
these forms carry no CSRF token (a mail program's RFC 8058 one-click
unsubscribe POST could not send one). Each GET shows what the link will do
and a button; only the POST changes anything, so mail scanners that open
links change nothing. Pages are in the participant's language (or the one they
switched to), on the public look; the forms pass the public size limit and honeypot.
They have no rate limit per address: the signed token is the permission, and
mail providers send one-click unsubscribes for many people from few addresses.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deliberation.adapters.templates import format_when
from deliberation.domain.invitations import Response
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.link_texts import texts_for
from deliberation.entrypoints.web.public.language import page_language
from deliberation.entrypoints.web.public.protection import PublicForm
from deliberation.entrypoints.web.public.rendering import render
from deliberation.entrypoints.web.public.texts import N_, say
from deliberation.service_layer import consent, meetings
from deliberation.service_layer.messages import CONFIRM, UNSUBSCRIBE

router = APIRouter()
CHOICES = (Response.YES, Response.NO, Response.MAYBE)
#: beside an answer: every meeting the person is invited to, as a calendar to subscribe to
CALENDAR_LINK = N_("Ihre Termine als Kalender abonnieren")


def _page(
    ctx: WebContext, request: Request, language: str, values: dict[str, Any], status: int = 200
) -> HTMLResponse:
    return render(ctx, request, "links/page.html", values, language, status)


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, ctx: Context, token: str) -> HTMLResponse:
    return _ask(ctx, request, CONFIRM, token)


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, ctx: Context, token: str) -> HTMLResponse:
    return _ask(ctx, request, UNSUBSCRIBE, token)


def _ask(ctx: WebContext, request: Request, purpose: str, token: str) -> HTMLResponse:
    view = consent.show(ctx.deps, ctx.mailing, purpose, token)
    language = page_language(request, view.language)
    t = texts_for(language)
    return _page(
        ctx,
        request,
        language,
        {
            "title": t[f"{purpose}_title"],
            "paragraphs": [t[f"{purpose}_ask"].format(name=view.name, place="")],
            "button": t[f"{purpose}_button"],
        },
    )


@router.post("/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, ctx: Context, token: str, form: PublicForm) -> HTMLResponse:
    view = consent.confirm(ctx.deps, ctx.mailing, token)
    return _done(ctx, request, CONFIRM, view.language, view.name)


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, ctx: Context, token: str, form: PublicForm) -> HTMLResponse:
    """Also the one-click unsubscribe of RFC 8058 (body ``List-Unsubscribe=One-Click``)."""
    view = consent.withdraw(ctx.deps, ctx.mailing, token)
    return _done(ctx, request, UNSUBSCRIBE, view.language, view.name)


def _done(ctx: WebContext, request: Request, purpose: str, own: str, name: str) -> HTMLResponse:
    language = page_language(request, own)
    t = texts_for(language)
    return _page(
        ctx,
        request,
        language,
        {
            "title": t[f"{purpose}_title"],
            "paragraphs": [t[f"{purpose}_done"].format(name=name, place="")],
        },
    )


@router.get("/rsvp/{token}", response_class=HTMLResponse)
def answer_page(request: Request, ctx: Context, token: str, answer: str = "") -> HTMLResponse:
    view = meetings.show_answer(ctx.deps, ctx.mailing, token)
    language = page_language(request, view.language)
    t = texts_for(language)
    values = _meeting(ctx, view, t, language)
    if view.open:
        values["paragraphs"] = [t["rsvp_ask"].format(name=view.person_name, place="")]
        values["choices"] = [(c.value, t[c.value], c.value == answer) for c in CHOICES]
        values["button"] = t["rsvp_button"]
    else:
        values["paragraphs"] = [t["closed"]]
    return _page(ctx, request, language, values)


@router.post("/rsvp/{token}", response_class=HTMLResponse)
def answer(request: Request, ctx: Context, token: str, form: PublicForm) -> HTMLResponse:
    chosen = form.get("answer") or request.query_params.get("answer", "")
    if chosen not in [c.value for c in CHOICES]:
        view = meetings.show_answer(ctx.deps, ctx.mailing, token)
        language = page_language(request, view.language)
        t = texts_for(language)
        values = _meeting(ctx, view, t, language)
        values["paragraphs"] = [t["rsvp_ask"].format(name=view.person_name, place="")]
        values["choices"] = [(c.value, t[c.value], False) for c in CHOICES]
        values["button"] = t["rsvp_button"]
        values["error"] = t["choose"]
        return _page(ctx, request, language, values, status=400)
    view = meetings.respond(ctx.deps, ctx.mailing, token, Response(chosen))
    language = page_language(request, view.language)
    t = texts_for(language)
    values = _meeting(ctx, view, t, language)
    values["paragraphs"] = [t["rsvp_done"]]
    values["strong"] = t[view.response]
    if view.waiting:
        values["paragraphs_after"] = [t["waiting"].format(name="", place=view.waiting)]
    return _page(ctx, request, language, values)


def _meeting(
    ctx: WebContext, view: meetings.AnswerView, t: dict[str, str], language: str
) -> dict[str, Any]:
    return {
        "title": t["rsvp_title"],
        "meeting": (
            view.meeting_title,
            format_when(view.starts_at, language, ctx.deps.timezone),
            view.location,
        ),
        "calendar_link": (view.calendar_url, say(language, CALENDAR_LINK)),
    }
