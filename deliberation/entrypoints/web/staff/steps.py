"""The step buttons of a record (cycle, working group): one form, one button per step.

A guard's refusal shows its German reasons; a stale version says that someone
else changed the record, shows the fresh state and keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData

from deliberation.domain.errors import (
    ConcurrencyConflict,
    DeliberationError,
    FieldKey,
    GuardRejected,
    InvalidTrigger,
)
from deliberation.entrypoints.web.forms import FormErrors, values_of

#: Takes the step: (trigger, reason, text, expected version) -> nothing; raises on refusal.
TakeStep = Callable[[str, str, str, int | None], object]

#: the step form's fields (templates/web/_steps.html) for the inputs a refusal can be about
STEP_FIELDS = {FieldKey.REASON: "reason", FieldKey.TEXT: "text"}


def version_of(form: FormData) -> int | None:
    raw = form.get("version")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


def take_step(
    form: FormData, titles: dict[str, str], take: TakeStep
) -> tuple[FormErrors, dict[str, Any], bool]:
    """Run the chosen step; the errors, what was typed, and whether the record went stale.

    ``titles`` are the step titles of the record's workflow, for the messages.
    """
    values = values_of(form)
    errors = FormErrors()
    trigger = str(values.get("trigger", ""))
    if not trigger:
        errors.add("", "Bitte einen der Schritte wählen.")
        return errors, values, False
    try:
        take(trigger, str(values.get("reason", "")), str(values.get("text", "")), version_of(form))
    except ConcurrencyConflict as exc:
        errors.add("", str(exc))
        return errors, values, True
    except GuardRejected as exc:
        errors.add("", f"„{titles.get(trigger, trigger)}“ ist jetzt nicht möglich:")
        for reason in exc.reasons:
            errors.add("", reason)
    except InvalidTrigger:
        errors.add("", f"„{titles.get(trigger, trigger)}“ ist im jetzigen Zustand nicht möglich.")
    except DeliberationError as exc:
        errors.add_error(exc, STEP_FIELDS)
    return errors, values, False
