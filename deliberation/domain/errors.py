"""Errors a member of staff can read and act on.

Every error carries a complete German sentence; entrypoints print it as one
line and exit non-zero. An error about one input names it by its German name
only and carries the input's key (``field``): each front end points to the
input in its own way (the command line appends its option, the web page shows
the message beside the form field).
"""

from __future__ import annotations

from enum import StrEnum


class FieldKey(StrEnum):
    """The inputs an error can be about, the same on every front end."""

    TEXT = "text"
    TITLE = "title"
    LOCATION = "location"
    ACTOR = "actor"
    REASON = "reason"
    NAME = "name"
    MANDATE = "mandate"
    MEMBER = "member"
    DUE_DATE = "due_date"
    OFFICE = "office"
    ROUND = "round"


class DeliberationError(Exception):
    """Base class: ``str(error)`` is the message shown to the user.

    ``field`` is the input the message is about, if it is about one.
    """

    field: FieldKey | None = None

    def __init__(self, message: str = "", *, field: FieldKey | None = None) -> None:
        super().__init__(message)
        self.field = field


class WorkflowDefinitionError(DeliberationError):
    """A workflow definition file is malformed or inconsistent."""


class ConfigError(DeliberationError):
    """The configuration file is malformed or incomplete."""


class NotFound(DeliberationError):
    """A record that was asked for does not exist."""


class InvalidTrigger(DeliberationError):
    """A trigger that does not exist in the current state."""

    def __init__(self, message: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.allowed = allowed


class GuardRejected(DeliberationError):
    """A transition exists, but its rules do not allow it now."""

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message)
        self.reasons = reasons


class MissingParameter(DeliberationError):
    """A transition needs a value (for example a text) that was not given."""


class ConcurrencyConflict(DeliberationError):
    """Somebody else changed the record between reading and writing it."""


class NotAllowedInState(DeliberationError):
    """An operation (adding a need, voting …) that the current phase does not allow."""


class TemplateRenderError(DeliberationError):
    """A message template exists but cannot be rendered (unknown variable, broken syntax)."""


class LinkInvalid(DeliberationError):
    """A signed link from an email was altered, is for something else, or has expired."""
