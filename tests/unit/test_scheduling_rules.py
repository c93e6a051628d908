"""Due-work rules without a database: invitation and reminder times, workshop days, moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from domain_builders import ROOT, real_engine
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.adapters.calendar_niedersachsen import LowerSaxonyCalendar
from deliberation.adapters.workflow_files import load_workflow
from deliberation.config import load_settings
from deliberation.domain.errors import WorkflowDefinitionError
from deliberation.domain.scheduling import (
    DueKind,
    SchedulePolicy,
    WorkshopPlan,
    holiday_horizon_warning,
    meeting_items,
    shift,
    workshop_days,
)
from deliberation.domain.workflow import PhaseStep
from deliberation.schedule_setup import schedule_policy

BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS = load_settings(ROOT / "config.toml", environ={})
POLICY = schedule_policy(SETTINGS, real_engine())
CALENDAR = LowerSaxonyCalendar(SETTINGS.school_holidays)
NOW = datetime(2026, 1, 1, tzinfo=UTC)

days_2026_to_2035 = st.dates(min_value=date(2026, 2, 1), max_value=date(2035, 12, 31))
meeting_times = st.sampled_from([time(7, 0), time(10, 0), time(17, 0), time(19, 30)])


@settings(max_examples=200, deadline=None)
@given(day=days_2026_to_2035, at=meeting_times, notice=st.integers(min_value=0, max_value=60))
def test_the_invitation_is_due_before_the_notice_period_ends(
    day: date, at: time, notice: int
) -> None:
    starts_at = datetime.combine(day, at, tzinfo=BERLIN)

    items = meeting_items(1, starts_at, notice, None, POLICY, NOW)

    [invitation] = [i for i in items if i.kind == DueKind.INVITATION]
    assert invitation.due_at <= starts_at - timedelta(days=notice)
    reminders = [i for i in items if i.kind == DueKind.REMINDER]
    assert all(invitation.due_at < r.due_at < starts_at for r in reminders)
    assert len({i.key for i in items}) == len(items)


def test_a_reminder_a_week_before_a_meeting_after_the_march_switch_is_at_eight_local() -> None:
    starts_at = datetime(2026, 4, 1, 17, 0, tzinfo=BERLIN)  # summer time (UTC+2)

    items = meeting_items(7, starts_at, 14, None, POLICY, NOW)

    [week_before] = [i for i in items if i.key == "meeting:7:reminder:7"]
    assert week_before.local_time == "2026-03-25 08:00"
    assert week_before.due_at == datetime(2026, 3, 25, 7, 0, tzinfo=UTC)  # still winter time


def test_moving_across_the_october_switch_keeps_the_wall_clock_time() -> None:
    before = datetime(2026, 10, 20, 17, 0, tzinfo=BERLIN)
    after = datetime(2026, 10, 27, 17, 0, tzinfo=BERLIN)
    [*_, reminder] = meeting_items(3, before, 14, None, POLICY, NOW)

    shift(reminder, before, after, BERLIN)

    assert reminder.local_time == "2026-10-26 08:00"
    assert reminder.due_at.astimezone(BERLIN).time() == time(8, 0)
    assert reminder.due_at == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)


def test_dated_workflow_steps_are_relative_to_notice_and_meeting() -> None:
    starts_at = datetime(2027, 5, 8, 10, 0, tzinfo=BERLIN)
    phases = (PhaseStep("build_agenda", "notice", -7), PhaseStep("hold", "meeting", 1))

    items = meeting_items(9, starts_at, 42, phases, POLICY, NOW)

    by_key = {i.key: i.local_time for i in items}
    assert by_key["meeting:9:phase:build_agenda"] == "2027-03-20 08:00"
    assert by_key["meeting:9:phase:hold"] == "2027-05-09 08:00"
    assert not [i for i in items if i.kind == DueKind.INVITATION]


@settings(max_examples=100, deadline=None)
@given(conference=days_2026_to_2035, count=st.integers(min_value=1, max_value=30))
def test_workshops_lie_on_distinct_open_weekdays_before_the_conference(
    conference: date, count: int
) -> None:
    days = workshop_days(conference, count, POLICY.workshops, CALENDAR)

    assert len(days) == count
    assert all(a < b for a, b in pairwise(days))
    assert all(d.weekday() < 5 and CALENDAR.is_closed(d) is None for d in days)
    assert days[-1] < conference
    window_start = conference - timedelta(weeks=POLICY.workshops.weeks_before_conference)
    if days[0] < window_start:  # only when the usual window has too few open days
        window = (window_start + timedelta(days=n) for n in range((conference - window_start).days))
        open_days = [d for d in window if d.weekday() < 5 and CALENDAR.is_closed(d) is None]
        assert len(open_days) < count


def test_a_schedule_naming_an_unknown_trigger_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = (ROOT / "workflows" / "future_workshop.toml").read_text(encoding="utf-8")
    broken = tmp_path / "future_workshop.toml"
    broken.write_text(
        source + '\n[[schedule]]\ntrigger = "invite_everyone"\nat = "yesterday"\n',
        encoding="utf-8",
    )

    with pytest.raises(WorkflowDefinitionError) as error:
        load_workflow(broken, lambda _name: True)

    message = str(error.value)
    assert 'Termin 3 ("invite_everyone"): unbekannter Auslöser' in message
    assert '"at" muss "notice" oder "meeting" sein, nicht "yesterday"' in message


def _policy_with_holidays_until(last: date | None) -> SchedulePolicy:
    plan = WorkshopPlan(
        weeks_before_conference=12,
        time=time(18, 0),
        notice_days=21,
        launch_weeks_before_conference=30,
        conference_launch_weeks_before=16,
    )
    return SchedulePolicy(
        timezone="Europe/Berlin",
        series=(),
        workshops=plan,
        horizon_months=12,
        holidays_known_until=last,
    )


def test_a_warning_appears_as_soon_as_the_school_holidays_end_within_the_horizon() -> None:
    policy = _policy_with_holidays_until(date(2029, 1, 5))

    assert holiday_horizon_warning(policy, date(2027, 12, 1)) is None  # horizon ends 30.11.2028
    assert holiday_horizon_warning(policy, date(2028, 1, 15)) is None  # … 31.12.2028
    warning = holiday_horizon_warning(policy, date(2028, 2, 1))  # … 31.01.2029: past the end
    assert warning is not None
    assert "nur bis zum 05.01.2029 eingetragen" in warning and "31.01.2029" in warning
    assert holiday_horizon_warning(_policy_with_holidays_until(None), date(2028, 2, 1)) is None
