"""One way through the decision route (issue 13): an advisory body gives a statement in its
own words, the deciding body decides; the route's steps are taken by placing and results
only, or, where the county's rules allow it, by a statement without a meeting that the
route then counts as done. Every view of the route agrees."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from route_helpers import ROUTE, Route
from sqlalchemy import text

from deliberation.adapters.database import alembic_config
from deliberation.adapters.oparl import County, OparlTree, write_tree
from deliberation.bootstrap import Application
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.domain.errors import DeliberationError, NextStep, hint
from deliberation.entrypoints.cli import field_options
from deliberation.service_layer import (
    audit,
    body_meetings,
    consultations,
    documents,
    publication,
    recommendations,
    route_overview,
    start_page,
    tracker,
)
from deliberation.service_layer.audit import LogFilter
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.tracker import TrackerQuery

STATEMENT = "Die Kommission unterstützt die Empfehlung."
#: the revision before advisory bodies had words of their own
PREVIOUS = "0018"


@pytest.fixture
def route(walker: Any, clock: Any) -> Route:
    return Route(walker, clock)


def written(deps: Dependencies, *bodies: str) -> Dependencies:
    """``deps`` of a county whose rules let ``bodies`` state their view without a meeting."""
    steps = tuple(
        replace(s, statement_without_meeting=s.body_key in bodies) for s in deps.consultation_route
    )
    return replace(deps, consultation_route=steps)


def test_the_statement_is_not_taken_by_hand_past_the_route(route: Route) -> None:
    """Today ``advance give_statement`` passes and ``place`` still asks for the Kommission."""
    deps, rec = route.deps, route.rec
    workflow = deps.engine.latest("recommendation")
    trigger = workflow.trigger_for("statement")
    title = workflow.step_title(trigger)
    for step in (trigger, title):
        with pytest.raises(DeliberationError) as refused:
            recommendations.advance(deps, rec, step, "Kommission", text=STATEMENT)
        message = str(refused.value)
        assert f"„{title}“ ist ein Schritt der Beratungsfolge" in message
        assert "deliberation" not in message  # each front end words the next steps
        assert refused.value.next_steps == (
            hint(NextStep.PLACE_RECOMMENDATION, recommendation_id=rec),
            hint(NextStep.RECORD_RESULT, recommendation_id=rec),
        )  # not without a meeting: the Kommission's rules do not allow it
        assert "ohne Sitzung" not in message
    assert route.state() == "adopted_by_group"
    with pytest.raises(DeliberationError, match="Als Nächstes berät Kommission"):
        consultations.place(deps, rec, route.meeting("ausschuss-soziales", 30), "Sitzungsdienst")


def test_a_hearing_is_a_statement_not_a_decision(route: Route) -> None:
    deps, rec = route.deps, route.rec
    meeting = route.meeting("kommission", 21)
    consultations.place(deps, rec, meeting, "Sitzungsdienst")
    route.clock.advance(timedelta(days=22))
    with pytest.raises(DeliberationError, match="ein beratendes Gremium beschließt nicht"):
        consultations.record_result(deps, rec, R.ADOPTED, "Sitzungsdienst", STATEMENT)
    with pytest.raises(DeliberationError, match="fehlen die empfohlenen Änderungen"):
        consultations.record_result(deps, rec, R.AMENDMENTS_RECOMMENDED, "Sitzungsdienst")
    consultations.record_result(deps, rec, R.AMENDMENTS_RECOMMENDED, "Sitzungsdienst", STATEMENT)
    view = recommendations.show(deps, rec)
    assert view.status.state == "statement_given"
    assert view.commission_statement == STATEMENT
    assert [(c.body_key, c.result_title) for c in view.consultations] == [
        ("kommission", "mit Änderungen empfohlen")
    ]
    detail = route_overview.detail(deps, rec)
    assert detail.placement is not None and detail.placement.body_key == "ausschuss-soziales"
    assert detail.placement.without_meeting == ()
    # the next advisory body is offered its statement words, the Kreistag its decisions
    route.pass_body("ausschuss-soziales")
    route.pass_body("kreisausschuss")
    consultations.place(deps, rec, route.meeting("kreistag", 21), "Sitzungsdienst")
    choices = [c.title for c in route_overview.detail(deps, rec).result_choices]
    assert choices == [
        "ungeändert beschlossen",
        "geändert beschlossen",
        "abgelehnt",
        "vertagt",
        "zurückgezogen",
    ]


def test_without_the_rule_there_is_no_statement_without_meeting(route: Route) -> None:
    with pytest.raises(DeliberationError) as refused:
        consultations.give_statement_without_meeting(
            route.deps, route.rec, R.APPROVED, STATEMENT, "Sitzungsdienst"
        )
    assert "statement_without_meeting" in str(refused.value)
    assert route.state() == "adopted_by_group"
    assert recommendations.show(route.deps, route.rec).consultations == ()


def test_a_statement_without_meeting_counts_as_done_everywhere(
    route: Route, tmp_path: Path, app: Application
) -> None:
    deps = written(route.deps, "kommission", "ausschuss-soziales")
    rec = route.rec
    with pytest.raises(DeliberationError) as refused:
        recommendations.advance(
            deps,
            rec,
            deps.engine.latest("recommendation").trigger_for("statement"),
            "Kommission",
            text=STATEMENT,
        )
    assert "auch ohne Sitzung festgehalten werden." in str(refused.value)
    assert hint(NextStep.STATEMENT_WITHOUT_MEETING, recommendation_id=rec) in (
        refused.value.next_steps
    )
    assert "--ohne-sitzung --result" in field_options.message_of(refused.value)
    with pytest.raises(DeliberationError, match="gibt es ohne Sitzung nicht"):
        consultations.give_statement_without_meeting(deps, rec, R.DEFERRED, "", "Sitzungsdienst")
    with pytest.raises(DeliberationError, match="fehlt die Stellungnahme"):
        consultations.give_statement_without_meeting(deps, rec, R.APPROVED, " ", "Sitzungsdienst")

    [step] = consultations.give_statement_without_meeting(
        deps, rec, R.APPROVED, STATEMENT, "g.sekretariat"
    )
    assert step.to_state == "statement_given"
    view = recommendations.show(deps, rec)
    assert view.commission_statement == STATEMENT
    [held] = view.consultations
    assert (held.body_key, held.result_title, held.held_in_meeting) == (
        "kommission",
        "zugestimmt",
        False,
    )
    assert held.where == "ohne Sitzung, Anhörung"

    # placing goes on with the next body; the Kommission is done
    with pytest.raises(DeliberationError, match="Als Nächstes berät Ausschuss für Soziales"):
        consultations.place(deps, rec, route.meeting("kommission", 30), "Sitzungsdienst")
    detail = route_overview.detail(deps, rec)
    assert [s.status for s in detail.route] == ["done", "next", "later", "later"]
    assert detail.placement is not None and detail.placement.body_key == "ausschuss-soziales"
    assert [c.title for c in detail.placement.without_meeting] == [
        "zugestimmt",
        "abgelehnt",
        "mit Änderungen empfohlen",
        "zur Kenntnis genommen",
    ]

    # the backward plan starts with the committee
    kreistag = route.meeting("kreistag", 120)
    plan = route_overview.backward_plan(deps, rec, kreistag)
    assert [s.stop.body_key for s in plan.plan.stops] == list(ROUTE[1:])

    # the committee's written statement takes the placement's step too
    consultations.give_statement_without_meeting(
        deps, rec, R.REJECTED, "Der Ausschuss rät ab.", "g.sekretariat"
    )
    assert route.state() == "committee_consultation"
    placement = route_overview.detail(deps, rec).placement
    assert placement is not None and placement.body_key == "kreisausschuss"

    [line] = tracker.export(deps, TrackerQuery())
    assert line.stage == "schriftliche Stellungnahme (Vorberatung): abgelehnt"
    draft = documents.resolution_draft(deps, rec)
    assert [(r.meeting, r.result) for r in draft.route][:2] == [
        ("schriftliche Stellungnahme", "zugestimmt"),
        ("schriftliche Stellungnahme", "abgelehnt"),
    ]

    target = tmp_path / "oparl"
    settings = app.settings
    county = County(
        settings.county.name, settings.county.organiser, "Europe/Berlin", settings.oparl
    )
    tree = OparlTree(publication.publication(deps), county, "https://o.example")
    write_tree(tree.files(), target)
    [paper] = [json.loads(p.read_text(encoding="utf-8")) for p in (target / "paper").glob("*.json")]
    first = paper["consultation"][0]
    assert "meeting" not in first and "agendaItem" not in first
    assert first["keyword"] == ["schriftliche Stellungnahme", "zugestimmt"]
    assert (first["role"], first["authoritative"]) == ("Anhörung", False)

    rows = audit.entries(deps, LogFilter(subject_kind="recommendation", subject_id=rec))
    written_rows = [r for r in rows if r.what == "Stellungnahme ohne Sitzung festgehalten"]
    assert [(r.actor, r.after) for r in written_rows] == [
        ("g.sekretariat", "Kommission Migration und Teilhabe: zugestimmt"),
        ("g.sekretariat", "Ausschuss für Soziales, Gesundheit und Integration: abgelehnt"),
    ]


def test_a_meeting_is_still_possible_where_the_rule_allows_a_written_statement(
    route: Route,
) -> None:
    deps = written(route.deps, "kommission")
    meeting = route.meeting("kommission", 21)
    consultations.place(deps, route.rec, meeting, "Sitzungsdienst")
    with pytest.raises(DeliberationError, match="liegt schon auf Sitzung"):
        consultations.give_statement_without_meeting(
            deps, route.rec, R.APPROVED, STATEMENT, "Sitzungsdienst"
        )
    assert [m.id for m in body_meetings.list_meetings(deps, "kommission")] == [meeting]


def test_the_migration_gives_advisory_bodies_their_words_and_back(
    route: Route, app: Application
) -> None:
    """Downgrading to the schema before statements turns a statement back into the decision
    words stored then (and drops statements without a meeting); upgrading maps it again."""
    route.pass_body("kommission", R.APPROVED, STATEMENT)
    route.pass_body("ausschuss-soziales", R.AMENDMENTS_RECOMMENDED, "Zwei Kurse statt drei.")
    consultations.give_statement_without_meeting(
        written(route.deps, "kreisausschuss"), route.rec, R.NOTED, "", "Sitzungsdienst"
    )
    route.pass_body("kreistag", R.ADOPTED, "")

    def stored() -> list[tuple[str, str, bool]]:
        with app.db.connect() as connection:
            found = connection.execute(
                text("SELECT body_key, result, meeting_id IS NULL FROM consultations ORDER BY id")
            )
            return [(key, result, bool(empty)) for key, result, empty in found]

    after = [
        ("kommission", "approved", False),
        ("ausschuss-soziales", "amendments_recommended", False),
        ("kreisausschuss", "noted", True),
        ("kreistag", "adopted", False),
    ]
    assert stored() == after
    command.downgrade(alembic_config(app.db), PREVIOUS)
    assert stored() == [
        ("kommission", "adopted", False),
        ("ausschuss-soziales", "adopted_amended", False),
        ("kreistag", "adopted", False),
    ]
    command.upgrade(alembic_config(app.db), "head")
    assert stored() == [after[0], after[1], after[3]]


def test_the_start_page_lists_what_waits_for_a_meeting_by_the_route(
    route: Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Waiting: on no meeting with a body still ahead (a deferral waits again, a written
    statement counts as a body done); the list is capped, the count is of them all."""
    deps = written(route.deps, "kommission")
    group = recommendations.show(deps, route.rec).group_id

    def waiting() -> tuple[list[int], int]:
        page = start_page.start_page(deps)
        ids = [int(i.link.rsplit("/", 1)[1]) for i in page.waiting_for_meeting]
        return ids, page.waiting_total

    assert waiting() == ([route.rec], 1)
    draft = recommendations.draft(deps, group, "Noch ein Entwurf", "Text", "AG")
    assert waiting() == ([route.rec], 1)  # a draft waits for its group, not for a meeting
    consultations.place(deps, route.rec, route.meeting("kommission", 21), "Sitzungsdienst")
    assert waiting() == ([], 0)
    route.clock.advance(timedelta(days=22))
    consultations.record_result(deps, route.rec, R.APPROVED, "Sitzungsdienst", STATEMENT)
    assert waiting() == ([route.rec], 1)  # the committee is next
    recommendations.advance(deps, draft, "adopt_in_group", "AG")
    consultations.give_statement_without_meeting(deps, draft, R.NOTED, STATEMENT, "Kommission")
    assert waiting() == ([route.rec, draft], 2)
    monkeypatch.setattr(start_page, "WAITING_SHOWN", 1)
    assert waiting() == ([route.rec], 2)
    route.pass_body("ausschuss-soziales")
    route.pass_body("kreisausschuss")
    route.pass_body("kreistag", R.DEFERRED, "")
    assert waiting() == ([route.rec], 2)  # deferred: it waits for the Kreistag's next meeting
    route.pass_body("kreistag")
    assert waiting() == ([draft], 1)  # decided: the route is done
