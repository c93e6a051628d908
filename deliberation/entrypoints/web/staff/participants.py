"""The directory of people (Referat): search, add, edit, consent and its proof, DSGVO export
and deletion with a confirmation step. The import has its own module (``participant_import``).
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deliberation.domain.errors import ConcurrencyConflict
from deliberation.domain.participants import LANGUAGES, ROLE_TITLES
from deliberation.entrypoints.web.auth import allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors, values_of
from deliberation.entrypoints.web.roles import REFERAT
from deliberation.service_layer import participants
from deliberation.service_layer.accounts import AccountView
from deliberation.service_layer.participant_rows import FIELD_TITLES, LEGAL_BASIS_TITLES

router = APIRouter()

Referat = Annotated[AccountView, Depends(allowed(REFERAT, "Das Personenverzeichnis führen"))]

#: The fields of the person form, in order.
FIELDS = ("name", "email", "language", "municipality", "roles", "bodies")


def _options(ctx: WebContext) -> dict[str, list[tuple[str, str]]]:
    return {
        "language": list(LANGUAGES.items()),
        "municipality": [("", "keine Angabe")]
        + [(m.key, m.name) for m in ctx.settings.municipalities],
        "roles": [(str(r), t) for r, t in ROLE_TITLES.items()],
        "bodies": [(b.key, b.name) for b in ctx.settings.bodies],
    }


def _record(values: dict[str, object]) -> dict[str, str]:
    """The form's fields as a record (lists of checkboxes joined)."""
    record = {}
    for name in FIELDS:
        value = values.get(name, "")
        record[name] = ", ".join(value) if isinstance(value, list) else str(value)
    return record


def _chosen(values: dict[str, object], name: str) -> list[str]:
    value = values.get(name, [])
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(",") if part.strip()]


@router.get("/participants", response_class=HTMLResponse)
def directory(
    request: Request, ctx: Context, account: Referat, suche: str = "", gemeinde: str = ""
) -> HTMLResponse:
    people = participants.list_participants(ctx.deps, gemeinde or None, search=suche)
    return ctx.pages.render(
        request,
        "staff/participants/list.html",
        {
            "title": "Personen",
            "people": people,
            "values": {"suche": suche, "gemeinde": gemeinde},
            "municipalities": [(m.key, m.name) for m in ctx.settings.municipalities],
            "languages": LANGUAGES,
            "roles": {str(r): t for r, t in ROLE_TITLES.items()},
            "bases": LEGAL_BASIS_TITLES,
            "deleted": request.query_params.get("geloescht", ""),
        },
    )


def _form_page(
    request: Request,
    ctx: WebContext,
    values: dict[str, object],
    errors: FormErrors,
    person: participants.ParticipantView | None = None,
    status_code: int = 200,
    notice: str = "",
) -> HTMLResponse:
    return ctx.pages.render(
        request,
        "staff/participants/form.html",
        {
            "title": f"{person.name} bearbeiten" if person else "Person aufnehmen",
            "person": person,
            "values": values,
            "errors": errors,
            "options": _options(ctx),
            "chosen": {name: _chosen(values, name) for name in ("roles", "bodies")},
            "notice": notice,
        },
        status_code=status_code,
    )


def _problems(problems: tuple[tuple[str, str], ...]) -> FormErrors:
    errors = FormErrors()
    for field, text in problems:
        errors.add(field, text, FIELD_TITLES.get(field, ""))
    return errors


@router.get("/participants/new", response_class=HTMLResponse)
def new_form(request: Request, ctx: Context, account: Referat) -> HTMLResponse:
    return _form_page(request, ctx, {"language": "de"}, FormErrors())


@router.post("/participants/new", response_class=HTMLResponse)
def add(request: Request, ctx: Context, account: Referat, form: Form) -> Response:
    values = values_of(form)
    try:
        view = participants.add(ctx.deps, _record(values), account.name)
    except participants.InvalidPerson as exc:
        return _form_page(request, ctx, values, _problems(exc.problems), status_code=400)
    return RedirectResponse(f"/participants/{view.id}?erledigt=aufgenommen", status_code=303)


