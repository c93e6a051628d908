"""Cells a spreadsheet program would run as formulas are written as plain text (OWASP)."""

from __future__ import annotations

from datetime import date

import pytest

from deliberation.adapters.spreadsheet_cells import neutralise


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","klick")', "+49 5171", "-1+2", "@SUM(A1)", "\tx", "\r=1", "-Kosten"],
)
def test_a_text_that_starts_like_a_formula_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["Sprachkurse", "", "a=b", "Kosten [/Monat]", 42, -3, 1.5, date(2027, 3, 1), None],
)
def test_everything_else_stays_as_it_is(value: object) -> None:
    assert neutralise(value) == value  # type: ignore[arg-type]


@pytest.mark.parametrize("number", ["-12", "+3,5", "-0.25"])
def test_a_text_that_is_just_a_number_stays_a_number(number: str) -> None:
    assert neutralise(number) == number
