"""Correcting what was entered: needs while the workshop collects them, working groups at work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deliberation.domain.errors import ConcurrencyConflict, DeliberationError, NotAllowedInState
from deliberation.service_layer import cycles, groups, needs, participants, recommendations
from tests.conftest import NEEDS, RoundWalker

AYSE = {
    "name": "Ayşe Yılmaz",
    "email": "ayse@example.org",
    "municipality": "Stadt Peine",
    "roles": "",
    "bodies": "",
    "language": "tr",
}


def test_a_need_is_edited_and_deleted_only_while_its_workshop_collects_needs(
    walker: RoundWalker,
) -> None:
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.open_needs_collection("stadt-peine")
    first, second = walker.collect_needs("stadt-peine")
    before = cycles.show(walker.deps, workshop).status.version

    view = needs.edit(walker.deps, first, " Abendkurse ", "arbeit", "lokal", "Frau Test")
    assert (view.text, view.topic_field, view.scope) == ("Abendkurse", "Arbeit", "local")
    assert needs.delete(walker.deps, second, "Frau Test").id == second
    assert [n.id for n in needs.list_needs(walker.deps, workshop)] == [first]
    assert cycles.show(walker.deps, workshop).status.version == before + 2

    with pytest.raises(DeliberationError, match="Themenfeld"):
        needs.edit(walker.deps, first, "x", "Raumfahrt", "lokal", "Frau Test")
    walker.advance(workshop, "start_vision")
    with pytest.raises(NotAllowedInState, match="Bedarfe ändern"):
        needs.edit(walker.deps, first, "x", "Arbeit", "lokal", "Frau Test")
    with pytest.raises(NotAllowedInState, match="Bedarfe löschen"):
        needs.delete(walker.deps, first, "Frau Test")
    assert needs.show(walker.deps, first).text == "Abendkurse"


def test_a_vote_moves_the_workshops_version_on_like_any_change(walker: RoundWalker) -> None:
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.run_workshop("stadt-peine", document=False)
    need = walker.record.needs[NEEDS["stadt-peine"][0][0]]
    before = cycles.show(walker.deps, workshop).status.version
    needs.vote(walker.deps, need, 2)
    needs.vote(walker.deps, need, 1)
    assert cycles.show(walker.deps, workshop).status.version == before + 2
    # A page that still shows the version before the votes may not step the workshop on.
    with pytest.raises(ConcurrencyConflict, match="inzwischen"):
        cycles.advance(walker.deps, workshop, "document", "Frau Test", expected_version=before)


def test_a_need_on_an_agenda_cannot_be_deleted(walker: RoundWalker) -> None:
    walker.walk()
    need = walker.record.needs[NEEDS["stadt-peine"][0][0]]
    with pytest.raises(DeliberationError):
        needs.delete(walker.deps, need, "Frau Test")
    assert needs.show(walker.deps, need).id == need


def test_a_group_gets_a_new_mandate_due_date_and_members_from_the_directory(
    walker: RoundWalker,
) -> None:
    participants.import_participants(walker.deps, [(2, AYSE)])
    record = walker.walk()
    due = walker.deps.today() + timedelta(days=30)
    old = groups.show(walker.deps, record.group)
    view = groups.change(
        walker.deps,
        record.group,
        "Konzept bis zum Sommer",
        due,
        ["AYSE@example.org", "Jan Becker / VHS Peine"],
        "Frau Test",
        expected_version=old.status.version,
    )
    assert (view.mandate, view.due_date) == ("Konzept bis zum Sommer", due)
    assert view.members == ("Ayşe Yılmaz", "Jan Becker (VHS Peine)")
    assert groups.member_entries(walker.deps, record.group) == (
        "ayse@example.org",
        "Jan Becker / VHS Peine",
    )
    with pytest.raises(ConcurrencyConflict):
        groups.change(walker.deps, record.group, "x", due, [], "Frau Test", old.status.version)
    with pytest.raises(DeliberationError, match="nicht im Personenverzeichnis"):
        groups.change(walker.deps, record.group, "x", due, ["wer@example.org"], "Frau Test")
    with pytest.raises(DeliberationError, match="nicht in der Zukunft"):
        groups.change(walker.deps, record.group, "x", walker.deps.today(), [], "Frau Test")
    assert groups.show(walker.deps, record.group).mandate == "Konzept bis zum Sommer"


def test_a_groups_report_has_text_and_a_closed_group_is_not_changed(walker: RoundWalker) -> None:
    record = walker.walk()
    groups.write_report(walker.deps, record.group, "  Drei Sitzungen, ein Konzept. ", "Frau Test")
    assert groups.show(walker.deps, record.group).report == "Drei Sitzungen, ein Konzept."
    [rec] = record.recommendations
    recommendations.advance(walker.deps, rec, "adopt_in_group", "AG", "einstimmig")
    groups.advance(walker.deps, record.group, "deliver_report", "AG")
    with pytest.raises(DeliberationError, match="abgeschlossen"):
        groups.write_report(walker.deps, record.group, "später", "Frau Test")


def test_deleting_a_person_removes_their_name_from_the_group(walker: RoundWalker) -> None:
    """DSGVO deletion (issue 13): the group keeps a member, but no longer the person's name."""
    participants.import_participants(walker.deps, [(2, AYSE)])
    record = walker.walk()
    due = walker.deps.today() + timedelta(days=30)
    groups.change(walker.deps, record.group, "Auftrag", due, ["ayse@example.org"], "Frau Test")
    participants.delete(walker.deps, "ayse@example.org")
    assert groups.member_entries(walker.deps, record.group) == ("(gelöschte Person)",)
