"""The scheduler process: APScheduler 3 running the tick.

One long-running process: a BlockingScheduler with its job store in the
project's database runs one interval job, the tick. The tick itself is
``service_layer.due_work.tick``; the due work lives in our own table, so
nothing depends on APScheduler remembering anything.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from rich.console import Console

TICK_JOB = "deliberation-tick"

#: The tick the job runs; set by ``run_forever`` (the job store keeps only a reference).
_tick: Callable[[], None] | None = None


def run_tick() -> None:
    """The APScheduler job (referenced by name in the job store)."""
    if _tick is not None:
        _tick()


def keep_going(tick: Callable[[], None], seconds: int, console: Console) -> Callable[[], None]:
    """A tick that reports a failure (database away, say) in one line instead of dying.

    Nothing is lost: the item that was running rolled back and is still due.
    """

    def guarded() -> None:
        try:
            tick()
        except Exception as exc:  # the scheduler must outlive a failed tick
            detail = " ".join(str(exc).split())
            console.print(
                f"Fehler im Terminplaner ({type(exc).__name__}: {detail}); "
                f"nächster Versuch in {seconds} s.",
                markup=False,
                highlight=False,
            )

    return guarded


def run_forever(scheduler_: Any, tick: Callable[[], None], seconds: int, console: Console) -> int:
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
    console.print(f"Terminplaner läuft (alle {seconds} s; beenden mit Strg+C).", highlight=False)
    try:
        scheduler_.start()
    except KeyboardInterrupt:
        scheduler_.shutdown(wait=False)
    finally:
        _tick = None
    console.print("Terminplaner beendet.")
    return 0
