"""The service layer on a real database (SQLite file and PostgreSQL).

What is stored after a whole round, what the transition log records, what
happens when two people change the same record at once, and that a failing
transition leaves no trace.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import RowMapping, func, select

from deliberation.adapters import orm
from deliberation.bootstrap import Application
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import (
    ConcurrencyConflict,
    GuardRejected,
    InvalidTrigger,
    NextStep,
    NotAllowedInState,
    NotFound,
    hint,
)
from deliberation.domain.rules import RULES, Rule, RuleBook, TransitionContext
from deliberation.service_layer import cycles, groups, needs, stepping
from deliberation.service_layer.cycles import DuplicateCycle
from deliberation.service_layer.ports import Dependencies

ACTOR = "Referat Migration und Teilhabe"
SPRACHKURSE = "Mehr Sprachkurse mit Kinderbetreuung"
ANERKENNUNG = "Anerkennung ausländischer Abschlüsse beschleunigen"


# --- reading the database directly, past the repository ---------------------------------------


def rows(app: Application, table: str, **where: object) -> list[RowMapping]:
    t = orm.metadata.tables[table]
    query = select(t).order_by(*t.primary_key.columns)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    with app.db.connect() as connection:
        return list(connection.execute(query).mappings())


def count(app: Application, table: str) -> int:
    with app.db.connect() as connection:
        t = orm.metadata.tables[table]
        return int(connection.execute(select(func.count()).select_from(t)).scalar_one())


def log(app: Application, kind: str, subject_id: int) -> list[RowMapping]:
    """The workflow steps of a subject (audit rows of other changes sit beside them)."""
    found = rows(app, "transition_log", subject_kind=kind, subject_id=subject_id)
    return [r for r in found if r["workflow"]]


def cycle_row(app: Application, cycle_id: int) -> RowMapping:
    [row] = rows(app, "cycles", id=cycle_id)
    return row


def snapshot(app: Application) -> dict[str, list[RowMapping]]:
    """Every row of every table, to compare before and after a failed step."""
    return {table: rows(app, table) for table in orm.metadata.tables}


# --- a whole round ----------------------------------------------------------------------------

WORKSHOP_STEPS = [
    "launch",
    "send_invitations",
    "start_needs_collection",
    "start_vision",
    "start_realisation",
    "document",
    "close",
]
CONFERENCE_STEPS = [
    "launch",
    "build_agenda",
    "send_invitations",
    "hold",
    "form_groups",
    "collect_recommendations",
    "close",
]
GROUP_STEPS = ["form", "start_work", "deliver_report"]
RECOMMENDATION_STEPS = ["draft", "adopt_in_group", "give_statement"]


def test_a_whole_round_is_stored_with_its_links(app: Application, walker: Any) -> None:
    record = walker.walk()
    walker.finish()

    states = {r["id"]: r["state"] for r in rows(app, "cycles")}
    assert states == dict.fromkeys([*record.workshops.values(), record.conference], "closed")
    stored_needs = {r["text"]: r for r in rows(app, "needs")}
    assert {t: (r["votes"], r["scope"], r["status"]) for t, r in stored_needs.items()} == {
        SPRACHKURSE: (5, "county", "forwarded"),
        "Beleuchtung am Bahnhof": (2, "local", "handled_locally"),
        ANERKENNUNG: (3, "county", "forwarded"),
        "Sprachcafé im Dorfgemeinschaftshaus": (1, "local", "handled_locally"),
    }
    assert stored_needs[ANERKENNUNG]["cycle_id"] == record.workshops["edemissen"]
    assert stored_needs[ANERKENNUNG]["municipality_key"] == "edemissen"

    topics = rows(app, "agenda_topics", conference_id=record.conference)
    # Forwarded fields first, by votes; then the standing fields from config.toml.
    assert [t["title"] for t in topics] == [
        "Sprache",
        "Arbeit",
        "Bildung",
        "Sicherheit",
        "Wohnen",
        "Gesundheit",
        "Teilhabe",
    ]
    assert [t["position"] for t in topics] == list(range(1, 8))
    links = {(r["topic_id"], r["need_id"]) for r in rows(app, "agenda_topic_needs")}
    assert links == {
        (topics[0]["id"], stored_needs[SPRACHKURSE]["id"]),
        (topics[1]["id"], stored_needs[ANERKENNUNG]["id"]),
    }

    [group] = rows(app, "working_groups")
    assert (group["id"], group["conference_id"], group["topic_id"], group["state"]) == (
        record.group,
        record.conference,
        topics[0]["id"],
        "report_delivered",
    )
    assert group["due_date"] == (walker.deps.clock() + timedelta(days=180)).date()
    members = [(m["name"], m["organisation"]) for m in rows(app, "working_group_members")]
    assert members == [("Ayşe Yılmaz", "Migrantenorganisation"), ("Jan Becker", "VHS Peine")]

    [rec] = rows(app, "recommendations")
    assert (rec["working_group_id"], rec["state"]) == (record.group, "statement_given")
    assert rec["commission_statement"] == "Die Kommission unterstützt die Empfehlung."
    assert [(r["recommendation_id"], r["need_id"]) for r in rows(app, "recommendation_needs")] == [
        (rec["id"], stored_needs[SPRACHKURSE]["id"])
    ]


def test_every_state_change_wrote_exactly_one_log_row(app: Application, walker: Any) -> None:
    record = walker.walk()
    walker.finish()
    subjects = [
        ("cycle", record.workshops["stadt-peine"], WORKSHOP_STEPS, "cycles"),
        ("cycle", record.workshops["edemissen"], WORKSHOP_STEPS, "cycles"),
        ("cycle", record.conference, CONFERENCE_STEPS, "cycles"),
        ("working_group", record.group, GROUP_STEPS, "working_groups"),
        ("recommendation", record.recommendations[0], RECOMMENDATION_STEPS, "recommendations"),
    ]
    # Changes besides the steps move the version on too: each workshop took two cards and
    # two votes, the conference formed a group, the group drafted a recommendation.
    other_changes = {
        ("cycle", record.workshops["stadt-peine"]): 4,
        ("cycle", record.workshops["edemissen"]): 4,
        ("cycle", record.conference): 1,
        ("working_group", record.group): 1,
    }

    for kind, subject_id, steps, table in subjects:
        entries = log(app, kind, subject_id)
        assert [e["trigger"] for e in entries] == steps, (kind, subject_id)
        creation, *changes = entries
        assert creation["from_state"] is None
        assert all(e["actor"] and e["workflow"] for e in entries)
        assert all(e["at"].utcoffset() == timedelta(0) for e in entries)
        for before, after in zip(entries, changes, strict=False):
            assert after["from_state"] == before["to_state"] != after["to_state"]
        [stored] = rows(app, table, id=subject_id)
        assert stored["state"] == entries[-1]["to_state"]
        # The version starts at 1 on creation and rises by one per transition and change.
        extra = other_changes.get((kind, subject_id), 0)
        assert stored["version"] == len(entries) + extra, (kind, subject_id)
    steps_logged = [r for r in rows(app, "transition_log") if r["workflow"]]
    assert len(steps_logged) == sum(len(steps) for _, _, steps, _ in subjects)
    # beside them only the audit rows of other changes (here: the meetings the walker set,
    # and the Kommission's statement, given without a meeting)
    others = [r["trigger"] for r in rows(app, "transition_log") if not r["workflow"]]
    assert others == ["meeting_scheduled"] * 3 + ["statement_without_meeting"]


def test_log_rows_name_actor_reason_and_time_of_each_step(
    app: Application, walker: Any, clock: Any
) -> None:
    [workshop] = walker.launch_workshops(("vechelde",)).values()
    walker.give_meeting(workshop)  # invitations need a date and a place
    clock.advance(timedelta(days=14))
    cycles.advance(app.deps, workshop, "send_invitations", "Frau Schulz", "Ladung für den 20.04.")
    clock.advance(timedelta(days=30))
    cycles.advance(app.deps, workshop, "start_needs_collection", "Herr Öztürk", "Werkstattabend")

    entries = [
        (e["trigger"], e["from_state"], e["to_state"], e["actor"], e["reason"], e["at"])
        for e in log(app, "cycle", workshop)
    ]
    start = clock() - timedelta(days=44)
    assert entries == [
        ("launch", None, "planned", walker.actor, "", start),
        (
            "send_invitations",
            "planned",
            "invitations_sent",
            "Frau Schulz",
            "Ladung für den 20.04.",
            start + timedelta(days=14),
        ),
        (
            "start_needs_collection",
            "invitations_sent",
            "needs_collection",
            "Herr Öztürk",
            "Werkstattabend",
            start + timedelta(days=44),
        ),
    ]
    assert cycle_row(app, workshop)["updated_at"] == clock()


def test_version_rises_by_exactly_one_per_transition(app: Application, walker: Any) -> None:
    [workshop] = walker.launch_workshops(("stadt-peine",)).values()
    walker.give_meeting(workshop)  # invitations need a date and a place
    versions = [cycle_row(app, workshop)["version"]]
    for trigger in ["send_invitations", "start_needs_collection"]:
        walker.advance(workshop, trigger)
        versions.append(cycle_row(app, workshop)["version"])

    assert versions == [1, 2, 3]


# --- two writers, one record ------------------------------------------------------------------


def test_second_unit_of_work_on_the_same_version_gets_a_conflict(
    app: Application, walker: Any
) -> None:
    deps = app.deps
    [workshop] = walker.launch_workshops(("ilsede",)).values()
    walker.give_meeting(workshop)  # invitations need a date and a place

    with deps.unit_of_work() as first, deps.unit_of_work() as second:
        mine, theirs = first.cycles.cycle(workshop), second.cycles.cycle(workshop)
        assert mine is not None and theirs is not None
        assert mine.version == theirs.version == 1
        stepping.fire(deps, first, mine, "send_invitations", stepping.context(deps, "Erste"))
        late = stepping.context(deps, "Zweite")
        with pytest.raises(ConcurrencyConflict) as conflict:
            stepping.fire(deps, second, theirs, "send_invitations", late)

    assert "inzwischen von jemand anderem geändert" in str(conflict.value)
    stored = cycle_row(app, workshop)
    assert (stored["state"], stored["version"]) == ("invitations_sent", 2)
    assert [(e["trigger"], e["actor"]) for e in log(app, "cycle", workshop)] == [
        ("launch", walker.actor),
        ("send_invitations", "Erste"),
    ]
    # The loser's invitation was in its transaction, so it is gone with it.
    assert count(app, "notifications") == 1


def _race(threads: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``threads`` threads released at the same moment; results or errors."""
    barrier = threading.Barrier(threads)
    outcomes: list[Any] = [None] * threads

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = work(i)
        except Exception as error:  # handed to the test, which judges it
            outcomes[i] = error

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a thread hung"
    return outcomes


