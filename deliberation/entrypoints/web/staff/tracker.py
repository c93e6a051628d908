"""The tracker in the browser: filters as a GET form, sortable columns, pages, and the
whole filtered list as CSV or XLSX."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from deliberation.domain.errors import DeliberationError
from deliberation.entrypoints import tracker_files
from deliberation.entrypoints.web.auth import SignedIn, allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import FormErrors
from deliberation.entrypoints.web.roles import SECRETARY
from deliberation.service_layer import tracker
from deliberation.service_layer.accounts import AccountView
from deliberation.service_layer.ports import TrackerSort
from deliberation.service_layer.tracker import (
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    SORT_TITLES,
    TrackerQuery,
)

router = APIRouter()

Exporter = Annotated[AccountView, Depends(allowed(SECRETARY, "Den Tracker herunterladen"))]
FILTERS = ("state", "body", "round", "municipality", "office", "overdue")
#: the table's columns in order: (sort key, heading)
COLUMNS = [
    (s.value, SORT_TITLES[s])
    for s in (
        TrackerSort.NUMBER,
        TrackerSort.TITLE,
        TrackerSort.GROUP,
        TrackerSort.ROUND,
        TrackerSort.STATE,
        TrackerSort.OFFICE,
        TrackerSort.DUE,
    )
]


def parse_query(params: dict[str, str], errors: FormErrors) -> TrackerQuery:
    """The tracker query of the GET form; what cannot be read is reported at its field."""

    def text(name: str) -> str | None:
        return params.get(name, "").strip() or None

    def number(name: str, default: int) -> int:
        raw = params.get(name, "").strip()
        if not raw:
            return default
        if raw.isdigit() and int(raw) > 0:
            return int(raw)
        errors.add(name, "Bitte eine positive ganze Zahl angeben.")
        return default

    sort = TrackerSort.NUMBER
    if text("sort"):
        try:
            sort = TrackerSort(params["sort"].strip())
        except ValueError:
            errors.add("sort", "Nach dieser Spalte lässt sich nicht sortieren.")
    per_page = number("per_page", DEFAULT_PAGE_SIZE)
    if per_page not in PAGE_SIZES:
        errors.add("per_page", f"Möglich sind {', '.join(map(str, PAGE_SIZES))} Zeilen je Seite.")
        per_page = DEFAULT_PAGE_SIZE
    return TrackerQuery(
        state=text("state"),
        round_label=text("round"),
        municipality=text("municipality"),
        body=text("body"),
        office=text("office"),
        overdue=params.get("overdue", "") in ("1", "on", "ja"),
        sort=sort,
        descending=params.get("desc", "") == "1",
        page=number("page", 1),
        per_page=per_page,
    )


def _filters_of(params: dict[str, str]) -> dict[str, str]:
    return {k: params[k] for k in FILTERS if params.get(k, "").strip()}


def _links(params: dict[str, str], query: TrackerQuery) -> dict[str, object]:
    """Query strings for sorting by each column, for pages and for the downloads."""
    filters = _filters_of(params)
    base = {**filters, "per_page": str(query.per_page)}

    def order(sort: TrackerSort, descending: bool) -> dict[str, str]:
        return {**base, "sort": sort.value, **({"desc": "1"} if descending else {})}

    def sort_link(sort: TrackerSort) -> str:
        return "?" + urlencode(order(sort, sort == query.sort and not query.descending))

    ordered = order(query.sort, query.descending)
    return {
        "sort_links": {s.value: sort_link(s) for s in TrackerSort},
        "page_link": lambda page: "?" + urlencode({**ordered, "page": str(page)}),
        "download": urlencode(filters),
    }


@router.get("/tracker", response_class=HTMLResponse)
def tracker_page(request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    params = dict(request.query_params)
    errors = FormErrors()
    query = parse_query(params, errors)
    page = None
    if not errors:
        try:
            page = tracker.tracker_page(ctx.deps, query)
        except DeliberationError as exc:
            errors.add(_field_of(exc), str(exc))
    return ctx.pages.render(
        request,
        "secretary/tracker.html",
        {
            "title": "Tracker: Empfehlungen",
            "page": page,
            "query": query,
            "options": _options(tracker.choices(ctx.deps)),
            "columns": COLUMNS,
            "sort_titles": {s.value: t for s, t in SORT_TITLES.items()},
            "values": params,
            "errors": errors,
            **_links(params, query),
        },
        status_code=400 if errors else 200,
    )


def _options(choices: tracker.TrackerChoices) -> dict[str, list[tuple[str, str]]]:
    """(value, title) pairs of every select of the filter form; "" means no filter."""

    def pairs(first: str, found: tuple[tracker.Choice, ...]) -> list[tuple[str, str]]:
        return [("", first), *((c.value, c.title) for c in found)]

    return {
        "state": pairs("alle", choices.states),
        "body": pairs("allen Gremien", choices.bodies),
        "round": pairs("alle", choices.rounds),
        "municipality": pairs("alle", choices.municipalities),
        "office": [("", "alle"), *((o, o) for o in choices.offices)],
        "per_page": [(str(n), str(n)) for n in PAGE_SIZES],
    }


def _field_of(error: DeliberationError) -> str:
    """Which filter a service-layer refusal is about (its message names it)."""
    message = str(error)
    for word, field in (
        ("Zustand", "state"),
        ("Gremium", "body"),
        ("Gemeinde", "municipality"),
        ("Seite", "page"),
    ):
        if word in message:
            return field
    return ""


def _export(ctx: WebContext, request: Request) -> list[tracker.ExportLine]:
    errors = FormErrors()
    query = parse_query(dict(request.query_params), errors)
    if errors:
        raise DeliberationError(" ".join(m for _, m in errors.summary()))
    return tracker.export(ctx.deps, query)


def _attachment(content: bytes, media_type: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/tracker.csv")
def tracker_csv(request: Request, ctx: Context, account: Exporter) -> Response:
    zone = ZoneInfo(ctx.settings.county.timezone)
    content = tracker_files.tracker_csv(_export(ctx, request), zone)
    return _attachment(content, tracker_files.CSV_TYPE, "empfehlungen.csv")


@router.get("/tracker.xlsx")
def tracker_xlsx(request: Request, ctx: Context, account: Exporter) -> Response:
    zone = ZoneInfo(ctx.settings.county.timezone)
    content = tracker_files.tracker_xlsx(_export(ctx, request), zone)
    return _attachment(content, tracker_files.XLSX_TYPE, "empfehlungen.xlsx")
