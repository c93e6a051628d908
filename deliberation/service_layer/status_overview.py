"""Where everything stands, as one query: the view both front ends format.

``deliberation status`` prints it as tables; the web application's round page
and start page show the same parts. Everything is read in one unit of work, so
the parts agree with each other, and a round is found by its label, never by
a workflow's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deliberation.domain.errors import NotFound
from deliberation.domain.model import NeedScope, NeedStatus
from deliberation.service_layer import meetings
from deliberation.service_layer.meetings import MeetingRow
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.views import (
    CycleView,
    FeedbackLine,
    GroupView,
    NeedView,
    RecommendationView,
    cycle_summary,
    feedback_lines,
    group_view,
    need_view,
    recommendation_view,
)

#: how many of the next meetings the overview lists (``meeting list`` shows all)
UPCOMING = 8


@dataclass(frozen=True)
class NeedTally:
    """Counts of one municipality's needs (or of all, for the total line)."""

    place: str
    total: int = 0
    county: int = 0
    local: int = 0
    votes: int = 0
    forwarded: int = 0


@dataclass(frozen=True)
class StatusOverview:
    """One round (or all rounds, ``round_label`` None) and the next meetings."""

    round_label: str | None
    cycles: tuple[CycleView, ...]
    feedback: tuple[FeedbackLine, ...]
    need_tallies: tuple[NeedTally, ...]
    need_total: NeedTally
    groups: tuple[GroupView, ...]
    recommendations: tuple[RecommendationView, ...]
    upcoming: tuple[MeetingRow, ...]
    upcoming_total: int

    @property
    def workshops(self) -> tuple[CycleView, ...]:
        """The cycles held in a municipality (the future workshops)."""
        return tuple(c for c in self.cycles if c.municipality)

    @property
    def county_wide(self) -> tuple[CycleView, ...]:
        """The cycles of the whole county (the conference, a Bürgerforum)."""
        return tuple(c for c in self.cycles if not c.municipality)


def status_overview(
    deps: Dependencies, round_label: str | None = None, upcoming: int = UPCOMING
) -> StatusOverview:
    """Cycles, needs per municipality, working groups, recommendations, next meetings.

    With ``round_label`` only that round (its Rückspiegelung included); an unknown
    round is refused with a German message.
    """
    with deps.unit_of_work() as uow:
        feedback: tuple[FeedbackLine, ...] = ()
        if round_label is not None:
            round_ = uow.cycles.round(round_label)
            if round_ is None:
                raise NotFound(f'Den Durchgang "{round_label}" gibt es nicht.')
            feedback = feedback_lines(round_)
        found = uow.cycles.cycles(round_label)
        cycle_ids = {c.id for c in found}
        group_list = [
            g
            for g in uow.groups.working_groups()
            if round_label is None or g.conference.id in cycle_ids
        ]
        today = deps.today()
        recs = uow.recommendations.recommendations(round_label=round_label)
        need_views = [need_view(n) for n in uow.needs.needs(round_label=round_label)]
        names = {body.key: body.name for body in uow.reference.bodies()}
        now = deps.clock()
        next_meetings = uow.meetings.meetings(starts_from=now)
        return StatusOverview(
            round_label,
            tuple(cycle_summary(deps.engine, c) for c in found),
            feedback,
            tally_needs(need_views),
            _tally("", need_views),
            tuple(group_view(deps.engine, g) for g in group_list),
            tuple(recommendation_view(deps.engine, r, today=today) for r in recs),
            tuple(meetings.row(uow, m, names, now) for m in next_meetings[:upcoming]),
            len(next_meetings),
        )


def tally_needs(need_views: Iterable[NeedView]) -> tuple[NeedTally, ...]:
    """Needs counted per place (municipality, or the county), places in alphabetical order."""
    by_place: dict[str, list[NeedView]] = {}
    for need in need_views:
        by_place.setdefault(need.municipality, []).append(need)
    return tuple(_tally(place, views) for place, views in sorted(by_place.items()))


def _tally(place: str, need_views: Iterable[NeedView]) -> NeedTally:
    views = list(need_views)
    return NeedTally(
        place,
        total=len(views),
        county=sum(n.scope == NeedScope.COUNTY for n in views),
        local=sum(n.scope == NeedScope.LOCAL for n in views),
        votes=sum(n.total_votes for n in views),
        forwarded=sum(n.status == NeedStatus.FORWARDED for n in views),
    )
