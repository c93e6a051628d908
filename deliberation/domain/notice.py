"""Notice periods (Ladungsfristen) counted as a body's rules of procedure say.

A notice period of *n* days is kept when at least *n* counted days lie after
the day the invitation (with the papers) goes out, up to and including the
meeting day. Which days count is the rules of procedure's choice:

* ``calendar_days``: every day (Kalendertage);
* ``working_days``: every day but Sundays and public holidays (Werktage);
* ``business_days``: Monday to Friday without public holidays (Arbeitstage).

Invitations go out on office days only (Monday to Friday, no public holiday):
a period that runs backward from the meeting and ends on a weekend or a
holiday is not shortened, the invitation has to go out the office day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from deliberation.domain.cadence import ClosedDays

SATURDAY, SUNDAY = 5, 6


class NoticeCounting(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    BUSINESS_DAYS = "business_days"


COUNTING_TITLES = {
    NoticeCounting.CALENDAR_DAYS: "Kalendertage",
    NoticeCounting.WORKING_DAYS: "Werktage (ohne Sonn- und Feiertage)",
    NoticeCounting.BUSINESS_DAYS: "Arbeitstage (Montag bis Freitag ohne Feiertage)",
}

#: "eine Ladungsfrist von 7 …"
COUNTING_DATIVES = {
    NoticeCounting.CALENDAR_DAYS: "Tagen",
    NoticeCounting.WORKING_DAYS: "Werktagen (ohne Sonn- und Feiertage)",
    NoticeCounting.BUSINESS_DAYS: "Arbeitstagen (Montag bis Freitag ohne Feiertage)",
}


class NoPublicHolidays:
    """``ClosedDays`` without any closed day: for tests and counties without holidays."""

    def is_closed(self, day: date) -> str | None:
        return None


@dataclass(frozen=True)
class NoticePeriod:
    days: int
    counting: NoticeCounting = NoticeCounting.CALENDAR_DAYS

    def describe(self) -> str:
        """German, e.g. "7 Kalendertage"."""
        return f"{self.days} {COUNTING_TITLES[self.counting]}"

    def describe_dative(self) -> str:
        """German after "von", e.g. "7 Tagen"."""
        return f"{self.days} {COUNTING_DATIVES[self.counting]}"

    def counts(self, day: date, holidays: ClosedDays) -> bool:
        if self.counting == NoticeCounting.CALENDAR_DAYS:
            return True
        if day.weekday() == SUNDAY or holidays.is_closed(day) is not None:
            return False
        return not (self.counting == NoticeCounting.BUSINESS_DAYS and day.weekday() == SATURDAY)

    def earliest_meeting_day(self, sent_on: date, holidays: ClosedDays) -> date:
        """The first meeting day the period allows for an invitation sent on ``sent_on``."""
        day, counted = sent_on, 0
        while counted < self.days:
            day += timedelta(days=1)
            counted += self.counts(day, holidays)
        return day

    def latest_sending_day(self, meeting_day: date, holidays: ClosedDays) -> date:
        """The last office day on which the invitation to a meeting on ``meeting_day`` (and
        the papers on its agenda) can go out."""
        day, counted = meeting_day, 0
        while counted < self.days:
            counted += self.counts(day, holidays)
            day -= timedelta(days=1)
        while not is_office_day(day, holidays):
            day -= timedelta(days=1)
        return day


def is_office_day(day: date, holidays: ClosedDays) -> bool:
    """Monday to Friday and no public holiday: a day on which the office sends invitations."""
    return day.weekday() < SATURDAY and holidays.is_closed(day) is None
