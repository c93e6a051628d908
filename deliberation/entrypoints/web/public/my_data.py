"""My data: ask for one's data (Art. 15 DSGVO) or its deletion; the page shows nothing of it.

The answer is the same whether the address is known or not; the export goes to
the address by mail, deletion needs the link from the mail.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import Field, field_validator

from deliberation.domain.errors import DeliberationError
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import PageForm
from deliberation.entrypoints.web.public import home
from deliberation.entrypoints.web.public.language import page_language
from deliberation.entrypoints.web.public.protection import PublicForm, RateLimited, validate
from deliberation.entrypoints.web.public.rendering import render
from deliberation.entrypoints.web.public.texts import N_, say
from deliberation.service_layer import my_data, need_submissions

router = APIRouter()
PATH = "/public/my-data"
TITLE = N_("Meine Daten")
INTRO = N_(
    "Sie können erfahren, welche Daten wir über Sie gespeichert haben, oder ihre Löschung "
    "beantragen. Wir zeigen hier nichts an: Die Antwort geht per E-Mail an die Adresse, "
    "die bei uns gespeichert ist."
)
EMAIL_LABEL = N_("Ihre E-Mail-Adresse")
WISH_LABEL = N_("Was möchten Sie?")
EXPORT = N_("Meine Daten per E-Mail erhalten")
DELETE = N_("Meine Daten löschen lassen")
DELETE_TITLE = N_("Daten löschen")


class MyDataForm(PageForm):
    email: str = Field(min_length=1, max_length=254, title=EMAIL_LABEL)
    wish: str = Field(default="", pattern="^(export|delete)$", title=WISH_LABEL)

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        try:
            return need_submissions.check_address(value)
        except DeliberationError as exc:
            raise ValueError(str(exc)) from None


def _section(ctx: WebContext, language: str) -> home.Section:
    return home.Section(say(language, TITLE), say(language, INTRO), [(PATH, say(language, TITLE))])


home.SECTIONS.append(_section)


@router.get(PATH, response_class=HTMLResponse)
def ask(request: Request, ctx: Context) -> HTMLResponse:
    return _form(ctx, request, page_language(request), {})


def _form(
    ctx: WebContext,
    request: Request,
    language: str,
    values: dict[str, str],
    errors: Any = None,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "title": say(language, TITLE),
        "values": {**values, "wish": values.get("wish") or "export"},
        "wishes": [("export", say(language, EXPORT)), ("delete", say(language, DELETE))],
        "labels": {"email": say(language, EMAIL_LABEL), "wish": say(language, WISH_LABEL)},
    }
    if errors is not None:
        context["errors"] = errors
    return render(ctx, request, "public/my_data.html", context, language, status)


@router.post(PATH, response_class=HTMLResponse, dependencies=[Depends(RateLimited("my-data"))])
def send(request: Request, ctx: Context, form: PublicForm) -> HTMLResponse:
    language = page_language(request)
    data, errors = validate(MyDataForm, form, language)
    if data is None:
        values = {key: str(form.get(key) or "") for key in MyDataForm.model_fields}
        return _form(ctx, request, language, values, errors, 400)
    if data.wish == "delete":
        my_data.request_deletion(ctx.deps, ctx.mailing, data.email, language)
    else:
        my_data.request_export(ctx.deps, ctx.mailing, data.email, language)
    context = {"title": say(language, TITLE), "sent": True, "deleted": False}
    return render(ctx, request, "public/my_data_done.html", context, language)


@router.get(PATH + "/delete/{token}", response_class=HTMLResponse)
def delete_page(request: Request, ctx: Context, token: str) -> HTMLResponse:
    _, own = my_data.deletion_holder(ctx.deps, ctx.mailing, token)
    language = page_language(request, own)
    context = {"title": say(language, DELETE_TITLE), "sent": False, "deleted": False}
    return render(ctx, request, "public/my_data_done.html", context, language)


@router.post(PATH + "/delete/{token}", response_class=HTMLResponse)
def delete(request: Request, ctx: Context, token: str, form: PublicForm) -> HTMLResponse:
    own = my_data.confirm_deletion(ctx.deps, ctx.mailing, token)
    language = page_language(request, own)
    context = {"title": say(language, DELETE_TITLE), "sent": False, "deleted": True}
    return render(ctx, request, "public/my_data_done.html", context, language)
