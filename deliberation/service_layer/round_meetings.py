"""The meetings of a round's cycles: one path for cycles the scheduler and staff launch.

A round is named after its conference's year. Its conference meeting is the
one the scheduler proposed in that year (proposed here if planning has not
reached it yet); the county-wide cycle of the conference's series is held
on it, and each per-municipality cycle (a future workshop) gets a proposed
evening of its own before it, at its municipality's venue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from deliberation.domain.cadence import meeting_periods
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Cycle, Meeting
from deliberation.domain.scheduling import SchedulePolicy
from deliberation.service_layer import planning
from deliberation.service_layer.ports import Dependencies, UnitOfWork


@dataclass(frozen=True)
class RoundMeetings:
    """What launching gave the new cycles: how many meetings, and why none if so."""

    meetings: int
    note: str = ""


def conference_meeting(
    uow: UnitOfWork, policy: SchedulePolicy, label: str, now: datetime
) -> Meeting | None:
    """The round's conference meeting; proposed now if the round's year has none yet.

    None when the round is not a year with a conference (see ``conference_year_problem``).
    """
    series = policy.series_by_key(policy.conference_series)
    if series is None or series.closed is None or not label.isdigit():
        return None
    year = int(label)
    found = _in_year(uow, policy, series.key, year)
    if found is None:
        # as the planning run would: around holidays and other meetings at its place
        planning.propose_between(uow, policy, series, date(year, 1, 1), date(year + 1, 1, 1), now)
        found = _in_year(uow, policy, series.key, year)
    return found


def _in_year(uow: UnitOfWork, policy: SchedulePolicy, series: str, year: int) -> Meeting | None:
    for meeting in uow.meetings.meetings(series=series):
        local = meeting.starts_at.astimezone(policy.tz)
        if meeting.status != MeetingStatus.CANCELLED and local.year == year:
            return meeting
    return None


def conference_year_problem(policy: SchedulePolicy, label: str) -> str | None:
    """Why round ``label`` cannot have a conference in the configured rhythm, or None."""
    series = policy.series_by_key(policy.conference_series)
    if series is None or series.closed is None:
        return None
    if not label.isdigit():
        return (
            f'Der Durchgang "{label}" ist kein Jahr; ein Durchgang trägt das Jahr seiner '
            f"{series.title}."
        )
    year = int(label)
    periods = meeting_periods(
        series.rule, date(year, 1, 1), date(year + 1, 1, 1), series.closed, policy.tz
    )
    if periods:
        return None
    years = [
        when.year
        for _, when in meeting_periods(
            series.rule, date(year - 3, 1, 1), date(year + 4, 1, 1), series.closed, policy.tz
        )
    ]
    around = " und ".join(str(y) for y in years if abs(y - year) <= 2) or "anderen Jahren"
    return (
        f"{year} ist kein Jahr der {series.title}: sie findet nach [cycles] in config.toml "
        f"alle {series.rule.interval_months // 12} Jahre statt, um {year} herum {around}."
    )


def give_meetings(
    uow: UnitOfWork,
    deps: Dependencies,
    policy: SchedulePolicy,
    workflow: str,
    label: str,
    started: list[Cycle],
    now: datetime,
) -> RoundMeetings:
    """Attach or propose the meetings of cycles just started in round ``label``.

    A conference in a year that breaks its rhythm (every two years) is refused
    with the reason; its workshops start without meetings, with a note why.
    """
    series = policy.series_by_key(policy.conference_series)
    held_at_conference = series is not None and series.cycle_workflow == workflow
    conference = conference_meeting(uow, policy, label, now)
    if conference is None:
        problem = conference_year_problem(policy, label)
        if problem is not None and held_at_conference:
            raise DeliberationError(problem)
        return RoundMeetings(0, problem or "")
    definition = deps.engine.latest(workflow)
    phases = definition.schedule
    if held_at_conference:
        [cycle] = started
        conference.cycle = cycle
        conference.title = cycle.title
        planning.schedule_meeting(uow, conference, phases, policy, now)
        return RoundMeetings(1)
    if not definition.per_municipality:
        return RoundMeetings(0)
    earliest = (now + timedelta(days=policy.workshops.notice_days + 1)).astimezone(policy.tz)
    try:
        count = planning.workshop_meetings(
            uow, conference, started, policy, phases, now, earliest=earliest.date()
        )
    except DeliberationError as exc:
        return RoundMeetings(0, str(exc))
    return RoundMeetings(count)
