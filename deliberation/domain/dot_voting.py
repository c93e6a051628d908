"""Dot-voting (Punktabfrage): how an invited person distributes their budget of dots.

On site, staff count the dots on the cards; online, each invited person gives out
at most the workflow's budget through their personal link and may change their
distribution while voting is open. A need's tally is both together.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from deliberation.domain.errors import DeliberationError

#: Dots per person when a workflow does not say (``dot_budget`` in ``[workflow]``).
DEFAULT_DOT_BUDGET = 5


class DotVote:
    """The dots one person gave one need online (``participant_id`` None: deleted person)."""

    id: int | None

    def __init__(
        self, need_id: int, participant_id: int | None, dots: int, cast_at: datetime
    ) -> None:
        self.id = None
        self.need_id = need_id
        self.participant_id = participant_id
        self.dots = dots
        self.cast_at = cast_at


class OverBudget(DeliberationError):
    """More dots given out than the budget allows; nothing was stored."""

    def __init__(self, given: int, budget: int) -> None:
        super().__init__(
            f"Sie haben {given} Punkte verteilt, es stehen Ihnen aber nur {budget} zur "
            "Verfügung. Bitte nehmen Sie Punkte weg; gespeichert wurde nichts."
        )
        self.given = given
        self.budget = budget


class UnknownNeed(DeliberationError):
    """A dot on a need that is not one of this vote's."""


def check_distribution(
    distribution: Mapping[int, int], budget: int, need_ids: Collection[int]
) -> dict[int, int]:
    """The distribution without needs given no dots; refused if over ``budget``, negative
    or on a need that is not among ``need_ids``."""
    unknown = sorted(set(distribution) - set(need_ids))
    if unknown:
        raise UnknownNeed(f"Bedarf {unknown[0]} steht in dieser Punktabfrage nicht zur Wahl.")
    if any(dots < 0 for dots in distribution.values()):
        raise DeliberationError("Punkte können nicht negativ sein.")
    given = sum(distribution.values())
    if given > budget:
        raise OverBudget(given, budget)
    return {need_id: dots for need_id, dots in distribution.items() if dots > 0}
