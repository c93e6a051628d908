"""The outbox: what is waiting, sent, failed (with the server's answer); failed ones retried.

Staff of every role see it; the Referat and the administrators retry.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deliberation.domain.accounts import Role
from deliberation.entrypoints.web.auth import SignedIn, allowed
from deliberation.entrypoints.web.context import Context
from deliberation.entrypoints.web.forms import Form
from deliberation.service_layer import outbox
from deliberation.service_layer.accounts import AccountView
from deliberation.service_layer.outbox import GROUP_TITLES, MessageGroup

router = APIRouter()

RETRYING = frozenset({Role.REFERAT, Role.ADMIN})
Retrying = Annotated[
    AccountView, Depends(allowed(RETRYING, "Gescheiterte Nachrichten erneut versuchen"))
]
PAGE_SIZE = 50


@router.get("/outbox", response_class=HTMLResponse)
def outbox_page(
    request: Request, ctx: Context, account: SignedIn, gruppe: str = "failed", ab: int = 0
) -> HTMLResponse:
    group = MessageGroup(gruppe) if gruppe in set(MessageGroup) else MessageGroup.FAILED
    page = outbox.message_page(ctx.deps, group, offset=ab, limit=PAGE_SIZE)
    overview = outbox.overview(ctx.deps)
    return ctx.pages.render(
        request,
        "staff/outbox/page.html",
        {
            "title": "Postausgang",
            "page": page,
            "groups": GROUP_TITLES,
            "counts": {
                g: sum(overview.counts.get(s.value, 0) for s in outbox.GROUP_STATUSES[g])
                for g in MessageGroup
            },
            "may_retry": account.role in RETRYING,
            "retried": request.query_params.get("erneut", ""),
        },
    )


@router.post("/outbox/retry")
def retry(ctx: Context, account: Retrying, form: Form) -> Response:
    ids = [int(v) for v in form.getlist("id") if isinstance(v, str) and v.isdigit()]
    count = outbox.retry_failed(ctx.deps, ids or None, account.name)
    return RedirectResponse(f"/outbox?gruppe=waiting&erneut={count}", status_code=303)
