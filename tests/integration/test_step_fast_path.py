"""The step fast path on a real database (SQLite file and PostgreSQL).

A single step reads the cycle's row with one SELECT, fires the unchanged engine on
it and writes one version-checked UPDATE with the log row and the messages. It must
conflict like the ORM path, write exactly what the ORM path writes, and refuse a
rule that walks a relationship it did not declare.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import RowMapping, select

from deliberation.adapters import orm
from deliberation.bootstrap import Application
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import ConcurrencyConflict
from deliberation.domain.model import Cycle
from deliberation.domain.rules import RULES, Rule, RuleBook, TransitionContext
from deliberation.service_layer import cycles, needs, stepping

ACTOR = "Referat Migration und Teilhabe"
STEPS = ("send_invitations", "start_needs_collection")
LATER_STEPS = ("start_vision", "start_realisation")


def rows(app: Application, table: str, **where: object) -> list[RowMapping]:
    t = orm.metadata.tables[table]
    query = select(t).order_by(*t.primary_key.columns)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    with app.db.connect() as connection:
        return list(connection.execute(query).mappings())


def test_a_fast_step_on_a_stale_version_is_a_conflict_and_writes_nothing(
    app: Application, walker: Any
) -> None:
    deps = app.deps
    [workshop] = walker.launch_workshops(("ilsede",)).values()
    walker.give_meeting(workshop)  # invitations need a confirmed meeting with a place

    with deps.unit_of_work() as late:
        stale = cycles.get_detached(late, workshop)
        assert (stale.state, stale.version) == ("planned", 1)
        cycles.advance(deps, workshop, "send_invitations", "Erste")  # commits version 2
        ctx = stepping.context(deps, "Zweite")
        with pytest.raises(ConcurrencyConflict) as conflict:
            stepping.fire_detached(deps, late, stale, "send_invitations", ctx)

    assert "inzwischen von jemand anderem geändert" in str(conflict.value)
    [stored] = rows(app, "cycles", id=workshop)
    assert (stored["state"], stored["version"]) == ("invitations_sent", 2)
    log = rows(app, "transition_log", subject_kind="cycle", subject_id=workshop)
    assert [(e["trigger"], e["actor"]) for e in log] == [
        ("launch", walker.actor),
        ("send_invitations", "Erste"),
    ]
    assert len(rows(app, "notifications", subject_id=workshop)) == 1


def test_a_need_added_on_a_stale_version_is_a_conflict(
    app: Application, walker: Any, clock: Any
) -> None:
    """Adding a need bumps the workshop's version: a step read before it must conflict."""
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.open_needs_collection("stadt-peine")
    with app.deps.unit_of_work() as late:
        stale = cycles.get_detached(late, workshop)
        clock.advance(timedelta(minutes=5))
        needs.add(app.deps, workshop, "Sprachcafé", "Sprache", "lokal", ACTOR)
        ctx = stepping.context(app.deps, "Zweite")
        with pytest.raises(ConcurrencyConflict):
            stepping.fire_detached(app.deps, late, stale, "start_vision", ctx)

    [stored] = rows(app, "cycles", id=workshop)
    assert stored["state"] == "needs_collection"
    assert [n["text"] for n in rows(app, "needs", cycle_id=workshop)] == ["Sprachcafé"]


def _orm_advance(app: Application, cycle_id: int, trigger: str) -> None:
    """The same step through the ORM: the whole record loaded, flushed at commit."""
    deps = app.deps
    with deps.unit_of_work() as uow:
        cycle = cycles.get(uow, cycle_id)
        stepping.fire(deps, uow, cycle, trigger, stepping.context(deps, ACTOR))


def _stored(app: Application, cycle_id: int) -> dict[str, Any]:
    [cycle] = rows(app, "cycles", id=cycle_id)
    log = rows(app, "transition_log", subject_kind="cycle", subject_id=cycle_id)
    keep = ("trigger", "from_state", "to_state", "actor", "reason", "at", "workflow")
    return {
        "cycle": {k: cycle[k] for k in ("state", "version", "updated_at")},
        "log": [{k: e[k] for k in keep} for e in log[1:]],
        "notifications": [
            (n["template"], n["status"], n["created_at"])
            for n in rows(app, "notifications", subject_id=cycle_id)
        ],
        "needs": [
            (n["text"], n["scope"], n["votes"], n["status"])
            for n in rows(app, "needs", cycle_id=cycle_id)
        ],
    }


def test_the_fast_path_writes_what_the_orm_path_writes(
    app: Application, clock: Any, walker: Any
) -> None:
    deps = app.deps
    fast, slow = cycles.launch(deps, "future_workshop", "2027", ACTOR, ["ilsede", "lengede"])
    for cycle_id in (fast, slow):
        walker.give_meeting(cycle_id)  # invitations need a confirmed meeting with a place
    start = clock.now
    for key, cycle_id in (("fast", fast), ("slow", slow)):
        clock.now = start  # both workshops live through the same hours
        for trigger in (*STEPS, "add", *LATER_STEPS, "vote", "document", "close"):
            clock.advance(timedelta(hours=1))
            if trigger == "add":
                for text, scope in (("Sprachcafé", "lokal"), ("Busverbindung", "kreisweit")):
                    needs.add(deps, cycle_id, text, "Sprache", scope, ACTOR)
            elif trigger == "vote":
                for need in rows(app, "needs", cycle_id=cycle_id):
                    needs.vote(deps, need["id"], 2)
            elif key == "fast":
                cycles.advance(deps, cycle_id, trigger, ACTOR)
            else:
                _orm_advance(app, cycle_id, trigger)

    assert _stored(app, fast) == _stored(app, slow)
    assert _stored(app, fast)["needs"] == [
        ("Sprachcafé", "local", 2, "handled_locally"),
        ("Busverbindung", "county", 2, "forwarded"),
    ]


def test_a_rule_walking_an_undeclared_relationship_fails_loudly(
    app: Application, walker: Any
) -> None:
    """A guard that says it reads nothing but walks ``cycle.needs`` must not see an empty list."""
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.open_needs_collection("stadt-peine")
    walker.collect_needs("stadt-peine")

    def careless(cycle: Cycle, ctx: TransitionContext) -> str | None:
        return None if cycle.needs else "keine Bedarfe"

    rules = RuleBook(guards=dict(RULES.guards), actions=dict(RULES.actions))
    rules.guards["has_needs"] = Rule(careless, RULES.guards["has_needs"].kinds, "", frozenset())
    engine = WorkflowEngine(app.deps.engine.definitions(), rules)
    deps = dataclasses.replace(app.deps, engine=engine)

    with pytest.raises(RuntimeError, match="not loaded"):
        cycles.advance(deps, workshop, "start_vision", ACTOR)

    [stored] = rows(app, "cycles", id=workshop)
    assert stored["state"] == "needs_collection"
