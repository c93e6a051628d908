"""Needs at a workshop: fast entry while it runs, corrections, dot-voting, the ranked list.

The entry form works with a plain POST and a redirect; with JavaScript, htmx
posts it and swaps in the fresh form and list, so staff type one card after
the other without the page reloading (topic field and scope stay chosen).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field

from deliberation.domain.errors import DeliberationError, FieldKey
from deliberation.entrypoints.web.auth import SignedIn, allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors, PageForm, validate, values_of
from deliberation.entrypoints.web.roles import REFERAT
from deliberation.service_layer import needs, round_views
from deliberation.service_layer.accounts import AccountView
from deliberation.service_layer.views import NeedView

router = APIRouter()

Editor = Annotated[AccountView, Depends(allowed(REFERAT, "Bedarfe erfassen und ändern"))]
SCOPES = [
    ("lokal", "lokal (bleibt in der Gemeinde)"),
    ("kreisweit", "kreisweit (an die Konferenz)"),
]
SCOPE_OF_VIEW = {"local": "lokal", "county": "kreisweit"}


class NeedForm(PageForm):
    text: str = Field(min_length=1, max_length=needs.TEXT_MAX, title="Bedarf")
    topic_field: str = Field(min_length=1, title="Themenfeld")
    scope: Literal["lokal", "kreisweit"] = Field(title="Reichweite")


def _ranked(views: list[NeedView]) -> list[NeedView]:
    return sorted(views, key=lambda n: (-n.total_votes, n.id))


def _context(
    ctx: WebContext,
    cycle_id: int,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    added: NeedView | None = None,
) -> dict[str, Any]:
    page = round_views.cycle_page(ctx.deps, cycle_id)
    return {
        "title": f"Bedarfe: {page.cycle.title}",
        "page": page,
        "cycle": page.cycle,
        "ranked": _ranked(list(page.cycle.needs)),
        "topic_fields": [(t, t) for t in ctx.deps.topic_fields],
        "scopes": SCOPES,
        "errors": errors or FormErrors(),
        "values": values or {"topic_field": ctx.deps.topic_fields[0], "scope": "kreisweit"},
        "added": added,
    }


@router.get("/cycles/{cycle_id}/needs", response_class=HTMLResponse)
def needs_page(cycle_id: int, request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    query = request.query_params
    values = {
        "topic_field": query.get("topic_field") or ctx.deps.topic_fields[0],
        "scope": query.get("scope") or "kreisweit",
    }
    added = None
    if query.get("erfasst", "").isdigit():
        added = needs.show(ctx.deps, int(query["erfasst"]))
    context = _context(ctx, cycle_id, values=values, added=added)
    return ctx.pages.render(request, "staff/needs.html", context)


@router.post("/cycles/{cycle_id}/needs", response_class=HTMLResponse)
def add_need(
    cycle_id: int, request: Request, ctx: Context, form: Form, account: Editor
) -> Response:
    data, errors = validate(NeedForm, form)
    values = values_of(form)
    htmx = request.headers.get("hx-request") == "true"
    if data is not None:
        try:
            need_id = needs.add(
                ctx.deps, cycle_id, data.text, data.topic_field, data.scope, account.name
            )
        except DeliberationError as exc:
            errors.add_error(exc, {FieldKey.TEXT: "text"})
        else:
            if not htmx:
                return RedirectResponse(
                    f"/cycles/{cycle_id}/needs?erfasst={need_id}"
                    f"&topic_field={data.topic_field}&scope={data.scope}#text",
                    status_code=303,
                )
            added = needs.show(ctx.deps, need_id)
            kept = {"topic_field": data.topic_field, "scope": data.scope}
            return ctx.pages.render(
                request, "staff/_need_entry.html", _context(ctx, cycle_id, values=kept, added=added)
            )
    context = _context(ctx, cycle_id, errors, values)
    if htmx:  # htmx swaps only successful answers; the form with its errors is one
        return ctx.pages.render(request, "staff/_need_entry.html", context)
    return ctx.pages.render(request, "staff/needs.html", context, status_code=400)


@router.get("/needs/{need_id}/edit", response_class=HTMLResponse)
def edit_page(need_id: int, request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    view = needs.show(ctx.deps, need_id)
    return _edit(request, ctx, view, FormErrors(), _typed(view))


def _typed(view: NeedView) -> dict[str, Any]:
    """A card's values as its form shows them."""
    return {"text": view.text, "topic_field": view.topic_field, "scope": SCOPE_OF_VIEW[view.scope]}


def _edit(
    request: Request,
    ctx: WebContext,
    view: NeedView,
    errors: FormErrors,
    values: dict[str, Any],
    status: int = 200,
) -> HTMLResponse:
    return ctx.pages.render(
        request,
        "staff/need_edit.html",
        {
            "title": f"Bedarf {view.id} ändern",
            "need": view,
            "topic_fields": [(t, t) for t in ctx.deps.topic_fields],
            "scopes": SCOPES,
            "errors": errors,
            "values": values,
        },
        status_code=status,
    )


@router.post("/needs/{need_id}/edit", response_class=HTMLResponse)
def edit(need_id: int, request: Request, ctx: Context, form: Form, account: Editor) -> Response:
    view = needs.show(ctx.deps, need_id)
    data, errors = validate(NeedForm, form)
    if data is not None:
        try:
            needs.edit(ctx.deps, need_id, data.text, data.topic_field, data.scope, account.name)
        except DeliberationError as exc:
            errors.add_error(exc, {FieldKey.TEXT: "text"})
        else:
            return RedirectResponse(
                f"/cycles/{view.cycle_id}/needs?geaendert={need_id}", status_code=303
            )
    return _edit(request, ctx, view, errors, values_of(form), status=400)


@router.post("/needs/{need_id}/delete", response_class=HTMLResponse)
def delete(need_id: int, request: Request, ctx: Context, account: Editor) -> Response:
    view = needs.show(ctx.deps, need_id)
    try:
        needs.delete(ctx.deps, need_id, account.name)
    except DeliberationError as exc:
        errors = FormErrors()
        errors.add("", str(exc))
        return _edit(request, ctx, view, errors, _typed(view), status=409)
    return RedirectResponse(f"/cycles/{view.cycle_id}/needs?geloescht={need_id}", status_code=303)


@router.post("/cycles/{cycle_id}/votes", response_class=HTMLResponse)
def vote(cycle_id: int, request: Request, ctx: Context, form: Form, account: Editor) -> Response:
    """Dots per card as counted from the board: ``dots-<need id>`` = 0 to 10."""
    errors = FormErrors()
    given: dict[int, int] = {}
    known = {n.id for n in needs.list_needs(ctx.deps, cycle_id)}
    for key, raw in values_of(form).items():
        if not key.startswith("dots-") or not key[5:].isdigit() or int(key[5:]) not in known:
            continue
        text = str(raw).strip()
        if not text:
            continue
        if not text.isdigit() or not 0 <= int(text) <= 10:
            errors.add(key, "Bitte 0 bis 10 Punkte eingeben.", f"Punkte für Bedarf {key[5:]}")
        elif int(text):
            given[int(key[5:])] = int(text)
    if not errors:
        try:
            for need_id, dots in given.items():
                needs.vote(ctx.deps, need_id, dots)
        except DeliberationError as exc:
            errors.add("", str(exc))
        else:
            return RedirectResponse(
                f"/cycles/{cycle_id}/needs?punkte={sum(given.values())}#ranked", status_code=303
            )
    context = _context(ctx, cycle_id, errors)
    context["votes"] = values_of(form)
    return ctx.pages.render(request, "staff/needs.html", context, status_code=400)
