"""Launching and advancing cycles, on the in-memory fakes of the ports (no database)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deliberation.domain.clock import Clock
from deliberation.domain.errors import InvalidTrigger, NotFound
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Meeting, NotificationStatus
from deliberation.service_layer import cycles
from deliberation.service_layer.cycle_invitations import InvitationIncomplete
from deliberation.service_layer.ports import Dependencies
from tests.unit.domain_builders import ILSEDE, NOW, PEINE
from tests.unit.fakes import FakeStore, fake_dependencies


@pytest.fixture
def store() -> FakeStore:
    store = FakeStore()
    store.municipalities = {m.key: m for m in (PEINE, ILSEDE)}
    return store


@pytest.fixture
def deps(store: FakeStore) -> Dependencies:
    return fake_dependencies(store, Clock.standing_at(NOW))


def test_launching_a_workshop_starts_one_cycle_per_municipality_with_its_log_row(
    deps: Dependencies, store: FakeStore
) -> None:
    ids = cycles.launch(deps, "future_workshop", "2027", "referat.mut")

    launched = store.cycles()
    assert [c.id for c in launched] == ids
    assert sorted(c.title for c in launched) == [
        "Zukunftswerkstatt Ilsede 2027",
        "Zukunftswerkstatt Stadt Peine 2027",
    ]
    assert {c.state for c in launched} == {"planned"}
    assert [(r.subject_id, r.trigger, r.to_state) for r in store.log] == [
        (ids[0], "launch", "planned"),
        (ids[1], "launch", "planned"),
    ]
    assert store.commits == 1


def test_launching_by_the_workflow_title_for_one_municipality(
    deps: Dependencies, store: FakeStore
) -> None:
    [cycle_id] = cycles.launch(deps, "Zukunftswerkstatt", "2027", "referat.mut", ["ilsede"])

    [cycle] = store.cycles()
    assert (cycle.id, cycle.municipality) == (cycle_id, ILSEDE)


def test_a_second_workshop_for_the_same_municipality_and_round_is_refused(
    deps: Dependencies, store: FakeStore
) -> None:
    [first] = cycles.launch(deps, "future_workshop", "2027", "referat.mut", ["ilsede"])

    with pytest.raises(cycles.DuplicateCycle, match=f"für Ilsede .*Zyklus {first}"):
        cycles.launch(deps, "future_workshop", "2027", "referat.mut", ["ilsede"])
    assert len(store.cycles()) == 1


def test_an_unknown_municipality_is_refused_with_the_known_ones(
    deps: Dependencies, store: FakeStore
) -> None:
    with pytest.raises(NotFound, match="bekannt: ilsede, stadt-peine"):
        cycles.launch(deps, "future_workshop", "2027", "referat.mut", ["hildesheim"])
    assert store.snapshot() == (0, 0, 0)


def _launched(deps: Dependencies) -> int:
    [cycle_id] = cycles.launch(deps, "future_workshop", "2027", "referat.mut", ["ilsede"])
    return cycle_id


def test_sending_invitations_is_refused_while_the_cycle_has_no_meeting(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle_id = _launched(deps)

    with pytest.raises(InvitationIncomplete, match="noch keinen Termin"):
        cycles.advance(deps, cycle_id, "send_invitations", "referat.mut")

    assert store.cycles()[0].state == "planned"
    assert store.notifications == []


def test_a_step_by_its_title_moves_the_cycle_logs_it_and_asks_for_the_invitations(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle_id = _launched(deps)
    [cycle] = store.cycles()
    meeting = Meeting("Werkstatt Ilsede", NOW + timedelta(days=30), "Rathaus Ilsede", cycle=cycle)
    meeting.status = MeetingStatus.PLANNED
    store.meetings.append(meeting)
    store.settle()

    view = cycles.advance(deps, cycle_id, "Einladungen versenden", "referat.mut", "Termin steht")

    assert cycle.state == "invitations_sent"
    assert (view.trigger, view.to_state) == ("send_invitations", "invitations_sent")
    last = store.log[-1]
    assert (last.trigger, last.from_state, last.actor, last.reason) == (
        "send_invitations",
        "planned",
        "referat.mut",
        "Termin steht",
    )
    [notification] = store.notifications
    assert (notification.template, notification.subject_id, notification.status) == (
        "future_workshop/invitation",
        cycle_id,
        NotificationStatus.PENDING,
    )


def test_a_step_the_state_does_not_allow_lists_the_allowed_steps_by_title(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle_id = _launched(deps)

    with pytest.raises(InvalidTrigger, match='Möglich sind: "Einladungen versenden"'):
        cycles.advance(deps, cycle_id, "close", "referat.mut")
    assert store.cycles()[0].state == "planned"
    assert len(store.log) == 1


def test_advancing_a_cycle_that_does_not_exist_names_it(deps: Dependencies) -> None:
    with pytest.raises(NotFound, match="Zyklus 99 gibt es nicht"):
        cycles.advance(deps, 99, "send_invitations", "referat.mut")
