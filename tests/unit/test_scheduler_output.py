"""What the scheduler process prints: late work is marked, a failed tick is one German line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from deliberation.entrypoints.cli.scheduler_commands import item_line
from deliberation.entrypoints.scheduler.process import keep_going
from deliberation.service_layer.due_work import DueView


def _view(late: bool) -> DueView:
    return DueView(
        key="meeting:4:reminder:7",
        kind="reminder",
        title="Erinnerung",
        local_time="2026-03-25 08:00",
        status="done",
        late=late,
        note="3 Erinnerungen",
        finished_at=datetime(2026, 3, 28, tzinfo=UTC),
    )


def test_late_work_is_marked_late_in_the_log() -> None:
    assert item_line(_view(late=True)) == (
        "2026-03-25 08:00 Erinnerung erledigt (verspätet): 3 Erinnerungen"
    )
    assert "verspätet" not in item_line(_view(late=False))


def test_a_failed_tick_is_reported_in_one_line_and_the_scheduler_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def tick() -> None:
        raise ConnectionError("Server\n  antwortet nicht")

    with caplog.at_level(logging.INFO, logger="deliberation.scheduler"):
        keep_going(tick, 60)()

    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "ERROR",
            "Fehler im Terminplaner (ConnectionError: Server antwortet nicht); "
            "nächster Versuch in 60 s.",
        )
    ]
