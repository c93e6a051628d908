"""Cells a spreadsheet program would run as formulas are written as plain text."""

from __future__ import annotations

from datetime import date

import pytest

from deliberation.adapters.spreadsheet_cells import neutralise


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","klick")', "+49 5171", "-1+2", "@SUM(A1)", "\tx", "\r=1"]
)
def test_a_text_that_starts_like_a_formula_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Sprachkurse", "", "a=b", 42, -3, 1.5, date(2027, 3, 1), None])
def test_everything_else_stays_as_it_is(value: object) -> None:
    assert neutralise(value) == value  # type: ignore[arg-type]
