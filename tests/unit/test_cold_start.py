"""``deliberation --help`` answers without importing the heavy libraries, and says the same
as the whole command tree would."""

from __future__ import annotations

import argparse
import subprocess
import sys

from deliberation.entrypoints.cli import command_index
from deliberation.entrypoints.cli import main as cli

HEAVY = (
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "email_validator",
    "icalendar",
    "aiosmtpd",
    "aiosmtplib",
    "jinja2",
    "holidays",
    "transitions",
    "apscheduler",
    "fastapi",
    "uvicorn",
)


def _imported_packages(*arguments: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "deliberation", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "Aufruf: deliberation" in done.stdout, done.stderr[-2000:]
    return {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }


def test_the_overview_imports_no_heavy_library() -> None:
    imported = _imported_packages("--help")
    assert "deliberation" in imported
    assert imported & set(HEAVY) == set()


def test_a_command_still_imports_what_it_needs() -> None:
    assert {"sqlalchemy", "jinja2"} <= _imported_packages("status", "--help")


def _top_level(parser: argparse.ArgumentParser) -> dict[str, str]:
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {choice.dest: str(choice.help) for choice in commands._choices_actions}


def test_the_index_lists_every_command_of_the_tree_with_its_help() -> None:
    assert _top_level(cli.build_parser()) == command_index.COMMANDS, (
        "entrypoints/cli/command_index.py COMMANDS must list every top-level command "
        "with its help text"
    )


def test_the_overview_is_the_help_of_the_whole_tree() -> None:
    assert command_index.overview_parser().format_help() == cli.build_parser().format_help()
