"""Cells for CSV and XLSX files that spreadsheet programs never run as formulas.

The one place every CSV and XLSX the product writes (tracker, reports, web
downloads) takes its cells from. A text that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is taken by Excel and LibreOffice as a
formula (or a DDE call) when the file is opened; a leading apostrophe makes
it plain text again (OWASP, "CSV Injection"). Numbers stay numbers: ints,
floats, dates, and texts that are just a number such as ``-12`` or ``+3,5``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")

Cell = str | int | float | date | datetime | None


def neutralise(value: Cell) -> Cell:
    """``value``, with a text that a spreadsheet would run as a formula made literal."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if _NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value
