"""The one settable clock: standing, running, set and moved on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deliberation.domain.clock import Clock

MOMENT = datetime(2027, 3, 4, 18, 30, tzinfo=UTC)


def test_a_standing_clock_shows_its_moment_until_it_is_moved() -> None:
    clock = Clock.standing_at(MOMENT)

    assert clock() == clock() == clock.now == MOMENT
    assert clock.advance(timedelta(days=2)) == MOMENT + timedelta(days=2)
    clock.now += timedelta(hours=1)
    assert clock() == MOMENT + timedelta(days=2, hours=1)


def test_times_are_kept_in_utc_and_must_name_their_zone() -> None:
    clock = Clock.standing_at(datetime(2027, 3, 4, 19, 30, tzinfo=ZoneInfo("Europe/Berlin")))

    assert (clock(), clock().tzinfo) == (MOMENT, UTC)
    with pytest.raises(ValueError, match="give a time zone"):
        clock.set(datetime(2027, 3, 4, 19, 30))


def test_an_unset_clock_runs_with_the_system_time() -> None:
    before = datetime.now(UTC)
    reading = Clock()()
    after = datetime.now(UTC)

    assert before <= reading <= after
    assert not Clock().standing


def test_a_running_clock_moved_on_keeps_running_ahead_of_the_system_time() -> None:
    clock = Clock()
    clock.advance(timedelta(days=30))

    reading = clock()
    assert not clock.standing
    assert reading - datetime.now(UTC) > timedelta(days=29)
    assert clock() >= reading  # it goes on running


def test_the_demo_stops_the_clock_and_later_lets_it_run_on_from_its_moment() -> None:
    demo = Clock().stopped()
    start = demo()
    demo.advance(timedelta(days=60))

    served = demo.running()

    assert demo.standing and not served.standing
    assert served() >= start + timedelta(days=60)
    assert served() - (start + timedelta(days=60)) < timedelta(days=1)
