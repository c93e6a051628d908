"""``deliberation scheduler``: the calendar at work.

The scheduler is one long-running process: APScheduler 3 (BlockingScheduler)
with its job store in the project's database runs one interval job, the tick.
The tick itself is ``service_layer.due_work.tick``; the due work lives in our
own table, so nothing depends on APScheduler remembering anything.
"""

from __future__ import annotations

import argparse
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from rich.console import Console

from deliberation.adapters.scheduler_lock import scheduler_lock
from deliberation.domain.scheduling import DueStatus, holiday_horizon_warning
from deliberation.entrypoints.commands import opened
from deliberation.schedule_setup import scheduler_tools
from deliberation.service_layer import due_work
from deliberation.service_layer.due_work import DueView
from deliberation.translations import ngettext

TICK_JOB = "deliberation-tick"
STATUS_WORDS = {
    DueStatus.DONE: "erledigt",
    DueStatus.SKIPPED: "übersprungen",
    DueStatus.STALE: "übersprungen (veraltet)",
    DueStatus.CANCELLED: "abgesagt",
    DueStatus.FAILED: "gescheitert",
    DueStatus.PENDING: "wird wiederholt",
}

#: The tick the job runs; set by ``scheduler`` (the job store keeps only a reference).
_tick: Callable[[], None] | None = None


def run_tick() -> None:
    """The APScheduler job (referenced by name in the job store)."""
    if _tick is not None:
        _tick()


def item_line(view: DueView) -> str:
    late = " (verspätet)" if view.late else ""
    status = STATUS_WORDS.get(DueStatus(view.status), view.status)
    note = f": {view.note}" if view.note else ""
    return f"{view.local_time} {view.title} {status}{late}{note}"


def scheduler(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        tools = scheduler_tools(app)
        lock = scheduler_lock(app.db)
        lock.acquire()
        try:
            if due_work.start(app.deps, tools):
                console.print("Terminplanung begonnen: der laufende Monat wird geplant.")
            warning = holiday_horizon_warning(tools.policy, app.deps.today())
            if warning:
                console.print(f"Achtung: {warning}", markup=False, highlight=False)

            def tick() -> None:
                report = due_work.tick(
                    app.deps, tools, on_item=lambda v: console.print(item_line(v), markup=False)
                )
                if report.messages:
                    console.print(
                        ngettext(
                            "%(num)d Nachricht in den Postausgang gelegt.",
                            "%(num)d Nachrichten in den Postausgang gelegt.",
                            report.messages,
                        )
                    )

            if args.once:
                tick()
                return 0
            seconds = app.settings.scheduler.tick_seconds
            return _run_forever(app.db, _keep_going(tick, seconds, console), seconds, console)
        finally:
            lock.release()


def _keep_going(tick: Callable[[], None], seconds: int, console: Console) -> Callable[[], None]:
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


def _run_forever(db: object, tick: Callable[[], None], seconds: int, console: Console) -> int:
    global _tick
    _tick = tick
    scheduler_ = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=db, tablename="apscheduler_jobs")},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=UTC,
    )
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
