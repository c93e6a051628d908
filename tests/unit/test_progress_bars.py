"""The command line's progress bar: on a terminal only."""

from __future__ import annotations

import io

from rich.console import Console

from deliberation.entrypoints.cli.progress_bars import progress_bar


def test_a_terminal_gets_a_bar_that_follows_the_work() -> None:
    output = io.StringIO()
    console = Console(file=output, force_terminal=True, width=100)

    with progress_bar(console, "Einladungen") as progress:
        assert progress is not None
        progress(1500, 3000)

    shown = output.getvalue()
    assert "Einladungen" in shown and "1500/3000" in shown


def test_a_pipe_or_log_gets_no_bar() -> None:
    output = io.StringIO()
    console = Console(file=output, force_terminal=False)

    with progress_bar(console, "Einladungen") as progress:
        assert progress is None

    assert output.getvalue() == ""
