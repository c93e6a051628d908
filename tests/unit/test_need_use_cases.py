"""Taking, correcting, deleting and voting on needs, on the in-memory fakes of the ports."""

from __future__ import annotations

import pytest

from deliberation.domain.clock import Clock
from deliberation.domain.errors import DeliberationError, NotAllowedInState, NotFound
from deliberation.domain.model import Cycle, NeedScope
from deliberation.service_layer import needs
from deliberation.service_layer.ports import Dependencies
from tests.unit.domain_builders import (
    NOW,
    agenda_topic,
    conference,
    forum,
    need,
    new_round,
    recommendation,
    working_group,
    workshop,
)
from tests.unit.fakes import FakeStore, fake_dependencies


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def deps(store: FakeStore) -> Dependencies:
    return fake_dependencies(store, Clock.standing_at(NOW))


def stored_workshop(store: FakeStore, state: str) -> Cycle:
    round_ = new_round()
    store.rounds.append(round_)
    return workshop(round_, state)


def test_a_need_taken_while_collecting_is_stored_on_its_workshop(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle = stored_workshop(store, "needs_collection")
    version = cycle.version

    need_id = needs.add(deps, cycle.id or 0, "  Sprachkurse am Abend ", "sprache", "lokal", "mut")

    [card] = cycle.needs
    assert (card.id, card.text, card.topic_field, card.scope) == (
        need_id,
        "Sprachkurse am Abend",
        "Sprache",
        NeedScope.LOCAL,
    )
    assert card.municipality is cycle.municipality
    assert cycle.version == version + 1  # the workshop changed: a concurrent step would lose
    assert [v.text for v in needs.list_needs(deps, cycle_id=cycle.id)] == ["Sprachkurse am Abend"]


def test_a_need_is_refused_outside_the_collecting_phase(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle = stored_workshop(store, "vision")

    with pytest.raises(NotAllowedInState, match="Bedarfe erfassen"):
        needs.add(deps, cycle.id or 0, "Mehr Kitaplätze", "Bildung", "kreisweit", "mut")
    assert cycle.needs == []


def test_an_unknown_topic_field_is_refused_with_the_configured_ones(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle = stored_workshop(store, "needs_collection")

    with pytest.raises(DeliberationError, match="bekannt: Arbeit, Bildung"):
        needs.add(deps, cycle.id or 0, "Mehr Kitaplätze", "Kita", "lokal", "mut")
    assert cycle.needs == []


def test_a_county_wide_forum_takes_only_county_wide_needs(
    deps: Dependencies, store: FakeStore
) -> None:
    round_ = new_round()
    store.rounds.append(round_)
    cycle = forum(round_, "needs_collection")

    with pytest.raises(DeliberationError, match='sind "kreisweit", nicht "lokal"'):
        needs.add(deps, cycle.id or 0, "Beratung", "Arbeit", "lokal", "mut")
    needs.add(deps, cycle.id or 0, "Beratung", "Arbeit", "kreisweit", "mut")
    assert [(n.municipality, n.scope) for n in cycle.needs] == [(None, NeedScope.COUNTY)]


def test_a_card_is_corrected_and_deleted_while_its_workshop_collects(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle = stored_workshop(store, "needs_collection")
    first = need(cycle, "Wohnen", text="Wohnungen")
    second = need(cycle, "Arbeit", text="Jobs")

    view = needs.edit(deps, first.id or 0, "Bezahlbare Wohnungen", "Wohnen", "kreisweit", "mut")
    deleted = needs.delete(deps, second.id or 0, "mut")

    assert (view.text, first.scope) == ("Bezahlbare Wohnungen", NeedScope.COUNTY)
    assert deleted.text == "Jobs"
    assert cycle.needs == [first]
    with pytest.raises(NotFound, match=f"Bedarf {second.id} gibt es nicht"):
        needs.show(deps, second.id or 0)


def test_a_card_a_recommendation_answers_cannot_be_deleted(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle = stored_workshop(store, "needs_collection")
    card = need(cycle, "Wohnen")
    meeting = conference(cycle.round, "groups_formed")
    agenda_topic(meeting, "Wohnen")
    recommendation(working_group(meeting)).needs.append(card)

    with pytest.raises(DeliberationError, match="kann nicht mehr gelöscht werden"):
        needs.delete(deps, card.id or 0, "mut")
    assert cycle.needs == [card]


def test_dots_add_up_during_voting_and_only_then(deps: Dependencies, store: FakeStore) -> None:
    cycle = stored_workshop(store, "realisation")
    card = need(cycle, "Sprache", votes=2)

    assert needs.vote(deps, card.id or 0, 3) == 5
    assert needs.vote(deps, card.id or 0) == 6
    with pytest.raises(DeliberationError, match="1 bis 10, nicht 11"):
        needs.vote(deps, card.id or 0, 11)

    cycle.state = "documented"
    with pytest.raises(NotAllowedInState, match="Punkte vergeben"):
        needs.vote(deps, card.id or 0)
    assert card.votes == 6
