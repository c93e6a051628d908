"""The command line names the option an error is about; the service layer names none."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import deliberation
from deliberation.domain import text_rules
from deliberation.domain.errors import DeliberationError, FieldKey
from deliberation.entrypoints.cli import field_options
from deliberation.entrypoints.cli import main as cli


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and all its subcommands."""
    found: set[str] = set()
    for action in parser._actions:
        found.update(s for s in action.option_strings if s.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options(sub)
    return found


def test_every_input_key_has_an_option_the_command_line_really_takes() -> None:
    assert set(field_options.OPTIONS) == set(FieldKey)
    missing = set(field_options.OPTIONS.values()) - _options(cli.build_parser())
    assert missing == set()


def test_the_option_goes_before_the_closing_full_stop() -> None:
    with pytest.raises(DeliberationError) as raised:
        text_rules.single_line("  ", "Der Ort", field=FieldKey.LOCATION)
    assert str(raised.value) == "Der Ort darf nicht leer sein."  # what the web page shows
    assert field_options.message_of(raised.value) == "Der Ort darf nicht leer sein (--location)."


def test_a_message_without_a_full_stop_gets_the_option_at_its_end() -> None:
    error = DeliberationError("Wer stellt um?", field=FieldKey.ACTOR)
    assert field_options.message_of(error) == "Wer stellt um? (--actor)"


def test_an_error_about_no_input_is_printed_as_it_is() -> None:
    error = DeliberationError("Die Sitzung 4 gibt es nicht.")
    assert error.field is None
    assert field_options.message_of(error) == "Die Sitzung 4 gibt es nicht."


def test_the_core_names_no_command_line_option_in_brackets() -> None:
    root = Path(deliberation.__file__).parent
    named = [
        f"{path.relative_to(root)}:{number}"
        for layer in ("domain", "service_layer")
        for path in sorted((root / layer).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "(--" in line
    ]
    assert named == []
