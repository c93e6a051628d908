"""Logging in and out, and the dependencies that guard pages: ``SignedIn``, ``allowed``.

``GET /`` without a session leads to the login page. Wrong passwords are
counted on the account in the database; after ``[web] login_attempts`` in a
row the account is locked for ``lockout_minutes``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deliberation.domain.accounts import Role
from deliberation.entrypoints.web import session_data, sessions
from deliberation.entrypoints.web.context import Context
from deliberation.entrypoints.web.forms import Form, FormErrors, values_of
from deliberation.entrypoints.web.refusals import LoginRequired, RoleRefused
from deliberation.service_layer import accounts
from deliberation.service_layer.accounts import AccountView, LoginRefused

router = APIRouter()


def signed_in(request: Request) -> AccountView:
    account = sessions.signed_in_account(request)
    if account is None:
        raise LoginRequired()
    return account


#: ``def page(account: SignedIn)``: the page needs a login; the account is the actor.
SignedIn = Annotated[AccountView, Depends(signed_in)]


def allowed(roles: Iterable[Role], what: str) -> Callable[[AccountView], AccountView]:
    """A dependency: the signed-in account if its role is one of ``roles``, else a 403 page.

    ``what`` names the action for the refusal ("Zyklen starten").
    """
    permitted = frozenset(roles)

    def check(account: SignedIn) -> AccountView:
        if Role(account.role) not in permitted:
            order = [r for r in Role if r in permitted]
            raise RoleRefused(what, order, account.role)
        return account

    return check


def _safe_next(target: str) -> str:
    """Only paths of this site: no open redirect to another host."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, ctx: Context, next: str = "/") -> Response:
    if sessions.signed_in_account(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return ctx.pages.render(request, "login.html", {"title": "Anmelden", "next": _safe_next(next)})


@router.post("/login", response_class=HTMLResponse)
def log_in(request: Request, ctx: Context, form: Form) -> Response:
    values = values_of(form)
    target = _safe_next(str(values.get("next", "/")))
    errors = FormErrors()
    name, password = str(values.get("username", "")), str(values.get("password", ""))
    if not name.strip():
        errors.add("username", "Bitte geben Sie Ihren Anmeldenamen ein.")
    if not password:
        errors.add("password", "Bitte geben Sie Ihr Passwort ein.")
    if not errors:
        try:
            account = accounts.log_in(ctx.deps, ctx.passwords, name, password, ctx.policy)
        except LoginRefused as exc:
            errors.add("password", str(exc))
        else:
            session_data.begin(request, account, ctx.deps.clock())
            return RedirectResponse(target, status_code=303)
    values.pop("password", None)  # a password is never sent back
    return ctx.pages.render(
        request,
        "login.html",
        {"title": "Anmelden", "next": target, "errors": errors, "values": values},
        status_code=400,
    )


@router.post("/logout")
def log_out(request: Request, ctx: Context) -> Response:
    account = sessions.signed_in_account(request)
    if account is not None:
        accounts.log_out(ctx.deps, account.id)
    session_data.end(request)
    return RedirectResponse("/login?abgemeldet=1", status_code=303)
