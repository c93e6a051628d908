"""The overview query: one round's parts agree, other rounds stay out, on both databases."""

from __future__ import annotations

import pytest

from deliberation.bootstrap import Application
from deliberation.domain.errors import NotFound
from deliberation.service_layer.status_overview import NeedTally, status_overview
from tests.conftest import RoundWalker


def test_a_rounds_overview_counts_its_needs_and_keeps_other_rounds_out(
    app: Application, make_walker: type[RoundWalker]
) -> None:
    walked = make_walker(app.deps, "2026").walk()
    other = make_walker(app.deps, "2028")
    other.launch_workshops(("stadt-peine",))
    other.run_workshop("stadt-peine")
    other.hold_conference()
    other.form_group()

    view = status_overview(app.deps, "2026")

    assert view.round_label == "2026"
    assert {c.status.id for c in view.workshops} == set(walked.workshops.values())
    assert [c.status.id for c in view.county_wide] == [walked.conference]
    assert [g.status.id for g in view.groups] == [walked.group]
    assert [r.status.id for r in view.recommendations] == walked.recommendations
    # stadt-peine: one county-wide need with 5 dots, one local with 2; edemissen 3 and 1
    assert view.need_tallies == (
        NeedTally("Edemissen", total=2, county=1, local=1, votes=4, forwarded=1),
        NeedTally("Stadt Peine", total=2, county=1, local=1, votes=7, forwarded=1),
    )
    assert view.need_total == NeedTally("", total=4, county=2, local=2, votes=11, forwarded=2)
    everything = status_overview(app.deps)
    assert len(everything.groups) == 2 and everything.need_total.total == 6


def test_the_next_meetings_are_counted_beyond_those_listed(
    app: Application, walker: RoundWalker
) -> None:
    walker.launch_workshops()
    for cycle_id in walker.record.workshops.values():
        walker.give_meeting(cycle_id)
    view = status_overview(app.deps, upcoming=1)
    assert len(view.upcoming) == 1 and view.upcoming_total == 2


def test_an_unknown_round_is_refused_in_german(app: Application) -> None:
    with pytest.raises(NotFound, match='Den Durchgang "1999" gibt es nicht'):
        status_overview(app.deps, "1999")
