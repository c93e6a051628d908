"""The consultation route: its configuration, and the domain rules of placing and results."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from config_text import REAL_TEXT, broken
from domain_builders import ROOT, definition

from deliberation.config import load_settings
from deliberation.domain.consultations import (
    Consultation,
    ConsultationResult,
    ConsultationRole,
    RouteStep,
    current_position,
    notice_refusal,
    parse_result,
    placement_trigger,
    result_trigger,
    route_steps,
)
from deliberation.domain.errors import ConfigError, DeliberationError, NextStep, hint
from deliberation.domain.model import Body, Meeting

RECOMMENDATION = definition("recommendation")
KOMMISSION = 'body = "kommission"\nrole = "Anhörung"'
KREISTAG = 'body = "kreistag"\nrole = "Entscheidung"'
HEARING = RouteStep("kommission", ConsultationRole.HEARING)
PRELIMINARY = RouteStep("kreisausschuss", ConsultationRole.PRELIMINARY, "refer_to_executive")
DECISION = RouteStep("kreistag", ConsultationRole.DECISION, "refer_to_kreistag")
ROUTE = (HEARING, PRELIMINARY, DECISION)
AT = datetime(2027, 3, 1, 16, tzinfo=UTC)


def test_the_configured_route_is_the_default_of_the_issue() -> None:
    route = load_settings(ROOT / "config.toml", environ={}).consultation_route
    assert [(s.body_key, s.role.value, s.authoritative) for s in route] == [
        ("kommission", "Anhörung", False),
        ("ausschuss-soziales", "Vorberatung", False),
        ("kreisausschuss", "Vorberatung", False),
        ("kreistag", "Entscheidung", True),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            broken(KOMMISSION, 'body = "stadtrat"\nrole = "Anhörung"'),
            ['"consultation_route[1].body"', '"stadtrat" ist kein Gremium'],
        ),
        (
            broken(KOMMISSION, 'body = "kommission"\nrole = "Beratung"'),
            ['"consultation_route[1].role"', '"Beratung" ist unbekannt', "Vorberatung"],
        ),
        (
            broken(KREISTAG, 'body = "kreistag"\nrole = "Vorberatung"'),
            ['"consultation_route[4].role"', 'muss "Entscheidung" sein'],
        ),
        (
            broken(KOMMISSION, 'body = "kreistag"\nrole = "Anhörung"'),
            ['"consultation_route[4].body"', "doppelt"],
        ),
        (
            broken(KOMMISSION, KOMMISSION + '\nwhen = "bald"'),
            ['"consultation_route[1].when"', "unbekannter Schlüssel"],
        ),
        (
            REAL_TEXT.replace(
                'base_url = "https://oparl.landkreis-peine.de/beteiligung"',
                'base_url = "oparl.landkreis-peine.de"',
            ),
            ['"oparl.base_url"', "keine Web-Adresse"],
        ),
    ],
)
def test_a_broken_route_is_refused_naming_the_key(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    for part in expected:
        assert part in str(caught.value)


def test_results_are_understood_by_code_and_german_title() -> None:
    assert parse_result("vertagt") is ConsultationResult.DEFERRED
    assert parse_result("  Geändert   beschlossen ") is ConsultationResult.ADOPTED_AMENDED
    assert parse_result("noted") is ConsultationResult.NOTED
    with pytest.raises(DeliberationError, match=r'"verschoben" ist unbekannt.*"vertagt"'):
        parse_result("verschoben")


def test_each_result_takes_the_workflow_step_its_role_implies() -> None:
    assert result_trigger(HEARING, ConsultationResult.NOTED, RECOMMENDATION) == "give_statement"
    assert result_trigger(HEARING, ConsultationResult.DEFERRED, RECOMMENDATION) == ""
    only_advice = result_trigger(PRELIMINARY, ConsultationResult.REJECTED, RECOMMENDATION)
    assert only_advice == ""
    assert result_trigger(PRELIMINARY, ConsultationResult.WITHDRAWN, RECOMMENDATION) == "withdraw"
    assert result_trigger(DECISION, ConsultationResult.ADOPTED, RECOMMENDATION) == "decide_adopted"
    assert result_trigger(DECISION, ConsultationResult.DEFERRED, RECOMMENDATION) == "defer"
    with pytest.raises(DeliberationError, match="für die Entscheidung von kreistag nicht möglich"):
        result_trigger(DECISION, ConsultationResult.NOTED, RECOMMENDATION)


def test_an_advisory_body_states_its_view_and_only_the_deciding_body_decides() -> None:
    assert result_trigger(HEARING, ConsultationResult.APPROVED, RECOMMENDATION) == "give_statement"
    assert (
        result_trigger(HEARING, ConsultationResult.AMENDMENTS_RECOMMENDED, RECOMMENDATION)
        == "give_statement"
    )
    assert result_trigger(HEARING, ConsultationResult.REJECTED, RECOMMENDATION) == "give_statement"
    assert result_trigger(PRELIMINARY, ConsultationResult.APPROVED, RECOMMENDATION) == ""
    with pytest.raises(DeliberationError) as caught:
        HEARING.check_result(ConsultationResult.ADOPTED, "Kommission Migration und Teilhabe")
    message = str(caught.value)
    assert (
        '"ungeändert beschlossen" ist für Kommission Migration und Teilhabe (Anhörung)' in message
    )
    assert "gibt eine Stellungnahme ab" in message
    for word in ("zugestimmt", "abgelehnt", "mit Änderungen empfohlen", "zur Kenntnis genommen"):
        assert f'"{word}"' in message
    with pytest.raises(DeliberationError, match="Entscheidung von Kreistag nicht möglich"):
        DECISION.check_result(ConsultationResult.APPROVED, "Kreistag")
    assert parse_result("mit Änderungen empfohlen") is ConsultationResult.AMENDMENTS_RECOMMENDED
    assert parse_result("Zugestimmt") is ConsultationResult.APPROVED


def test_the_route_owns_its_steps_as_the_workflow_declares_them() -> None:
    owned = route_steps(ROUTE, RECOMMENDATION)
    assert owned == {
        RECOMMENDATION.trigger_for("statement"),
        "refer_to_executive",
        "refer_to_kreistag",
        *(RECOMMENDATION.trigger_for(r) for r in ("decision_adopted", "decision_amended")),
        *(RECOMMENDATION.trigger_for(r) for r in ("decision_rejected", "deferral")),
        RECOMMENDATION.trigger_for("back_on_agenda"),
    }
    assert RECOMMENDATION.trigger_for("withdrawal") not in owned
    assert route_steps((), RECOMMENDATION) == frozenset()


def test_a_statement_without_meeting_is_for_advisory_bodies_only(tmp_path: Path) -> None:
    allowed = broken("statement_without_meeting = false", "statement_without_meeting = true")
    path = tmp_path / "config.toml"
    path.write_text(allowed, encoding="utf-8")
    [hearing, *_] = load_settings(path, environ={}).consultation_route
    assert hearing.statement_without_meeting
    path.write_text(broken(KREISTAG, KREISTAG + "\nstatement_without_meeting = true"))
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert '"consultation_route[4].statement_without_meeting"' in str(caught.value)
    assert "nur bei beratenden Gremien" in str(caught.value)


def _held(step: RouteStep, position: int, result: str) -> Consultation:
    consultation = Consultation(Meeting("S", AT, "Kreishaus", step.body_key), step, position, AT)
    consultation.result = result
    return consultation


def test_a_deferral_keeps_the_recommendation_with_the_same_body() -> None:
    assert current_position(ROUTE, []) == 0
    done = [_held(HEARING, 0, "adopted"), _held(PRELIMINARY, 1, "adopted")]
    deferred = [*done, _held(DECISION, 2, "deferred")]
    assert current_position(ROUTE, deferred) == 2
    assert placement_trigger(DECISION, [], RECOMMENDATION) == "refer_to_kreistag"
    assert placement_trigger(DECISION, deferred[-1:], RECOMMENDATION) == "reschedule"
    assert placement_trigger(PRELIMINARY, [_held(PRELIMINARY, 1, "deferred")], RECOMMENDATION) == ""
    assert current_position(ROUTE, [*deferred, _held(DECISION, 2, "adopted")]) == 3


def test_the_notice_period_refusal_names_the_earliest_meeting() -> None:
    body = Body("kreistag", "Kreistag", "council", 7, 3)
    today = date(2027, 3, 1)
    close = Meeting("Sitzung A", AT, "Kreishaus", "kreistag")
    close.id = 1
    later = Meeting("Sitzung B", datetime(2027, 3, 20, 15, tzinfo=UTC), "Kreishaus", "kreistag")
    later.id = 2
    days = {1: date(2027, 3, 5), 2: date(2027, 3, 20)}
    refusal = notice_refusal(body, close, days[1], today, [close, later], days)
    assert refusal is not None and refusal.next_steps == ()
    message = str(refusal)
    assert "Ladungsfrist von 7 Tagen" in message
    assert "Frühestmöglich ist die Sitzung 2 am 20.03.2027 (Sitzung B)" in message
    assert notice_refusal(body, later, days[2], today, [close, later], days) is None
    # exactly the notice period is enough
    assert notice_refusal(body, close, date(2027, 3, 8), today, [], {}) is None
    alone = notice_refusal(body, close, days[1], today, [close], days)
    assert alone is not None and "ab dem 08.03.2027" in str(alone)
    assert "deliberation" not in str(alone)  # the command is the command line's word
    assert alone.next_steps == (hint(NextStep.ADD_MEETING, body="kreistag"),)


def test_a_placement_step_the_workflow_lacks_is_refused_on_start() -> None:
    from deliberation.bootstrap import load_engine
    from deliberation.service_layer.consultations import check_route

    settings = load_settings(ROOT / "config.toml", environ={})
    engine, _ = load_engine(settings)
    check_route(engine, settings.consultation_route, "config.toml")  # the real one is fine
    wrong = (RouteStep("kreistag", ConsultationRole.DECISION, "to_kreistag"),)
    with pytest.raises(ConfigError, match=r"placement_trigger: \"to_kreistag\" ist kein Schritt"):
        check_route(engine, wrong, "config.toml")
