"""The backward plan (Rückwärtsterminierung) of a recommendation for a chosen decision.

Given the meeting of the deciding body (a Kreistag meeting), walk the rest of
the consultation route backwards: every body before it must have dealt with
the recommendation at a meeting no later than the last day on which the next
body's invitation, with the recommendation on its agenda, can go out. Of such
meetings the plan takes the latest one, so the working group gets as much time
as possible; the last sending day before the first of them is the day the
working group must have adopted its recommendation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from deliberation.domain.cadence import ClosedDays
from deliberation.domain.errors import Hint, NextStep, hint
from deliberation.domain.notice import NoticePeriod


@dataclass(frozen=True)
class MeetingSlot:
    """A planned meeting of a body, by its local day."""

    id: int
    title: str
    day: date


@dataclass(frozen=True)
class RouteStop:
    """A body the recommendation has still to pass, with its planned meetings.

    ``placed_on`` is the meeting the recommendation already lies on at this body
    (placed, no result yet); the plan keeps it.
    """

    position: int
    body_key: str
    body_name: str
    role: str
    notice: NoticePeriod
    meetings: tuple[MeetingSlot, ...]
    placed_on: MeetingSlot | None = None


@dataclass(frozen=True)
class PlannedStop:
    stop: RouteStop
    #: the meeting the plan uses (None: no meeting of this body fits)
    meeting: MeetingSlot | None
    #: the last day the invitation to that meeting, with the recommendation, can go out
    agenda_deadline: date | None
    problem: str = ""
    next_step: Hint | None = None  # what would solve the problem


@dataclass(frozen=True)
class BackwardPlan:
    stops: tuple[PlannedStop, ...]
    #: the last day the working group can adopt the recommendation (None: no plan)
    adoption_deadline: date | None

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(s.problem for s in self.stops if s.problem)

    @property
    def feasible(self) -> bool:
        return not self.problems and self.adoption_deadline is not None


def plan_backward(
    stops: Sequence[RouteStop], decision: MeetingSlot, today: date, holidays: ClosedDays
) -> BackwardPlan:
    """Plan ``stops`` (the remaining route, the deciding body last) towards ``decision``."""
    if not stops:
        return BackwardPlan((), None)
    planned: list[PlannedStop] = []
    meeting: MeetingSlot | None = decision
    problem = _decision_problem(stops[-1], decision)
    for index in range(len(stops) - 1, -1, -1):
        stop = stops[index]
        step = None
        if index < len(stops) - 1:
            meeting, problem = _choose(stop, planned[0])
            if meeting is None and planned[0].agenda_deadline is not None:
                step = hint(NextStep.ADD_MEETING, body=stop.body_key)
        deadline = (
            None if meeting is None else stop.notice.latest_sending_day(meeting.day, holidays)
        )
        if meeting is not None and deadline is not None and not problem:
            problem = _too_late(stop, meeting, deadline, today)
        planned.insert(0, PlannedStop(stop, meeting, deadline, problem, step))
    first = planned[0]
    adoption = first.agenda_deadline if first.meeting is not None else None
    return BackwardPlan(tuple(planned), adoption)


def _too_late(stop: RouteStop, meeting: MeetingSlot, deadline: date, today: date) -> str:
    if stop.placed_on is not None or deadline >= today:
        return ""
    return (
        f"Für Sitzung {meeting.id} ({stop.body_name} am {meeting.day:%d.%m.%Y}) hätte die "
        f"Empfehlung bis zum {deadline:%d.%m.%Y} auf die Tagesordnung gemusst "
        f"(Ladungsfrist {stop.notice.describe()})."
    )


def _decision_problem(stop: RouteStop, decision: MeetingSlot) -> str:
    if stop.placed_on is not None and stop.placed_on.id != decision.id:
        return (
            f"Die Empfehlung liegt schon auf Sitzung {stop.placed_on.id} "
            f"({stop.placed_on.title}), nicht auf Sitzung {decision.id}."
        )
    return ""


def _choose(stop: RouteStop, following: PlannedStop) -> tuple[MeetingSlot | None, str]:
    """The latest meeting of ``stop`` before the following stop's agenda deadline."""
    deadline = following.agenda_deadline
    if deadline is None:
        return None, f"{stop.body_name}: erst planbar, wenn {following.stop.body_name} es ist."
    if stop.placed_on is not None:
        if stop.placed_on.day > deadline:
            return stop.placed_on, (
                f"Die Empfehlung liegt auf Sitzung {stop.placed_on.id} ({stop.body_name}) am "
                f"{stop.placed_on.day:%d.%m.%Y}; zu spät für die Ladung zu "
                f"{following.stop.body_name} bis {deadline:%d.%m.%Y}."
            )
        return stop.placed_on, ""
    fitting = [m for m in stop.meetings if m.day <= deadline]
    if not fitting:
        return None, (
            f"{stop.body_name} hat bis zum {deadline:%d.%m.%Y} keine passende Sitzung; "
            "eine Sitzung anlegen."
        )
    return max(fitting, key=lambda m: (m.day, m.id)), ""
