"""Meetings: the list, a month calendar per body, one meeting with its answers, a new one.

Everyone signed in sees them; Referat staff add meetings (``meeting_actions``
has confirm, move, cancel and invite, each with the mail it will send).
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deliberation.domain.errors import DeliberationError, FieldKey
from deliberation.domain.scheduling import MEETING_STATUS_TITLES
from deliberation.entrypoints.web.auth import SignedIn, allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors, validate, values_of
from deliberation.entrypoints.web.roles import REFERAT
from deliberation.entrypoints.web.staff.meeting_forms import NewMeetingForm, confirmed
from deliberation.service_layer import body_meetings, meeting_views, meetings
from deliberation.service_layer.accounts import AccountView
from deliberation.service_layer.meeting_warnings import NeedsConfirmation

router = APIRouter()

Referat = Annotated[AccountView, Depends(allowed(REFERAT, "Termine anlegen und ändern"))]

#: What the meeting page says after an action (``?erledigt=…``).
DONE = {
    "angelegt": "Der Termin ist angelegt.",
    "bestaetigt": "Der Termin ist bestätigt.",
    "verlegt": "Der Termin ist geändert; die Eingeladenen erhalten die Änderung.",
    "abgesagt": "Der Termin ist abgesagt; die Eingeladenen erhalten die Absage.",
    "unveraendert": "Zeit und Ort waren unverändert; es wurde nichts verschickt.",
}

#: the new-meeting form's fields for the inputs a refusal can be about
MEETING_FIELDS = {FieldKey.LOCATION: "location", FieldKey.TITLE: "title"}


def _bodies(ctx: WebContext) -> list[tuple[str, str]]:
    return [(body.key, body.name) for body in ctx.settings.bodies]


@router.get("/meetings", response_class=HTMLResponse)
def meeting_list(
    request: Request, ctx: Context, account: SignedIn, gremium: str = "", alle: str = ""
) -> HTMLResponse:
    now = ctx.deps.clock()
    rows = meetings.list_meetings(ctx.deps, gremium or None, starts_from=None if alle else now)
    return ctx.pages.render(
        request,
        "staff/meetings/list.html",
        {
            "title": "Termine",
            "rows": rows,
            "bodies": _bodies(ctx),
            "values": {"gremium": gremium, "alle": alle},
            "status_titles": MEETING_STATUS_TITLES,
            "may_change": account.role in REFERAT,
        },
    )


@router.get("/meetings/calendar", response_class=HTMLResponse)
def month(
    request: Request,
    ctx: Context,
    account: SignedIn,
    jahr: int | None = None,
    monat: int | None = None,
    gremium: str = "",
) -> HTMLResponse:
    today = ctx.deps.today()
    calendar = meeting_views.month_calendar(
        ctx.deps, jahr or today.year, monat or today.month, gremium or None
    )
    return ctx.pages.render(
        request,
        "staff/meetings/calendar.html",
        {
            "title": f"Kalender {calendar.title}",
            "calendar": calendar,
            "today": today,
            "zone": ZoneInfo(ctx.deps.timezone),
            "bodies": _bodies(ctx),
            "values": {"gremium": gremium},
        },
    )


@router.get("/meetings/new", response_class=HTMLResponse)
def new_form(request: Request, ctx: Context, account: Referat) -> HTMLResponse:
    return _new_page(request, ctx, {"location": ctx.settings.scheduler.location}, FormErrors())


def _new_page(
    request: Request,
    ctx: WebContext,
    values: dict[str, object],
    errors: FormErrors,
    warnings: tuple[str, ...] = (),
    status_code: int = 200,
) -> HTMLResponse:
    return ctx.pages.render(
        request,
        "staff/meetings/new.html",
        {
            "title": "Sitzung anlegen",
            "bodies": _bodies(ctx),
            "values": values,
            "errors": errors,
            "warnings": warnings,
        },
        status_code=status_code,
    )


@router.post("/meetings/new", response_class=HTMLResponse)
def add(request: Request, ctx: Context, account: Referat, form: Form) -> Response:
    values = values_of(form)
    data, errors = validate(NewMeetingForm, values)
    starts_at = None if data is None else data.moment(ctx.deps.timezone, errors)
    if data is None or starts_at is None:
        return _new_page(request, ctx, values, errors, status_code=400)
    try:
        view = body_meetings.add(
            ctx.deps,
            data.body,
            starts_at,
            data.location,
            data.title,
            confirmed=confirmed(values),
            actor=account.name,
        )
    except NeedsConfirmation as exc:
        return _new_page(request, ctx, values, errors, exc.warnings, status_code=409)
    except DeliberationError as exc:
        if not errors.add_error(exc, MEETING_FIELDS):
            raise
        return _new_page(request, ctx, values, errors, status_code=400)
    return RedirectResponse(f"/meetings/{view.id}?erledigt=angelegt", status_code=303)


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def detail(
    request: Request, meeting_id: int, ctx: Context, account: SignedIn, erledigt: str = ""
) -> HTMLResponse:
    view = meeting_views.meeting_detail(ctx.deps, meeting_id)
    return ctx.pages.render(
        request,
        "staff/meetings/detail.html",
        {
            "title": view.row.title,
            "meeting": view,
            "status_titles": MEETING_STATUS_TITLES,
            "done": DONE.get(erledigt, ""),
            "invited": _invited(request.query_params.get("eingeladen", "")),
            "may_change": account.role in REFERAT,
        },
    )


def _invited(counts: str) -> tuple[int, ...] | None:
    """``3-1-0`` (invited, without consent, already invited) from the invitation's redirect."""
    parts = counts.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)
