"""When the demo's round happens: dates a county would pick, all before today.

The demo plays the latest round that is over by now: its conference on the day
the county's rhythm gives it (``[cycles]`` in ``config.toml``), the future
workshops on open days before it (``[scheduler.workshops]``: no weekend, no
public or school holiday, never on 24 or 31 December), and each meeting of the
consultation route on the next regular meeting of its body outside the notice
period. The clock then walks through these dates, so nothing is decided before
its meeting and nothing lies after today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from deliberation.domain.cadence import ClosedDays, meeting_dates, meeting_periods
from deliberation.domain.consultations import RouteStep
from deliberation.domain.errors import ConfigError
from deliberation.domain.scheduling import SchedulePolicy, Series, wall_clock, workshop_days

#: how many conference years back the demo looks for a round that is over
YEARS_BACK = 8
#: the demo starts the round this long before the notice period of its first workshop
LEAD = timedelta(days=14)
#: a working group starts work a week after the conference, reports two weeks before its due date
GROUP_START = timedelta(days=7)
GROUP_REPORT_BEFORE_DUE = timedelta(days=14)
#: a placement waits this long beyond a body's notice period (counting rules differ)
NOTICE_MARGIN = timedelta(days=7)
#: results are recorded the evening after a meeting began
RESULTS_AFTER = timedelta(hours=3)
#: the implementation report comes this long after the last meeting of the route
REPORT_AFTER = timedelta(days=60)
#: a body without a cadence meets at this hour, three weeks after the placement
FALLBACK_TIME = time(17, 0)
FALLBACK_AHEAD = timedelta(days=21)
#: days no county would hold a workshop on, although they are no public holiday
UNUSUAL_DAYS = ((12, 24), (12, 31))


class WithoutEveDays:
    """The configured closed days, plus Christmas Eve and New Year's Eve."""

    def __init__(self, closed: ClosedDays) -> None:
        self.closed = closed

    def is_closed(self, day: date) -> str | None:
        if (day.month, day.day) in UNUSUAL_DAYS:
            return "Heiligabend" if day.day == 24 else "Silvester"
        return self.closed.is_closed(day)


@dataclass(frozen=True)
class RoundDates:
    """Every date of the demo's round, in order."""

    label: str
    next_label: str
    start: datetime
    workshops: tuple[datetime, ...]
    workshop_notice: tuple[datetime, ...]
    conference: datetime
    conference_notice: datetime
    groups_due: date
    group_start: datetime
    group_report: datetime
    end: datetime


class DemoCalendar:
    """Computes the round's dates from the county's schedule policy (no I/O)."""

    def __init__(self, policy: SchedulePolicy, route: tuple[RouteStep, ...]) -> None:
        self.policy = policy
        self.route = route
        series = policy.series_by_key(policy.conference_series)
        if series is None or series.closed is None:
            raise ConfigError(
                "Die Demo braucht den Rhythmus der Konferenz: [cycles."
                f"{policy.conference_series or 'NAME'}] mit cadence in config.toml."
            )
        self.conference_series = series
        self.closed: ClosedDays = series.closed

    def latest_round(self, now: datetime, workshops: int, group_months: int) -> RoundDates:
        """The latest round whose every date, the implementation report included, is past."""
        for year in range(now.year, now.year - YEARS_BACK, -1):
            dates = self.round_in(year, workshops, group_months)
            if dates is not None and dates.end <= now:
                return dates
        raise ConfigError(
            f"In den letzten {YEARS_BACK} Jahren liegt kein abgeschlossener Durchgang der "
            f"{self.conference_series.title} (Rhythmus in config.toml prüfen)."
        )

    def round_in(self, year: int, workshops: int, group_months: int) -> RoundDates | None:
        """The dates of the round whose conference lies in ``year``, or None in other years."""
        tz = self.policy.tz
        series = self.conference_series
        periods = meeting_periods(
            series.rule, date(year, 1, 1), date(year + 1, 1, 1), series.closed or self.closed, tz
        )
        if not periods:
            return None
        conference = periods[0][1]
        plan = self.policy.workshops
        days = workshop_days(conference.date(), workshops, plan, WithoutEveDays(self.closed))
        evenings = tuple(wall_clock(day, plan.time, tz) for day in days)
        notices = tuple(self._notice(e, plan.notice_days) for e in evenings)
        due = months_later(conference.date(), group_months)
        report = wall_clock(due, time(12, 0), tz) - GROUP_REPORT_BEFORE_DUE
        last = self.route_end(report)
        years = max(series.rule.interval_months // 12, 1)
        return RoundDates(
            label=str(year),
            next_label=str(year + years),
            start=min(notices, default=conference) - LEAD,
            workshops=evenings,
            workshop_notice=notices,
            conference=conference.astimezone(tz),
            conference_notice=self._notice(conference, series.notice_days),
            groups_due=due,
            group_start=wall_clock(conference.date() + GROUP_START, time(10, 0), tz),
            group_report=report,
            end=last + REPORT_AFTER,
        )

    def route_end(self, after: datetime) -> datetime:
        """When the results of the route's last meeting are in, deferral included."""
        moment = after
        for step in self.route:
            moment = self.body_meeting(step.body_key, moment) + RESULTS_AFTER
            if step.authoritative:  # a deferred recommendation goes to the body's next meeting
                moment = self.body_meeting(step.body_key, moment) + RESULTS_AFTER
        return moment

    def body_meeting(self, body_key: str, after: datetime) -> datetime:
        """The body's first regular meeting that a placement at ``after`` may still reach."""
        series = self._body_series(body_key)
        tz = self.policy.tz
        if series is None or series.closed is None:
            day = (after + FALLBACK_AHEAD).astimezone(tz).date()
            while day.weekday() >= 5 or self.closed.is_closed(day):
                day += timedelta(days=1)
            return wall_clock(day, FALLBACK_TIME, tz)
        earliest = (after + timedelta(days=series.notice_days) + NOTICE_MARGIN).astimezone(tz)
        for when in meeting_dates(
            series.rule,
            earliest.date() - timedelta(days=31),
            earliest.date() + timedelta(days=800),
            series.closed,
            tz,
        ):
            if when >= earliest:
                return when
        raise ConfigError(f"Für {series.title} findet die Demo keinen Sitzungstermin.")

    def _body_series(self, body_key: str) -> Series | None:
        return next((s for s in self.policy.series if s.body_key == body_key), None)

    def _notice(self, meeting: datetime, notice_days: int) -> datetime:
        """The morning the notice period of a meeting begins: the invitation goes out."""
        tz = self.policy.tz
        day = meeting.astimezone(tz).date() - timedelta(days=notice_days)
        return wall_clock(day, self.policy.send_time, tz)


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the 28th so every month has it)."""
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, min(day.day, 28))
