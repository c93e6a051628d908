"""Confirm, move, cancel and invite: each shows the mail that will go out before it goes.

The first step renders the preview (``meeting_views.preview``, nothing
written); the form on it carries what was chosen and sends the action. A
date with warnings (holiday, school holidays, clash) needs the "trotzdem" box.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from deliberation.domain.errors import ConcurrencyConflict, DeliberationError, FieldKey
from deliberation.domain.invitations import Audience
from deliberation.domain.participants import LANGUAGES, ROLE_TITLES
from deliberation.entrypoints.web.auth import allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors, validate, values_of
from deliberation.entrypoints.web.roles import REFERAT
from deliberation.entrypoints.web.staff.meeting_forms import MoveForm, audience_of, confirmed
from deliberation.service_layer import meeting_views, meetings
from deliberation.service_layer.accounts import AccountView
from deliberation.service_layer.meeting_views import Action
from deliberation.service_layer.meeting_warnings import NeedsConfirmation

router = APIRouter()

Referat = Annotated[
    AccountView, Depends(allowed(REFERAT, "Termine bestätigen, verlegen, absagen und einladen"))
]

TITLES = {
    Action.CONFIRM: "Termin bestätigen",
    Action.MOVE: "Termin verlegen",
    Action.CANCEL: "Termin absagen",
    Action.INVITE: "Einladen",
}
BUTTONS = {
    Action.CONFIRM: "Termin bestätigen",
    Action.MOVE: "Verlegen und Änderung senden",
    Action.CANCEL: "Absagen und Absage senden",
    Action.INVITE: "Einladungen senden",
}


def _preview_page(
    request: Request,
    ctx: WebContext,
    meeting_id: int,
    preview: meeting_views.MailPreview,
    values: dict[str, object],
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    row = meetings.meeting_row(ctx.deps, meeting_id)
    return ctx.pages.render(
        request,
        "staff/meetings/preview.html",
        {
            "title": f"{TITLES[preview.action]}: {row.title}",
            "heading": TITLES[preview.action],
            "button": BUTTONS[preview.action],
            "meeting": row,
            "preview": preview,
            "values": values,
            "errors": errors or FormErrors(),
            "action_path": f"/meetings/{meeting_id}/{preview.action.value}",
        },
        status_code=status_code,
    )


def _plain_preview(
    request: Request, ctx: WebContext, meeting_id: int, action: Action
) -> HTMLResponse:
    preview = meeting_views.preview(ctx.deps, ctx.mailing, meeting_id, action)
    return _preview_page(request, ctx, meeting_id, preview, {})


@router.get("/meetings/{meeting_id}/confirm", response_class=HTMLResponse)
def confirm_preview(
    request: Request, meeting_id: int, ctx: Context, account: Referat
) -> HTMLResponse:
    return _plain_preview(request, ctx, meeting_id, Action.CONFIRM)


@router.post("/meetings/{meeting_id}/confirm")
def confirm(meeting_id: int, ctx: Context, account: Referat) -> Response:
    meetings.confirm(ctx.deps, meeting_id, actor=account.name)
    return RedirectResponse(f"/meetings/{meeting_id}?erledigt=bestaetigt", status_code=303)


@router.get("/meetings/{meeting_id}/cancel", response_class=HTMLResponse)
def cancel_preview(
    request: Request, meeting_id: int, ctx: Context, account: Referat
) -> HTMLResponse:
    return _plain_preview(request, ctx, meeting_id, Action.CANCEL)


@router.post("/meetings/{meeting_id}/cancel")
def cancel(meeting_id: int, ctx: Context, account: Referat) -> Response:
    meetings.cancel(ctx.deps, ctx.mailing, meeting_id, actor=account.name)
    return RedirectResponse(f"/meetings/{meeting_id}?erledigt=abgesagt", status_code=303)


@router.get("/meetings/{meeting_id}/move", response_class=HTMLResponse)
def move_form(request: Request, meeting_id: int, ctx: Context, account: Referat) -> HTMLResponse:
    row = meetings.meeting_row(ctx.deps, meeting_id)
    local = row.starts_at.astimezone(ZoneInfo(ctx.deps.timezone))
    values: dict[str, object] = {
        "day": f"{local:%d.%m.%Y}",
        "clock": f"{local:%H:%M}",
        "location": row.location,
        "sequence": str(row.sequence),  # to notice a change by someone else meanwhile
    }
    return _move_page(request, ctx, row, values, FormErrors())


def _move_page(
    request: Request,
    ctx: WebContext,
    row: meetings.MeetingRow,
    values: dict[str, object],
    errors: FormErrors,
    status_code: int = 200,
) -> HTMLResponse:
    return ctx.pages.render(
        request,
        "staff/meetings/move.html",
        {
            "title": f"Termin verlegen: {row.title}",
            "meeting": row,
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


def _read_move(
    request: Request, ctx: WebContext, meeting_id: int, form: FormData
) -> tuple[dict[str, Any], tuple[MoveForm, datetime] | HTMLResponse]:
    """The move form's values, and its new time and place or the form again with its errors."""
    values = values_of(form)
    data, errors = validate(MoveForm, values)
    starts_at = None if data is None else data.moment(ctx.deps.timezone, errors)
    if data is None or starts_at is None:
        row = meetings.meeting_row(ctx.deps, meeting_id)
        return values, _move_page(request, ctx, row, values, errors, status_code=400)
    return values, (data, starts_at)


