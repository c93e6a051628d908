"""The start page: what needs doing now, for the signed-in person's role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deliberation.entrypoints.web.auth import SignedIn
from deliberation.entrypoints.web.context import Context

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def start(request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    return ctx.pages.render(request, "staff/home.html", {"title": "Start"})
