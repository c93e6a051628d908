"""Guards refuse and allow transitions of the real workflows; actions change the record.

Every guard registered in ``RULES.guards`` has a case in ``GUARD_CASES``; a
guard added without a case makes ``test_every_registered_guard_is_tested``
fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from domain_builders import (
    ILSEDE,
    STANDING_FIELDS,
    agenda_topic,
    conference,
    context,
    forum,
    need,
    new_round,
    ready_conference,
    ready_recommendation,
    real_engine,
    recommendation,
    working_group,
    workshop,
)

from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import GuardRejected, NextStep, hint
from deliberation.domain.model import (
    Cycle,
    NeedScope,
    NeedStatus,
    Recommendation,
    Stateful,
    WorkingGroup,
)
from deliberation.domain.rules import (
    RULES,
    TransitionContext,
    build_agenda,
    undocumented_workshops,
)


@pytest.fixture(scope="module")
def engine() -> WorkflowEngine:
    return real_engine()


# --- scenarios: each returns a record in the transition's source state -------------------


def _workshop_without_needs() -> Cycle:
    return workshop(new_round(), "needs_collection")


def _workshop_with_a_need() -> Cycle:
    cycle = workshop(new_round(), "needs_collection")
    need(cycle, "Arbeit", NeedScope.LOCAL)
    return cycle


def _workshop_with_unvoted_needs() -> Cycle:
    cycle = workshop(new_round(), "realisation")
    need(cycle, "Arbeit", NeedScope.LOCAL, votes=0)
    need(cycle, "Wohnen", NeedScope.COUNTY, votes=0)
    return cycle


def _workshop_with_one_voted_need() -> Cycle:
    cycle = _workshop_with_unvoted_needs()
    cycle.needs[1].votes = 1
    return cycle


def _conference_without_agenda_sources() -> Cycle:
    """County-wide needs exist, but none was forwarded in this round."""
    round = new_round()
    not_yet_documented = workshop(round, "realisation")
    need(not_yet_documented, "Wohnen", NeedScope.COUNTY, votes=3)
    other_round = new_round("2025")
    old = workshop(other_round, "closed")
    need(old, "Sprache", NeedScope.COUNTY, votes=3, status=NeedStatus.FORWARDED)
    return conference(round, "planned")


def _conference_with_forwarded_need() -> Cycle:
    round = new_round()
    documented = workshop(round, "documented")
    need(documented, "Wohnen", NeedScope.COUNTY, votes=3, status=NeedStatus.FORWARDED)
    return conference(round, "planned")


def _conference_agenda_built_without_topics() -> Cycle:
    return conference(new_round(), "agenda_built")


def _conference_agenda_built_with_topic() -> Cycle:
    cycle = conference(new_round(), "agenda_built")
    agenda_topic(cycle, "Arbeit")
    return cycle


def _held_conference_with_groups_but_no_agenda() -> Cycle:
    cycle = conference(new_round(), "held")
    working_group(cycle, "formed")
    return cycle


def _held_conference_with_agenda_but_no_groups() -> Cycle:
    cycle = conference(new_round(), "held")
    agenda_topic(cycle, "Wohnen")
    return cycle


def _held_conference_with_agenda_and_group() -> Cycle:
    cycle = _held_conference_with_agenda_but_no_groups()
    working_group(cycle, "formed")
    return cycle


def _conference_whose_groups_have_no_recommendations() -> Cycle:
    cycle = conference(new_round(), "groups_formed")
    agenda_topic(cycle, "Wohnen")
    working_group(cycle, "working", "AG Wohnen")
    working_group(cycle, "working", "AG Arbeit")
    return cycle


def _conference_where_one_group_recommended() -> Cycle:
    cycle = _conference_whose_groups_have_no_recommendations()
    recommendation(cycle.working_groups[1], "draft")
    return cycle


def _conference_with_a_group_still_working() -> Cycle:
    cycle = conference(new_round(), "recommendations_collected")
    agenda_topic(cycle, "Wohnen")
    done = working_group(cycle, "report_delivered", "AG Wohnen")
    recommendation(done, "adopted_by_group")
    working_group(cycle, "working", "AG Bildung")
    working_group(cycle, "formed", "AG Gesundheit")
    return cycle


def _conference_whose_groups_all_finished() -> Cycle:
    cycle = _conference_with_a_group_still_working()
    cycle.working_groups[1].state = "report_delivered"
    cycle.working_groups[2].state = "dissolved"
    return cycle


def _group_without_recommendations() -> WorkingGroup:
    cycle = conference(new_round(), "groups_formed")
    agenda_topic(cycle)
    return working_group(cycle, "working")


def _group_with_a_draft() -> WorkingGroup:
    group = _group_without_recommendations()
    recommendation(group, "adopted_by_group", "Wohnraumbörse")
    recommendation(group, "draft", "Mietschuldenberatung")
    return group


def _group_whose_recommendations_left_draft() -> WorkingGroup:
    group = _group_with_a_draft()
    group.recommendations[1].state = "withdrawn"
    return group


def _recommendation_of_finished_group() -> Recommendation:
    paper = ready_recommendation("draft")
    paper.working_group.state = "report_delivered"
    return paper


def _recommendation_of_dissolved_group() -> Recommendation:
    paper = ready_recommendation("draft")
    paper.working_group.state = "dissolved"
    return paper


def _recommendation_of_formed_group() -> Recommendation:
    paper = ready_recommendation("draft")
    paper.working_group.state = "formed"
    return paper


def _without_statement(state: str, statement: str = "") -> Callable[[], Recommendation]:
    """As after a data import: the recommendation skipped ``give_statement``."""

    def build() -> Recommendation:
        paper = ready_recommendation(state)
        paper.commission_statement = statement
        return paper

    return build


@dataclass(frozen=True)
class GuardCase:
    guard: str
    trigger: str
    refused: Callable[[], Stateful]
    allowed: Callable[[], Stateful]
    reason: str
    standing_topic_fields: tuple[str, ...] = ()


STATEMENT_MISSING = "Die Stellungnahme der Kommission fehlt; ohne sie geht keine Empfehlung"

GUARD_CASES = {
    "round_has_feedback": GuardCase(
        "round_has_feedback",
        "present_feedback",
        lambda: forum(new_round("2031"), "invitations_sent", feedback=False),
        lambda: forum(new_round("2031"), "invitations_sent"),
        "In den Durchgang 2031 wurde noch kein Umsetzungsbericht zurückgespiegelt",
    ),
    "has_needs": GuardCase(
        "has_needs",
        "start_vision",
        _workshop_without_needs,
        _workshop_with_a_need,
        "Es wurden noch keine Bedarfe gesammelt",
    ),
    "needs_prioritised": GuardCase(
        "needs_prioritised",
        "document",
        _workshop_with_unvoted_needs,
        _workshop_with_one_voted_need,
        "nicht mit Punkten priorisiert",
    ),
    "agenda_sources_available": GuardCase(
        "agenda_sources_available",
        "build_agenda",
        _conference_without_agenda_sources,
        _conference_with_forwarded_need,
        "Für die Tagesordnung fehlen Quellen",
    ),
    "has_agenda": GuardCase(
        "has_agenda",
        "send_invitations",
        _conference_agenda_built_without_topics,
        _conference_agenda_built_with_topic,
        "Die Konferenz hat noch keine Tagesordnung.",
    ),
    "has_working_groups": GuardCase(
        "has_working_groups",
        "form_groups",
        _held_conference_with_agenda_but_no_groups,
        _held_conference_with_agenda_and_group,
        "Es wurde noch keine Arbeitsgruppe gebildet",
    ),
    "has_recommendations": GuardCase(
        "has_recommendations",
        "collect_recommendations",
        _conference_whose_groups_have_no_recommendations,
        _conference_where_one_group_recommended,
        "Keine Arbeitsgruppe hat bisher eine Empfehlung vorgelegt.",
    ),
    "no_group_working": GuardCase(
        "no_group_working",
        "close",
        _conference_with_a_group_still_working,
        _conference_whose_groups_all_finished,
        "Diese Arbeitsgruppen arbeiten noch: AG Bildung, AG Gesundheit.",
    ),
    "recommendations_adopted": GuardCase(
        "recommendations_adopted",
        "deliver_report",
        _group_with_a_draft,
        _group_whose_recommendations_left_draft,
        "Diese Empfehlungen sind noch Entwürfe: Mietschuldenberatung.",
    ),
    "group_active": GuardCase(
        "group_active",
        "adopt_in_group",
        _recommendation_of_finished_group,
        _recommendation_of_formed_group,
        'Die Arbeitsgruppe "AG Wohnen" ist bereits abgeschlossen.',
    ),
    "has_commission_statement": GuardCase(
        "has_commission_statement",
        "refer_to_kreistag",
        _without_statement("executive_consultation"),
        lambda: ready_recommendation("executive_consultation"),
        STATEMENT_MISSING,
    ),
}

# further refusals of a guard, each with the trigger, the record and the reason
MORE_REFUSALS = [
    pytest.param(
        "needs_prioritised",
        "document",
        lambda: workshop(new_round(), "realisation"),
        "nicht mit Punkten priorisiert",
        id="needs_prioritised-no-needs-at-all",
    ),
    pytest.param(
        "recommendations_adopted",
        "deliver_report",
        _group_without_recommendations,
        "Die Arbeitsgruppe hat noch keine Empfehlung entworfen.",
        id="group-without-any",
    ),
    pytest.param(
        "group_active",
        "adopt_in_group",
        _recommendation_of_dissolved_group,
        "ist bereits abgeschlossen",
        id="group-dissolved",
    ),
    pytest.param(
        "has_commission_statement",
        "reschedule",
        _without_statement("deferred"),
        STATEMENT_MISSING,
        id="reschedule-empty-statement",
    ),
    pytest.param(
        "has_commission_statement",
        "refer_to_kreistag",
        _without_statement("executive_consultation", "  \n "),
        STATEMENT_MISSING,
        id="blank-statement",
    ),
]


def _fire(
    engine: WorkflowEngine,
    subject: Stateful,
    trigger: str,
    standing_topic_fields: tuple[str, ...] = (),
) -> TransitionContext:
    ctx = context(engine, standing_topic_fields=standing_topic_fields)
    engine.fire(subject, trigger, ctx)
    return ctx


def _assert_refused(
    engine: WorkflowEngine,
    subject: Stateful,
    trigger: str,
    reason: str,
    standing_topic_fields: tuple[str, ...] = (),
) -> GuardRejected:
    before = subject.state
    with pytest.raises(GuardRejected) as caught:
        _fire(engine, subject, trigger, standing_topic_fields)
    assert subject.state == before
    assert any(reason in r for r in caught.value.reasons), caught.value.reasons
    assert reason in str(caught.value)
    title = engine.definition_of(subject).step_title(trigger)
    assert f'"{title}" ist für {subject.subject_label()} jetzt nicht möglich' in str(caught.value)
    return caught.value


def test_every_registered_guard_is_tested() -> None:
    assert set(GUARD_CASES) == set(RULES.guards)


def test_every_guard_case_fires_a_transition_that_uses_the_guard() -> None:
    engine = real_engine()
    for case in GUARD_CASES.values():
        subject = case.refused()
        specs = [
            t
            for t in engine.definition_of(subject).transitions_from(subject.state)
            if t.trigger == case.trigger
        ]
        assert specs and all(case.guard in t.guards for t in specs), case


@pytest.mark.parametrize("case", GUARD_CASES.values(), ids=list(GUARD_CASES))
def test_guard_refuses_transition_when_its_condition_is_false(
    engine: WorkflowEngine, case: GuardCase
) -> None:
    _assert_refused(engine, case.refused(), case.trigger, case.reason)


@pytest.mark.parametrize("case", GUARD_CASES.values(), ids=list(GUARD_CASES))
def test_guard_allows_transition_when_its_condition_is_true(
    engine: WorkflowEngine, case: GuardCase
) -> None:
    subject = case.allowed()
    expected = next(
        t.dest
        for t in engine.definition_of(subject).transitions_from(subject.state)
        if t.trigger == case.trigger
    )
    _fire(engine, subject, case.trigger)
    assert subject.state == expected


@pytest.mark.parametrize(("guard", "trigger", "build", "reason"), MORE_REFUSALS)
def test_guard_refuses_further_cases(
    engine: WorkflowEngine,
    guard: str,
    trigger: str,
    build: Callable[[], Stateful],
    reason: str,
) -> None:
    assert guard in RULES.guards
    _assert_refused(engine, build(), trigger, reason)


# --- the cases named in the brief --------------------------------------------------------


def test_workshop_cannot_enter_vision_without_needs(engine: WorkflowEngine) -> None:
    cycle = _workshop_without_needs()
    _assert_refused(
        engine,
        cycle,
        "start_vision",
        "Es wurden noch keine Bedarfe gesammelt.",
    )
    assert cycle.state == "needs_collection"


def test_workshop_enters_vision_with_one_need(engine: WorkflowEngine) -> None:
    cycle = _workshop_with_a_need()
    _fire(engine, cycle, "start_vision")
    assert cycle.state == "vision"


def test_conference_cannot_form_groups_without_agenda(engine: WorkflowEngine) -> None:
    cycle = _held_conference_with_groups_but_no_agenda()
    rejected = _assert_refused(
        engine, cycle, "form_groups", "Die Konferenz hat noch keine Tagesordnung."
    )
    assert rejected.reasons == ["Die Konferenz hat noch keine Tagesordnung."]
    assert cycle.state == "held"


def test_conference_lists_every_unmet_guard_of_a_transition(engine: WorkflowEngine) -> None:
    cycle = conference(new_round(), "held")
    rejected = _assert_refused(engine, cycle, "form_groups", "keine Tagesordnung")
    assert rejected.reasons == [
        "Die Konferenz hat noch keine Tagesordnung.",
        "Es wurde noch keine Arbeitsgruppe gebildet.",
    ]
    assert rejected.next_steps == (hint(NextStep.FORM_GROUP),)  # the agenda suggests none


def test_conference_cannot_close_while_a_group_is_still_working(engine: WorkflowEngine) -> None:
    cycle = _conference_with_a_group_still_working()
    _assert_refused(engine, cycle, "close", "AG Bildung")
    assert cycle.state == "recommendations_collected"
    # the finished group is not named as still working
    with pytest.raises(GuardRejected) as caught:
        _fire(engine, cycle, "close")
    assert "AG Wohnen" not in str(caught.value)


def test_conference_closes_once_the_last_group_finished(engine: WorkflowEngine) -> None:
    cycle = _conference_with_a_group_still_working()
    with pytest.raises(GuardRejected):
        _fire(engine, cycle, "close")
    for group in cycle.working_groups:
        if group.state != "report_delivered":
            group.state = "dissolved"
    _fire(engine, cycle, "close")
    assert cycle.state == "closed"


def test_recommendation_cannot_reach_kreistag_without_commission_statement(
    engine: WorkflowEngine,
) -> None:
    paper = _without_statement("executive_consultation")()
    _assert_refused(engine, paper, "refer_to_kreistag", STATEMENT_MISSING)
    assert paper.state == "executive_consultation"


def test_deferred_recommendation_cannot_be_rescheduled_without_commission_statement(
    engine: WorkflowEngine,
) -> None:
    paper = _without_statement("deferred")()
    _assert_refused(engine, paper, "reschedule", STATEMENT_MISSING)
    assert paper.state == "deferred"


def test_deferred_recommendation_with_statement_is_rescheduled(engine: WorkflowEngine) -> None:
    paper = ready_recommendation("deferred")
    _fire(engine, paper, "reschedule")
    assert paper.state == "kreistag_agenda"


def test_agenda_can_be_built_from_standing_topic_fields_alone(engine: WorkflowEngine) -> None:
    cycle = _conference_without_agenda_sources()
    _fire(engine, cycle, "build_agenda", standing_topic_fields=("Arbeit",))
    assert cycle.state == "agenda_built"
    assert [t.topic_field for t in cycle.agenda_topics] == ["Arbeit"]


def test_refused_transition_runs_no_action(engine: WorkflowEngine) -> None:
    cycle = _workshop_with_unvoted_needs()
    with pytest.raises(GuardRejected):
        _fire(engine, cycle, "document")
    assert [n.status for n in cycle.needs] == [NeedStatus.OPEN, NeedStatus.OPEN]


# --- actions -----------------------------------------------------------------------------


def test_documenting_forwards_county_needs_and_keeps_local_needs_local(
    engine: WorkflowEngine,
) -> None:
    cycle = workshop(new_round(), "realisation")
    county = need(cycle, "Wohnen", NeedScope.COUNTY, votes=2)
    local = need(cycle, "Sprache", NeedScope.LOCAL, votes=5)
    county_unvoted = need(cycle, "Arbeit", NeedScope.COUNTY, votes=0)

    _fire(engine, cycle, "document")

    assert cycle.state == "documented"
    assert county.status == NeedStatus.FORWARDED
    assert county_unvoted.status == NeedStatus.FORWARDED
    assert local.status == NeedStatus.HANDLED_LOCALLY


def _round_with_documented_workshops() -> tuple[Cycle, dict[str, list[object]]]:
    """Two documented workshops of one round, an older round, and an undocumented workshop."""
    round = new_round()
    peine = workshop(round, "documented")
    ilsede = workshop(round, "documented", municipality=ILSEDE)
    forwarded = NeedStatus.FORWARDED
    linked: dict[str, list[object]] = {
        "Sprache": [
            need(peine, "Sprache", votes=4, status=forwarded),
            need(ilsede, "Sprache", votes=5, status=forwarded),
        ],
        "Wohnen": [need(ilsede, "Wohnen", votes=7, status=forwarded)],
        "Arbeit": [need(peine, "Arbeit", votes=1, status=forwarded)],
        "Mobilität": [need(peine, "Mobilität", votes=2, status=forwarded)],
    }
    need(peine, "Bildung", NeedScope.LOCAL, votes=30, status=NeedStatus.HANDLED_LOCALLY)
    not_documented = workshop(round, "realisation", municipality=ILSEDE)
    need(not_documented, "Sicherheit", votes=40)
    older = workshop(new_round("2025"), "closed")
    need(older, "Gesundheit", votes=50, status=forwarded)
    need(older, "Arbeit", votes=50, status=forwarded)
    return conference(round, "planned"), linked


def test_agenda_ranks_topic_fields_by_votes_then_adds_standing_fields(
    engine: WorkflowEngine,
) -> None:
    cycle, linked = _round_with_documented_workshops()

    _fire(engine, cycle, "build_agenda", standing_topic_fields=STANDING_FIELDS)

    assert cycle.state == "agenda_built"
    assert [(t.position, t.topic_field) for t in cycle.agenda_topics] == [
        (1, "Sprache"),  # 4 + 5 votes
        (2, "Wohnen"),  # 7
        (3, "Mobilität"),  # 2, not a standing field but forwarded
        (4, "Arbeit"),  # 1
        (5, "Bildung"),  # standing fields without forwarded needs, in configured order
        (6, "Sicherheit"),
        (7, "Gesundheit"),
    ]
    assert [t.title for t in cycle.agenda_topics] == [t.topic_field for t in cycle.agenda_topics]
    for topic in cycle.agenda_topics:
        assert topic.needs == linked.get(topic.topic_field, [])


def test_agenda_uses_no_needs_of_other_rounds(engine: WorkflowEngine) -> None:
    cycle, _ = _round_with_documented_workshops()

    _fire(engine, cycle, "build_agenda")

    used = [n for topic in cycle.agenda_topics for n in topic.needs]
    assert {n.cycle.round for n in used} == {cycle.round}
    assert "Gesundheit" not in [t.topic_field for t in cycle.agenda_topics]
    arbeit = next(t for t in cycle.agenda_topics if t.topic_field == "Arbeit")
    assert [n.votes for n in arbeit.needs] == [1]


def test_agenda_uses_neither_local_nor_unforwarded_needs(engine: WorkflowEngine) -> None:
    cycle, _ = _round_with_documented_workshops()

    _fire(engine, cycle, "build_agenda")

    fields = [t.topic_field for t in cycle.agenda_topics]
    assert fields == ["Sprache", "Wohnen", "Mobilität", "Arbeit"]
    assert all(n.status == NeedStatus.FORWARDED for t in cycle.agenda_topics for n in t.needs)


def test_building_the_agenda_again_replaces_it(engine: WorkflowEngine) -> None:
    cycle, _ = _round_with_documented_workshops()
    ctx = context(engine, standing_topic_fields=("Arbeit",))
    build_agenda(cycle, ctx)
    build_agenda(cycle, ctx)
    assert [t.position for t in cycle.agenda_topics] == [1, 2, 3, 4]


def test_giving_the_statement_records_the_text(engine: WorkflowEngine) -> None:
    paper = ready_recommendation("adopted_by_group")
    paper.commission_statement = ""
    engine.fire(paper, "give_statement", context(engine, text="Die Kommission stimmt zu."))
    assert paper.state == "statement_given"
    assert paper.commission_statement == "Die Kommission stimmt zu."


def test_statement_then_lets_the_recommendation_reach_the_kreistag(engine: WorkflowEngine) -> None:
    paper = ready_recommendation("adopted_by_group")
    paper.commission_statement = ""
    engine.fire(paper, "give_statement", context(engine, text="Befürwortet."))
    for trigger in ("refer_to_committee", "refer_to_executive", "refer_to_kreistag"):
        _fire(engine, paper, trigger)
    assert paper.state == "kreistag_agenda"


@pytest.mark.parametrize(
    ("trigger", "text", "expected"),
    [
        ("decide_adopted", "", "Der Landkreis richtet eine Wohnraumbörse ein."),
        ("decide_adopted", "Beschluss lt. Vorlage 2027/112", "Beschluss lt. Vorlage 2027/112"),
        ("decide_amended", "Mit Änderung: zwei Stellen", "Mit Änderung: zwei Stellen"),
    ],
)
def test_decision_records_the_resolution_or_falls_back_to_the_recommendation_text(
    engine: WorkflowEngine, trigger: str, text: str, expected: str
) -> None:
    paper = ready_recommendation("kreistag_agenda")
    engine.fire(paper, trigger, context(engine, text=text))
    assert paper.resolution_text == expected
    assert paper.text == "Der Landkreis richtet eine Wohnraumbörse ein."


def test_rejection_records_no_resolution(engine: WorkflowEngine) -> None:
    paper = ready_recommendation("kreistag_agenda")
    engine.fire(paper, "decide_rejected", context(engine, text="abgelehnt"))
    assert paper.state == "rejected"
    assert paper.resolution_text == ""


def test_report_back_records_the_implementation_report(engine: WorkflowEngine) -> None:
    paper = ready_recommendation("in_implementation")
    engine.fire(paper, "report_back", context(engine, text="Börse seit 1.9. online."))
    assert paper.state == "reported_back"
    assert paper.implementation_report == "Börse seit 1.9. online."


def test_ready_conference_passes_every_guard_of_the_conference(engine: WorkflowEngine) -> None:
    """The transitions table relies on this builder; show it is not vacuous."""
    ctx = context(engine, standing_topic_fields=())
    cycle = ready_conference("planned")
    for name in (
        "agenda_sources_available",
        "has_agenda",
        "has_working_groups",
        "has_recommendations",
        "no_group_working",
    ):
        assert RULES.guards[name].function(cycle, ctx) is None, name


def test_an_agenda_built_while_a_workshop_runs_gets_a_warning_naming_it(
    engine: WorkflowEngine,
) -> None:
    round = new_round()
    documented = workshop(round, "documented")
    need(documented, "Wohnen", NeedScope.COUNTY, votes=3, status=NeedStatus.FORWARDED)
    running = workshop(round, "needs_collection", municipality=ILSEDE)
    need(running, "Arbeit", NeedScope.COUNTY)
    cycle = conference(round, "planned")

    warning = undocumented_workshops(cycle, engine)

    assert warning is not None
    assert f"noch nicht dokumentiert: Zukunftswerkstatt Ilsede (Zyklus {running.id})" in warning
    assert "Peine" not in warning
    workshop_done = _conference_with_forwarded_need()
    assert undocumented_workshops(workshop_done, engine) is None


def test_online_dots_rank_the_agenda_like_dots_on_site(engine: WorkflowEngine) -> None:
    cycle, _ = _round_with_documented_workshops()
    [mobility] = [n for n in cycle.round.county_wide_needs() if n.topic_field == "Mobilität"]
    mobility.online_votes = 8  # 2 on site + 8 online: more than Sprache's 9 on site

    _fire(engine, cycle, "build_agenda")

    assert [t.topic_field for t in cycle.agenda_topics][:3] == ["Mobilität", "Sprache", "Wohnen"]