@router.post("/meetings/{meeting_id}/move/preview", response_class=HTMLResponse)
def move_preview(
    request: Request, meeting_id: int, ctx: Context, account: Referat, form: Form
) -> HTMLResponse:
    values, read = _read_move(request, ctx, meeting_id, form)
    if isinstance(read, HTMLResponse):
        return read
    data, starts_at = read
    preview = meeting_views.preview(
        ctx.deps,
        ctx.mailing,
        meeting_id,
        Action.MOVE,
        starts_at=starts_at,
        location=data.location,
    )
    return _preview_page(request, ctx, meeting_id, preview, values)


@router.post("/meetings/{meeting_id}/move", response_class=HTMLResponse)
def move(request: Request, meeting_id: int, ctx: Context, account: Referat, form: Form) -> Response:
    values, read = _read_move(request, ctx, meeting_id, form)
    if isinstance(read, HTMLResponse):
        return read
    data, starts_at = read
    try:
        report = meetings.move(
            ctx.deps,
            ctx.mailing,
            meeting_id,
            starts_at,
            data.location,
            confirmed=confirmed(values),
            expected_sequence=_seen(values),
            actor=account.name,
        )
    except ConcurrencyConflict as exc:
        row = meetings.meeting_row(ctx.deps, meeting_id)  # the fresh state, the typed values
        errors = FormErrors()
        errors.add("", f"{exc} Ihre Eingaben stehen unten; bitte prüfen und erneut senden.")
        return _move_page(
            request, ctx, row, {**values, "sequence": str(row.sequence)}, errors, status_code=409
        )
    except NeedsConfirmation:
        preview = meeting_views.preview(
            ctx.deps,
            ctx.mailing,
            meeting_id,
            Action.MOVE,
            starts_at=starts_at,
            location=data.location,
        )
        refused = FormErrors()
        refused.add(
            "trotzdem",
            "Bitte bestätigen Sie, dass der Termin trotz der Warnungen so stattfinden soll.",
        )
        return _preview_page(request, ctx, meeting_id, preview, values, refused, 409)
    except DeliberationError as exc:
        errors = FormErrors()
        if not errors.add_error(exc, {FieldKey.LOCATION: "location"}):
            raise
        row = meetings.meeting_row(ctx.deps, meeting_id)
        return _move_page(request, ctx, row, values, errors, status_code=400)
    done = "verlegt" if report.changed else "unveraendert"
    return RedirectResponse(f"/meetings/{meeting_id}?erledigt={done}", status_code=303)


def _seen(values: dict[str, object]) -> int | None:
    seen = str(values.get("sequence", ""))
    return int(seen) if seen.isdigit() else None


def _audience_options(ctx: WebContext) -> dict[str, list[tuple[str, str]]]:
    return {
        "bodies": [(b.key, b.name) for b in ctx.settings.bodies],
        "roles": [(str(r), title) for r, title in ROLE_TITLES.items()],
        "municipalities": [(m.key, m.name) for m in ctx.settings.municipalities],
        "languages": list(LANGUAGES.items()),
    }


@router.get("/meetings/{meeting_id}/invite", response_class=HTMLResponse)
def invite_form(request: Request, meeting_id: int, ctx: Context, account: Referat) -> HTMLResponse:
    row = meetings.meeting_row(ctx.deps, meeting_id)
    return ctx.pages.render(
        request,
        "staff/meetings/invite.html",
        {
            "title": f"Einladen: {row.title}",
            "meeting": row,
            "options": _audience_options(ctx),
            "chosen": {},
        },
    )


@router.post("/meetings/{meeting_id}/invite/preview", response_class=HTMLResponse)
def invite_preview(
    request: Request, meeting_id: int, ctx: Context, account: Referat, form: Form
) -> HTMLResponse:
    values = values_of(form)
    preview = meeting_views.preview(
        ctx.deps, ctx.mailing, meeting_id, Action.INVITE, audience=audience_of(values)
    )
    return _preview_page(request, ctx, meeting_id, preview, _listed(values))


def _listed(values: dict[str, object]) -> dict[str, object]:
    """The audience choices as lists, for the hidden fields of the preview's form."""
    return {
        name: value if isinstance(value, list) else [value]
        for name, value in values.items()
        if name in ("bodies", "roles", "municipalities", "languages")
    }


@router.post("/meetings/{meeting_id}/invite")
def invite(meeting_id: int, ctx: Context, account: Referat, form: Form) -> Response:
    audience: Audience = audience_of(values_of(form))
    report = meetings.invite(ctx.deps, ctx.mailing, meeting_id, audience)
    counts = f"{report.invited}-{report.without_consent}-{report.already_invited}"
    return RedirectResponse(f"/meetings/{meeting_id}?eingeladen={counts}", status_code=303)
