"""German texts for argparse's own messages (usage, help, errors).

argparse looks its texts up through ``gettext`` at call time, and Python
ships no German catalogue for it; this module supplies one.
"""

from __future__ import annotations

import argparse
from typing import Any

GERMAN = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "show this help message and exit": "diese Hilfe anzeigen und beenden",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ungültige Auswahl: %(value)r (möglich: %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "expected one argument": "erwartet einen Wert",
    "expected at most one argument": "erwartet höchstens einen Wert",
    "expected at least one argument": "erwartet mindestens einen Wert",
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "mehrdeutige Option: %(option)s passt zu %(matches)s"
    ),
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "one of the arguments %s is required": "eine dieser Angaben ist nötig: %s",
}


def _translate(message: str) -> str:
    return GERMAN.get(message, message)


def _ntranslate(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "erwartet %s Wert" if n == 1 else "erwartet %s Werte"
    return singular if n == 1 else plural


def install() -> None:
    """Make argparse speak German; called by the CLI before building its parser."""
    argparse._ = _translate  # type: ignore[attr-defined]
    argparse.ngettext = _ntranslate  # type: ignore[attr-defined]


#: The largest whole number a command takes: record numbers and counts are stored as
#: 32-bit integers on PostgreSQL, so anything larger would only fail in the database.
LARGEST_NUMBER = 2_147_483_647


def whole_number(value: str) -> int:
    """``type=int`` of every command: a German error for text and for numbers too large."""
    try:
        number = int(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} ist keine ganze Zahl") from None
    if abs(number) > LARGEST_NUMBER:
        raise argparse.ArgumentTypeError(f"{value} ist zu groß (höchstens {LARGEST_NUMBER})")
    return number


class Parser(argparse.ArgumentParser):
    """The CLI's parser: ``type=int`` arguments are read by ``whole_number`` (subcommands too,
    since argparse builds them with the class of their parent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("type", int, whole_number)

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # Python 3.11's argparse drops a value "--" (``--title=--``) and hands on an empty
        # list; a text option takes it as the text it is.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            return self._get_value(action, "--")
        return super()._get_values(action, arg_strings)
