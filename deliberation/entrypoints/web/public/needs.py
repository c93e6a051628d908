"""Bring a need: the public page of each cycle that collects needs now, and the address link.

The workflow decides which cycles take needs (``need_submissions.collecting_cycles``).
A need from here waits for the Referat's moderation; an optional address gets a
confirmation link first (double opt-in) and, once confirmed, the answer.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import Field, field_validator

from deliberation.domain.errors import DeliberationError, NotFound
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import PageForm
from deliberation.entrypoints.web.public import home
from deliberation.entrypoints.web.public.language import page_language
from deliberation.entrypoints.web.public.protection import PublicForm, RateLimited, validate
from deliberation.entrypoints.web.public.rendering import render
from deliberation.entrypoints.web.public.texts import INVALID, N_, say, say_or
from deliberation.service_layer import need_submissions, needs
from deliberation.service_layer.need_submissions import CollectingCycle

router = APIRouter()

TITLE = N_("Bedarf einbringen")
LIST_TEXT = N_(
    "Was fehlt Ihnen, was sollte besser werden? Während eine Zukunftswerkstatt oder ein "
    "Forum Bedarfe sammelt, können Sie hier Ihren Bedarf einbringen."
)
NONE_OPEN = N_(
    "Gerade sammelt keine Veranstaltung Bedarfe. Bitte schauen Sie später wieder vorbei."
)
COUNTY_WIDE = N_("den ganzen Landkreis")
TEXT_LABEL = N_("Ihr Bedarf")
FIELD_LABEL = N_("Themenfeld")
SCOPE_LABEL = N_("Betrifft der Bedarf …")
EMAIL_LABEL = N_("E-Mail-Adresse (freiwillig)")
CONFIRM_TITLE = N_("Adresse bestätigen")
SERVICE_MESSAGES = (N_("Hier werden gerade keine Bedarfe gesammelt."),)
# The standing topic fields of config.toml, so the page can show them translated;
# a field the catalogue does not know is shown as configured.
TOPIC_FIELD_NAMES = (
    N_("Arbeit"),
    N_("Bildung"),
    N_("Sicherheit"),
    N_("Wohnen"),
    N_("Sprache"),
    N_("Gesundheit"),
    N_("Teilhabe"),
)


class NeedForm(PageForm):
    text: str = Field(min_length=1, max_length=needs.TEXT_MAX, title=TEXT_LABEL)
    topic_field: str = Field(min_length=1, title=FIELD_LABEL)
    scope: str = Field(default="county", pattern="^(local|county)$", title=SCOPE_LABEL)
    email: str = Field(default="", max_length=254, title=EMAIL_LABEL)

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if value:
            try:
                need_submissions.check_address(value)
            except DeliberationError as exc:
                raise ValueError(str(exc)) from None
        return value


def _section(ctx: WebContext, language: str) -> home.Section:
    cycles = need_submissions.collecting_cycles(ctx.deps)
    return home.Section(
        say(language, TITLE),
        say(language, LIST_TEXT if cycles else NONE_OPEN),
        [(f"/public/needs/{c.id}", c.title) for c in cycles],
    )


home.SECTIONS.append(_section)


@router.get("/public/needs/{cycle_id}", response_class=HTMLResponse)
def need_form(request: Request, ctx: Context, cycle_id: int) -> HTMLResponse:
    language = page_language(request)
    cycle = need_submissions.collecting_cycle(ctx.deps, cycle_id)
    return _form_page(ctx, request, language, cycle, {})


@router.post(
    "/public/needs/{cycle_id}",
    response_class=HTMLResponse,
    dependencies=[Depends(RateLimited("needs"))],
)
def bring(request: Request, ctx: Context, cycle_id: int, form: PublicForm) -> HTMLResponse:
    language = page_language(request)
    cycle = need_submissions.collecting_cycle(ctx.deps, cycle_id)
    data, errors = validate(NeedForm, form, language)
    values = {key: str(form.get(key) or "") for key in NeedForm.model_fields}
    if data is not None:
        if data.topic_field not in ctx.deps.topic_fields:
            errors.add("topic_field", say(language, N_("Bitte wählen Sie ein Themenfeld.")))
        else:
            try:
                need_submissions.submit(
                    ctx.deps,
                    ctx.mailing,
                    cycle.id,
                    data.text,
                    data.topic_field,
                    data.scope,
                    data.email,
                    language,
                )
            except NotFound:
                raise
            except DeliberationError as exc:
                field = "email" if str(exc) == need_submissions.BAD_ADDRESS else "text"
                message = say_or(language, str(exc), INVALID)
                errors.add(field, message, say(language, _label(field)))
            else:
                return render(
                    ctx,
                    request,
                    "public/need_thanks.html",
                    {
                        "title": say(language, TITLE),
                        "cycle": cycle,
                        "with_address": bool(data.email),
                    },
                    language,
                )
    return _form_page(ctx, request, language, cycle, values, errors, 400)


def _label(field: str) -> str:
    return {"email": EMAIL_LABEL, "text": TEXT_LABEL}.get(field, field)


def _form_page(
    ctx: WebContext,
    request: Request,
    language: str,
    cycle: CollectingCycle,
    values: dict[str, str],
    errors: Any = None,
    status: int = 200,
) -> HTMLResponse:
    fields = [(name, say(language, name)) for name in ctx.deps.topic_fields]
    scopes = [("county", say(language, COUNTY_WIDE))]
    if cycle.municipality:
        scopes.insert(0, ("local", cycle.municipality))
    context: dict[str, Any] = {
        "title": say(language, TITLE),
        "cycle": cycle,
        "fields": [("", "–"), *fields],
        "scopes": scopes,
        "values": {"scope": "local" if cycle.municipality else "county", **values},
        "labels": {
            "text": say(language, TEXT_LABEL),
            "topic_field": say(language, FIELD_LABEL),
            "scope": say(language, SCOPE_LABEL),
            "email": say(language, EMAIL_LABEL),
        },
    }
    if errors is not None:
        context["errors"] = errors
    return render(ctx, request, "public/need_form.html", context, language, status)


@router.get("/public/needs/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, ctx: Context, token: str) -> HTMLResponse:
    view = need_submissions.address_link(ctx.deps, ctx.mailing, token)
    language = page_language(request, view.language)
    return render(
        ctx,
        request,
        "public/need_confirm.html",
        {"title": say(language, CONFIRM_TITLE), "view": view, "confirmed_now": False},
        language,
    )


@router.post("/public/needs/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, ctx: Context, token: str, form: PublicForm) -> HTMLResponse:
    view = need_submissions.confirm_address(ctx.deps, ctx.mailing, token)
    language = page_language(request, view.language)
    return render(
        ctx,
        request,
        "public/need_confirm.html",
        {"title": say(language, CONFIRM_TITLE), "view": view, "confirmed_now": True},
        language,
    )