@router.get("/participants/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request, person_id: int, ctx: Context, account: Referat, erledigt: str = ""
) -> HTMLResponse:
    person = participants.get(ctx.deps, person_id)
    return ctx.pages.render(
        request,
        "staff/participants/detail.html",
        {
            "title": person.name,
            "person": person,
            "languages": LANGUAGES,
            "roles": {str(r): t for r, t in ROLE_TITLES.items()},
            "bodies": {b.key: b.name for b in ctx.settings.bodies},
            "bases": LEGAL_BASIS_TITLES,
            "done": {
                "aufgenommen": "Die Person ist aufgenommen.",
                "geaendert": "Die Änderungen sind gespeichert.",
                "neue-einwilligung": "Die Änderungen sind gespeichert. Die neue Adresse braucht "
                "eine neue Einwilligung (Double-Opt-in).",
            }.get(erledigt, ""),
        },
    )


@router.get("/participants/{person_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, person_id: int, ctx: Context, account: Referat) -> HTMLResponse:
    person = participants.get(ctx.deps, person_id)
    record = participants.editable_record(ctx.deps, person.email)
    values: dict[str, object] = {**record, **{f"seen_{k}": v for k, v in record.items()}}
    return _form_page(request, ctx, values, FormErrors(), person)


@router.post("/participants/{person_id}/edit", response_class=HTMLResponse)
def edit(request: Request, person_id: int, ctx: Context, account: Referat, form: Form) -> Response:
    values = values_of(form)
    person = participants.get(ctx.deps, person_id)
    seen = {k: str(values.get(f"seen_{k}", "")) for k in FIELDS}
    try:
        report = participants.edit(
            ctx.deps, person.email, _record(values), expected=seen, actor=account.name
        )
    except participants.InvalidPerson as exc:
        return _form_page(request, ctx, values, _problems(exc.problems), person, 400)
    except ConcurrencyConflict as exc:
        fresh = participants.editable_record(ctx.deps, person.email)
        values.update({f"seen_{k}": v for k, v in fresh.items()})
        errors = FormErrors()
        errors.add("", f"{exc} Ihre Eingaben stehen unten; die gespeicherten Angaben daneben.")
        return _form_page(request, ctx, values, errors, person, 409, notice=_stored(fresh))
    done = "neue-einwilligung" if report.consent_reset else "geaendert"
    return RedirectResponse(f"/participants/{person_id}?erledigt={done}", status_code=303)


def _stored(record: dict[str, str]) -> str:
    return "; ".join(f"{FIELD_TITLES[k]}: {v or '—'}" for k, v in record.items())


@router.get("/participants/{person_id}/export")
def export(person_id: int, ctx: Context, account: Referat) -> Response:
    person = participants.get(ctx.deps, person_id)
    data = participants.export(ctx.deps, person.email)
    body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return Response(
        body.encode("utf-8"),
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="auskunft-{person_id}.json"'},
    )


def _delete_page(
    request: Request,
    ctx: WebContext,
    person: participants.ParticipantView,
    errors: FormErrors,
    status_code: int = 200,
) -> HTMLResponse:
    return ctx.pages.render(
        request,
        "staff/participants/delete.html",
        {"title": f"{person.name} löschen", "person": person, "errors": errors},
        status_code=status_code,
    )


@router.get("/participants/{person_id}/delete", response_class=HTMLResponse)
def delete_form(request: Request, person_id: int, ctx: Context, account: Referat) -> HTMLResponse:
    return _delete_page(request, ctx, participants.get(ctx.deps, person_id), FormErrors())


@router.post("/participants/{person_id}/delete", response_class=HTMLResponse)
def delete(
    request: Request, person_id: int, ctx: Context, account: Referat, form: Form
) -> Response:
    person = participants.get(ctx.deps, person_id)
    if values_of(form).get("bestaetigt") != "ja":
        errors = FormErrors()
        errors.add("bestaetigt", "Bitte bestätigen Sie, dass die Person gelöscht werden soll.")
        return _delete_page(request, ctx, person, errors, status_code=400)
    participants.delete(ctx.deps, person.email, actor=account.name)
    # no name in the address: it would stay in logs after the deletion
    return RedirectResponse("/participants?geloescht=1", status_code=303)
