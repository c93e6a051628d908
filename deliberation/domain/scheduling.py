"""Due work: what the scheduler must do, when, and exactly once.

Every item has a unique ``key`` (``meeting:12:reminder:7``): planning the same
thing twice finds the existing row instead of adding a second one. Times are
stored in UTC (``due_at``) together with the wall-clock intent they were
computed from (``local_time``, e.g. ``2026-03-03 08:00``), so a reminder "at
8 o'clock, seven days before" stays at 8 o'clock across the switches to and
from daylight-saving time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from deliberation.domain.cadence import CadenceRule, ClosedDays, closed_reason
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.workflow import PhaseStep


class DueKind(StrEnum):
    PLAN = "plan"  # propose the meetings of the coming months, plan cycle launches
    INVITATION = "invitation"  # invite a body's members when the notice period starts
    REMINDER = "reminder"  # remind the invited N days before
    PHASE = "phase"  # a workflow transition the workflow declares by date
    LAUNCH = "launch"  # launch the cycles of a round (workshops, then the conference)
    GROUP_OVERDUE = "group_overdue"  # a working group's report is overdue
    DECISION_OVERDUE = "decision_overdue"  # a recommendation still awaits its decision


KIND_TITLES = {
    DueKind.PLAN: "Sitzungen planen",
    DueKind.INVITATION: "Einladung",
    DueKind.REMINDER: "Erinnerung",
    DueKind.PHASE: "Phasenwechsel",
    DueKind.LAUNCH: "Zyklus starten",
    DueKind.GROUP_OVERDUE: "Mahnung Arbeitsgruppe",
    DueKind.DECISION_OVERDUE: "Mahnung Entscheidung",
}


class DueStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"  # nothing left to do when it came due (e.g. report already delivered)
    #: too late to do without harm when it ran (after an outage): listed for staff
    STALE = "stale"
    CANCELLED = "cancelled"  # its meeting was cancelled
    FAILED = "failed"  # gave up after the configured number of attempts


MEETING_STATUS_TITLES: dict[str, str] = {
    MeetingStatus.PROPOSED: "vorgeschlagen",
    MeetingStatus.PLANNED: "geplant",
    MeetingStatus.CANCELLED: "abgesagt",
}
#: how lists name a planned meeting that is over
HELD_TITLE = "stattgefunden"


def meeting_status_title(status: str, ends_at: datetime, now: datetime) -> str:
    """A meeting's state as lists show it: a planned meeting that is over has taken place."""
    if status == MeetingStatus.PLANNED and ends_at <= now:
        return HELD_TITLE
    return MEETING_STATUS_TITLES.get(status, status)


@dataclass
class DueWork:
    """One thing the scheduler does once, at or after ``due_at``."""

    key: str
    kind: str
    subject_kind: str
    subject_id: int
    due_at: datetime
    local_time: str
    created_at: datetime
    argument: str = ""
    status: str = DueStatus.PENDING
    attempts: int = 0
    late: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None
    note: str = ""
    id: int | None = field(default=None)


@dataclass(frozen=True)
class Series:
    """A recurring kind of meeting: a body's sessions or a cycle type's event."""

    key: str
    title: str
    rule: CadenceRule
    notice_days: int
    location: str
    body_key: str | None = None
    cycle_workflow: str | None = None
    closed: ClosedDays | None = None
    public: bool = True  # closed bodies (Kreisausschuss) meet in non-public sessions


@dataclass(frozen=True)
class WorkshopPlan:
    """Where the future workshops of a round lie relative to its conference."""

    weeks_before_conference: int
    time: time
    notice_days: int
    launch_weeks_before_conference: int
    conference_launch_weeks_before: int
    allow_weekend: bool = False
    duration_minutes: int = 180
    #: (municipality key, venue): where each municipality's workshop meets by default
    venues: tuple[tuple[str, str], ...] = ()

    def venue(self, municipality_key: str) -> str:
        """The configured venue, or "" (the meeting then has no place until staff set one)."""
        return dict(self.venues).get(municipality_key, "")


