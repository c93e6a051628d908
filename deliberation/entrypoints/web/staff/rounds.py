"""Rounds (Durchgänge): launch one, see a round's workshops, conference, groups, recommendations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field

from deliberation.domain.errors import DeliberationError, FieldKey
from deliberation.entrypoints.web.auth import SignedIn, allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors, PageForm, validate, values_of
from deliberation.entrypoints.web.roles import REFERAT
from deliberation.schedule_setup import schedule_policy
from deliberation.service_layer import cycles, round_views
from deliberation.service_layer.accounts import AccountView
from deliberation.service_layer.status_overview import status_overview

router = APIRouter()

Launcher = Annotated[AccountView, Depends(allowed(REFERAT, "Zyklen starten"))]


class LaunchForm(PageForm):
    workflow: str = Field(min_length=1, title="Art des Zyklus")
    round: str = Field(min_length=1, max_length=80, title="Durchgang")
    reason: str = Field(default="", max_length=2000, title="Begründung")


def _rounds_page(
    request: Request,
    ctx: WebContext,
    errors: FormErrors | None = None,
    values: dict[str, object] | None = None,
    status: int = 200,
) -> HTMLResponse:
    choices = round_views.launchable(ctx.deps)
    return ctx.pages.render(
        request,
        "staff/rounds.html",
        {
            "title": "Durchgänge",
            "rounds": round_views.list_rounds(ctx.deps),
            "workflows": [(c.name, c.title) for c in choices],
            "municipalities": [(m.key, m.name) for m in ctx.settings.municipalities],
            "errors": errors or FormErrors(),
            "values": values or {"workflow": choices[0].name if choices else ""},
        },
        status_code=status,
    )


@router.get("/rounds", response_class=HTMLResponse)
def rounds(request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    return _rounds_page(request, ctx)


@router.post("/rounds", response_class=HTMLResponse)
def launch(request: Request, ctx: Context, form: Form, account: Launcher) -> Response:
    data, errors = validate(LaunchForm, form)
    chosen = [m for m in form.getlist("municipality") if isinstance(m, str)]
    if data is not None:
        try:
            ids = cycles.launch(
                ctx.deps,
                data.workflow,
                data.round.strip(),
                account.name,
                chosen or None,
                data.reason,
                schedule=schedule_policy(ctx.settings, ctx.deps.engine),
            )
        except DeliberationError as exc:
            errors.add_error(exc, {FieldKey.ROUND: "round", FieldKey.REASON: "reason"})
        else:
            target = f"/cycles/{ids[0]}" if len(ids) == 1 else f"/rounds/{data.round.strip()}"
            return RedirectResponse(target, status_code=303)
    values = values_of(form)
    values["municipality"] = chosen
    return _rounds_page(request, ctx, errors, values, status=400)


@router.get("/rounds/{label}", response_class=HTMLResponse)
def overview(label: str, request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    view = status_overview(ctx.deps, label)
    return ctx.pages.render(
        request, "staff/round.html", {"title": f"Durchgang {label}", "round": view}
    )
