"""Implementing an adopted recommendation: office, due date, progress, feedback.

An adopted recommendation is overdue on its own once its due date has passed
while it is still being implemented; nothing has to run for that to be true.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deliberation.domain.model import Recommendation, Round

#: States in which an adopted recommendation is being implemented (and can be overdue).
IMPLEMENTATION_STATES = ("adopted", "adopted_amended", "in_implementation")
#: Implemented and reported back, not yet closed as done.
REPORTED_STATE = "reported_back"


class TrafficLight(StrEnum):
    """How the implementation of an adopted recommendation is going."""

    ON_TRACK = "on_track"
    LATE = "late"
    NOT_FEASIBLE = "not_feasible"


TRAFFIC_LIGHT_TITLES = {
    TrafficLight.ON_TRACK: "im Plan",
    TrafficLight.LATE: "verspätet",
    TrafficLight.NOT_FEASIBLE: "nicht umsetzbar",
}
TRAFFIC_LIGHT_COLOURS = {
    TrafficLight.ON_TRACK: "grün",
    TrafficLight.LATE: "gelb",
    TrafficLight.NOT_FEASIBLE: "rot",
}


class ProgressNote:
    """A dated note on how the implementation of a recommendation is going."""

    id: int | None
    recommendation: Recommendation

    def __init__(self, text: str, author: str, at: datetime) -> None:
        self.id = None
        self.text = text
        self.author = author
        self.at = at


class FeedbackReport:
    """An implementation report mirrored back (Rückspiegelung) into a later round."""

    id: int | None

    def __init__(
        self, round: Round, recommendation: Recommendation, text: str, created_at: datetime
    ) -> None:
        self.id = None
        self.round = round
        self.recommendation = recommendation
        self.text = text
        self.created_at = created_at


def is_overdue(recommendation: Recommendation, today: date) -> bool:
    """Still being implemented although the due date has passed."""
    due = recommendation.due_date
    return (
        due is not None and due < today and recommendation.state in IMPLEMENTATION_STATES
    )


def traffic_light(recommendation: Recommendation, today: date) -> TrafficLight | None:
    """Red when reported not feasible, yellow when overdue, else green; None before the
    Kreistag adopted it and once it is done."""
    rec = recommendation
    return light_of(rec.state, rec.due_date, rec.not_feasible_since is not None, today)


def light_of(
    state: str, due: date | None, not_feasible: bool, today: date
) -> TrafficLight | None:
    """``traffic_light`` from the plain facts (for lists read without domain objects)."""
    if state not in (*IMPLEMENTATION_STATES, REPORTED_STATE):
        return None
    if not_feasible:
        return TrafficLight.NOT_FEASIBLE
    if due is not None and due < today and state in IMPLEMENTATION_STATES:
        return TrafficLight.LATE
    return TrafficLight.ON_TRACK


def belongs_on_report(recommendation: Recommendation, light: TrafficLight | None) -> bool:
    """On the implementation report: everything being implemented; after the report back,
    what is late or not feasible stays on it until it is done."""
    if recommendation.state in IMPLEMENTATION_STATES:
        return True
    return recommendation.state == REPORTED_STATE and light in (
        TrafficLight.LATE, TrafficLight.NOT_FEASIBLE,
    )
