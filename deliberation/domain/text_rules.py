"""What a person may type into a text field: checked before anything is stored.

A title or name is one line; a longer text (a need, a mandate, a reason) may
have line breaks and tabs. Neither may contain other control characters
(NUL, escape, a bare carriage return, …) or lone surrogates, and each has a
maximum length, the same on SQLite and PostgreSQL. Brackets, quotes, right-
to-left marks and formula prefixes are text like any other: they are stored
as typed and made harmless where they are shown (terminal, HTML, spreadsheet,
mail header).
"""

from __future__ import annotations

import unicodedata

from deliberation.domain.errors import DeliberationError, FieldKey

#: lengths of the database columns the texts go to
ACTOR_LENGTH = 200
ROUND_LENGTH = 80
TITLE_LENGTH = 300
TEXT_LENGTH = 20_000

ALLOWED_IN_TEXT = frozenset("\n\t")


class InvalidText(DeliberationError):
    """A typed text breaks a rule; the message names the field."""


def single_line(
    value: str,
    label: str,
    max_length: int = TITLE_LENGTH,
    required: bool = True,
    field: FieldKey | None = None,
) -> str:
    """``value`` stripped, if it is one line without control characters; else a German error.

    ``label`` is the input's German name ("Der Ort"); ``field`` its key on the error.
    """
    return _checked(value.strip(), label, max_length, required, frozenset(), field)


def multi_line(
    value: str,
    label: str,
    max_length: int = TEXT_LENGTH,
    required: bool = False,
    field: FieldKey | None = None,
) -> str:
    """``value`` with line breaks as ``\\n``; tabs and line breaks are allowed."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return _checked(text, label, max_length, required, ALLOWED_IN_TEXT, field)


def problem(value: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """Why ``value`` cannot be stored as text (a control character), or None."""
    for position, char in enumerate(value, start=1):
        if char in allowed:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            what = "einen Zeilenumbruch" if char in "\r\n" else "ein Steuerzeichen"
            return f"enthält {what} (U+{ord(char):04X} an Stelle {position})"
        if category == "Cs":
            return f"enthält ein ungültiges Zeichen (U+{ord(char):04X} an Stelle {position})"
    return None


def _checked(
    text: str,
    label: str,
    max_length: int,
    required: bool,
    allowed: frozenset[str],
    field: FieldKey | None,
) -> str:
    if required and not text.strip():
        raise InvalidText(f"{label} darf nicht leer sein.", field=field)
    if len(text) > max_length:
        raise InvalidText(
            f"{label} ist zu lang: {len(text)} Zeichen, höchstens {max_length}.", field=field
        )
    found = problem(text, allowed)
    if found is not None:
        raise InvalidText(f"{label} {found}; bitte entfernen.", field=field)
    return text
