"""Implementing an adopted recommendation: office, due date, progress, feedback.

An adopted recommendation is overdue on its own once its due date has passed
while it is still being implemented; nothing has to run for that to be true.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deliberation.domain.model import Recommendation, Round

#: States in which an adopted recommendation is being implemented (and can be overdue).
IMPLEMENTATION_STATES = ("adopted", "adopted_amended", "in_implementation")


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
