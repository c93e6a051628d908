"""The ``deliberation`` command's entry point, light so that ``deliberation --help`` starts fast.

The overview (``deliberation``, ``deliberation --help``, ``deliberation
UNBEKANNT``) is answered from ``command_index`` without importing a single
command module, so without SQLAlchemy, Alembic, Jinja2, openpyxl,
email-validator, icalendar or aiosmtpd. Anything naming a command goes to
``cli.main``, which builds the whole command tree and imports what that
command needs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from deliberation.entrypoints.cli import argparse_de
from deliberation.entrypoints.cli.command_index import COMMANDS, overview_parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if any(argument in COMMANDS for argument in arguments):
        from deliberation.entrypoints.cli import main as cli

        return cli.main(arguments)
    argparse_de.install()
    parser = overview_parser()
    parser.parse_args(arguments)  # answers --help, refuses an unknown command
    parser.print_help()
    return 2
