"""A recommendation's page for the Geschäftsstelle: its route with bodies, meetings and
notice periods, placing it on a meeting, recording results (an advisory body's statement,
also without a meeting where the route allows it; a deciding body's decision), the
implementation with its traffic light, the printable Beschlussvorlage, the backward plan
and its trace."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, field_validator

from deliberation.domain.consultations import ConsultationResult
from deliberation.domain.errors import DeliberationError, FieldKey
from deliberation.domain.model import SubjectKind
from deliberation.entrypoints.web import next_steps
from deliberation.entrypoints.web.auth import SignedIn, allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors, validate, values_of
from deliberation.entrypoints.web.roles import SECRETARY
from deliberation.service_layer import (
    consultations,
    documents,
    implementation,
    route_overview,
    trace,
)
from deliberation.service_layer.accounts import AccountView

router = APIRouter()

Secretary = Annotated[
    AccountView, Depends(allowed(SECRETARY, "Beratungsfolge, Ergebnisse und Umsetzung pflegen"))
]
RESOLUTION_TEMPLATE = "recommendation/beschlussvorlage"


def german_date(value: object) -> object:
    """``TT.MM.JJJJ`` (or the ISO form a date field sends) as a date."""
    if isinstance(value, str) and value.strip():
        text = value.strip()
        for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError("Bitte ein Datum im Format TT.MM.JJJJ eingeben, z. B. 30.06.2027.")
    return value


class Versioned(BaseModel):
    version: int = Field(title="Stand der Seite")


class PlaceForm(Versioned):
    meeting: int = Field(title="Sitzung")


class ResultForm(Versioned):
    result: ConsultationResult = Field(title="Ergebnis")
    result_text: str = Field("", max_length=20_000, title="Beschlusstext oder Stellungnahme")


class StatementForm(Versioned):
    statement_result: ConsultationResult = Field(title="Stellungnahme")
    statement_text: str = Field("", max_length=20_000, title="Wortlaut der Stellungnahme")


class AssignForm(Versioned):
    office: str = Field(min_length=1, max_length=300, title="Zuständige Stelle")
    due: date = Field(title="Umzusetzen bis")

    _due = field_validator("due", mode="before")(german_date)


class ProgressForm(Versioned):
    note: str = Field(min_length=1, max_length=20_000, title="Vermerk")
    feasibility: Literal["", "not_feasible", "feasible"] = Field("", title="Umsetzbarkeit")


def _page(
    request: Request,
    ctx: WebContext,
    rec_id: int,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
    done: str = "",
) -> HTMLResponse:
    detail = route_overview.detail(ctx.deps, rec_id)
    found = trace.trace_recommendation(ctx.deps, rec_id)
    rec = detail.recommendation
    return ctx.pages.render(
        request,
        "secretary/recommendation.html",
        {
            "title": f"Empfehlung {rec_id}: {rec.title}",
            "detail": detail,
            "rec": rec,
            "trace": found,
            "reference": documents.reference(rec_id, rec.round),
            "errors": errors or FormErrors(),
            "values": values or {},
            "done": done,
            "feasibility_options": FEASIBILITY_OPTIONS,
            "result_options": [(c.value, c.title) for c in detail.result_choices],
            "statement_options": [
                (c.value, c.title)
                for c in (detail.placement.without_meeting if detail.placement else ())
            ],
            "plan_options": [
                (str(m.id), f"{m.title} ({m.day:%d.%m.%Y})") for m in detail.deciding_meetings
            ],
            "state_titles": {
                key: spec.title
                for key, spec in ctx.deps.engine.for_subject(
                    SubjectKind.RECOMMENDATION
                ).states.items()
            },
        },
        status_code=status,
    )


FEASIBILITY_OPTIONS = [
    ("", "unverändert"),
    ("not_feasible", "nicht umsetzbar melden (Ampel rot; der Vermerk sagt warum)"),
    ("feasible", "wieder umsetzbar (Meldung zurücknehmen)"),
]
DONE_TEXTS = {
    "placed": "Die Empfehlung liegt jetzt auf der gewählten Sitzung.",
    "result": "Das Ergebnis ist festgehalten.",
    "statement": "Die Stellungnahme ohne Sitzung ist festgehalten; das Gremium gilt als beraten.",
    "assigned": "Zuständigkeit und Frist sind gespeichert.",
    "progress": "Der Vermerk ist gespeichert.",
}


@router.get("/recommendations/{rec_id}", response_class=HTMLResponse)
def recommendation_page(
    rec_id: int, request: Request, ctx: Context, account: SignedIn
) -> HTMLResponse:
    return _page(request, ctx, rec_id, done=DONE_TEXTS.get(request.query_params.get("ok", ""), ""))


def _submit(
    request: Request,
    ctx: WebContext,
    rec_id: int,
    form: Any,
    model: type[Versioned],
    action: Any,
    done: str,
    fields: Mapping[FieldKey, str] | None = None,
) -> Response:
    """Validate, run the use case, and go back to the page; on an error show the page again
    with the message at its field and everything typed (a stale page: the fresh state).

    ``fields``: this form's field for each input a refusal can be about."""
    data, errors = validate(model, form)
    status = 400
    if data is not None:
        try:
            action(data)
            return RedirectResponse(f"/recommendations/{rec_id}?ok={done}", status_code=303)
        except DeliberationError as exc:  # a refusal, or a stale page (ConcurrencyConflict)
            if not errors.add_error(exc, fields or {}):
                status = 409
    return _page(request, ctx, rec_id, errors, values_of(form), status)


