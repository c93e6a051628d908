"""Is the installation ready to work? For ``/readyz`` and ``deliberation status --check``.

Four checks, each with a German line for the operator:

* the database answers;
* its schema is the one this code expects (no pending migrations, not newer);
* the scheduler's heartbeat is not older than two of its ticks;
* the outbox is not stuck: no message has been due for longer than the configured
  minutes while none went out in that time (a large mailing that is being sent is
  not stuck, a sender that is not running or a relay that refuses everything is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Protocol

from deliberation.domain.errors import Hint, NextStep, hint

#: The process names of the heartbeats.
SCHEDULER = "scheduler"
SENDER = "sender"


class ProbeFailed(Exception):
    """The database could not be asked (its message, in German, says why)."""


class HealthProbe(Protocol):
    """What the checks read from the database; every method may raise ``ProbeFailed``."""

    def schema(self) -> tuple[str, str | None]:
        """The code's schema revision, and what is wrong with the database's (None: it fits;
        otherwise a German sentence naming the command to run), from the one schema check
        every process uses (``adapters.database.schema_status``)."""
        ...

    def heartbeat(self, process: str) -> tuple[datetime, int] | None:
        """When ``process`` last beat, and the interval it promised (seconds)."""
        ...

    def beat(self, process: str, now: datetime, interval_seconds: int) -> None: ...

    def oldest_due_message(self, now: datetime) -> datetime | None:
        """Since when the longest-waiting message has been due (None: nothing due)."""
        ...

    def last_sent(self) -> datetime | None: ...


class Exit(IntEnum):
    """Exit codes of ``deliberation status --check`` (documented in the README)."""

    READY = 0
    DATABASE = 2
    SCHEMA = 3
    SCHEDULER = 4
    OUTBOX = 5


@dataclass(frozen=True)
class Check:
    name: str  # database | migrations | scheduler | outbox
    ok: bool
    detail: str  # German, for the operator
    exit: Exit
    next_step: Hint | None = None  # what the operator could look at


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def exit_code(self) -> int:
        """The first failed check's code (0 when ready)."""
        return next((int(c.exit) for c in self.checks if not c.ok), int(Exit.READY))


def readiness(
    probe: HealthProbe,
    clock: Callable[[], datetime],
    outbox_stuck_after: timedelta,
) -> Readiness:
    """Run the checks in order; once the database cannot be asked, the rest are not run."""
    now = clock()
    try:
        head, problem = probe.schema()
    except ProbeFailed as exc:
        return Readiness((Check("database", False, str(exc), Exit.DATABASE),))
    checks = [Check("database", True, "Datenbank erreichbar", Exit.DATABASE)]
    if problem is None:
        checks.append(Check("migrations", True, f"Datenbank auf Stand {head}", Exit.SCHEMA))
    else:
        checks.append(Check("migrations", False, problem, Exit.SCHEMA))
    if not checks[-1].ok:
        return Readiness(tuple(checks))
    try:
        checks.append(_scheduler(probe.heartbeat(SCHEDULER), now))
        checks.append(_outbox(probe, now, outbox_stuck_after))
    except ProbeFailed as exc:
        checks.append(Check("database", False, str(exc), Exit.DATABASE))
    return Readiness(tuple(checks))


def _scheduler(beat: tuple[datetime, int] | None, now: datetime) -> Check:
    if beat is None:
        return Check("scheduler", False, "Terminplaner ist noch nie gelaufen", Exit.SCHEDULER)
    at, interval = beat
    age = max(now - at, timedelta(0))
    limit = timedelta(seconds=2 * interval)
    seconds = int(age.total_seconds())
    if age > limit:
        return Check(
            "scheduler",
            False,
            f"Terminplaner zuletzt vor {seconds} s aktiv (erlaubt: zwei Takte, "
            f"{int(limit.total_seconds())} s); läuft er?",
            Exit.SCHEDULER,
        )
    return Check("scheduler", True, f"Terminplaner vor {seconds} s aktiv", Exit.SCHEDULER)


def _outbox(probe: HealthProbe, now: datetime, stuck_after: timedelta) -> Check:
    due_since = probe.oldest_due_message(now)
    if due_since is None or now - due_since <= stuck_after:
        return Check("outbox", True, "Postausgang in Ordnung", Exit.OUTBOX)
    sent = probe.last_sent()
    if sent is not None and now - sent <= stuck_after:
        return Check("outbox", True, "Postausgang wird abgearbeitet", Exit.OUTBOX)
    minutes = int((now - due_since).total_seconds() // 60)
    return Check(
        "outbox",
        False,
        f"Postausgang hängt: E-Mails seit {minutes} min fällig, keine hinausgegangen; "
        "läuft der Versand, nimmt der Mail-Server an?",
        Exit.OUTBOX,
        hint(NextStep.OUTBOX_STATUS),
    )
