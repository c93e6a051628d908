"""The simulator's checks catch a broken calendar (a meeting moved onto a holiday)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deliberation.bootstrap import Application, bootstrap, initialise_database
from deliberation.domain.clock import Clock
from deliberation.schedule_setup import scheduler_tools
from deliberation.service_layer import meetings, simulation

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)  # 1 January 2026, midnight in Berlin
END = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)


@pytest.fixture
def scratch(tmp_path: Path, config_path: Path) -> Iterator[tuple[Application, Clock]]:
    """A scratch SQLite database, as ``deliberation simulate`` uses."""
    clock = Clock.standing_at(START)
    app = bootstrap(
        config_path,
        database_url=f"sqlite:///{tmp_path / 'sim.sqlite3'}",
        clock=clock,
        require_schema=False,
    )
    initialise_database(app)
    yield app, clock
    app.close()


def test_one_year_passes_every_check(scratch: tuple[Application, Clock]) -> None:
    app, clock = scratch
    tools = scheduler_tools(app)

    result = simulation.run(app.deps, tools, clock.set, END)
    simulation.summarise(app.deps, tools, START, END, result)

    assert result.violations == []
    assert result.late == 0
    [year] = result.years
    assert year.counts["body:koordinierungsstab"] == 2
    assert year.counts["launch"] == 1  # the 2027 round's workshops start in October 2026


def test_a_meeting_moved_onto_a_public_holiday_is_reported(
    scratch: tuple[Application, Clock],
) -> None:
    app, clock = scratch
    tools = scheduler_tools(app)
    simulation.run(app.deps, tools, clock.set, datetime(2026, 3, 1, tzinfo=UTC))
    [stab, *_] = meetings.list_meetings(app.deps, series="koordinierungsstab")
    # 1 May 2026, a Friday: Tag der Arbeit
    moved = meetings.move(
        app.deps,
        app.mailing(),
        stab.id,
        datetime(2026, 5, 1, 17, 0, tzinfo=BERLIN),
        confirmed=True,
    )
    assert moved.warnings == ("Der 01.05.2026 ist ein Feiertag (Erster Mai).",)

    result = simulation.run(app.deps, tools, clock.set, END)
    simulation.summarise(app.deps, tools, START, END, result)

    assert any(
        v.startswith("keine Sitzung an einem Feiertag") and "01.05.2026: Feiertag" in v
        for v in result.violations
    ), result.violations
