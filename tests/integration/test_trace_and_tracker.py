"""Traceability (need ↔ recommendation) and the secretaries' tracker, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from route_helpers import Route

from deliberation.domain.consultations import ConsultationResult as R
from deliberation.domain.errors import DeliberationError, NotFound
from deliberation.domain.model import (
    AgendaTopic,
    Cycle,
    Need,
    NeedScope,
    NeedStatus,
    Recommendation,
    Round,
    WorkingGroup,
)
from deliberation.entrypoints.tracker_files import CSV_HEADER, write_tracker_csv
from deliberation.service_layer import recommendations, trace, tracker
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.tracker import TrackerQuery
from deliberation.service_layer.views import RecommendationView

# needs the walker collects (tests/conftest.py, NEEDS)
SPRACHKURSE = "Mehr Sprachkurse mit Kinderbetreuung"  # Stadt Peine, kreisweit, 5 dots
BELEUCHTUNG = "Beleuchtung am Bahnhof"  # Stadt Peine, lokal
ANERKENNUNG = "Anerkennung ausländischer Abschlüsse beschleunigen"  # Edemissen, kreisweit


# --- trace --------------------------------------------------------------------------------------


def test_trace_need_and_recommendation_agree(walker: Any) -> None:
    record = walker.walk()
    [rec_id] = record.recommendations
    need_id = record.needs[SPRACHKURSE]

    need_trace = trace.trace_need(walker.deps, need_id)
    assert need_trace.need.municipality == "Stadt Peine"
    assert need_trace.need.workshop.cycle_id == record.workshops["stadt-peine"]
    assert need_trace.need.workshop.round == "2026"
    assert need_trace.need.scope_title == "kreisweit"
    assert need_trace.need.votes == 5
    assert need_trace.need.status_title == "an die Konferenz weitergeleitet"
    assert [t.conference.id for t in need_trace.topics] == [record.conference]
    assert need_trace.topics[0].title == "Sprache"
    assert [g.id for g in need_trace.groups] == [record.group]
    assert [r.id for r in need_trace.recommendations] == [rec_id]
    assert need_trace.recommendations[0].state_title == "Entwurf"
    assert need_trace.outcome == f"beantwortet durch Empfehlung {rec_id} (Zustand Entwurf)"

    rec_trace = trace.trace_recommendation(walker.deps, rec_id)
    assert rec_trace.group.id == record.group
    assert rec_trace.group.topic == "Sprache"
    assert rec_trace.conference.id == record.conference
    assert rec_trace.conference.round == "2026"
    assert [n.id for n in rec_trace.needs] == [need_id]
    [answered] = rec_trace.needs
    assert answered.municipality == "Stadt Peine"
    assert answered.workshop.cycle_id == record.workshops["stadt-peine"]
    assert answered.workshop.municipality == "Stadt Peine"
    assert rec_trace.recommendation.state == "draft"
    assert [e.trigger for e in rec_trace.log] == ["draft"]


def test_local_and_unanswered_needs(walker: Any) -> None:
    record = walker.walk()
    local = trace.trace_need(walker.deps, record.needs[BELEUCHTUNG])
    assert local.need.status_title == "in der Gemeinde bearbeitet"
    assert local.outcome == "in der Gemeinde bearbeitet"
    assert local.topics == () and local.recommendations == ()

    forwarded = trace.trace_need(walker.deps, record.needs[ANERKENNUNG])
    assert forwarded.outcome == "an die Konferenz weitergeleitet"
    assert [t.title for t in forwarded.topics] == ["Arbeit"]
    assert forwarded.groups == ()  # the group works on the Sprache topic


def test_a_kreistag_decision_reaches_the_need(walker: Any, clock: Any) -> None:
    route = Route(walker, clock)
    record, rec_id, deps = route.record, route.rec, route.deps
    route.to_kreistag()
    route.pass_body("kreistag", R.ADOPTED_AMENDED, "Geändert.")
    title = deps.engine.latest("recommendation").states["adopted_amended"].title

    need_trace = trace.trace_need(deps, record.needs[SPRACHKURSE])
    assert need_trace.outcome == f"entschieden: {title} (Empfehlung {rec_id})"

    # the decision stays visible once implementation has started
    recommendations.advance(deps, rec_id, "start_implementation", "Referat")
    need_trace = trace.trace_need(deps, record.needs[SPRACHKURSE])
    assert need_trace.outcome.startswith(f"entschieden: {title}")
    assert need_trace.recommendations[0].state == "in_implementation"

    rec_trace = trace.trace_recommendation(deps, rec_id)
    assert rec_trace.recommendation.decision == title
    assert rec_trace.log[-1].to_state == "in_implementation"


def test_trace_of_unknown_ids_is_a_clear_error(deps: Dependencies) -> None:
    with pytest.raises(NotFound, match="Bedarf 404 gibt es nicht"):
        trace.trace_need(deps, 404)
    with pytest.raises(NotFound, match="Empfehlung 404 gibt es nicht"):
        trace.trace_recommendation(deps, 404)


# --- tracker ------------------------------------------------------------------------------------

MUNICIPALITIES = {
    "stadt-peine": "Stadt Peine",
    "edemissen": "Edemissen",
    "ilsede": "Ilsede",
    "lengede": "Lengede",
    "vechelde": "Vechelde",
}
STATES = ("draft", "adopted_by_group", "statement_given", "kreistag_agenda", "adopted", "rejected")
MULTILINE = 'Die Kommission empfiehlt:\n1. Finanzierung prüfen;\n2. "Pilot" in Ilsede'


@dataclass(frozen=True)
class Generated:
    id: int
    round: str
    conference: int
    group: int
    state: str
    municipalities: frozenset[str]


def generate(deps: Dependencies, per_round: int = 150) -> list[Generated]:
    """Two rounds of recommendations, written in one unit of work (fast, no workflow steps)."""
    rng = random.Random(5)
    engine = deps.engine
    workshop_wf = engine.latest("future_workshop")
    conference_wf = engine.latest("integration_conference")
    group_wf = engine.latest("working_group")
    rec_wf = engine.latest("recommendation")
    now = deps.clock()
    pending: list[tuple[Recommendation, str, Cycle, WorkingGroup, str, frozenset[str]]] = []
    with deps.unit_of_work() as uow:
        places = {key: uow.reference.municipality(key) for key in MUNICIPALITIES}
        for label in ("2025", "2027"):
            round_ = Round(label, now)
            needs_by_key: dict[str, list[Need]] = {}
            for key, place in places.items():
                assert place is not None
                workshop = Cycle(
                    round_,
                    workshop_wf.name,
                    workshop_wf.version,
                    "documented",
                    f"Werkstatt {place.name} {label}",
                    now,
                    place,
                )
                for n in range(3):
                    text = f"Bedarf {n} {key} {label}"
                    need = Need(text, place, "Sprache", NeedScope.COUNTY, now)
                    need.status = NeedStatus.FORWARDED
                    workshop.needs.append(need)
                needs_by_key[key] = workshop.needs
                uow.cycles.add(workshop)
            conference = Cycle(
                round_,
                conference_wf.name,
                conference_wf.version,
                "held",
                f"Integrationskonferenz {label}",
                now,
            )
            uow.cycles.add(conference)
            groups = []
            for g in range(3):
                topic = AgendaTopic(f"Thema {g}", "Sprache", g + 1)
                conference.agenda_topics.append(topic)
                group = WorkingGroup(
                    f"AG {g} ({label})",
                    topic,
                    "Auftrag",
                    date(2027, 6, 30),
                    group_wf.name,
                    group_wf.version,
                    "working",
                    now,
                )
                conference.working_groups.append(group)
                groups.append(group)
            for i in range(per_round):
                group = rng.choice(groups)
                state = rng.choice(STATES)
                rec = Recommendation(
                    f"Empfehlung {label}-{i}", "Text", rec_wf.name, rec_wf.version, state, now
                )
                if i % 25 == 0:
                    rec.commission_statement = MULTILINE
                keys = frozenset(rng.sample(sorted(places), rng.randint(0, 2)))
                for key in sorted(keys):
                    rec.needs.append(rng.choice(needs_by_key[key]))
                group.recommendations.append(rec)
                pending.append((rec, label, conference, group, state, keys))
        uow.flush()
        result = [
            Generated(rec.id or 0, label, conf.id or 0, group.id or 0, state, keys)
            for rec, label, conf, group, state, keys in pending
        ]
        uow.commit()
    return result


def ids(views: list[RecommendationView]) -> list[int]:
    return [v.status.id for v in views]


def expected(data: list[Generated], **wanted: object) -> list[int]:
    def keep(g: Generated) -> bool:
        return (
            wanted.get("state") in (None, g.state)
            and wanted.get("group") in (None, g.group)
            and wanted.get("round") in (None, g.round)
            and wanted.get("conference") in (None, g.conference)
            and (wanted.get("municipality") is None or wanted["municipality"] in g.municipalities)
        )

    return sorted(g.id for g in data if keep(g))


def test_tracker_filters_match_a_python_computation(deps: Dependencies) -> None:
    data = generate(deps)
    assert len(data) == 300
    conferences = sorted({g.conference for g in data})
    groups = sorted({g.group for g in data})
    assert ids(recommendations.list_recommendations(deps)) == expected(data)

    cases: list[dict[str, object]] = [
        {"state": "adopted"},
        {"state": "draft"},
        {"group": groups[0]},
        {"group": groups[-1]},
        {"round": "2025"},
        {"round": "2027"},
        {"round": "1999"},
        {"conference": conferences[1]},
        {"municipality": "ilsede"},
        {"municipality": "stadt-peine"},
        {"state": "rejected", "round": "2027"},
        {"municipality": "edemissen", "round": "2025", "state": "kreistag_agenda"},
        {"municipality": "lengede", "conference": conferences[0]},
        {"group": groups[1], "municipality": "vechelde", "state": "draft"},
        {"round": "2025", "conference": conferences[1]},  # contradictory: empty
    ]
    for case in cases:
        found = recommendations.list_recommendations(
            deps,
            state=cast("str | None", case.get("state")),
            group_id=cast("int | None", case.get("group")),
            round_label=cast("str | None", case.get("round")),
            conference_id=cast("int | None", case.get("conference")),
            municipality=cast("str | None", case.get("municipality")),
        )
        assert ids(found) == expected(data, **case), case
        lines = recommendations.tracker(
            deps,
            state=cast("str | None", case.get("state")),
            group_id=cast("int | None", case.get("group")),
            round_label=cast("str | None", case.get("round")),
            conference_id=cast("int | None", case.get("conference")),
            municipality=cast("str | None", case.get("municipality")),
        )
        assert [line.id for line in lines] == expected(data, **case), case
    nonempty = [c for c in cases if expected(data, **c)]
    assert len(nonempty) >= len(cases) - 3  # the filters really select something

    by_name = recommendations.list_recommendations(deps, municipality="stadt peine")
    assert ids(by_name) == expected(data, municipality="stadt-peine")
    for view in by_name:
        assert "Stadt Peine" in view.municipalities
        assert view.round in ("2025", "2027")


def test_tracker_rejects_unknown_filters(deps: Dependencies) -> None:
    with pytest.raises(DeliberationError, match='Gemeinde "Atlantis" ist unbekannt'):
        recommendations.list_recommendations(deps, municipality="Atlantis")
    with pytest.raises(DeliberationError, match='Zustand "beschlossen"'):
        recommendations.list_recommendations(deps, state="beschlossen")


def test_tracker_csv_opens_in_excel(deps: Dependencies, tmp_path: Path) -> None:
    data = generate(deps, per_round=60)
    views = recommendations.list_recommendations(deps, round_label="2027")
    lines = tracker.export(deps, TrackerQuery(round_label="2027"))
    # the files' lean set-wise read says what the full views say
    assert [
        (
            v.status.id,
            v.status.state_title,
            v.municipalities,
            tuple(sorted(v.need_ids)),
            v.commission_statement,
            v.status.updated_at,
            v.responsible_office,
            v.traffic_light,
        )
        for v in views
    ] == [
        (
            x.id,
            x.state_title,
            x.municipalities,
            x.need_ids,
            x.commission_statement,
            x.updated_at,
            x.responsible_office,
            x.traffic_light,
        )
        for x in lines
    ]
    target = tmp_path / "empfehlungen.csv"
    assert write_tracker_csv(target, lines, ZoneInfo("Europe/Berlin")) == len(views) == 60

    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[0][10] == "zuletzt geändert"
    body = rows[1:]
    assert len(body) == 60
    assert [int(r[0]) for r in body] == expected(data, round="2027")
    assert {r[4] for r in body} == {"2027"}
    assert any(r[8] == MULTILINE for r in body)
    # 2026-03-02 09:00 UTC is 10:00 in Berlin (CET)
    assert {r[10] for r in body} == {"02.03.2026 10:00"}
    by_id = {g.id: g for g in data}
    for row in body:
        want = sorted(MUNICIPALITIES[k] for k in by_id[int(row[0])].municipalities)
        assert row[6] == ", ".join(want)


def test_trace_shows_a_generated_recommendation_quickly(deps: Dependencies) -> None:
    data = generate(deps, per_round=20)
    sample = next(g for g in data if len(g.municipalities) == 2)
    rec_trace = trace.trace_recommendation(deps, sample.id)
    assert {n.municipality for n in rec_trace.needs} == {
        MUNICIPALITIES[k] for k in sample.municipalities
    }
    assert rec_trace.conference.id == sample.conference
    for need in rec_trace.needs:
        need_trace = trace.trace_need(deps, need.id)
        assert sample.id in [r.id for r in need_trace.recommendations]