def test_racing_threads_on_one_cycle_never_lose_an_update(app: Application, walker: Any) -> None:
    workshops = list(walker.launch_workshops(("stadt-peine", "edemissen", "hohenhameln")).values())
    for workshop in workshops:
        walker.give_meeting(workshop)  # invitations need a date and a place
    kinds: Counter[str] = Counter()
    for workshop in workshops:
        outcomes = _race(
            4,
            lambda i, workshop=workshop: cycles.advance(
                app.deps, workshop, "send_invitations", f"Bearbeiter {i}"
            ),
        )

        errors = [o for o in outcomes if isinstance(o, Exception)]
        expected = ConcurrencyConflict | InvalidTrigger | GuardRejected
        assert [e for e in errors if not isinstance(e, expected)] == []
        winners = [o for o in outcomes if not isinstance(o, Exception)]
        assert len(winners) == 1
        kinds.update(type(e).__name__ for e in errors)
        changes = log(app, "cycle", workshop)[1:]
        assert len(changes) == len(winners)
        assert changes[0]["actor"] == winners[0].actor
        stored = cycle_row(app, workshop)
        assert (stored["state"], stored["version"]) == ("invitations_sent", 2)
        assert len(rows(app, "notifications", subject_id=workshop)) == 1
    assert sum(kinds.values()) == 3 * len(workshops)


