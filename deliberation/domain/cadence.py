"""Cadence rules: when a body or a cycle type meets, in local wall-clock time.

A rule divides the calendar into *periods*. Every period begins on the first
day of one preferred month and ends where the next period begins; the
preferred months are exactly ``interval_months`` apart (twice a year:
March and September, say), so every period is ``interval_months`` long. Rules of 12 months or more
have one preferred month and meet only in the years that are a multiple of
``interval_months // 12`` away from ``anchor_year``.

The *preferred day* of a period is the n-th (or last) preferred weekday of its
preferred month. If that day is closed (public holiday, school holidays,
weekend not allowed), the meeting moves forward to the next open day with the
same weekday in the same month, else to the next open day at all, but never
into the next period.

Times are wall-clock times: every meeting is built with
``datetime.combine(day, rule.time, tzinfo=tz)``, so 17:00 stays 17:00 across
the switches to and from daylight-saving time.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from deliberation.domain.errors import DeliberationError

WEEKDAY_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTH_NAMES = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
LAST_WEEK = -1


class CadenceError(DeliberationError):
    """A cadence rule is inconsistent, or a period has no open day.

    ``setting`` names the field of the rule (or school holiday) that is wrong, so a
    loader can point its message at the key in the file.
    """

    def __init__(self, message: str, setting: str = "") -> None:
        super().__init__(message)
        self.setting = setting


class ClosedDays(Protocol):
    """A calendar of days on which no meeting may take place."""

    def is_closed(self, day: date) -> str | None:
        """A German reason (e.g. ``"Feiertag: Ostermontag"``) or ``None`` if the day is open."""
        ...


@dataclass(frozen=True)
class SchoolHoliday:
    """A school-holiday period, first and last day inclusive (e.g. Sommerferien)."""

    name: str
    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise CadenceError(
                f"{self.name}: der letzte Tag {self.last:%d.%m.%Y} liegt vor dem ersten Tag "
                f"{self.first:%d.%m.%Y}.",
                "last",
            )

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def allowed_intervals() -> str:
    return "1, 2, 3, 4, 6, 12 oder ein Vielfaches von 12"


def default_months(interval_months: int) -> tuple[int, ...]:
    """The first month of every block: quarterly → (1, 4, 7, 10); yearly and longer → (1,)."""
    if interval_months >= 12:
        return (1,)
    return tuple(range(1, 13, interval_months))


@dataclass(frozen=True)
class CadenceRule:
    """When meetings take place; see the module documentation.

    ``months`` empty means the first month of each block (``default_months``).
    ``week_of_month`` is 1 to 4, or -1 for the last such weekday of the month.
    """

    interval_months: int
    weekday: int
    time: time
    months: tuple[int, ...] = ()
    week_of_month: int = 2
    allow_weekend: bool = False
    duration_minutes: int = 120
    anchor_year: int | None = None

    def __post_init__(self) -> None:
        interval = self.interval_months
        if interval < 1 or (interval > 12 and interval % 12) or (interval < 12 and 12 % interval):
            raise CadenceError(
                f"Ein Rhythmus von {interval} Monaten ist nicht möglich: {interval} Monate "
                f"ergeben keinen Sitzungsrhythmus, der sich jedes Jahr gleich wiederholt "
                f"(erlaubt: {allowed_intervals()}).",
                "interval_months",
            )
        if not 0 <= self.weekday <= 6:
            raise CadenceError(
                f"Wochentag {self.weekday} gibt es nicht (0 = Montag … 6 = Sonntag).", "weekday"
            )
        if self.week_of_month not in (1, 2, 3, 4, LAST_WEEK):
            raise CadenceError(
                f"Woche {self.week_of_month} ist nicht möglich (1 bis 4 oder -1 für die letzte).",
                "week_of_month",
            )
        if self.time.tzinfo is not None:
            raise CadenceError("Die Uhrzeit ist eine Ortszeit ohne Zeitzone.", "time")
        if self.time.hour == 2:
            raise CadenceError(
                f"{self.time:%H:%M} Uhr liegt in der Stunde der Zeitumstellung; "
                "bitte eine andere Uhrzeit wählen.",
                "time",
            )
        if self.duration_minutes < 1:
            raise CadenceError(
                f"Die Dauer muss mindestens 1 Minute sein, nicht {self.duration_minutes}.",
                "duration_minutes",
            )
        self._check_months()
        if interval > 12 and self.anchor_year is None:
            raise CadenceError(
                f"Bei einem Rhythmus von {interval} Monaten fehlt das Bezugsjahr (anchor_year).",
                "anchor_year",
            )

    def _check_months(self) -> None:
        months = self.months
        if not months:
            return
        for month in months:
            if not 1 <= month <= 12:
                raise CadenceError(f"Monat {month} gibt es nicht (1 bis 12).")
        if list(months) != sorted(set(months)):
            raise CadenceError(
                f"Die Monate {list(months)} müssen aufsteigend und ohne Doppelte angegeben werden."
            )
        block = min(self.interval_months, 12)
        expected = 12 // block
        if len(months) != expected:
            raise CadenceError(
                f"Bei einem Rhythmus von {self.interval_months} Monaten "
                f"{'ist genau 1 Monat' if expected == 1 else f'sind genau {expected} Monate'} "
                f"anzugeben, nicht {len(months)}."
            )
        if list(months) != list(range(months[0], 13, block)):
            example = list(range(months[0] if months[0] <= block else 1, 13, block))
            raise CadenceError(
                f"Die Monate {list(months)} liegen nicht je {block} Monate auseinander "
                f"(z. B. {example})."
            )

    @property
    def preferred_months(self) -> tuple[int, ...]:
        return self.months or default_months(self.interval_months)

    def meets_in_year(self, year: int) -> bool:
        if self.interval_months <= 12 or self.anchor_year is None:
            return True
        return (year - self.anchor_year) % (self.interval_months // 12) == 0

    def describe(self) -> str:
        """German summary, e.g. "alle 6 Monate (März, September), 2. Dienstag, 17:00 Uhr"."""
        week = "letzter" if self.week_of_month == LAST_WEEK else f"{self.week_of_month}."
        months = ", ".join(MONTH_NAMES[m - 1] for m in self.preferred_months)
        years = ""
        if self.interval_months > 12:
            years = f" ab {self.anchor_year}"
        return (
            f"alle {self.interval_months} Monate ({months}{years}), {week} "
            f"{WEEKDAY_NAMES[self.weekday]}, {self.time:%H:%M} Uhr"
        )


def preferred_day(rule: CadenceRule, year: int, month: int) -> date:
    """The ``week_of_month``-th (or last) ``rule.weekday`` of the month."""
    if rule.week_of_month == LAST_WEEK:
        last = _month_start(year, month + 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - rule.weekday) % 7)
    first = date(year, month, 1)
    first_match = first + timedelta(days=(rule.weekday - first.weekday()) % 7)
    return first_match + timedelta(weeks=rule.week_of_month - 1)


def period_starts(rule: CadenceRule, first_year: int, last_year: int) -> list[date]:
    """The first day of every period beginning in the years ``first_year`` to ``last_year``."""
    return [
        date(year, month, 1)
        for year in range(first_year, last_year + 1)
        if rule.meets_in_year(year)
        for month in rule.preferred_months
    ]


def meeting_dates(
    rule: CadenceRule, start: date, end: date, closed: ClosedDays, tz: ZoneInfo
) -> list[datetime]:
    """One meeting per period whose preferred day lies in ``[start, end)``.

    Returns aware datetimes in ``tz`` at ``rule.time`` wall-clock time, strictly
    increasing. Consecutive ranges ``[a, b)``, ``[b, c)`` together give every
    period exactly once. A moved meeting may lie after ``end`` (it belongs to the
    period of its preferred day). Raises ``CadenceError`` if a period has no open day.
    """
    return [when for _period, when in meeting_periods(rule, start, end, closed, tz)]


def meeting_periods(
    rule: CadenceRule, start: date, end: date, closed: ClosedDays, tz: ZoneInfo
) -> list[tuple[date, datetime]]:
    """Like ``meeting_dates``, each meeting with the first day of its period."""
    if end <= start:
        return []
    horizon = max(rule.interval_months // 12, 1)
    starts = period_starts(rule, start.year - horizon, end.year + horizon)
    result: list[tuple[date, datetime]] = []
    for period_start, next_start in itertools.pairwise(starts):
        nominal = preferred_day(rule, period_start.year, period_start.month)
        if not start <= nominal < end:
            continue
        day = _first_open_day(rule, nominal, next_start, closed)
        result.append((period_start, datetime.combine(day, rule.time, tzinfo=tz)))
    return result


def _first_open_day(rule: CadenceRule, nominal: date, before: date, closed: ClosedDays) -> date:
    if _is_open(rule, nominal, closed):
        return nominal
    same_weekday = nominal + timedelta(weeks=1)
    while same_weekday.month == nominal.month and same_weekday < before:
        if _is_open(rule, same_weekday, closed):
            return same_weekday
        same_weekday += timedelta(weeks=1)
    day = nominal + timedelta(days=1)
    while day < before:
        if _is_open(rule, day, closed):
            return day
        day += timedelta(days=1)
    raise CadenceError(
        f"Für {MONTH_NAMES[nominal.month - 1]} {nominal.year} gibt es bis "
        f"{before:%d.%m.%Y} keinen freien Sitzungstag ({rule.describe()}; "
        f"{nominal:%d.%m.%Y}: {closed_reason(rule, nominal, closed)})."
    )


def _is_open(rule: CadenceRule, day: date, closed: ClosedDays) -> bool:
    if not rule.allow_weekend and day.weekday() >= 5:
        return False
    return closed.is_closed(day) is None


def closed_reason(rule: CadenceRule, day: date, closed: ClosedDays) -> str | None:
    """Why no meeting of ``rule`` may take place on ``day`` (German), or ``None``."""
    if not rule.allow_weekend and day.weekday() >= 5:
        return f"Wochenende: {WEEKDAY_NAMES[day.weekday()]}"
    return closed.is_closed(day)


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
