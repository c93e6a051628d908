"""What the signed session cookie holds, and the CSRF token kept in it.

The cookie (Starlette's ``SessionMiddleware``: signed, expiring) holds the
account id, the account's session epoch at login, when the login happened
and the CSRF token: nothing a second worker would miss.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from fastapi import Request

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