def test_threads_that_loaded_the_same_version_all_lose_but_one(
    app: Application, walker: Any
) -> None:
    [workshop] = walker.launch_workshops(("lengede",)).values()
    walker.give_meeting(workshop)  # invitations need a date and a place
    threads = 4
    # The step reads the clock once, after loading the cycle: holding every thread there
    # until all have loaded makes them all start from version 1, so the race is certain.
    loaded = threading.Barrier(threads)

    def clock_after_everyone_loaded() -> datetime:
        loaded.wait(timeout=30)
        return app.deps.clock()

    deps = dataclasses.replace(app.deps, clock=clock_after_everyone_loaded)

    outcomes = _race(
        threads,
        lambda i: cycles.advance(deps, workshop, "send_invitations", f"Bearbeiter {i}"),
    )

    assert Counter(type(o).__name__ for o in outcomes) == {
        "LogView": 1,
        "ConcurrencyConflict": threads - 1,
    }
    changes = log(app, "cycle", workshop)[1:]
    [winner] = [o for o in outcomes if not isinstance(o, Exception)]
    assert [(e["trigger"], e["actor"]) for e in changes] == [("send_invitations", winner.actor)]
    assert cycle_row(app, workshop)["version"] == 2
    assert count(app, "notifications") == 1


def test_concurrent_dot_votes_on_one_need_all_count(app: Application, walker: Any) -> None:
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.open_needs_collection("stadt-peine")
    [need, *_] = walker.collect_needs("stadt-peine")
    walker.advance(workshop, "start_vision", "start_realisation")
    threads, rounds_per_thread = 8, 3

    def vote(i: int) -> list[int]:
        return [needs.vote(app.deps, need, dots=1 + i % 3) for _ in range(rounds_per_thread)]

    outcomes = _race(threads, vote)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    expected = sum(rounds_per_thread * (1 + i % 3) for i in range(threads))
    [stored] = rows(app, "needs", id=need)
    assert stored["votes"] == expected
    assert max(total for totals in outcomes for total in totals) == expected


