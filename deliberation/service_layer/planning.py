"""Planning due work: proposed meetings, their invitations and reminders, cycle launches.

Everything here runs inside the caller's unit of work and is idempotent:
meetings are unique per series and period, due work per key, so planning the
same months twice adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from deliberation.domain.cadence import ClosedDays, meeting_periods
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Cycle, Meeting, SubjectKind
from deliberation.domain.scheduling import (
    DueKind,
    DueWork,
    SchedulePolicy,
    Series,
    due_item,
    holiday_horizon_warning,
    meeting_items,
    workshop_days,
)
from deliberation.domain.workflow import PhaseStep
from deliberation.service_layer.meeting_warnings import same_place
from deliberation.service_layer.ports import UnitOfWork
from deliberation.translations import ngettext

#: Planning runs shortly after midnight, away from the hour the clocks change.
PLAN_TIME = time(0, 30)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def plan_item(month: date, policy: SchedulePolicy, now: datetime) -> DueWork:
    """The planning run of ``month`` (on its first day, 00:30 local)."""
    key = f"plan:{month:%Y-%m}"
    return due_item(key, DueKind.PLAN, ("calendar", 0), month, PLAN_TIME, policy.tz, now)


def plan_month(uow: UnitOfWork, policy: SchedulePolicy, month: date, now: datetime) -> str:
    """Propose the meetings of ``[month, month + horizon)`` and plan the next run."""
    end = add_months(month, policy.horizon_months)
    proposed = 0
    for series in policy.series:
        proposed += _propose_series(uow, policy, series, month, end, now)
    uow.due_work.add_due_work([plan_item(add_months(month, 1), policy, now)])
    meetings = ngettext("%(num)d Sitzung", "%(num)d Sitzungen", proposed)
    note = f"{meetings} bis {end - timedelta(days=1):%d.%m.%Y} vorgeschlagen"
    warning = holiday_horizon_warning(policy, month)
    return f"{note}. Achtung: {warning}" if warning else note


def propose_between(
    uow: UnitOfWork,
    policy: SchedulePolicy,
    series: Series,
    start: date,
    end: date,
    now: datetime,
) -> int:
    """Propose the meetings of ``series`` in ``[start, end)`` as a planning run would."""
    return _propose_series(uow, policy, series, start, end, now)


def _propose_series(
    uow: UnitOfWork,
    policy: SchedulePolicy,
    series: Series,
    start: date,
    end: date,
    now: datetime,
) -> int:
    if series.closed is None:
        raise ValueError(f"series {series.key} has no calendar")
    others = _others_at(uow, policy, series, start, end)
    closed = _TakenPlaces(series.closed, series, others, policy)
    periods = meeting_periods(series.rule, start, end, closed, policy.tz)
    if not periods:
        return 0
    taken = uow.meetings.planned_periods(series.key, periods[0][0], periods[-1][0])
    # Too late to invite within the notice period: such a meeting is left to staff.
    earliest = now + timedelta(days=series.notice_days + 1)
    new = [(p, when) for p, when in periods if p not in taken and when >= earliest]
    meetings = [proposed_meeting(series, period, when) for period, when in new]
    for meeting in meetings:
        uow.meetings.add(meeting)
    uow.flush()  # the next series sees these, and plans around them
    for meeting in meetings:
        schedule_meeting(uow, meeting, None, policy, now)
        if series.cycle_workflow == policy.conference_series:
            uow.due_work.add_due_work(launch_items(meeting, policy, now))
    return len(meetings)


def _others_at(
    uow: UnitOfWork, policy: SchedulePolicy, series: Series, start: date, end: date
) -> list[Meeting]:
    """Meetings of other series at the series' place that its new meetings could run into."""
    first = datetime.combine(start - timedelta(days=1), time(0), tzinfo=policy.tz)
    # a meeting may move into the period after its preferred day's: look one period further
    last = datetime.combine(add_months(end, series.rule.interval_months), time(0), policy.tz)
    return [
        m
        for m in uow.meetings.meetings(starts_from=first, starts_before=last)
        if m.series != series.key
        and m.status != MeetingStatus.CANCELLED
        and same_place(m.location, series.location)
    ]


class _TakenPlaces:
    """The series' closed days, and the days on which its meeting would clash with another
    meeting at the same place: the scheduler never plans two meetings at one time and place."""

    def __init__(
        self, closed: ClosedDays, series: Series, others: list[Meeting], policy: SchedulePolicy
    ) -> None:
        self.closed = closed
        self.series = series
        self.others = others
        self.tz = policy.tz

    def is_closed(self, day: date) -> str | None:
        reason = self.closed.is_closed(day)
        if reason is not None:
            return reason
        rule = self.series.rule
        slot_start = datetime.combine(day, rule.time, tzinfo=self.tz)
        slot_end = slot_start + timedelta(minutes=rule.duration_minutes)
        for other in self.others:
            other_end = other.starts_at + timedelta(minutes=other.duration_minutes)
            if other.starts_at < slot_end and other_end > slot_start:
                return f"belegt: {other.title}, {other.location}"
        return None


