"""Accounts (role admin): who has access with which role; lock an account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deliberation.entrypoints.web.auth import allowed
from deliberation.entrypoints.web.context import Context
from deliberation.entrypoints.web.roles import ADMIN
from deliberation.service_layer import accounts
from deliberation.service_layer.accounts import AccountView

router = APIRouter()

Admin = Annotated[AccountView, Depends(allowed(ADMIN, "Zugänge verwalten"))]


@router.get("/accounts", response_class=HTMLResponse)
def account_list(request: Request, ctx: Context, account: Admin) -> HTMLResponse:
    return ctx.pages.render(
        request,
        "staff/accounts.html",
        {
            "title": "Zugänge",
            "accounts": accounts.list_accounts(ctx.deps),
            "done": request.query_params.get("gesperrt", ""),
        },
    )


@router.post("/accounts/{name}/disable")
def disable(name: str, ctx: Context, account: Admin) -> Response:
    view = accounts.disable(ctx.deps, name)
    return RedirectResponse(f"/accounts?gesperrt={view.name}", status_code=303)
