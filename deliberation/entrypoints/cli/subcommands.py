"""Building the command tree: a command with its handler, a family of commands.

Every module that registers commands uses these, so each ``deliberation …``
command answers ``--help`` and a bare family prints its usage the same way.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction

Handler = Callable[[argparse.Namespace, Console], int]


def command(
    group: Subparsers, name: str, help_text: str, handler: Handler
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = group.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    return parser


def family(group: Subparsers, name: str, help_text: str) -> Subparsers:
    """A command that only groups others; alone it prints its usage and exits with 2."""
    parser = group.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=lambda args, console: print_usage(parser))
    sub: Subparsers = parser.add_subparsers(title="Befehle", metavar="BEFEHL")
    return sub


def print_usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
