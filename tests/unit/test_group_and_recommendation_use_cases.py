"""Forming a working group, drafting a recommendation and placing it on a meeting, on the
in-memory fakes of the ports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deliberation.domain.clock import Clock
from deliberation.domain.errors import DeliberationError, GuardRejected, NotFound
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Cycle, Meeting, NeedScope, SubjectKind
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer import consultations, groups, recommendations
from deliberation.service_layer.ports import Dependencies
from tests.unit.domain_builders import (
    NOW,
    agenda_topic,
    conference,
    need,
    new_round,
    recommendation,
    working_group,
    workshop,
)
from tests.unit.fakes import FakeStore, county_store, fake_dependencies

DUE = date(2027, 12, 31)


@pytest.fixture
def store() -> FakeStore:
    return county_store(Clock.standing_at(NOW))


@pytest.fixture
def deps(store: FakeStore) -> Dependencies:
    return fake_dependencies(store, Clock.standing_at(NOW))


def held_conference(store: FakeStore, with_agenda: bool = True) -> Cycle:
    round_ = new_round()
    store.rounds.append(round_)
    cycle = conference(round_, "held")
    if with_agenda:
        agenda_topic(cycle, "Wohnen")
        agenda_topic(cycle, "Sprache")
    return cycle


def test_a_group_is_formed_on_an_agenda_topic_with_members_from_the_directory(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle = held_conference(store)
    person = Participant("Olena Koval", "olena@example.org", "uk", LegalBasis.CONSENT, NOW)
    store.participants.append(person)
    store.settle()

    group_id = groups.form(
        deps,
        cycle.id or 0,
        "sprache",
        "AG Sprache",
        "Sprachkurse für Eltern",
        DUE,
        ["olena@example.org", "Aylin Demir / Migrantenverein"],
        "referat.mut",
    )

    [group] = cycle.working_groups
    assert (group.id, group.name, group.topic.title, group.state) == (
        group_id,
        "AG Sprache",
        "Sprache",
        "formed",
    )
    assert [(m.name, m.organisation, m.participant_id) for m in group.members] == [
        ("Olena Koval", "", person.id),
        ("Aylin Demir", "Migrantenverein", None),
    ]
    assert (store.log[-1].subject_kind, store.log[-1].trigger) == (
        SubjectKind.WORKING_GROUP,
        "form",
    )


def test_a_member_address_nobody_in_the_directory_has_is_refused(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle = held_conference(store)

    with pytest.raises(NotFound, match="steht nicht im Personenverzeichnis"):
        groups.form(deps, cycle.id or 0, "1", "AG", "Auftrag", DUE, ["x@example.org"], "mut")
    assert cycle.working_groups == []


def test_no_group_without_an_agenda_and_none_due_in_the_past(
    deps: Dependencies, store: FakeStore
) -> None:
    bare = held_conference(store, with_agenda=False)
    with pytest.raises(GuardRejected, match="noch keine Tagesordnung"):
        groups.form(deps, bare.id or 0, "1", "AG", "Auftrag", DUE, [], "mut")

    cycle = held_conference(store)
    with pytest.raises(DeliberationError, match="liegt nicht in der Zukunft"):
        groups.form(deps, cycle.id or 0, "1", "AG", "Auftrag", NOW.date(), [], "mut")
    assert bare.working_groups == cycle.working_groups == []


def test_a_recommendation_is_drafted_with_the_needs_of_its_round_only(
    deps: Dependencies, store: FakeStore
) -> None:
    cycle = held_conference(store)
    group = working_group(cycle)
    own = need(workshop(cycle.round, "documented"), "Wohnen", NeedScope.COUNTY)
    earlier = new_round("2025")
    store.rounds.append(earlier)
    foreign = need(workshop(earlier, "documented"), "Wohnen", NeedScope.COUNTY)

    rec_id = recommendations.draft(
        deps, group.id or 0, "Wohnraumbörse", "Eine Börse.", "mut", [own.id or 0]
    )
    with pytest.raises(DeliberationError, match="stammt aus Durchgang 2025"):
        recommendations.draft(deps, group.id or 0, "Zweite", "Text", "mut", [foreign.id or 0])

    [rec] = group.recommendations
    assert (rec.id, rec.title, rec.state, rec.needs) == (rec_id, "Wohnraumbörse", "draft", [own])
    assert recommendations.show(deps, rec_id).title == "Wohnraumbörse"


def commission_meeting(store: FakeStore, days_ahead: int) -> Meeting:
    meeting = Meeting(
        "Kommission Migration und Teilhabe",
        NOW + timedelta(days=days_ahead),
        "Kreishaus",
        body_key="kommission",
        status=MeetingStatus.PLANNED,
    )
    store.meetings.append(meeting)
    store.settle()
    return meeting


def test_a_recommendation_is_placed_on_a_meeting_of_the_next_body_of_its_route(
    deps: Dependencies, store: FakeStore
) -> None:
    rec = recommendation(working_group(held_conference(store)), "adopted_by_group")
    meeting = commission_meeting(store, days_ahead=30)

    step = consultations.place(deps, rec.id or 0, meeting.id or 0, "geschaeftsstelle")

    assert step is None  # the hearing takes no workflow step; the statement will
    [placed] = rec.consultations
    assert (placed.meeting, placed.body_key, placed.position) == (meeting, "kommission", 0)
    audit = store.log[-1]
    assert (audit.trigger, audit.subject_id, audit.actor) == (
        "placed_on_meeting",
        rec.id,
        "geschaeftsstelle",
    )


def test_placing_on_another_body_or_inside_the_notice_period_is_refused(
    deps: Dependencies, store: FakeStore
) -> None:
    rec = recommendation(working_group(held_conference(store)), "adopted_by_group")
    kreistag = Meeting(
        "Kreistag", NOW + timedelta(days=40), "Kreishaus", body_key="kreistag", status="planned"
    )
    store.meetings.append(kreistag)
    too_soon = commission_meeting(store, days_ahead=3)

    with pytest.raises(DeliberationError, match="keine Sitzung dieses Gremiums"):
        consultations.place(deps, rec.id or 0, kreistag.id or 0, "mut")
    with pytest.raises(DeliberationError, match="Ladungsfrist"):
        consultations.place(deps, rec.id or 0, too_soon.id or 0, "mut")
    assert rec.consultations == []