@dataclass(frozen=True)
class SchedulePolicy:
    """When due work is done; built from ``[scheduler]`` in ``config.toml``."""

    timezone: str
    series: tuple[Series, ...]
    workshops: WorkshopPlan
    #: the conference workflow's name (its series key) and the workflows launched before it
    conference_series: str = ""
    feeder_workflows: tuple[str, ...] = ()
    reminder_days: tuple[int, ...] = (7, 1)
    send_time: time = time(8, 0)
    horizon_months: int = 12
    late_after: timedelta = timedelta(minutes=15)
    max_attempts: int = 5
    retry_after: timedelta = timedelta(minutes=30)
    escalation_to: str = ""
    decision_due_days: int = 270
    actor: str = "Terminplaner"
    #: the last day of the configured school holidays (None: none configured)
    holidays_known_until: date | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def series_by_key(self, key: str) -> Series | None:
        return next((s for s in self.series if s.key == key), None)


def holiday_horizon_warning(policy: SchedulePolicy, today: date) -> str | None:
    """A warning once the configured school holidays end before the planning horizon does.

    Beyond their end the scheduler would place meetings in holidays it does not know.
    """
    known = policy.holidays_known_until
    if known is None:
        return None
    index = today.month - 1 + policy.horizon_months
    horizon = date(today.year + index // 12, index % 12 + 1, 1)
    if known >= horizon:
        return None
    return (
        f"Die Schulferien sind in config.toml ([[school_holidays]]) nur bis zum "
        f"{known:%d.%m.%Y} eingetragen, der Terminplaner plant aber bis "
        f"{horizon - timedelta(days=1):%d.%m.%Y} voraus: Sitzungen danach können in Ferien "
        "fallen. Bitte die nächsten Ferien aus der amtlichen Liste des Kultusministeriums "
        "eintragen."
    )


def wall_clock(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``day`` at local ``at`` as a UTC instant.

    A time in the skipped hour of March counts with the offset before the
    switch (it happens an hour later by the clock); one in the repeated hour of
    October is its first occurrence. Either way it is exactly one instant.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def local_label(day: date, at: time) -> str:
    return f"{day:%Y-%m-%d} {at:%H:%M}"


def due_item(
    key: str,
    kind: DueKind,
    subject: tuple[str, int],
    day: date,
    at: time,
    tz: ZoneInfo,
    now: datetime,
    argument: str = "",
) -> DueWork:
    return DueWork(
        key=key,
        kind=kind.value,
        subject_kind=subject[0],
        subject_id=subject[1],
        due_at=wall_clock(day, at, tz),
        local_time=local_label(day, at),
        created_at=now,
        argument=argument,
    )


def notice_day(starts_at: datetime, notice_days: int, tz: ZoneInfo) -> date:
    """The local day the notice period of a meeting starts."""
    return starts_at.astimezone(tz).date() - timedelta(days=notice_days)


def send_time_for(starts_at: datetime, policy: SchedulePolicy) -> time:
    """The policy's send time, or the meeting's own time when that is earlier."""
    local = starts_at.astimezone(policy.tz).time().replace(tzinfo=None)
    return min(policy.send_time, local)


def meeting_items(
    meeting_id: int,
    starts_at: datetime,
    notice_days: int,
    phases: tuple[PhaseStep, ...] | None,
    policy: SchedulePolicy,
    now: datetime,
) -> list[DueWork]:
    """Invitation (or the workflow's dated steps) and reminders of one meeting.

    ``phases`` is None for a body's meeting (it gets a plain invitation) and
    the workflow's dated steps for a cycle's meeting (its invitation is one of
    them).
    """
    tz = policy.tz
    subject = ("meeting", meeting_id)
    at = send_time_for(starts_at, policy)
    notice = notice_day(starts_at, notice_days, tz)
    meeting_day = starts_at.astimezone(tz).date()
    items: list[DueWork] = []
    if phases is None:
        key = f"meeting:{meeting_id}:invitation"
        items.append(due_item(key, DueKind.INVITATION, subject, notice, at, tz, now))
    else:
        for step in phases:
            anchor = notice if step.anchor == "notice" else meeting_day
            day = anchor + timedelta(days=step.days)
            key = f"meeting:{meeting_id}:phase:{step.trigger}"
            items.append(
                due_item(key, DueKind.PHASE, subject, day, at, tz, now, argument=step.trigger)
            )
    for days in policy.reminder_days:
        if days >= notice_days:
            continue  # the invitation itself goes out later than such a reminder would
        day = meeting_day - timedelta(days=days)
        key = f"meeting:{meeting_id}:reminder:{days}"
        items.append(due_item(key, DueKind.REMINDER, subject, day, at, tz, now, str(days)))
    return items


def shift(item: DueWork, starts_before: datetime, starts_after: datetime, tz: ZoneInfo) -> None:
    """Move a pending item of a meeting that moved, keeping its wall-clock distance."""
    old_local = datetime.strptime(item.local_time, "%Y-%m-%d %H:%M")
    day_delta = starts_after.astimezone(tz).date() - starts_before.astimezone(tz).date()
    new_day = old_local.date() + day_delta
    new_time = old_local.time()
    meeting_time = starts_after.astimezone(tz).time().replace(tzinfo=None)
    if item.kind != DueKind.PHASE and new_day == starts_after.astimezone(tz).date():
        new_time = min(new_time, meeting_time)
    item.due_at = wall_clock(new_day, new_time, tz)
    item.local_time = local_label(new_day, new_time)


def next_open_day(day: date, closed: ClosedDays, rule: CadenceRule) -> date:
    """``day`` or the first day after it on which ``rule`` may meet."""
    for _ in range(366):
        if closed_reason(rule, day, closed) is None:
            return day
        day += timedelta(days=1)
    raise ValueError(f"kein freier Tag im Jahr nach {day:%d.%m.%Y}")


def workshop_days(
    conference_day: date,
    count: int,
    plan: WorkshopPlan,
    closed: ClosedDays,
    earliest: date | None = None,
) -> list[date]:
    """One open day per municipality, consecutive, from ``weeks_before_conference`` ahead.

    If the open days between then and the conference are too few (many
    municipalities, summer holidays), the series starts a week earlier until
    every workshop lies before the conference, but never before ``earliest``.
    """
    rule = CadenceRule(
        interval_months=12, weekday=0, time=plan.time, allow_weekend=plan.allow_weekend
    )
    start = conference_day - timedelta(weeks=plan.weeks_before_conference)
    if earliest is not None:
        start = max(start, earliest)
    for _ in range(MAX_WEEKS_EARLIER):
        days = _consecutive_open_days(start, count, closed, rule)
        if not days or days[-1] < conference_day:
            return days
        start -= timedelta(weeks=1)
        if earliest is not None and start < earliest:
            break
    raise DeliberationError(
        f"Vor der Konferenz am {conference_day:%d.%m.%Y} ist kein Platz mehr für {count} "
        "Werkstatt-Termine mit Ladungsfrist an freien Tagen; bitte die Termine selbst ansetzen."
    )


#: how far the workshops may start before their usual window (a year)
MAX_WEEKS_EARLIER = 53


def _consecutive_open_days(
    start: date, count: int, closed: ClosedDays, rule: CadenceRule
) -> list[date]:
    day, days = start, []
    for _ in range(count):
        day = next_open_day(day, closed, rule)
        days.append(day)
        day += timedelta(days=1)
    return days


def is_late(item: DueWork, now: datetime, late_after: timedelta) -> bool:
    return now - item.due_at > late_after


def planned_day(item: DueWork) -> date:
    """The local day the item was meant for (its wall-clock intent)."""
    return date.fromisoformat(item.local_time[:10])


def day_passed(item: DueWork, now: datetime, tz: ZoneInfo) -> bool:
    """True once the local day the item was meant for is over.

    A reminder "in 7 days" sent a day later says the wrong thing; an
    invitation sent after its notice day no longer keeps the notice period.
    """
    return now.astimezone(tz).date() > planned_day(item)
