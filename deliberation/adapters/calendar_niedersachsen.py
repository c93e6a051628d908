"""Closed days: the public holidays of a German federal state (``holidays`` package,
``[county] holiday_state``, Lower Saxony by default) and the school-holiday periods
the county configures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays

from deliberation.domain.cadence import SchoolHoliday


class HolidayCalendar:
    """``ClosedDays`` for one German federal state (``"NI"``: Lower Saxony), with German
    holiday names.

    Weekends are not closed here: whether a body may meet on a weekend is part
    of its cadence rule.
    """

    def __init__(self, school_holidays: Iterable[SchoolHoliday] = (), state: str = "NI") -> None:
        self.school_holidays = tuple(school_holidays)
        self._public = holidays.country_holidays("DE", subdiv=state, language="de")

    def public_holiday(self, day: date) -> str | None:
        name = self._public.get(day)
        return None if name is None else str(name)

    def school_holiday(self, day: date) -> str | None:
        return next((p.name for p in self.school_holidays if day in p), None)

    def is_closed(self, day: date) -> str | None:
        name = self.public_holiday(day)
        if name is not None:
            return f"Feiertag: {name}"
        school = self.school_holiday(day)
        return None if school is None else f"Schulferien: {school}"


#: The name of the calendar before the federal state became a setting; same class.
LowerSaxonyCalendar = HolidayCalendar
