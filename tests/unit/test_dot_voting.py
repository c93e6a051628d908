"""The dot budget: declared per workflow with a default, and what a distribution may be."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_workflow_validation import VALID, broken, load_error, template_exists, write

from deliberation.adapters.workflow_files import load_workflows
from deliberation.domain.dot_voting import (
    DEFAULT_DOT_BUDGET,
    OverBudget,
    UnknownNeed,
    check_distribution,
)
from deliberation.domain.errors import DeliberationError


def test_a_workflow_without_a_budget_gets_the_default_and_one_may_set_its_own(
    tmp_path: Path,
) -> None:
    write(tmp_path, VALID)
    [plain] = load_workflows(tmp_path, template_exists)
    assert plain.dot_budget == DEFAULT_DOT_BUDGET
    write(tmp_path, broken('initial = "start"', 'initial = "start"\ndot_budget = 8'))
    [own] = load_workflows(tmp_path, template_exists)
    assert own.dot_budget == 8


@pytest.mark.parametrize(("value", "expected"), [("0", "mindestens 1"), ('"viele"', "ganze Zahl")])
def test_a_budget_that_is_none_is_refused_naming_file_and_key(
    tmp_path: Path, value: str, expected: str
) -> None:
    message = load_error(
        tmp_path, broken('initial = "start"', f'initial = "start"\ndot_budget = {value}')
    )
    assert "dot_budget" in message and expected in message


def test_a_distribution_within_the_budget_keeps_only_the_needs_given_dots() -> None:
    assert check_distribution({1: 3, 2: 0, 3: 2}, 5, [1, 2, 3]) == {1: 3, 3: 2}


def test_over_the_budget_negative_or_on_a_foreign_need_is_refused() -> None:
    with pytest.raises(OverBudget) as caught:
        check_distribution({1: 4, 2: 2}, 5, [1, 2])
    assert (caught.value.given, caught.value.budget) == (6, 5)
    assert "gespeichert wurde nichts" in str(caught.value)
    with pytest.raises(DeliberationError):
        check_distribution({1: -1}, 5, [1])
    with pytest.raises(UnknownNeed):
        check_distribution({7: 1}, 5, [1])
