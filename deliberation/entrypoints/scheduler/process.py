"""The scheduler process: APScheduler 3 running the tick.

One long-running process: a BlockingScheduler with its job store in the
project's database runs one interval job, the tick. The tick itself is
``service_layer.due_work.tick``; the due work lives in our own table, so
nothing depends on APScheduler remembering anything.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType
from typing import Any

TICK_JOB = "deliberation-tick"

#: The scheduler is a service: it logs (``entrypoints.process_logging``), it does not print.
log = logging.getLogger("deliberation.scheduler")

#: The tick the job runs; set by ``run_forever`` (the job store keeps only a reference).
_tick: Callable[[], None] | None = None


def run_tick() -> None:
    """The APScheduler job (referenced by name in the job store)."""
    if _tick is not None:
        _tick()


def keep_going(tick: Callable[[], None], seconds: int) -> Callable[[], None]:
    """A tick that reports a failure (database away, say) in one line instead of dying.

    Nothing is lost: the item that was running rolled back and is still due.
    """

    def guarded() -> None:
        try:
            tick()
        except Exception as exc:  # the scheduler must outlive a failed tick
            detail = " ".join(str(exc).split())
            log.error(
                "Fehler im Terminplaner (%s: %s); nächster Versuch in %d s.",
                type(exc).__name__,
                detail,
                seconds,
            )

    return guarded


def run_forever(scheduler_: Any, tick: Callable[[], None], seconds: int) -> int:
    """Run ``tick`` every ``seconds`` on ``scheduler_`` (``Application.scheduler()``) until
    SIGTERM or Ctrl+C."""
    global _tick
    _tick = tick
    scheduler_.add_job(
        f"{__name__}:run_tick",
        "interval",
        seconds=seconds,
        id=TICK_JOB,
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )

    def stop(_signum: int, _frame: FrameType | None) -> None:
        scheduler_.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    log.info("Terminplaner läuft (alle %d s; beenden mit Strg+C).", seconds)
    try:
        scheduler_.start()
    except KeyboardInterrupt:
        scheduler_.shutdown(wait=False)
    finally:
        _tick = None
    log.info("Terminplaner beendet.")
    return 0