# --- a failing transition leaves no trace -----------------------------------------------------


class Crash(RuntimeError):
    pass


def deps_with_crashing_action(deps: Dependencies, action: str) -> Dependencies:
    """``deps`` whose engine runs the real ``action`` and then crashes."""
    real = RULES.actions[action]

    def crash(subject: Any, ctx: TransitionContext) -> None:
        real.function(subject, ctx)
        raise Crash(f"{action} ist abgestürzt")

    rules = RuleBook(guards=dict(RULES.guards), actions=dict(RULES.actions))
    rules.actions[action] = Rule(crash, real.kinds, real.description)
    engine = WorkflowEngine(deps.engine.definitions(), rules)
    return dataclasses.replace(deps, engine=engine)


def test_a_crash_while_documenting_keeps_the_workshop_and_its_needs(
    app: Application, walker: Any
) -> None:
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.run_workshop("stadt-peine", document=False)
    before = snapshot(app)
    broken = deps_with_crashing_action(app.deps, "forward_county_needs")

    with pytest.raises(Crash):
        cycles.advance(broken, workshop, "document", ACTOR)

    assert snapshot(app) == before
    assert cycle_row(app, workshop)["state"] == "realisation"
    assert {r["status"] for r in rows(app, "needs")} == {"open"}
    assert RULES.actions["forward_county_needs"].function.__name__ == "forward_county_needs"
    # The same step with the real rules goes through and changes what the crash did not keep.
    cycles.advance(app.deps, workshop, "document", ACTOR)
    assert {r["status"] for r in rows(app, "needs")} == {"forwarded", "handled_locally"}
    # the log held the cycle's steps and the audit row of the meeting the walker set;
    # now the cycle has one step more
    assert len(log(app, "cycle", workshop)) == len(before["transition_log"])


