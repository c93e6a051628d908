"""What became of our needs: the public trace of a round, on SQLite and PostgreSQL.

A need from Stadt Peine goes through the conference, a working group, the whole
consultation route and implementation into the next round's Rückspiegelung; the
trace shows every step and none of the people involved.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
from feedback_scenario import (
    HIDDEN_EMAIL,
    HIDDEN_NAME,
    NEXT_ROUND,
    OTHER_PEOPLE,
    PROGRESS,
    RESOLUTION,
    SPRACHKURSE,
    closed_loop,
)

from deliberation.bootstrap import Application
from deliberation.domain.errors import NotFound
from deliberation.service_layer import public_trace


def test_the_trace_follows_a_need_to_its_feedback_without_personal_data(
    app: Application, walker: Any, clock: Any
) -> None:
    loop = closed_loop(app, walker, clock)
    trace = public_trace.round_trace(app.deps, "2026", "stadt-peine")

    assert trace.round == "2026" and trace.municipality.name == "Stadt Peine"
    assert trace.rounds == (NEXT_ROUND, "2026")
    by_text = {n.text: n for n in trace.needs}
    assert set(by_text) == {SPRACHKURSE, "Beleuchtung am Bahnhof"}
    local = by_text["Beleuchtung am Bahnhof"]
    assert (local.scope, local.status, local.groups) == ("local", "handled_locally", ())

    need = by_text[SPRACHKURSE]
    assert (need.scope, need.status, need.votes_on_site) == ("county", "forwarded", 5)
    [topic] = need.topics
    assert topic.title == "Sprache"
    [group] = need.groups
    assert group.name == "AG Sprachkurse"
    [rec] = group.recommendations
    assert rec.id == loop.recommendation and rec.reference == f"BV-2026/{loop.recommendation:04d}"
    assert (rec.decision, rec.resolution_text) == (
        "adopted",
        RESOLUTION,
    )
    bodies = [(c.body, c.result, c.closed) for c in rec.consultations]
    # the Kreisausschuss meets in closed session: that it dealt with it shows, its result not
    assert ("Kreisausschuss", "", True) in bodies
    assert ("Kreistag", "adopted", False) in bodies
    assert rec.implementation is not None
    assert rec.implementation.office == "Fachdienst Soziales"
    assert [p.text for p in rec.implementation.progress] == [PROGRESS]
    [feedback] = rec.feedback
    assert feedback.round == NEXT_ROUND

    everything = repr(asdict(trace))
    for name in (HIDDEN_NAME, HIDDEN_EMAIL, *OTHER_PEOPLE):
        assert name not in everything, name
    # another municipality's page has none of Stadt Peine's needs
    other = public_trace.round_trace(app.deps, "2026", "edemissen")
    assert SPRACHKURSE not in repr(asdict(other))


def test_an_unknown_round_or_municipality_is_not_found(app: Application, walker: Any) -> None:
    walker.launch_workshops(("stadt-peine",))
    with pytest.raises(NotFound):
        public_trace.round_trace(app.deps, "1999", "stadt-peine")
    with pytest.raises(NotFound):
        public_trace.round_trace(app.deps, "2026", "atlantis")
    assert public_trace.index(app.deps).rounds == ("2026",)
