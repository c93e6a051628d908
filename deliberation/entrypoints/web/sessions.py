"""Who is signed in: the account a valid session cookie names, looked up once per request.

An account whose epoch moved on (password changed, disabled, logged out) or
a login older than ``[web] session_hours`` has no valid session any more.
"""

from __future__ import annotations

from fastapi import Request

from deliberation.entrypoints.web.context import web_context
from deliberation.entrypoints.web.session_data import end
from deliberation.service_layer import accounts
from deliberation.service_layer.accounts import AccountView


def signed_in_account(request: Request) -> AccountView | None:
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