def test_a_crash_while_building_the_agenda_adds_no_topics(app: Application, walker: Any) -> None:
    walker.launch_workshops()
    for key in walker.record.workshops:
        walker.run_workshop(key)
    conference = walker.launch_conference()
    before = snapshot(app)
    broken = deps_with_crashing_action(app.deps, "build_agenda")

    with pytest.raises(Crash):
        cycles.advance(broken, conference, "build_agenda", ACTOR)

    assert snapshot(app) == before
    assert before["agenda_topics"] == [] and before["agenda_topic_needs"] == []
    stored = cycle_row(app, conference)
    assert (stored["state"], stored["version"]) == ("planned", 1)
    cycles.advance(app.deps, conference, "build_agenda", ACTOR)
    assert count(app, "agenda_topics") == 7 and count(app, "agenda_topic_needs") == 2


# --- guards and phases on real data -----------------------------------------------------------


def test_needs_can_only_be_added_in_the_needs_collection_phase(
    app: Application, walker: Any
) -> None:
    [workshop] = walker.launch_workshops(("lengede",)).values()
    walker.give_meeting(workshop)  # invitations need a date and a place

    with pytest.raises(NotAllowedInState) as refused:
        needs.add(app.deps, workshop, "Mehr Kitaplätze", "Bildung", "lokal", ACTOR)

    assert '"Kritikphase: Bedarfe sammeln"' in str(refused.value)
    assert '"Geplant"' in str(refused.value)
    assert count(app, "needs") == 0
    walker.advance(workshop, "send_invitations", "start_needs_collection")
    needs.add(app.deps, workshop, "Mehr Kitaplätze", "Bildung", "lokal", ACTOR)
    walker.advance(workshop, "start_vision")
    with pytest.raises(NotAllowedInState, match="Phantasiephase"):
        needs.add(app.deps, workshop, "Zu spät", "Bildung", "lokal", ACTOR)
    assert [r["text"] for r in rows(app, "needs")] == ["Mehr Kitaplätze"]


def test_a_workshop_without_needs_cannot_enter_the_vision_phase(
    app: Application, walker: Any
) -> None:
    [workshop] = walker.launch_workshops(("hohenhameln",)).values()
    walker.give_meeting(workshop)  # invitations need a date and a place
    walker.advance(workshop, "send_invitations", "start_needs_collection")
    before = cycle_row(app, workshop)

    with pytest.raises(GuardRejected) as refused:
        cycles.advance(app.deps, workshop, "start_vision", ACTOR)

    assert refused.value.reasons == ["Es wurden noch keine Bedarfe gesammelt."]
    assert refused.value.next_steps == (hint(NextStep.ADD_NEEDS),)
    assert cycle_row(app, workshop) == before
    assert len(log(app, "cycle", workshop)) == 3
    needs.add(app.deps, workshop, "Ehrenamtliche Lotsen", "Teilhabe", "kreisweit", ACTOR)
    cycles.advance(app.deps, workshop, "start_vision", ACTOR)
    assert cycle_row(app, workshop)["state"] == "vision"


def test_the_same_workshop_cannot_be_launched_twice_in_a_round(
    app: Application, walker: Any
) -> None:
    [first] = walker.launch_workshops(("ilsede",)).values()

    with pytest.raises(DuplicateCycle) as refused:
        cycles.launch(app.deps, "future_workshop", walker.round, ACTOR, ["ilsede"])
    # Launching all workshops is all or nothing: the six others are not started either.
    with pytest.raises(DuplicateCycle):
        cycles.launch(app.deps, "future_workshop", walker.round, ACTOR)

    assert "Ilsede" in str(refused.value) and f"(Zyklus {first})" in str(refused.value)
    assert [r["id"] for r in rows(app, "cycles")] == [first]
    assert count(app, "transition_log") == 1
    cycles.launch(app.deps, "future_workshop", "2028", ACTOR, ["ilsede"])
    assert count(app, "cycles") == 2


def test_a_second_conference_in_the_same_round_is_refused(app: Application, walker: Any) -> None:
    walker.launch_conference()

    with pytest.raises(DuplicateCycle, match="Integrationskonferenz"):
        walker.launch_conference()

    assert count(app, "cycles") == 1


