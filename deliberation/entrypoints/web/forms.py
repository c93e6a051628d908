"""Forms: the CSRF check every POST passes, and German field errors that keep the input.

A page validates a form with a pydantic model (``validate``); an error names
its field, the page shows it in the error summary (linked to the field) and
beside the field, and every value typed goes back into the form.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.datastructures import FormData

from deliberation.domain.errors import DeliberationError, FieldKey
from deliberation.entrypoints.web.refusals import CsrfRefused
from deliberation.entrypoints.web.session_data import CSRF_FIELD

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_FIELDS = 200
MAX_PART = 1024 * 1024

Model = TypeVar("Model", bound=BaseModel)


class PageForm(BaseModel):
    """Base of the forms' models: surrounding blanks do not count as input."""

    model_config = ConfigDict(str_strip_whitespace=True)


async def verify_csrf(request: Request) -> AsyncIterator[None]:
    """Refuse any changing request without this session's token (a router dependency).

    The parsed form (uploaded files included) is closed once the response is sent.
    """
    if request.method in SAFE_METHODS:
        yield
        return
    expected = request.session.get("csrf")
    form = await form_of(request)
    try:
        sent = form.get(CSRF_FIELD) or request.headers.get("x-csrf-token", "")
        if not isinstance(expected, str) or not isinstance(sent, str) or not expected:
            raise CsrfRefused()
        if not secrets.compare_digest(expected.encode(), sent.encode()):
            raise CsrfRefused()
        yield
    finally:
        await form.close()


async def form_of(request: Request) -> FormData:
    """The posted form, parsed once per request, with bounded size."""
    return await request.form(max_fields=MAX_FIELDS, max_part_size=MAX_PART)


#: ``def page(form: Form)``: the posted fields (already CSRF-checked by the router).
Form = Annotated[FormData, Depends(form_of)]


@dataclass
class FormErrors:
    """Messages per field, and messages about the form as a whole (``add("", …)``)."""

    fields: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str, label: str = "") -> None:
        if not name:
            self.general.append(message)
            return
        self.fields.setdefault(name, message)
        if label:
            self.labels[name] = label

    def add_error(self, error: DeliberationError, fields: Mapping[FieldKey, str]) -> bool:
        """A use case's refusal beside the form field it is about, else about the whole form.

        ``fields`` names this form's field for each input key (``{FieldKey.TEXT:
        "result_text"}``); the message already names the input, so it gets no label.
        Returns whether the message went to a field.
        """
        name = fields.get(error.field, "") if error.field is not None else ""
        self.add(name, str(error))
        return bool(name)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    def summary(self) -> list[tuple[str, str]]:
        """(field id or "", message) for the error summary at the top."""
        return [("", message) for message in self.general] + [
            (name, f"{self.labels[name]}: {message}" if name in self.labels else message)
            for name, message in self.fields.items()
        ]


def values_of(form: FormData) -> dict[str, Any]:
    """What was typed, to put back into the form (lists for repeated fields)."""
    values: dict[str, Any] = {}
    for key in form:
        if key == CSRF_FIELD:
            continue
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        values[key] = items if len(items) > 1 else (items[0] if items else "")
    return values


def validate(
    model: type[Model], form: FormData | dict[str, Any]
) -> tuple[Model | None, FormErrors]:
    """The model, or the German errors per field."""
    raw = values_of(form) if isinstance(form, FormData) else form
    errors = FormErrors()
    try:
        return model.model_validate(raw), errors
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            info = model.model_fields.get(name)
            label = (info.title or name) if info else ""
            errors.add(name, german(error), label)
        return None, errors


def german(error: Any) -> str:
    """A pydantic error as a German sentence."""
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind in ("missing", "string_too_short") and context.get("min_length", 1) <= 1:
        return "Bitte ausfüllen."
    if kind == "string_too_short":
        return f"Mindestens {context['min_length']} Zeichen."
    if kind == "string_too_long":
        return f"Höchstens {context['max_length']} Zeichen."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Bitte eine ganze Zahl eingeben."
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bounds = {"ge": "mindestens", "gt": "größer als", "le": "höchstens", "lt": "kleiner als"}
        for key, word in bounds.items():
            if key in context:
                return f"Die Zahl muss {word} {context[key]} sein."
    if kind.startswith("date") or kind.startswith("datetime"):
        return "Bitte ein Datum im Format TT.MM.JJJJ eingeben."
    if kind in ("literal_error", "enum"):
        return "Bitte eine der angebotenen Möglichkeiten wählen."
    if kind == "value_error":
        return str(context.get("error", "Ungültige Eingabe."))
    return "Ungültige Eingabe."
