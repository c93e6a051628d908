"""What every public form passes: a size limit, a rate limit per address, a honeypot, no HTML.

- ``form: PublicForm`` reads the posted form: more than ``[public] max_form_bytes`` is
  refused (413) before it is parsed, also without a ``Content-Length``; only
  ``application/x-www-form-urlencoded`` is taken (what a browser sends; no uploads);
  a filled honeypot field (``{{ honeypot() }}`` in the template) is refused (400).
- ``Depends(RateLimited("needs"))`` counts the posts of one client address to that form
  in the database (so every uvicorn worker and every server sees the same count) and
  refuses more than ``[public] posts_per_window`` within ``window_minutes`` (429).
  The address is stored only as a keyed digest, and only for the window.
- ``validate(Model, form, language)``: field errors in the visitor's language, and any
  field that contains HTML is refused with a clear message (the text is kept).

Refusals are ``PublicRefusal`` and shown by the error pages in the visitor's language.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from deliberation.entrypoints.web.context import web_context
from deliberation.entrypoints.web.forms import FormErrors
from deliberation.entrypoints.web.public import texts
from deliberation.entrypoints.web.public.rendering import HONEYPOT
from deliberation.entrypoints.web.public.texts import say
from deliberation.service_layer import rate_limits

#: fields a public form may post (a ballot has one per card of its workshop)
MAX_FIELDS = 200
URLENCODED = "application/x-www-form-urlencoded"
#: "<" directly before a letter, "/", "!" or "?": the start of a tag, comment or declaration.
HTML = re.compile(r"<\s*[A-Za-z/!?]")

Model = TypeVar("Model", bound=BaseModel)


class PublicRefusal(Exception):
    """A public form refused as a whole; ``title`` and ``message`` are catalogue ids."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


async def public_form(request: Request) -> FormData:
    """The posted fields, read within the size limit; refused if the honeypot is filled."""
    limit = web_context(request).settings.public.max_form_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PublicRefusal(413, texts.TOO_LARGE_TITLE, texts.TOO_LARGE)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PublicRefusal(413, texts.TOO_LARGE_TITLE, texts.TOO_LARGE)
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if body and kind != URLENCODED:
        raise PublicRefusal(400, texts.REQUEST_TITLE, texts.NOT_A_FORM)
    try:
        pairs: list[tuple[str, str | UploadFile]] = []
        pairs += parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict"
        )
    except (UnicodeDecodeError, ValueError):
        raise PublicRefusal(400, texts.REQUEST_TITLE, texts.NOT_A_FORM) from None
    form = FormData(pairs)
    if str(form.get(HONEYPOT) or "").strip():
        raise PublicRefusal(400, texts.FORM_REFUSED_TITLE, texts.HONEYPOT_FILLED)
    return form


#: ``def page(form: PublicForm)``: the posted fields of a public form.
PublicForm = Annotated[FormData, Depends(public_form)]


@dataclass(frozen=True)
class RateLimited:
    """A route dependency: at most ``[public] posts_per_window`` posts per address to ``form``."""

    form: str

    def __call__(self, request: Request) -> None:
        ctx = web_context(request)
        public = ctx.settings.public
        address = request.client.host if request.client else "unknown"
        secret = request.app.state.address_key
        digest = hmac.new(secret, f"{self.form}\0{address}".encode(), hashlib.sha256).hexdigest()
        if not rate_limits.admit(
            ctx.deps, digest[:40], public.posts_per_window, public.window_minutes
        ):
            raise PublicRefusal(429, texts.TOO_MANY_TITLE, texts.TOO_MANY)


def validate(model: type[Model], form: FormData, language: str) -> tuple[Model | None, FormErrors]:
    """The model, or field errors in ``language``; HTML in any field is an error of its own."""
    raw: dict[str, Any] = {}
    for key in form:
        if key == HONEYPOT:
            continue
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        raw[key] = items if len(items) > 1 else (items[0] if items else "")
    errors = FormErrors()
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if name in model.model_fields and any(HTML.search(v) for v in values):
            errors.add(name, say(language, texts.NO_HTML), _label(model, name, language))
    try:
        data = model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            errors.add(name, _message(error, language), _label(model, name, language))
        return None, errors
    return (None, errors) if errors else (data, errors)


def _label(model: type[BaseModel], name: str, language: str) -> str:
    info = model.model_fields.get(name)
    return say(language, info.title or name) if info else ""


def _message(error: Any, language: str) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind in ("missing", "string_too_short"):
        return say(language, texts.REQUIRED)
    if kind == "string_too_long":
        return say(language, texts.TOO_LONG).format(limit=context["max_length"])
    if kind in ("literal_error", "enum"):
        return say(language, texts.CHOOSE)
    if kind == "value_error" and isinstance(context.get("error"), ValueError):
        return say(language, str(context["error"]))
    return say(language, texts.INVALID)