def _form(deps: Dependencies, conference: int, topic: str) -> int:
    return groups.form(
        deps,
        conference,
        topic,
        "AG Wohnen",
        "Wohnraum für Geflüchtete",
        deps.clock().date() + timedelta(days=90),
        ["Lea Wolf / Caritas"],
        ACTOR,
    )


def test_groups_are_formed_only_after_the_conference_is_held(app: Application, walker: Any) -> None:
    conference = walker.launch_conference()
    walker.advance(conference, "build_agenda", "send_invitations")

    with pytest.raises(NotAllowedInState) as refused:
        _form(app.deps, conference, "Wohnen")

    assert '"Durchgeführt"' in str(refused.value)
    assert '"Einladungen versendet"' in str(refused.value)
    assert count(app, "working_groups") == 0
    walker.advance(conference, "hold")
    group = _form(app.deps, conference, "Wohnen")
    [stored] = rows(app, "working_groups")
    assert stored["id"] == group
    [topic] = rows(app, "agenda_topics", title="Wohnen")
    assert stored["topic_id"] == topic["id"]


def test_a_group_needs_a_topic_on_the_agenda(app: Application, walker: Any) -> None:
    conference = walker.hold_conference()

    with pytest.raises(NotFound) as refused:
        _form(app.deps, conference, "Verkehr")

    assert '"Verkehr"' in str(refused.value) and "1. Arbeit" in str(refused.value)
    assert count(app, "working_groups") == 0
    assert count(app, "working_group_members") == 0
    assert rows(app, "transition_log", subject_kind="working_group") == []


# --- messages requested by a transition -------------------------------------------------------


def test_a_transition_with_send_writes_one_notification(
    app: Application, walker: Any, clock: Any
) -> None:
    [workshop] = walker.launch_workshops(("edemissen",)).values()
    walker.give_meeting(workshop)  # invitations need a date and a place
    clock.advance(timedelta(days=2))

    walker.advance(workshop, "send_invitations")

    [message] = rows(app, "notifications")
    assert (message["template"], message["subject_kind"], message["subject_id"]) == (
        "future_workshop/invitation",
        "cycle",
        workshop,
    )
    assert (message["status"], message["created_at"]) == ("pending", clock())
    with pytest.raises(InvalidTrigger):
        walker.advance(workshop, "send_invitations")
    walker.advance(workshop, "start_needs_collection")
    assert count(app, "notifications") == 1


def _with_invitation(deps: Dependencies, **change: Any) -> Dependencies:
    """``deps`` whose workshop invitation step is changed (more templates, a guard)."""
    definitions = []
    for definition in deps.engine.definitions():
        if definition.name == "future_workshop":
            transitions = tuple(
                dataclasses.replace(t, **change) if t.trigger == "send_invitations" else t
                for t in definition.transitions
            )
            definition = dataclasses.replace(definition, transitions=transitions)
        definitions.append(definition)
    return dataclasses.replace(deps, engine=WorkflowEngine(definitions))


def test_one_notification_per_template_of_the_transition(app: Application, walker: Any) -> None:
    [workshop] = walker.launch_workshops(("wendeburg",)).values()
    walker.give_meeting(workshop)  # invitations need a date and a place
    templates = ("future_workshop/invitation", "integration_conference/invitation")
    deps = _with_invitation(app.deps, send=templates)

    cycles.advance(deps, workshop, "send_invitations", ACTOR)

    stored = rows(app, "notifications")
    assert [(m["template"], m["subject_id"]) for m in stored] == [(t, workshop) for t in templates]


def test_a_refused_transition_sends_nothing(app: Application, walker: Any) -> None:
    [workshop] = walker.launch_workshops(("vechelde",)).values()
    walker.give_meeting(workshop)  # invitations need a date and a place
    deps = _with_invitation(app.deps, guards=("has_needs",))

    with pytest.raises(GuardRejected):
        cycles.advance(deps, workshop, "send_invitations", ACTOR)

    assert count(app, "notifications") == 0
    assert cycle_row(app, workshop)["state"] == "planned"
