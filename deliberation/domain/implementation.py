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


def is_overdue(recommendation: Recommendation, today: date, implementing: bool) -> bool:
    """Still being implemented (``implementing``: its state counts as such in its workflow)
    although the due date has passed."""
    due = recommendation.due_date
    return implementing and due is not None and due < today


def traffic_light(
    recommendation: Recommendation, today: date, marks: frozenset[str]
) -> TrafficLight | None:
    """Red when reported not feasible, yellow when overdue, else green; None before the
    Kreistag adopted it and once it is done. ``marks``: what its state counts as in its
    workflow (``counts_as``: "implementing", "reported")."""
    rec = recommendation
    return light_of(marks, rec.due_date, rec.not_feasible_since is not None, today)


def light_of(
    marks: frozenset[str], due: date | None, not_feasible: bool, today: date
) -> TrafficLight | None:
    """``traffic_light`` from the plain facts (for lists read without domain objects)."""
    if not marks & {"implementing", "reported"}:
        return None
    if not_feasible:
        return TrafficLight.NOT_FEASIBLE
    if due is not None and due < today and "implementing" in marks:
        return TrafficLight.LATE
    return TrafficLight.ON_TRACK


def belongs_on_report(
    recommendation: Recommendation, light: TrafficLight | None, marks: frozenset[str]
) -> bool:
    """On the implementation report: everything being implemented; after the report back,
    what is late or not feasible stays on it until it is done."""
    if "implementing" in marks:
        return True
    return "reported" in marks and light in (TrafficLight.LATE, TrafficLight.NOT_FEASIBLE)
