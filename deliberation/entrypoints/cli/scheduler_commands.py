"""``deliberation scheduler``: the command that starts the scheduler process.

The process loop itself (APScheduler) lives in ``entrypoints.scheduler.process``;
this module takes the lock, plans the first month and prints what each tick did.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from rich.console import Console

from deliberation.domain.scheduling import DueStatus, holiday_horizon_warning
from deliberation.entrypoints import process_logging
from deliberation.entrypoints.cli import retention_commands
from deliberation.entrypoints.cli.commands import opened
from deliberation.entrypoints.scheduler import process
from deliberation.schedule_setup import scheduler_tools
from deliberation.service_layer import due_work, health
from deliberation.service_layer.due_work import DueView
from deliberation.translations import ngettext

STATUS_WORDS = {
    DueStatus.DONE: "erledigt",
    DueStatus.SKIPPED: "übersprungen",
    DueStatus.STALE: "übersprungen (veraltet)",
    DueStatus.CANCELLED: "abgesagt",
    DueStatus.FAILED: "gescheitert",
    DueStatus.PENDING: "wird wiederholt",
}


def item_line(view: DueView) -> str:
    late = " (verspätet)" if view.late else ""
    status = STATUS_WORDS.get(DueStatus(view.status), view.status)
    note = f": {view.note}" if view.note else ""
    return f"{view.local_time} {view.title} {status}{late}{note}"


def scheduler(args: argparse.Namespace, console: Console) -> int:
    """``--once`` is a command and prints; the long-running scheduler is a service and logs."""
    with opened(args) as app:
        say: Callable[[str], None]
        if args.once:

            def say(text: str) -> None:
                console.print(text, markup=False, highlight=False)

        else:
            process_logging.configure(app.settings.logging, "scheduler")
            say = process.log.info
        tools = scheduler_tools(app)
        lock = app.scheduler_lock()
        lock.acquire()
        try:
            if due_work.start(app.deps, tools):
                say("Terminplanung begonnen: der laufende Monat wird geplant.")
            warning = holiday_horizon_warning(tools.policy, app.deps.today())
            if warning:
                say(f"Achtung: {warning}")
            seconds = app.settings.scheduler.tick_seconds
            probe = app.health()

            def tick() -> None:
                # A sign of life before and after: /readyz sees a stopped scheduler, not a busy one.
                probe.beat(health.SCHEDULER, app.deps.clock(), seconds)
                report = due_work.tick(app.deps, tools, on_item=lambda v: say(item_line(v)))
                if report.retention is not None and report.retention.total:
                    say(retention_commands.summary_line(report.retention))
                if report.messages:
                    say(
                        ngettext(
                            "%(num)d Nachricht in den Postausgang gelegt.",
                            "%(num)d Nachrichten in den Postausgang gelegt.",
                            report.messages,
                        )
                    )
                probe.beat(health.SCHEDULER, app.deps.clock(), seconds)

            if args.once:
                tick()
                return 0
            return process.run_forever(app.scheduler(), process.keep_going(tick, seconds), seconds)
        finally:
            lock.release()
