"""A progress bar for long work on a terminal (rendering thousands of messages)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from deliberation.service_layer.meetings import Progress as ReportProgress


@contextlib.contextmanager
def progress_bar(console: Console, what: str) -> Iterator[ReportProgress | None]:
    """A bar titled ``what`` that a use case moves with ``(done, total)``; None when the
    output is not a terminal (a pipe or a log gets the result line only)."""
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(what, total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield report
