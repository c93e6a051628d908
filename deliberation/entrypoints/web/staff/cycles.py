"""A cycle's page: its state, history, needs, agenda and groups; the steps possible now."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deliberation.entrypoints.web.auth import SignedIn, allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors
from deliberation.entrypoints.web.roles import REFERAT
from deliberation.entrypoints.web.staff.steps import take_step
from deliberation.service_layer import cycles, round_views
from deliberation.service_layer.accounts import AccountView

router = APIRouter()

Stepper = Annotated[AccountView, Depends(allowed(REFERAT, "Zyklen weiterführen"))]


def cycle_page(
    request: Request,
    ctx: WebContext,
    cycle_id: int,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
    stale: bool = False,
) -> HTMLResponse:
    page = round_views.cycle_page(ctx.deps, cycle_id)
    return ctx.pages.render(
        request,
        "staff/cycle.html",
        {
            "title": page.cycle.title,
            "page": page,
            "cycle": page.cycle,
            "errors": errors or FormErrors(),
            "values": values or {},
            "stale": stale,
            "step_taken": request.query_params.get("erledigt") == "1",
        },
        status_code=status,
    )


@router.get("/cycles/{cycle_id}", response_class=HTMLResponse)
def show(cycle_id: int, request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    return cycle_page(request, ctx, cycle_id)


@router.post("/cycles/{cycle_id}/steps", response_class=HTMLResponse)
def step(cycle_id: int, request: Request, ctx: Context, form: Form, account: Stepper) -> Response:
    view = cycles.show(ctx.deps, cycle_id)
    titles = {s.trigger: s.title for s in view.status.next_steps}
    errors, values, stale = take_step(
        form,
        titles,
        lambda trigger, reason, text, version: cycles.advance(
            ctx.deps, cycle_id, trigger, account.name, reason, text, version, ctx.mailing
        ),
    )
    if not errors:
        return RedirectResponse(f"/cycles/{cycle_id}?erledigt=1", status_code=303)
    status = 409 if stale else 400
    return cycle_page(request, ctx, cycle_id, errors, values, status, stale)
