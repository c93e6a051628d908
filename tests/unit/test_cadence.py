"""Cadence rules: meeting dates in Europe/Berlin wall-clock time, one per period,
never on a Lower Saxony public holiday, in the configured school holidays or
(unless allowed) on a weekend."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from domain_builders import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.adapters.calendar_niedersachsen import LowerSaxonyCalendar
from deliberation.config import load_settings
from deliberation.domain.cadence import CadenceError, CadenceRule, SchoolHoliday, meeting_dates

BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS = load_settings(ROOT / "config.toml", environ={})
CALENDAR = LowerSaxonyCalendar(SETTINGS.school_holidays)
NO_SCHOOL_HOLIDAYS = LowerSaxonyCalendar()


# --- an independent reference for the expected days ------------------------------------


def _days_of_month(year: int, month: int) -> list[date]:
    day, days = date(year, month, 1), []
    while day.month == month:
        days.append(day)
        day += timedelta(days=1)
    return days


def _nominal(rule: CadenceRule, year: int, month: int) -> date:
    matching = [d for d in _days_of_month(year, month) if d.weekday() == rule.weekday]
    return matching[-1] if rule.week_of_month == -1 else matching[rule.week_of_month - 1]


def _months(rule: CadenceRule) -> list[int]:
    return list(rule.months) or list(range(1, 13, min(rule.interval_months, 12)))


def _periods(rule: CadenceRule, first_year: int, last_year: int) -> list[date]:
    """First days of all periods: the preferred months of the years that have meetings."""
    years = [
        y
        for y in range(first_year, last_year + 1)
        if rule.interval_months <= 12
        or (y - (rule.anchor_year or 0)) % (rule.interval_months // 12) == 0
    ]
    return [date(y, m, 1) for y in years for m in _months(rule)]


def _open(rule: CadenceRule, day: date, calendar: LowerSaxonyCalendar) -> bool:
    return (rule.allow_weekend or day.weekday() < 5) and calendar.is_closed(day) is None


def _expected_day(rule: CadenceRule, nominal: date, calendar: LowerSaxonyCalendar) -> date:
    if _open(rule, nominal, calendar):
        return nominal
    for weeks in range(1, 5):
        candidate = nominal + timedelta(weeks=weeks)
        if candidate.month == nominal.month and _open(rule, candidate, calendar):
            return candidate
    day = nominal + timedelta(days=1)
    while not _open(rule, day, calendar):
        day += timedelta(days=1)
    return day


def _last_sunday(year: int, month: int) -> date:
    return [d for d in _days_of_month(year, month) if d.weekday() == 6][-1]


def _summer_time(local: datetime) -> bool:
    day, hour = local.date(), local.hour
    march, october = _last_sunday(day.year, 3), _last_sunday(day.year, 10)
    if day == march:
        return hour >= 3
    if day == october:
        return hour < 2
    return march < day < october


# --- properties -------------------------------------------------------------------------


@st.composite
def rules(draw: st.DrawFn) -> CadenceRule:
    interval = draw(st.sampled_from([3, 4, 6, 12, 24]))
    block = min(interval, 12)
    months: tuple[int, ...] = ()
    if draw(st.booleans()):
        months = tuple(range(draw(st.integers(1, block)), 13, block))
    return CadenceRule(
        interval_months=interval,
        months=months,
        weekday=draw(st.integers(0, 6)),
        week_of_month=draw(st.sampled_from([1, 2, 3, 4, -1])),
        time=time(draw(st.sampled_from([*range(0, 2), *range(3, 24)])), draw(st.integers(0, 59))),
        allow_weekend=draw(st.booleans()),
        anchor_year=draw(st.integers(2020, 2030)) if interval > 12 else None,
    )


ranges = st.tuples(st.dates(date(2026, 1, 1), date(2040, 12, 31)), st.integers(0, 5 * 366)).map(
    lambda r: (r[0], min(r[0] + timedelta(days=r[1]), date(2041, 1, 1)))
)


@settings(max_examples=300, deadline=None)
@given(rule=rules(), span=ranges)
def test_meetings_are_on_open_days_one_per_period_at_local_time(
    rule: CadenceRule, span: tuple[date, date]
) -> None:
    start, end = span
    meetings = meeting_dates(rule, start, end, CALENDAR, BERLIN)

    assert all(a < b for a, b in pairwise(meetings))
    periods = _periods(rule, start.year - 2, end.year + 2)
    nominal = [(p, nxt, _nominal(rule, p.year, p.month)) for p, nxt in pairwise(periods)]
    in_range = [(p, nxt, n) for p, nxt, n in nominal if start <= n < end]
    assert len(meetings) == len(in_range)
    for meeting, (period_start, next_period, preferred) in zip(meetings, in_range, strict=True):
        day = meeting.date()
        assert period_start <= preferred <= day < next_period
        assert day == _expected_day(rule, preferred, CALENDAR)
        assert CALENDAR.is_closed(day) is None
        assert CALENDAR.public_holiday(day) is None
        assert not any(day in h for h in SETTINGS.school_holidays)
        assert rule.allow_weekend or day.weekday() < 5
        assert meeting.tzinfo is BERLIN
        assert (meeting.hour, meeting.minute) == (rule.time.hour, rule.time.minute)
        local = meeting.astimezone(BERLIN)
        assert (local.hour, local.minute) == (rule.time.hour, rule.time.minute)
        expected_offset = timedelta(hours=2 if _summer_time(meeting) else 1)
        assert meeting.utcoffset() == expected_offset


@settings(max_examples=150, deadline=None)
@given(rule=rules(), first_year=st.integers(2026, 2035), years=st.integers(1, 6))
def test_whole_years_hold_exactly_one_meeting_per_period(
    rule: CadenceRule, first_year: int, years: int
) -> None:
    start, end = date(first_year, 1, 1), date(first_year + years, 1, 1)
    meetings = meeting_dates(rule, start, end, CALENDAR, BERLIN)
    if rule.interval_months <= 12:
        assert len(meetings) == years * (12 // rule.interval_months)
    else:
        step = rule.interval_months // 12
        meeting_years = [
            y
            for y in range(first_year, first_year + years)
            if (y - (rule.anchor_year or 0)) % step == 0
        ]
        assert len(meetings) == len(meeting_years)
        for meeting, year in zip(meetings, meeting_years, strict=True):
            # a period belongs to the year of its preferred day; a meeting moved off
            # a closed day late in December may fall into the next January
            assert date(year, 1, 1) <= meeting.date() < date(year + 1, 2, 1)


@settings(max_examples=100, deadline=None)
@given(
    rule=rules(),
    start=st.dates(date(2026, 1, 1), date(2036, 1, 1)),
    cuts=st.lists(st.integers(1, 800), max_size=4),
)
def test_consecutive_ranges_give_every_period_exactly_once(
    rule: CadenceRule, start: date, cuts: list[int]
) -> None:
    bounds = [start]
    for days in cuts:
        bounds.append(bounds[-1] + timedelta(days=days))
    pieces = [m for a, b in pairwise(bounds) for m in meeting_dates(rule, a, b, CALENDAR, BERLIN)]
    assert pieces == meeting_dates(rule, bounds[0], bounds[-1], CALENDAR, BERLIN)


# --- the configured cadences ------------------------------------------------------------


def test_ten_years_twice_a_year_are_exactly_twenty_meetings() -> None:
    stab = next(b for b in SETTINGS.bodies if b.key == "koordinierungsstab")
    assert stab.cadence is not None
    meetings = meeting_dates(stab.cadence, date(2026, 1, 1), date(2036, 1, 1), CALENDAR, BERLIN)
    assert len(meetings) == 20
    assert {m.month for m in meetings} == {3, 9}
    assert meetings[0] == datetime(2026, 3, 10, 17, 0, tzinfo=BERLIN)


def test_the_biennial_conference_meets_five_times_in_ten_years() -> None:
    (conference,) = SETTINGS.cycles
    meetings = meeting_dates(
        conference.cadence, date(2026, 1, 1), date(2036, 1, 1), CALENDAR, BERLIN
    )
    assert [m.year for m in meetings] == [2027, 2029, 2031, 2033, 2035]
    assert all(m.month == 5 for m in meetings)


def test_every_configured_cadence_can_be_computed_for_years_ahead() -> None:
    cadences = [(b.name, b.cadence, b.avoid_school_holidays) for b in SETTINGS.bodies]
    cadences += [(c.name, c.cadence, c.avoid_school_holidays) for c in SETTINGS.cycles]
    for name, rule, avoid in cadences:
        assert rule is not None, name
        calendar = CALENDAR if avoid else NO_SCHOOL_HOLIDAYS
        meetings = meeting_dates(rule, date(2026, 1, 1), date(2040, 1, 1), calendar, BERLIN)
        assert meetings, name
        assert all(calendar.is_closed(m.date()) is None for m in meetings), name


# --- concrete days ----------------------------------------------------------------------


def test_a_meeting_on_easter_monday_moves_to_the_next_monday() -> None:
    rule = CadenceRule(
        interval_months=3, months=(1, 4, 7, 10), weekday=0, week_of_month=1, time=time(17)
    )
    assert NO_SCHOOL_HOLIDAYS.is_closed(date(2026, 4, 6)) == "Feiertag: Ostermontag"
    (meeting,) = meeting_dates(rule, date(2026, 4, 1), date(2026, 5, 1), NO_SCHOOL_HOLIDAYS, BERLIN)
    assert meeting == datetime(2026, 4, 13, 17, 0, tzinfo=BERLIN)


def test_a_meeting_in_the_school_holidays_moves_behind_them() -> None:
    # 2nd Tuesday of July 2026 lies in the Sommerferien (2 July to 12 August)
    rule = CadenceRule(interval_months=6, months=(1, 7), weekday=1, time=time(17))
    assert CALENDAR.is_closed(date(2026, 7, 14)) == "Schulferien: Sommerferien 2026"
    (meeting,) = meeting_dates(rule, date(2026, 7, 1), date(2026, 8, 1), CALENDAR, BERLIN)
    assert meeting.date() == date(2026, 8, 13)  # the first open weekday after the holidays


def test_a_closed_day_moves_to_the_same_weekday_a_week_later_in_the_month() -> None:
    # 2nd Thursday of May 2026 is Ascension Day (Christi Himmelfahrt, 14 May)
    rule = CadenceRule(interval_months=12, months=(5,), weekday=3, time=time(18, 30))
    assert NO_SCHOOL_HOLIDAYS.is_closed(date(2026, 5, 14)) == "Feiertag: Christi Himmelfahrt"
    (meeting,) = meeting_dates(rule, date(2026, 1, 1), date(2027, 1, 1), CALENDAR, BERLIN)
    assert meeting == datetime(2026, 5, 21, 18, 30, tzinfo=BERLIN)


def test_weekends_only_when_allowed() -> None:
    saturday = dict(interval_months=12, months=(6,), weekday=5, time=time(10))
    allowed = CadenceRule(**saturday, allow_weekend=True)  # type: ignore[arg-type]
    refused = CadenceRule(**saturday)  # type: ignore[arg-type]
    june = (date(2027, 6, 1), date(2027, 7, 1))
    assert meeting_dates(allowed, *june, CALENDAR, BERLIN)[0].date() == date(2027, 6, 12)
    assert meeting_dates(refused, *june, CALENDAR, BERLIN)[0].date() == date(2027, 6, 14)


def test_wall_clock_time_is_kept_across_both_switches_of_2026() -> None:
    rule = CadenceRule(
        interval_months=1, weekday=6, week_of_month=-1, time=time(17), allow_weekend=True
    )
    meetings = meeting_dates(rule, date(2026, 1, 1), date(2027, 1, 1), NO_SCHOOL_HOLIDAYS, BERLIN)
    assert len(meetings) == 12
    assert {(m.hour, m.minute) for m in meetings} == {(17, 0)}
    march, october = meetings[2], meetings[9]
    assert march == datetime(2026, 3, 29, 17, 0, tzinfo=BERLIN)
    assert october == datetime(2026, 10, 25, 17, 0, tzinfo=BERLIN)
    assert march.utcoffset() == timedelta(hours=2)
    assert october.utcoffset() == timedelta(hours=1)
    assert march.astimezone(UTC) == datetime(2026, 3, 29, 15, 0, tzinfo=UTC)
    assert october.astimezone(UTC) == datetime(2026, 10, 25, 16, 0, tzinfo=UTC)


def test_the_day_before_and_after_a_switch_have_the_same_local_time() -> None:
    weekly = [
        CadenceRule(
            interval_months=1, weekday=d, week_of_month=-1, time=time(17), allow_weekend=True
        )
        for d in (5, 0)
    ]
    saturday = meeting_dates(
        weekly[0], date(2026, 3, 1), date(2026, 4, 1), NO_SCHOOL_HOLIDAYS, BERLIN
    )[0]
    monday = meeting_dates(
        weekly[1], date(2026, 3, 1), date(2026, 4, 1), NO_SCHOOL_HOLIDAYS, BERLIN
    )[0]
    assert (saturday.date(), monday.date()) == (date(2026, 3, 28), date(2026, 3, 30))
    assert (saturday.hour, monday.hour) == (17, 17)
    assert monday.astimezone(UTC) - saturday.astimezone(UTC) == timedelta(hours=47)


# --- refusals ---------------------------------------------------------------------------


class _AllClosed:
    def is_closed(self, day: date) -> str | None:
        return "Betriebsferien"


def test_a_period_without_any_open_day_is_refused_in_german() -> None:
    rule = CadenceRule(interval_months=3, weekday=1, time=time(17))
    with pytest.raises(CadenceError, match=r"Januar 2026 gibt es bis 01\.04\.2026 keinen freien"):
        meeting_dates(rule, date(2026, 1, 1), date(2026, 2, 1), _AllClosed(), BERLIN)


def test_an_empty_range_has_no_meetings() -> None:
    rule = CadenceRule(interval_months=3, weekday=1, time=time(17))
    assert meeting_dates(rule, date(2026, 5, 1), date(2026, 5, 1), CALENDAR, BERLIN) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"interval_months": 5}, "Rhythmus von 5 Monaten ist nicht möglich"),
        (
            {"interval_months": 6, "months": (3, 4)},
            r"nicht je 6 Monate auseinander \(z\. B\. \[3, 9\]\)",
        ),
        ({"interval_months": 4, "months": (1, 5, 12)}, "nicht je 4 Monate auseinander"),
        ({"interval_months": 6, "months": (3,)}, "genau 2 Monate"),
        ({"interval_months": 6, "months": (9, 3)}, "aufsteigend"),
        ({"months": (13, 1, 4, 7)}, "Monat 13 gibt es nicht"),
        ({"weekday": 7}, "Wochentag 7"),
        ({"week_of_month": 5}, "Woche 5"),
        ({"time": time(2, 30)}, "Zeitumstellung"),
        ({"interval_months": 24, "months": (5,)}, "Bezugsjahr"),
        ({"duration_minutes": 0}, "Dauer"),
    ],
)
def test_inconsistent_rules_are_refused(fields: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"interval_months": 3, "weekday": 1, "time": time(17)}
    with pytest.raises(CadenceError, match=message):
        CadenceRule(**{**base, **fields})  # type: ignore[arg-type]


def test_a_school_holiday_cannot_end_before_it_starts() -> None:
    with pytest.raises(CadenceError, match="liegt vor dem ersten"):
        SchoolHoliday("Herbstferien", date(2026, 10, 24), date(2026, 10, 12))
