"""Sessions in signed, expiring cookies (Starlette's ``SessionMiddleware``) and CSRF tokens.

The cookie holds the account id, the account's session epoch at login, when
the login happened and the CSRF token: nothing a second worker would miss.
An account whose epoch moved on (password changed, disabled, logged out)
has no valid session any more.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from fastapi import Request

from deliberation.entrypoints.web.context import web_context
from deliberation.service_layer import accounts
from deliberation.service_layer.accounts import AccountView

COOKIE = "deliberation_session"
CSRF_FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (also for the login form)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def begin(request: Request, account: AccountView, now: datetime) -> None:
    """A fresh session for ``account``: a new CSRF token, nothing kept from before."""
    request.session.clear()
    request.session.update(
        {
            "uid": account.id,
            "epoch": account.session_epoch,
            "since": now.timestamp(),
            "csrf": secrets.token_urlsafe(32),
        }
    )


def end(request: Request) -> None:
    request.session.clear()


def signed_in_account(request: Request) -> AccountView | None:
    """The account of a valid session, looked up once per request."""
    if not hasattr(request.state, "account"):
        request.state.account = _lookup(request)
    found: AccountView | None = request.state.account
    return found


def _lookup(request: Request) -> AccountView | None:
    session = request.session
    uid, epoch, since = session.get("uid"), session.get("epoch"), session.get("since")
    if not isinstance(uid, int) or not isinstance(epoch, int) or not isinstance(since, float):
        return None
    ctx = web_context(request)
    now = ctx.deps.clock().timestamp()
    if not 0 <= now - since <= ctx.session_lifetime.total_seconds():
        end(request)
        return None
    account = accounts.session_account(ctx.deps, uid, epoch)
    if account is None:
        end(request)
    return account
