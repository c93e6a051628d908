"""Monitoring and pictures for all staff: the monitoring table with its chart, the workflow
diagrams, the calendar timeline. Every picture has its content as a table beside it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from deliberation.adapters.diagram import state_diagram_svg
from deliberation.adapters.timeline import COLOURS, timeline_svg
from deliberation.domain.errors import DeliberationError, NotFound
from deliberation.domain.workflow import WorkflowDefinition
from deliberation.entrypoints.monitoring_output import GROUP_HEADER, HEADER, chart, group_rows, rows
from deliberation.entrypoints.web.auth import SignedIn
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import FormErrors
from deliberation.service_layer import calendar_timeline, monitoring
from deliberation.service_layer.planning import add_months

router = APIRouter()

#: An SVG image with its own style sheet: the page's policy allows no inline styles, the
#: image's does (and nothing else).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
PICTURE_LABEL = 'role="img" aria-labelledby="timeline-caption"'
KIND_TITLES = {
    "meeting": "Sitzung",
    "launch": "Durchgang gestartet",
    "group_overdue": "Mahnung Arbeitsgruppe",
    "decision_overdue": "Mahnung Entscheidung",
}


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(
    request: Request, ctx: Context, account: SignedIn, durchgang: str = ""
) -> HTMLResponse:
    errors = FormErrors()
    try:
        figures = monitoring.monitoring(ctx.deps, durchgang or None)
        groups = monitoring.working_groups(ctx.deps, durchgang or None)
    except DeliberationError as exc:  # a round that does not exist
        figures, groups = [], []
        errors.add("durchgang", str(exc), "Durchgang")
    rounds = monitoring.round_labels(ctx.deps)
    return ctx.pages.render(
        request,
        "staff/pictures/monitoring.html",
        {
            "title": "Beteiligungsmonitoring",
            "chart": chart(figures),
            "header": HEADER,
            "rows": rows(figures),
            "group_header": GROUP_HEADER,
            "group_rows": group_rows(groups),
            "round_options": [("", "alle Durchgänge"), *((r, r) for r in rounds)],
            "values": {"durchgang": durchgang},
            "errors": errors,
        },
        status_code=404 if errors else 200,
    )


def _workflow(ctx: WebContext, name: str) -> WorkflowDefinition:
    found = [d for d in ctx.deps.engine.definitions() if d.name == name]
    if not found:
        raise NotFound(f"Einen Ablauf „{name}“ gibt es nicht.")
    return max(found, key=lambda d: d.version)


@router.get("/workflows", response_class=HTMLResponse)
def workflow_list(request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    newest: dict[str, WorkflowDefinition] = {}
    for definition in ctx.deps.engine.definitions():
        if definition.name not in newest or newest[definition.name].version < definition.version:
            newest[definition.name] = definition
    return ctx.pages.render(
        request,
        "staff/pictures/workflows.html",
        {"title": "Abläufe", "workflows": sorted(newest.values(), key=lambda d: d.title)},
    )


@router.get("/workflows/{name}", response_class=HTMLResponse)
def workflow_page(request: Request, name: str, ctx: Context, account: SignedIn) -> HTMLResponse:
    definition = _workflow(ctx, name)
    return ctx.pages.render(
        request,
        "staff/pictures/workflow.html",
        {"title": f"Ablauf: {definition.title}", "workflow": definition},
    )


@router.get("/workflows/{name}/diagram.svg")
def workflow_diagram(name: str, ctx: Context, account: SignedIn) -> Response:
    return Response(
        state_diagram_svg(_workflow(ctx, name)),
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": SVG_POLICY},
    )


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(
    request: Request, ctx: Context, account: SignedIn, monate: int = 24
) -> HTMLResponse:
    months = min(max(monate, 3), 120)
    zone = ZoneInfo(ctx.deps.timezone)
    first = add_months(ctx.deps.today().replace(day=1), -3)
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(add_months(first, months), time(0), zone)
    entries = sorted(calendar_timeline.calendar_timeline(ctx.deps, start, end), key=lambda e: e.at)
    title = f"Kalender {start:%m/%Y} bis {(end - timedelta(days=1)):%m/%Y}"
    picture = timeline_svg(entries, start, end, title, local=zone)
    return ctx.pages.render(
        request,
        "staff/pictures/timeline.html",
        {
            "title": "Zeitleiste",
            "heading": title,
            # built from escaped texts only (adapters.timeline escapes every label)
            "picture": Markup(picture.replace("<svg ", f"<svg {PICTURE_LABEL} ", 1)),
            "entries": entries,
            "kinds": KIND_TITLES,
            "colours": COLOURS,
            "months": months,
            "zone": zone,
        },
    )
