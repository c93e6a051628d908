"""Errors a member of staff can read and act on.

Every error carries a complete German sentence; entrypoints print it as one
line and exit non-zero. An error about one input names it by its German name
only and carries the input's key (``field``): each front end points to the
input in its own way (the command line appends its option, the web page shows
the message beside the form field). Likewise an error that suggests what to do
next states the situation only and carries the step's key (``next_steps``): the
command line appends the command, the web page links to the page for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


class NextStep(StrEnum):
    """What the person could do next, the same on every front end."""

    LIST_ACCOUNTS = "list_accounts"
    LIST_CYCLES = "list_cycles"
    LIST_NEEDS = "list_needs"
    LIST_GROUPS = "list_groups"
    LIST_RECOMMENDATIONS = "list_recommendations"
    LIST_MEETINGS = "list_meetings"
    MEETINGS_OF_BODY = "meetings_of_body"
    ADD_MEETING = "add_meeting"
    PLACE_RECOMMENDATION = "place_recommendation"
    RECORD_RESULT = "record_result"
    STATEMENT_WITHOUT_MEETING = "statement_without_meeting"
    ASSIGN_RECOMMENDATION = "assign_recommendation"
    ADD_NEEDS = "add_needs"
    VOTE_NEEDS = "vote_needs"
    FORM_GROUP = "form_group"
    REPORT_IMPLEMENTATION = "report_implementation"
    OUTBOX_STATUS = "outbox_status"
    CHECK_WORKFLOWS = "check_workflows"


_RECOMMENDATION = frozenset({"recommendation_id"})
#: What each next step is about: the values a hint of it carries (none if not listed).
NEXT_STEP_VALUES: dict[NextStep, frozenset[str]] = {
    NextStep.MEETINGS_OF_BODY: frozenset({"body"}),
    NextStep.ADD_MEETING: frozenset({"body"}),
    NextStep.PLACE_RECOMMENDATION: _RECOMMENDATION,
    NextStep.RECORD_RESULT: _RECOMMENDATION,
    NextStep.STATEMENT_WITHOUT_MEETING: _RECOMMENDATION,
    NextStep.ASSIGN_RECOMMENDATION: _RECOMMENDATION,
    NextStep.REPORT_IMPLEMENTATION: frozenset({"round"}),
}


@dataclass(frozen=True)
class Hint:
    """One next step and what it is about (``hint(NextStep.MEETINGS_OF_BODY, body="kreistag")``)."""

    step: NextStep
    values: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        wanted = NEXT_STEP_VALUES.get(self.step, frozenset())
        if {name for name, _ in self.values} != wanted:
            raise ValueError(f"next step {self.step} is about {sorted(wanted)}")

    @property
    def about(self) -> dict[str, str]:
        return dict(self.values)


def hint(step: NextStep, **values: object) -> Hint:
    return Hint(step, tuple(sorted((name, str(value)) for name, value in values.items())))


class DeliberationError(Exception):
    """Base class: ``str(error)`` is the message shown to the user.

    ``field`` is the input the message is about, if it is about one; ``next_steps``
    what the person could do next (the message states the situation only).
    """

    field: FieldKey | None = None
    next_steps: tuple[Hint, ...] = ()

    def __init__(
        self,
        message: str = "",
        *,
        field: FieldKey | None = None,
        next_steps: Sequence[Hint] = (),
    ) -> None:
        super().__init__(message)
        self.field = field
        self.next_steps = tuple(next_steps)


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

    def __init__(self, message: str, reasons: list[str], next_steps: Sequence[Hint] = ()) -> None:
        super().__init__(message, next_steps=next_steps)
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
