"""Users never see an internal key: steps and states by their German titles, in and out."""

from __future__ import annotations

from pathlib import Path

import pytest
from domain_builders import NOW, context, forum, new_round, real_engine, workshop

from deliberation.adapters.workflow_files import load_workflows
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import InvalidTrigger, NotFound
from deliberation.domain.model import SubjectKind, TransitionRecord
from deliberation.service_layer.views import log_view

ENGINE = real_engine()


def test_a_step_is_found_by_its_title_whatever_the_case_and_spacing() -> None:
    cycle = workshop(new_round(), "planned")
    assert ENGINE.resolve_trigger(cycle, "Einladungen versenden") == "send_invitations"
    assert ENGINE.resolve_trigger(cycle, "  einladungen   VERSENDEN ") == "send_invitations"
    assert ENGINE.resolve_trigger(cycle, "send_invitations") == "send_invitations"


def test_a_title_shared_by_two_workflows_means_the_step_of_the_records_own() -> None:
    cycle = forum(new_round(), "documented")
    assert ENGINE.resolve_trigger(cycle, "Forum abschließen") == "close"
    outcome = ENGINE.fire(
        cycle, ENGINE.resolve_trigger(cycle, "forum abschließen"), context(ENGINE)
    )
    assert cycle.state == "closed" and outcome.record.trigger == "close"


def test_a_wrong_step_lists_the_possible_ones_by_title() -> None:
    cycle = workshop(new_round(), "planned")
    with pytest.raises(InvalidTrigger) as caught:
        ENGINE.fire(cycle, ENGINE.resolve_trigger(cycle, "Vision malen"), context(ENGINE))
    message = str(caught.value)
    assert 'Den Schritt "Vision malen" gibt es im Ablauf "Zukunftswerkstatt" nicht' in message
    assert 'im Zustand "Geplant"' in message
    assert 'Möglich sind: "Einladungen versenden".' in message
    assert "send_invitations" not in message and "planned" not in message


def test_states_are_found_by_title_case_insensitively() -> None:
    kind = SubjectKind.RECOMMENDATION
    assert ENGINE.resolve_state(kind, "in umsetzung") == "in_implementation"
    assert ENGINE.resolve_state(kind, "deferred") == "deferred"
    assert ENGINE.resolve_state(SubjectKind.CYCLE, "Rückspiegelung vorgestellt") == (
        "feedback_presented"
    )


def test_an_unknown_state_lists_the_titles() -> None:
    with pytest.raises(NotFound) as caught:
        ENGINE.resolve_state(SubjectKind.RECOMMENDATION, "beschlossen")
    message = str(caught.value)
    assert 'Einen Zustand "beschlossen" gibt es nicht' in message
    assert '"Vom Kreistag unverändert beschlossen"' in message and "adopted" not in message


def test_a_title_two_workflows_give_different_states_is_ambiguous(tmp_path: Path) -> None:
    for name in ("future_workshop", "buergerforum"):
        text = (Path(__file__).resolve().parents[2] / "workflows" / f"{name}.toml").read_text(
            encoding="utf-8"
        )
        if name == "buergerforum":
            text = text.replace("invitations_sent", "invited")  # same title, another key
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    engine = WorkflowEngine(load_workflows(tmp_path, lambda _: True))
    with pytest.raises(NotFound) as caught:
        engine.resolve_state(SubjectKind.CYCLE, "einladungen versendet")
    message = str(caught.value)
    assert "ist nicht eindeutig" in message and "--workflow" in message
    assert '"Einladungen versendet" in "Zukunftswerkstatt"' in message
    chosen = engine.resolve_state(SubjectKind.CYCLE, "Einladungen versendet", "buergerforum")
    assert chosen == "invited"


def test_history_lines_carry_the_titles() -> None:
    cycle = workshop(new_round(), "planned")
    record = ENGINE.fire(cycle, "send_invitations", context(ENGINE)).record
    view = log_view(ENGINE, record)
    assert (view.step_title, view.from_title, view.to_title) == (
        "Einladungen versenden",
        "Geplant",
        "Einladungen versendet",
    )
    born = TransitionRecord("cycle", 1, "buergerforum", "launch", None, "planned", "x", "", NOW)
    assert (log_view(ENGINE, born).step_title, log_view(ENGINE, born).to_title) == (
        "gestartet",
        "Geplant",
    )


def test_a_workflow_is_found_by_name_or_title() -> None:
    assert ENGINE.find_workflow("bürgerforum").name == "buergerforum"
    assert ENGINE.find_workflow("future_workshop").title == "Zukunftswerkstatt"
    with pytest.raises(NotFound, match='Einen Ablauf "Stadtteilfest" gibt es nicht'):
        ENGINE.find_workflow("Stadtteilfest")