@router.post("/recommendations/{rec_id}/place")
def place(rec_id: int, request: Request, ctx: Context, form: Form, account: Secretary) -> Response:
    def run(data: PlaceForm) -> None:
        consultations.place(ctx.deps, rec_id, data.meeting, account.name, data.version)

    return _submit(request, ctx, rec_id, form, PlaceForm, run, "placed")


@router.post("/recommendations/{rec_id}/result")
def result(rec_id: int, request: Request, ctx: Context, form: Form, account: Secretary) -> Response:
    def run(data: ResultForm) -> None:
        consultations.record_result(
            ctx.deps, rec_id, data.result, account.name, data.result_text, data.version
        )

    return _submit(
        request, ctx, rec_id, form, ResultForm, run, "result", {FieldKey.TEXT: "result_text"}
    )


@router.post("/recommendations/{rec_id}/statement")
def statement(
    rec_id: int, request: Request, ctx: Context, form: Form, account: Secretary
) -> Response:
    """The next advisory body's statement without a meeting, where the route allows it."""

    def run(data: StatementForm) -> None:
        consultations.give_statement_without_meeting(
            ctx.deps,
            rec_id,
            data.statement_result,
            data.statement_text,
            account.name,
            data.version,
        )

    return _submit(
        request,
        ctx,
        rec_id,
        form,
        StatementForm,
        run,
        "statement",
        {FieldKey.TEXT: "statement_text"},
    )


@router.post("/recommendations/{rec_id}/assign")
def assign(rec_id: int, request: Request, ctx: Context, form: Form, account: Secretary) -> Response:
    def run(data: AssignForm) -> None:
        implementation.assign(ctx.deps, rec_id, data.office, data.due, account.name, data.version)

    return _submit(
        request, ctx, rec_id, form, AssignForm, run, "assigned", {FieldKey.OFFICE: "office"}
    )


@router.post("/recommendations/{rec_id}/progress")
def progress(
    rec_id: int, request: Request, ctx: Context, form: Form, account: Secretary
) -> Response:
    def run(data: ProgressForm) -> None:
        feasible = {"": None, "not_feasible": False, "feasible": True}[data.feasibility]
        implementation.note_progress(
            ctx.deps,
            rec_id,
            data.note,
            account.name,
            feasible=feasible,
            seen_version=data.version,
        )

    return _submit(request, ctx, rec_id, form, ProgressForm, run, "progress")


@router.get("/recommendations/{rec_id}/beschlussvorlage", response_class=HTMLResponse)
def resolution_draft(rec_id: int, ctx: Context, account: SignedIn) -> HTMLResponse:
    """The printable Beschlussvorlage, a document of its own (print it from the browser)."""
    draft = documents.resolution_draft(ctx.deps, rec_id)
    html = ctx.documents.render(RESOLUTION_TEMPLATE, {"draft": draft})
    return HTMLResponse(html)


@router.get("/recommendations/{rec_id}/plan", response_class=HTMLResponse)
def backward_plan(rec_id: int, request: Request, ctx: Context, account: SignedIn) -> Response:
    raw = request.query_params.get("meeting", "").strip()
    if not raw.isdigit():
        errors = FormErrors()
        errors.add("meeting", "Bitte eine Sitzung des Kreistags wählen.", "Kreistagssitzung")
        return _page(request, ctx, rec_id, errors, dict(request.query_params), 400)
    view = route_overview.backward_plan(ctx.deps, rec_id, int(raw))
    return ctx.pages.render(
        request,
        "secretary/plan.html",
        {
            "title": f"Rückwärtsterminierung für Empfehlung {rec_id}",
            "view": view,
            "next_link": next_steps.link_of,
        },
    )


@router.get("/trace/needs/{need_id}", response_class=HTMLResponse)
def need_trace(need_id: int, request: Request, ctx: Context, account: SignedIn) -> HTMLResponse:
    """What became of a need: back from a recommendation to where it came from, and on."""
    found = trace.trace_need(ctx.deps, need_id)
    return ctx.pages.render(
        request,
        "secretary/need_trace.html",
        {"title": f"Bedarf {need_id}: was daraus wurde", "trace": found},
    )
