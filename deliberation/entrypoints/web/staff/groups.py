"""Working groups: form one from an agenda topic, change mandate, due date and members,
write the report, take its steps, and draft its recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BeforeValidator, Field
from starlette.datastructures import UploadFile

from deliberation.domain.errors import ConcurrencyConflict, DeliberationError, FieldKey
from deliberation.entrypoints.web.auth import SignedIn, allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors, PageForm, validate, values_of
from deliberation.entrypoints.web.roles import REFERAT
from deliberation.entrypoints.web.staff.steps import take_step, version_of
from deliberation.service_layer import groups, recommendations, round_views
from deliberation.service_layer.accounts import AccountView

router = APIRouter()

REPORT_FILE_MAX = 1024 * 1024

#: the group forms' fields for the inputs a refusal can be about
GROUP_FIELDS = {
    FieldKey.NAME: "name",
    FieldKey.MANDATE: "mandate",
    FieldKey.DUE_DATE: "due_date",
    FieldKey.MEMBER: "members",
}
Organiser = Annotated[AccountView, Depends(allowed(REFERAT, "Arbeitsgruppen führen"))]


def german_date(value: object) -> object:
    """TT.MM.JJJJ (typed) or JJJJ-MM-TT (a date field of the browser)."""
    if isinstance(value, str):
        for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(value.strip(), pattern).date()
            except ValueError:
                continue
    return value


GermanDate = Annotated[date, BeforeValidator(german_date)]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class GroupForm(PageForm):
    name: str = Field(min_length=1, max_length=300, title="Name")
    mandate: str = Field(min_length=1, max_length=20_000, title="Auftrag")
    due_date: GermanDate = Field(title="Frist für den Bericht")
    members: str = Field(default="", max_length=20_000, title="Mitglieder")


class ChangeForm(PageForm):
    mandate: str = Field(min_length=1, max_length=20_000, title="Auftrag")
    due_date: GermanDate = Field(title="Frist für den Bericht")
    members: str = Field(default="", max_length=20_000, title="Mitglieder")


class DraftForm(PageForm):
    title: str = Field(min_length=1, max_length=300, title="Titel")
    text: str = Field(min_length=1, max_length=50_000, title="Wortlaut")


@router.get("/groups", response_class=HTMLResponse)
def group_list(request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    views = groups.list_groups(ctx.deps)
    return ctx.pages.render(
        request, "staff/groups.html", {"title": "Arbeitsgruppen", "groups": views}
    )


def _new_page(
    request: Request,
    ctx: WebContext,
    conference_id: int,
    topic: str,
    errors: FormErrors,
    values: dict[str, Any],
    status: int = 200,
) -> HTMLResponse:
    conference, topic_title = round_views.agenda_topic(ctx.deps, conference_id, topic)
    return ctx.pages.render(
        request,
        "staff/group_new.html",
        {
            "title": f"Arbeitsgruppe bilden: {topic_title}",
            "conference": conference,
            "topic": topic,
            "topic_title": topic_title,
            "errors": errors,
            "values": values,
        },
        status_code=status,
    )


@router.get("/cycles/{conference_id}/groups/new", response_class=HTMLResponse)
def new_group(
    conference_id: int, request: Request, ctx: Context, account: Organiser, topic: str = "1"
) -> HTMLResponse:
    _, title = round_views.agenda_topic(ctx.deps, conference_id, topic)
    return _new_page(request, ctx, conference_id, topic, FormErrors(), {"name": f"AG {title}"})


@router.post("/cycles/{conference_id}/groups", response_class=HTMLResponse)
def form_group(
    conference_id: int, request: Request, ctx: Context, form: Form, account: Organiser
) -> Response:
    topic = str(form.get("topic") or "")
    data, errors = validate(GroupForm, form)
    if data is not None:
        try:
            group_id = groups.form(
                ctx.deps,
                conference_id,
                topic,
                data.name,
                data.mandate,
                data.due_date,
                lines(data.members),
                account.name,
            )
        except DeliberationError as exc:
            errors.add_error(exc, GROUP_FIELDS)
        else:
            return RedirectResponse(f"/groups/{group_id}?gebildet=1", status_code=303)
    return _new_page(request, ctx, conference_id, topic, errors, values_of(form), status=400)


def group_page(
    request: Request,
    ctx: WebContext,
    group_id: int,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
    stale: bool = False,
    form_name: str = "",
) -> HTMLResponse:
    page = round_views.group_page(ctx.deps, group_id)
    group = page.group
    defaults = {
        "mandate": group.mandate,
        "due_date": group.due_date.strftime("%d.%m.%Y"),
        "members": "\n".join(page.member_entries),
        "report": group.report,
    }
    typed = values or {}
    return ctx.pages.render(
        request,
        "staff/group.html",
        {
            "title": group.name,
            "page": page,
            "group": group,
            "errors": errors or FormErrors(),
            "form_name": form_name,
            "values": {**defaults, **typed} if form_name in ("change", "report") else defaults,
            "step_values": typed if form_name == "step" else {},
            "draft_values": typed if form_name == "new_recommendation" else {},
            "stale": stale,
            "query": request.query_params,
            "none_errors": FormErrors(),
            "need_options": [
                (str(n.id), f"{n.text} ({n.municipality}, {n.votes} Punkte)")
                for n in page.topic_needs
            ],
        },
        status_code=status,
    )


@router.get("/groups/{group_id}", response_class=HTMLResponse)
def show(group_id: int, request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    return group_page(request, ctx, group_id)


@router.post("/groups/{group_id}", response_class=HTMLResponse)
def change(
    group_id: int, request: Request, ctx: Context, form: Form, account: Organiser
) -> Response:
    data, errors = validate(ChangeForm, form)
    stale = False
    if data is not None:
        try:
            groups.change(
                ctx.deps,
                group_id,
                data.mandate,
                data.due_date,
                lines(data.members),
                account.name,
                version_of(form),
            )
        except ConcurrencyConflict as exc:
            errors.add("", str(exc))
            stale = True
        except DeliberationError as exc:
            errors.add_error(exc, GROUP_FIELDS)
        else:
            return RedirectResponse(f"/groups/{group_id}?geaendert=1", status_code=303)
    status = 409 if stale else 400
    return group_page(request, ctx, group_id, errors, values_of(form), status, stale, "change")


@router.post("/groups/{group_id}/report", response_class=HTMLResponse)
def report(
    group_id: int, request: Request, ctx: Context, form: Form, account: Organiser
) -> Response:
    """The report as typed, or from an uploaded text file (which then replaces the text)."""
    errors = FormErrors()
    text = str(form.get("report") or "")
    upload = form.get("report_file")
    if isinstance(upload, UploadFile) and upload.filename:
        try:
            text = upload.file.read(REPORT_FILE_MAX).decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.add("report_file", "Die Datei ist kein Text in UTF-8 (z. B. .txt).", "Datei")
    stale = False
    if not errors:
        try:
            groups.write_report(ctx.deps, group_id, text, account.name, version_of(form))
        except ConcurrencyConflict as exc:
            errors.add("", str(exc))
            stale = True
        except DeliberationError as exc:
            errors.add("report", str(exc), "Bericht")
        else:
            return RedirectResponse(f"/groups/{group_id}?bericht=1", status_code=303)
    values = {"report": text}
    return group_page(
        request, ctx, group_id, errors, values, 409 if stale else 400, stale, "report"
    )


@router.post("/groups/{group_id}/steps", response_class=HTMLResponse)
def step(group_id: int, request: Request, ctx: Context, form: Form, account: Organiser) -> Response:
    view = groups.show(ctx.deps, group_id)
    titles = {s.trigger: s.title for s in view.status.next_steps}
    errors, values, stale = take_step(
        form,
        titles,
        lambda trigger, reason, text, version: groups.advance(
            ctx.deps, group_id, trigger, account.name, reason, version
        ),
    )
    if not errors:
        return RedirectResponse(f"/groups/{group_id}?erledigt=1", status_code=303)
    return group_page(request, ctx, group_id, errors, values, 409 if stale else 400, stale, "step")


@router.post("/groups/{group_id}/recommendations", response_class=HTMLResponse)
def draft(
    group_id: int, request: Request, ctx: Context, form: Form, account: Organiser
) -> Response:
    data, errors = validate(DraftForm, form)
    chosen = [int(n) for n in form.getlist("needs") if isinstance(n, str) and n.isdigit()]
    if data is not None:
        try:
            rec_id = recommendations.draft(
                ctx.deps, group_id, data.title, data.text, account.name, chosen
            )
        except DeliberationError as exc:
            errors.add_error(exc, {FieldKey.TITLE: "title", FieldKey.TEXT: "text"})
        else:
            return RedirectResponse(
                f"/groups/{group_id}?entworfen={rec_id}#recommendations", status_code=303
            )
    values = values_of(form)
    values["needs"] = [str(n) for n in chosen]
    return group_page(request, ctx, group_id, errors, values, 400, False, "new_recommendation")
