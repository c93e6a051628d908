"""The demo's clock stays consistent: it plays a round that is over by "today".

The demo is played on both databases for two "todays" (one a December, when the
old demo put workshops on Christmas Eve and New Year's Eve). On the result:
nothing happened after today, nothing was decided before its meeting, every
meeting with results lies in the past, the workshops are on open weekdays and
the conference is on the weekday and in the month ``config.toml`` gives it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.engine import RowMapping

from deliberation.adapters import orm
from deliberation.adapters.calendar_niedersachsen import HolidayCalendar
from deliberation.bootstrap import Application, bootstrap, build_mailing, initialise_database
from deliberation.domain.clock import Clock
from deliberation.entrypoints.cli.demo import DemoMail, run_demo
from deliberation.schedule_setup import schedule_policy
from deliberation.service_layer.meetings import list_meetings
from deliberation.service_layer.status_overview import status_overview
from tests.conftest import CONFIG

TZ = ZoneInfo("Europe/Berlin")
TODAYS = (
    datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    datetime(2027, 6, 20, 14, 0, tzinfo=UTC),
)


@pytest.fixture(params=TODAYS, ids=lambda d: f"{d:%Y-%m-%d}")
def today(request: pytest.FixtureRequest) -> datetime:
    today: datetime = request.param
    return today


@pytest.fixture
def played(database_url: str, today: datetime, tmp_path: Path) -> Iterator[Application]:
    clock = Clock.standing_at(today)
    app = bootstrap(CONFIG, database_url=database_url, clock=clock, require_schema=False)
    try:
        initialise_database(app)
        mail = DemoMail(build_mailing(app.settings, app.templates, clock), tmp_path / "mails")
        venues = {m.name: m.venue for m in app.settings.municipalities}
        policy = schedule_policy(app.settings, app.deps.engine)
        run_demo(app.deps, Console(file=io.StringIO()), clock, policy, mail, app.templates, venues)
        assert clock() == today  # the demo leaves its clock at today
        yield app
    finally:
        app.close()


def rows(app: Application, table: str) -> list[RowMapping]:
    t = orm.metadata.tables[table]
    with app.db.connect() as connection:
        return list(connection.execute(select(t)).mappings())


def local(moment: datetime) -> datetime:
    return moment.astimezone(TZ)


def test_the_demo_clock_stays_consistent(played: Application, today: datetime) -> None:
    nothing_happened_after(played, today)
    every_result_comes_after_its_meeting(played, today)
    workshops_on_open_weekdays_conference_on_its_day(played)
    clock_runs_forward_only(played)


def nothing_happened_after(played: Application, today: datetime) -> None:
    stamps = [
        *(r["at"] for r in rows(played, "transition_log")),
        *(r["created_at"] for r in rows(played, "needs")),
        *(r["created_at"] for r in rows(played, "outbox")),
        *(r["placed_at"] for r in rows(played, "consultations")),
        *(r["decided_at"] for r in rows(played, "consultations")),
        *(r["at"] for r in rows(played, "progress_notes")),
        *(r["created_at"] for r in rows(played, "feedback_reports")),
    ]
    assert stamps and None not in stamps
    late = [s for s in stamps if s > today]
    assert not late, f"{len(late)} Einträge nach dem {today:%d.%m.%Y}, z. B. {min(late)}"


def every_result_comes_after_its_meeting(played: Application, today: datetime) -> None:
    """Every result after its meeting, no meeting still ahead ("geplant") once results are in."""
    meetings = {m["id"]: m for m in rows(played, "meetings")}
    decided = [c for c in rows(played, "consultations") if c["decided_at"] is not None]
    assert len(decided) >= 12  # five recommendations along a route of four bodies
    for consultation in decided:
        meeting = meetings[consultation["meeting_id"]]
        assert consultation["placed_at"] < meeting["starts_at"] <= consultation["decided_at"]
    # the workshops' needs are written on their evening, not before
    evening = {m["cycle_id"]: m["starts_at"] for m in meetings.values() if m["cycle_id"]}
    for need in rows(played, "needs"):
        assert need["created_at"] >= evening[need["cycle_id"]]
    # every meeting of the round is over: none is still listed as coming ("geplant")
    assert all(m["starts_at"] < today for m in meetings.values())
    assert status_overview(played.deps).upcoming_total == 0
    listed = list_meetings(played.deps)
    assert len(listed) == len(meetings) and {m.status_title for m in listed} == {"stattgefunden"}


def workshops_on_open_weekdays_conference_on_its_day(played: Application) -> None:
    calendar = HolidayCalendar(state="NI")
    meetings = rows(played, "meetings")
    cycles = {c["id"]: c for c in rows(played, "cycles")}
    workshops = [m for m in meetings if m["cycle_id"] and cycles[m["cycle_id"]]["municipality_key"]]
    [conference] = [
        m for m in meetings if m["cycle_id"] and not cycles[m["cycle_id"]]["municipality_key"]
    ]
    assert len(workshops) == 7
    for meeting in workshops:
        day = local(meeting["starts_at"]).date()
        assert (day.month, day.day) not in ((12, 24), (12, 31)), day
        assert day.weekday() < 5 and calendar.public_holiday(day) is None, day
        assert meeting["starts_at"] < conference["starts_at"] - timedelta(weeks=4)
    held = local(conference["starts_at"])
    # config.toml: [cycles.integration_conference] cadence: May, second Saturday, 10:00
    assert (held.month, held.weekday(), held.hour) == (5, 5, 10)
    assert 8 <= held.day <= 14 and held.year % 2 == 1
    # the round is named after its conference's year
    played_rounds = {c["round_id"] for c in cycles.values()}
    [label] = [r["label"] for r in rows(played, "rounds") if r["id"] in played_rounds]
    assert label == str(held.year)


def clock_runs_forward_only(played: Application) -> None:
    log = sorted(rows(played, "transition_log"), key=lambda r: r["id"])
    stamps = [r["at"] for r in log]
    assert stamps == sorted(stamps)
    assert stamps[-1] - stamps[0] > timedelta(days=365)  # a round takes more than a year
