"""The command line's pointer to an input: the option an error is about.

The service layer names an input by its German name only ("Der Ort darf nicht
leer sein.") and puts its key on the error; here the command line adds the
option that gives it: "Der Ort darf nicht leer sein (--location)." The commands
of the error's next steps (``next_steps``) follow in the same brackets.
"""

from __future__ import annotations

from deliberation.domain.errors import DeliberationError, FieldKey
from deliberation.entrypoints.cli.next_steps import command_of, with_pointers

#: the option of every command that takes the input (one name on every command)
OPTIONS: dict[FieldKey, str] = {
    FieldKey.TEXT: "--text",
    FieldKey.TITLE: "--title",
    FieldKey.LOCATION: "--location",
    FieldKey.ACTOR: "--actor",
    FieldKey.REASON: "--reason",
    FieldKey.NAME: "--name",
    FieldKey.MANDATE: "--mandate",
    FieldKey.MEMBER: "--member",
    FieldKey.DUE_DATE: "--due",
    FieldKey.OFFICE: "--office",
    FieldKey.ROUND: "--round",
}


def message_of(error: DeliberationError) -> str:
    """The error's message with the option and the commands of its next steps in brackets,
    before the closing full stop."""
    message = str(error)
    pointers = [OPTIONS[error.field]] if error.field is not None else []
    pointers += [command_of(step) for step in error.next_steps]
    return with_pointers(message, pointers)