def proposed_meeting(series: Series, period: date, when: datetime) -> Meeting:
    """A generated meeting of ``series`` in ``period``, waiting for staff to confirm it."""
    return Meeting(
        title=series.title,
        starts_at=when,
        location=series.location,
        body_key=series.body_key,
        status=MeetingStatus.PROPOSED,
        public=series.public,
        series=series.key,
        period_start=period,
        notice_days=series.notice_days,
        duration_minutes=series.rule.duration_minutes,
    )


def schedule_meeting(
    uow: UnitOfWork,
    meeting: Meeting,
    phases: tuple[PhaseStep, ...] | None,
    policy: SchedulePolicy,
    now: datetime,
) -> int:
    """Plan a meeting's invitation (or dated workflow steps) and reminders."""
    if meeting.cycle is None and meeting.body_key is None:
        phases = ()  # a cycle type's meeting before its cycle exists: reminders only
    items = meeting_items(
        meeting.id or 0, meeting.starts_at, meeting.notice_days, phases, policy, now
    )
    return uow.due_work.add_due_work(items)


def round_label(conference: Meeting, policy: SchedulePolicy) -> str:
    """A round is named after its conference's year."""
    return str(conference.starts_at.astimezone(policy.tz).year)


def launch_items(conference: Meeting, policy: SchedulePolicy, now: datetime) -> list[DueWork]:
    """Launch the round's workshops (the conference's feeders), later its conference,
    weeks before the conference."""
    tz = policy.tz
    day = conference.starts_at.astimezone(tz).date()
    label = round_label(conference, policy)
    subject = ("meeting", conference.id or 0)
    plan = policy.workshops
    launches = [
        (workflow, plan.launch_weeks_before_conference) for workflow in policy.feeder_workflows
    ]
    launches.append((policy.conference_series, plan.conference_launch_weeks_before))
    return [
        due_item(
            f"launch:{workflow}:{label}",
            DueKind.LAUNCH,
            subject,
            day - timedelta(weeks=weeks),
            policy.send_time,
            tz,
            now,
            argument=workflow,
        )
        for workflow, weeks in launches
    ]


def workshop_meetings(
    uow: UnitOfWork,
    conference: Meeting,
    workshops: list[Cycle],
    policy: SchedulePolicy,
    phases: tuple[PhaseStep, ...],
    now: datetime,
    earliest: date | None = None,
) -> int:
    """One proposed meeting per launched workshop, on consecutive open days.

    Each meets at its municipality's venue (``[[municipalities]] venue``); none
    lies before ``earliest`` (a round launched late by hand).
    """
    conference_series = policy.series_by_key(policy.conference_series)
    if conference_series is None or conference_series.closed is None:
        return 0
    plan = policy.workshops
    conference_day = conference.starts_at.astimezone(policy.tz).date()
    days = workshop_days(conference_day, len(workshops), plan, conference_series.closed, earliest)
    meetings = []
    for workshop, day in zip(workshops, days, strict=True):
        key = workshop.municipality.key if workshop.municipality else str(workshop.id)
        meeting = Meeting(
            title=workshop.title,
            starts_at=datetime.combine(day, plan.time, tzinfo=policy.tz),
            location=plan.venue(workshop.municipality.key) if workshop.municipality else "",
            cycle=workshop,
            status=MeetingStatus.PROPOSED,
            series=f"{workshop.workflow}:{key}",
            period_start=conference.period_start,
            notice_days=plan.notice_days,
            duration_minutes=plan.duration_minutes,
        )
        uow.meetings.add(meeting)
        meetings.append(meeting)
    uow.flush()
    for meeting in meetings:
        schedule_meeting(uow, meeting, phases, policy, now)
    return len(meetings)


def escalation_items(
    uow: UnitOfWork, engine: WorkflowEngine, policy: SchedulePolicy, now: datetime
) -> int:
    """Plan a reminder to staff for every open working group and undecided recommendation.

    A recommendation is decided when its state counts as "decided" in its workflow
    (``counts_as``) or is final. One filtered query per kind finds those still open and
    not yet reminded of, so a scheduler tick costs the same however many closed records
    the years have left.
    """
    tz = policy.tz
    final = {(d.name, d.version): d.final_states() for d in engine.all_definitions()}
    decided = {(d.name, d.version): d.marked("decided") for d in engine.all_definitions()}
    undecided = {key: states | decided[key] for key, states in final.items()}
    items = [
        due_item(
            f"working_group:{group_id}:overdue",
            DueKind.GROUP_OVERDUE,
            (SubjectKind.WORKING_GROUP, group_id),
            due_date + timedelta(days=1),
            policy.send_time,
            tz,
            now,
        )
        for group_id, due_date in uow.due_work.open_groups_without(DueKind.GROUP_OVERDUE, final)
    ]
    for rec_id, created_at in uow.due_work.open_recommendations_without(
        DueKind.DECISION_OVERDUE, undecided
    ):
        due = created_at.astimezone(tz).date() + timedelta(days=policy.decision_due_days)
        items.append(
            due_item(
                f"recommendation:{rec_id}:overdue",
                DueKind.DECISION_OVERDUE,
                (SubjectKind.RECOMMENDATION, rec_id),
                due,
                policy.send_time,
                tz,
                now,
            )
        )
    if not items:
        return 0
    return uow.due_work.add_due_work(items)
