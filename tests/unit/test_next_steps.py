"""What to do next: the core states the situation, each front end words the step its own way
(the command line names the command, the web links to the page or says nothing)."""

from __future__ import annotations

import argparse
import ast
import pickle
import string
from pathlib import Path

import pytest

import deliberation
from deliberation.domain.errors import (
    NEXT_STEP_VALUES,
    DeliberationError,
    FieldKey,
    GuardRejected,
    NextStep,
    NotFound,
    hint,
)
from deliberation.entrypoints.cli import field_options, next_steps
from deliberation.entrypoints.cli import main as cli
from deliberation.entrypoints.web import next_steps as web_steps


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _subcommand_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> set:
    found = {prefix}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _subcommand_paths(sub, (*prefix, name))
    return found


def test_every_next_step_has_a_command_the_command_line_really_has() -> None:
    assert set(next_steps.COMMANDS) == set(NextStep)
    commands = _subcommand_paths(cli.build_parser())
    for step, wording in next_steps.COMMANDS.items():
        assert _names(wording) == NEXT_STEP_VALUES.get(step, frozenset()), step
        words = wording.split()
        assert words[0] == "deliberation", step
        assert tuple(words[1:3]) in commands, step  # "meeting list", "need add", …


def test_every_next_step_is_worded_on_the_web_too_with_what_it_is_about() -> None:
    assert set(web_steps.LINKS) == set(NextStep)
    for step, page in web_steps.LINKS.items():
        if page is not None:
            path, text = page
            assert path.startswith("/") and text, step
            assert _names(path) <= NEXT_STEP_VALUES.get(step, frozenset()), step


def test_the_command_goes_before_the_closing_full_stop_after_the_option() -> None:
    missing = NotFound("Bedarf 7 gibt es nicht.", next_steps=[hint(NextStep.LIST_NEEDS)])
    assert field_options.message_of(missing) == (
        "Bedarf 7 gibt es nicht (deliberation need list zeigt alle)."
    )
    both = DeliberationError(
        "Der Text fehlt.",
        field=FieldKey.TEXT,
        next_steps=[hint(NextStep.MEETINGS_OF_BODY, body="kreistag")],
    )
    assert field_options.message_of(both) == (
        "Der Text fehlt (--text; deliberation meeting list --body kreistag)."
    )


def test_the_web_links_to_the_page_with_what_the_step_is_about_escaped() -> None:
    error = DeliberationError(
        "Sitzung 4 ist keine Sitzung dieses Gremiums.",
        next_steps=[
            hint(NextStep.MEETINGS_OF_BODY, body="a&b c"),
            hint(NextStep.ADD_NEEDS),  # no page of its own: nothing
        ],
    )
    assert web_steps.links_of(error) == [
        web_steps.Link("/meetings?gremium=a%26b%20c", "Die Termine dieses Gremiums")
    ]


def test_a_hint_carries_exactly_what_its_step_is_about() -> None:
    with pytest.raises(ValueError, match="recommendation_id"):
        hint(NextStep.RECORD_RESULT)
    with pytest.raises(ValueError):
        hint(NextStep.LIST_NEEDS, body="kreistag")


def test_next_steps_survive_pickling_as_the_field_does() -> None:
    refused = NotFound("Zyklus 4 gibt es nicht.", next_steps=[hint(NextStep.LIST_CYCLES)])
    again = pickle.loads(pickle.dumps(refused))
    assert (type(again), again.next_steps, str(again)) == (
        NotFound,
        (hint(NextStep.LIST_CYCLES),),
        "Zyklus 4 gibt es nicht.",
    )


def test_a_guard_refusal_carries_the_steps_its_reasons_suggest() -> None:
    refused = GuardRejected("Nicht möglich: x", ["x"], [hint(NextStep.VOTE_NEEDS)])
    assert refused.next_steps == (hint(NextStep.VOTE_NEEDS),)
    assert field_options.message_of(refused) == "Nicht möglich: x (deliberation need vote)"


def _literals(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        found.append((node.lineno, text))
    return found


#: messages only the command line can produce (a command the operator types anyway)
COMMAND_LINE_ONLY = {"service_layer/workflow_versions.py"}


def test_the_core_suggests_no_command_in_a_message() -> None:
    root = Path(deliberation.__file__).parent
    named = [
        f"{path.relative_to(root)}:{number}"
        for layer in ("domain", "service_layer")
        for path in sorted((root / layer).rglob("*.py"))
        if str(path.relative_to(root)) not in COMMAND_LINE_ONLY
        for number, text in _literals(path)
        if "(deliberation " in text or ": deliberation " in text or "zuerst deliberation" in text
    ]
    assert named == []
