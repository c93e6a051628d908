"""``deliberation status --check``: the readiness checks of ``/readyz`` as an exit code.

For cron-based monitoring: prints one line per check and ends with the code of the
first failed one (``service_layer.health.Exit``; the README's "Betrieb" lists them).
It opens the database without requiring the current schema, so pending migrations
are a finding (exit 3), not an error of the command.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from rich.console import Console

from deliberation.bootstrap import bootstrap
from deliberation.entrypoints.cli.next_steps import command_of, with_pointers
from deliberation.service_layer import health


def status_check(args: argparse.Namespace, console: Console) -> int:
    app = bootstrap(args.config, require_schema=False, check_published=False)
    try:
        stuck_after = timedelta(minutes=app.settings.health.outbox_stuck_minutes)
        result = health.readiness(app.health(), app.deps.clock, stuck_after)
    finally:
        app.close()
    for check in result.checks:
        mark = "ok    " if check.ok else "FEHLER"
        console.print(
            f"{mark} {check.name}: {_detail(check)}", markup=False, highlight=False, soft_wrap=True
        )
    return result.exit_code


def _detail(check: health.Check) -> str:
    return with_pointers(check.detail, [command_of(check.next_step)] if check.next_step else [])
