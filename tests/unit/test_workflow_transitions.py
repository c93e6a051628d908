"""Every transition of every real workflow file, fired on a record that satisfies its guards.

The parameter list comes from the loaded definitions, so a transition added
to a file under ``workflows/`` is tested here without touching this module.
"""

from __future__ import annotations

import re

import pytest
from domain_builders import (
    ACTOR,
    NOW,
    REASON,
    SATISFYING_BUILDERS,
    STANDING_FIELDS,
    context,
    definition,
    real_definitions,
    real_engine,
)

from deliberation.domain.engine import MessagesRequested, WorkflowEngine
from deliberation.domain.errors import (
    DeliberationError,
    FieldKey,
    InvalidTrigger,
    MissingParameter,
    NotFound,
)
from deliberation.domain.workflow import TransitionSpec, WorkflowDefinition

TransitionCase = tuple[WorkflowDefinition, TransitionSpec, str]


def _transition_cases() -> list[TransitionCase]:
    return [
        (d, spec, source)
        for d in real_definitions()
        for spec in d.transitions
        for source in spec.sources
    ]


TRANSITION_CASES = _transition_cases()
WORKFLOW_NAMES = sorted(d.name for d in real_definitions())
FINAL_STATES = [(d.name, s.name) for d in real_definitions() for s in d.states.values() if s.final]
TEXT_TRANSITIONS = [
    (d.name, spec, source) for d, spec, source in TRANSITION_CASES if "text" in spec.requires
]


def _case_id(case: TransitionCase) -> str:
    d, spec, source = case
    return f"{d.name}:{source}-{spec.trigger}->{spec.dest}"


@pytest.fixture(scope="module")
def engine() -> WorkflowEngine:
    return real_engine()


def test_every_workflow_has_a_guard_satisfying_builder() -> None:
    assert set(SATISFYING_BUILDERS) == set(WORKFLOW_NAMES)


def test_the_table_covers_every_transition_and_source_of_every_workflow() -> None:
    expected = sum(len(t.sources) for d in real_definitions() for t in d.transitions)
    covered = {(d.name, spec.trigger, spec.dest, source) for d, spec, source in TRANSITION_CASES}
    assert len(TRANSITION_CASES) == expected == len(covered)
    # sanity: the real files are not trivially small (a loader returning nothing would pass)
    assert {"future_workshop", "integration_conference", "working_group", "recommendation"} <= set(
        WORKFLOW_NAMES
    )
    assert expected >= 30


@pytest.mark.parametrize("case", TRANSITION_CASES, ids=_case_id)
def test_transition_moves_record_to_its_destination_and_records_it(
    engine: WorkflowEngine, case: TransitionCase
) -> None:
    d, spec, source = case
    subject = SATISFYING_BUILDERS[d.name](source)
    assert subject.state == source
    text = "Beschlossen mit Änderungen in Nr. 2." if "text" in spec.requires else ""
    ctx = context(engine, text=text, standing_topic_fields=STANDING_FIELDS)

    outcome = engine.fire(subject, spec.trigger, ctx)

    assert subject.state == spec.dest
    assert subject.updated_at == NOW
    record = outcome.record
    assert (record.from_state, record.to_state) == (source, spec.dest)
    assert record.trigger == spec.trigger
    assert (record.actor, record.reason, record.at) == (ACTOR, REASON, NOW)
    assert record.workflow == d.name
    assert record.subject_kind == d.subject.value
    assert record.subject_id == subject.id
    assert outcome.messages == tuple(MessagesRequested(t, subject) for t in spec.send)
    assert len(outcome.messages) == len(spec.send)


def _invalid_trigger_cases() -> list[tuple[str, str]]:
    cases = []
    for d in real_definitions():
        allowed = set(d.triggers_from(d.initial))
        existing_but_not_here = next(t.trigger for t in d.transitions if t.trigger not in allowed)
        cases.append((d.name, existing_but_not_here))
        cases.append((d.name, "zaubern"))
    return cases


@pytest.mark.parametrize(("workflow", "trigger"), _invalid_trigger_cases())
def test_trigger_not_allowed_in_initial_state_is_refused_listing_allowed_triggers(
    engine: WorkflowEngine, workflow: str, trigger: str
) -> None:
    d = definition(workflow)
    subject = SATISFYING_BUILDERS[workflow](d.initial)

    with pytest.raises(InvalidTrigger) as caught:
        engine.fire(subject, trigger, context(engine, text="x", standing_topic_fields=("Arbeit",)))

    assert caught.value.allowed == d.triggers_from(d.initial)
    assert caught.value.allowed  # the initial state of a sound workflow always has a way out
    message = str(caught.value)
    assert f'"{d.step_title(trigger) or trigger}"' in message
    titles = ", ".join(f'"{d.step_title(t)}"' for t in caught.value.allowed)
    assert "Möglich sind: " + titles + "." in message
    assert all(t not in message for t in caught.value.allowed if t != trigger)
    assert subject.state == d.initial


