"""Importing a list of people (CSV or XLSX): a preview of every row with its errors, nothing
written; then every valid row in one go.

The preview's form carries the rows it showed (compressed, in a hidden field),
so the import takes exactly what was previewed, checked once more, and no
upload is kept on the server: any worker can take the second step.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from deliberation.adapters.participant_files import UnreadableFile, read_participant_data
from deliberation.entrypoints.web.auth import allowed
from deliberation.entrypoints.web.context import Context, WebContext
from deliberation.entrypoints.web.forms import Form, FormErrors
from deliberation.entrypoints.web.roles import REFERAT
from deliberation.service_layer import participants
from deliberation.service_layer.accounts import AccountView
from deliberation.service_layer.participant_rows import FIELD_TITLES, OUTCOME_TITLES, Outcome

router = APIRouter()

Referat = Annotated[AccountView, Depends(allowed(REFERAT, "Personenlisten importieren"))]

MAX_FILE = 5 * 1024 * 1024
#: the rows travel back in a form field, which the server takes up to 1 MiB
MAX_CARRIED = 900 * 1024

Rows = list[tuple[int, dict[str, str]]]


def _upload_page(
    request: Request, ctx: WebContext, errors: FormErrors, status_code: int = 200
) -> HTMLResponse:
    return ctx.pages.render(
        request,
        "staff/participants/import.html",
        {"title": "Personen importieren", "errors": errors},
        status_code=status_code,
    )


@router.get("/participants/import", response_class=HTMLResponse)
def upload_form(request: Request, ctx: Context, account: Referat) -> HTMLResponse:
    return _upload_page(request, ctx, FormErrors())


def _refused(request: Request, ctx: WebContext, message: str) -> HTMLResponse:
    errors = FormErrors()
    errors.add("datei", message, "Datei")
    return _upload_page(request, ctx, errors, status_code=400)


@router.post("/participants/import/preview", response_class=HTMLResponse)
def preview(request: Request, ctx: Context, account: Referat, form: Form) -> Response:
    upload = form.get("datei")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _refused(request, ctx, "Bitte eine CSV- oder Excel-Datei (.xlsx) auswählen.")
    try:
        data = upload.file.read(MAX_FILE + 1)
    finally:
        upload.file.close()
    if len(data) > MAX_FILE:
        return _refused(request, ctx, "Die Datei ist größer als 5 MB; bitte in Teilen importieren.")
    try:
        rows = read_participant_data(data, upload.filename)
    except UnreadableFile as exc:
        return _refused(request, ctx, str(exc))
    carried = _pack(rows)
    if len(carried) > MAX_CARRIED:
        return _refused(
            request,
            ctx,
            "Die Liste ist für einen Import im Browser zu lang; bitte in Teilen "
            "importieren oder mit „deliberation participant import“.",
        )
    result = participants.preview_import(ctx.deps, rows)
    return ctx.pages.render(
        request,
        "staff/participants/import_preview.html",
        {
            "title": f"Vorschau: {upload.filename}",
            "file_name": upload.filename,
            "preview": result,
            "carried": carried,
            "outcomes": OUTCOME_TITLES,
            "Outcome": Outcome,
            "fields": FIELD_TITLES,
        },
    )


@router.post("/participants/import", response_class=HTMLResponse)
def take_over(request: Request, ctx: Context, account: Referat, form: Form) -> Response:
    rows = _unpack(str(form.get("zeilen", "")))
    if rows is None:
        return _refused(
            request,
            ctx,
            "Die Vorschau ist unvollständig angekommen; bitte die Datei noch einmal hochladen.",
        )
    report = participants.import_participants(
        ctx.deps, rows, actor=account.name, source="Import im Browser"
    )
    return ctx.pages.render(
        request,
        "staff/participants/import_done.html",
        {
            "title": "Import abgeschlossen",
            "file_name": str(form.get("datei_name", "")),
            "report": report,
        },
    )


def _pack(rows: Rows) -> str:
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def _unpack(carried: str) -> Rows | None:
    try:
        text = zlib.decompress(base64.urlsafe_b64decode(carried.encode("ascii")))
        loaded = json.loads(text.decode("utf-8"))
    except (ValueError, binascii.Error, zlib.error, UnicodeError):
        return None
    if not isinstance(loaded, list):
        return None
    rows: Rows = []
    for item in loaded:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], int)
            and isinstance(item[1], dict)
        ):
            return None
        rows.append((item[0], {str(k): str(v) for k, v in item[1].items()}))
    return rows
