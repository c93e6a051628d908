"""Cells for CSV and XLSX files that spreadsheet programs never run as formulas.

A text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
taken by Excel and LibreOffice as a formula (or a DDE call) when the file is
opened; a leading apostrophe makes it plain text again (OWASP "CSV injection").
Numbers and dates are written as they are.
"""

from __future__ import annotations

from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | date | datetime | None


def neutralise(value: Cell) -> Cell:
    """``value``, with a text that a spreadsheet would run as a formula made literal."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