@pytest.mark.parametrize("workflow", WORKFLOW_NAMES)
def test_made_up_trigger_is_named_as_unknown_in_the_workflow(
    engine: WorkflowEngine, workflow: str
) -> None:
    subject = SATISFYING_BUILDERS[workflow](definition(workflow).initial)

    title = definition(workflow).title
    with pytest.raises(InvalidTrigger, match=f'gibt es im Ablauf "{title}" nicht'):
        engine.fire(subject, "zaubern", context(engine))


@pytest.mark.parametrize(("workflow", "state"), FINAL_STATES)
def test_no_trigger_is_allowed_in_a_final_state(
    engine: WorkflowEngine, workflow: str, state: str
) -> None:
    d = definition(workflow)
    subject = SATISFYING_BUILDERS[workflow](state)
    some_trigger = d.transitions[0].trigger

    with pytest.raises(InvalidTrigger) as caught:
        engine.fire(subject, some_trigger, context(engine, text="x"))

    assert caught.value.allowed == []
    assert "Endzustand" in str(caught.value)
    assert subject.state == state


@pytest.mark.parametrize("text", ["", "   \n"], ids=["empty", "blank"])
@pytest.mark.parametrize(
    ("workflow", "spec", "source"),
    TEXT_TRANSITIONS,
    ids=[f"{w}:{source}-{spec.trigger}" for w, spec, source in TEXT_TRANSITIONS],
)
def test_transition_that_requires_text_refuses_without_text_and_keeps_state(
    engine: WorkflowEngine, workflow: str, spec: TransitionSpec, source: str, text: str
) -> None:
    subject = SATISFYING_BUILDERS[workflow](source)
    before = vars(subject).copy()

    with pytest.raises(
        MissingParameter, match=f'"{re.escape(spec.title)}" braucht einen Text'
    ) as e:
        engine.fire(subject, spec.trigger, context(engine, text=text))
    assert e.value.field == FieldKey.TEXT  # each front end points to its text input

    assert subject.state == source
    assert vars(subject) == before


@pytest.mark.parametrize("workflow", WORKFLOW_NAMES)
def test_record_of_a_workflow_version_that_is_not_loaded_is_refused(
    engine: WorkflowEngine, workflow: str
) -> None:
    subject = SATISFYING_BUILDERS[workflow](definition(workflow).initial)
    subject.workflow_version = 99

    with pytest.raises(NotFound, match=f'"{workflow}" in Version 99, die nicht geladen ist'):
        engine.fire(subject, definition(workflow).transitions[0].trigger, context(engine))


def test_record_in_an_undeclared_state_gets_a_readable_error(engine: WorkflowEngine) -> None:
    subject = SATISFYING_BUILDERS["future_workshop"]("planned")
    subject.state = "brainstorming"  # e.g. imported data or a state removed from the file

    with pytest.raises(DeliberationError, match="brainstorming"):
        engine.fire(subject, "close", context(engine))


def test_text_transitions_exist_in_the_real_workflows() -> None:
    assert {spec.trigger for _, spec, _ in TEXT_TRANSITIONS} >= {
        "give_statement",
        "decide_amended",
        "report_back",
    }


@pytest.mark.parametrize("workflow", WORKFLOW_NAMES)
def test_record_can_walk_from_initial_state_to_a_final_state(
    engine: WorkflowEngine, workflow: str
) -> None:
    d = definition(workflow)
    subject = SATISFYING_BUILDERS[workflow](d.initial)
    trail = [subject.state]
    while not d.is_final(subject.state):
        # prefer a transition that moves forward to a state not yet visited
        spec = next(
            (t for t in d.transitions_from(subject.state) if t.dest not in trail),
            d.transitions_from(subject.state)[0],
        )
        ctx = context(engine, text="Text", standing_topic_fields=("Arbeit",))
        engine.fire(subject, spec.trigger, ctx)
        trail.append(subject.state)
        assert len(trail) <= len(d.states) + 1

    assert engine.is_final(subject)
    assert engine.allowed_triggers(subject) == []
