"""The implementation report for a committee: a page, a printable document and XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from deliberation.entrypoints import tracker_files
from deliberation.entrypoints.web.auth import SignedIn, allowed
from deliberation.entrypoints.web.context import Context
from deliberation.entrypoints.web.roles import SECRETARY
from deliberation.service_layer import implementation_report
from deliberation.service_layer.accounts import AccountView

router = APIRouter()

Exporter = Annotated[
    AccountView, Depends(allowed(SECRETARY, "Den Umsetzungsbericht herunterladen"))
]
PRINT_TEMPLATE = "recommendation/implementation_overview"
DEFAULT_COMMITTEE = "kreisausschuss"


def _committee(request: Request, ctx: Context) -> str:
    wanted = request.query_params.get("committee", "").strip()
    if wanted:
        return wanted
    keys = [b.key for b in ctx.settings.bodies]
    return DEFAULT_COMMITTEE if DEFAULT_COMMITTEE in keys else (keys[0] if keys else "")


@router.get("/implementation-report", response_class=HTMLResponse)
def report_page(request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    report = implementation_report.implementation_report(ctx.deps, _committee(request, ctx))
    return ctx.pages.render(
        request,
        "secretary/implementation_report.html",
        {
            "title": f"Umsetzungsbericht {report.quarter}",
            "report": report,
            "committees": [(b.key, b.name) for b in ctx.settings.bodies],
            "values": {"committee": report.committee_key},
        },
    )


@router.get("/implementation-report/print", response_class=HTMLResponse)
def report_print(request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    report = implementation_report.implementation_report(ctx.deps, _committee(request, ctx))
    html = ctx.documents.render(PRINT_TEMPLATE, {"report": report})
    return HTMLResponse(html)


@router.get("/implementation-report.xlsx")
def report_xlsx(request: Request, ctx: Context, account: Exporter) -> Response:
    report = implementation_report.implementation_report(ctx.deps, _committee(request, ctx))
    name = f"umsetzungsbericht-{report.committee_key}-{report.as_of:%Y-%m-%d}.xlsx"
    return Response(
        tracker_files.report_xlsx(report),
        media_type=tracker_files.XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
