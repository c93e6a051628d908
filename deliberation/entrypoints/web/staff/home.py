"""The start page: what needs doing now, and the next meetings."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deliberation.entrypoints.web.auth import SignedIn
from deliberation.entrypoints.web.context import Context
from deliberation.service_layer.start_page import start_page

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def start(request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    page = start_page(ctx.deps)
    return ctx.pages.render(request, "staff/home.html", {"title": "Start", "page": page})
