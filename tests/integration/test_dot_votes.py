"""Dot-voting online through the personal signed link, on SQLite and PostgreSQL.

Invited people distribute the workflow's budget of dots while the workshop is in
its voting phase; over the budget is refused and stores nothing; a distribution can
be changed; the tally shows on-site and online dots and ranks by both together.
"""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import pytest

from deliberation.bootstrap import Application
from deliberation.domain.dot_voting import DEFAULT_DOT_BUDGET, OverBudget, UnknownNeed
from deliberation.domain.errors import LinkInvalid, NotAllowedInState
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer import cycles, dot_votes, needs, participants, public_links
from deliberation.service_layer.ports import Mailing


def _person(app: Application, name: str, email: str, municipality: str) -> Participant:
    with app.deps.unit_of_work() as uow:
        person = Participant(
            name, email, "de", LegalBasis.DUTY, app.deps.clock(), municipality_key=municipality
        )
        uow.participants.add(person)
        uow.commit()
        uow.participants.participant_by_id(person.id or 0)
        return person


def _invited_workshop(
    app: Application, walker
) -> tuple[int, Mailing, list[Participant], list[int]]:
    """The Stadt Peine workshop with its two needs (language courses, station lighting),
    two of its people invited, one outsider."""
    insiders = [
        _person(app, "Ayla Demir", "ayla@example.org", "stadt-peine"),
        _person(app, "Bernd Kruse", "bernd@example.org", "stadt-peine"),
    ]
    outsider = _person(app, "Carla Ilse", "carla@example.org", "ilsede")
    [workshop] = walker.launch_workshops(("stadt-peine",)).values()
    walker.give_meeting(workshop)
    mailing = app.mailing()
    cycles.advance(app.deps, workshop, "send_invitations", walker.actor, mailing=mailing)
    cycles.advance(app.deps, workshop, "start_needs_collection", walker.actor)
    need_ids = walker.collect_needs("stadt-peine")
    return workshop, mailing, [*insiders, outsider], need_ids


def _token(mailing: Mailing, person: Participant, cycle_id: int) -> str:
    return dot_votes.vote_url(mailing, person, cycle_id).rpartition("/")[2]


def test_invited_people_vote_online_within_their_budget(app: Application, walker) -> None:
    workshop, mailing, (ayla, bernd, _carla), (language, lighting) = _invited_workshop(app, walker)
    deps = app.deps
    ayla_link = _token(mailing, ayla, workshop)

    before = dot_votes.show(deps, mailing, ayla_link)
    assert not before.open and before.budget == DEFAULT_DOT_BUDGET
    assert before.voting_phases == ("Verwirklichungsphase: Punkte vergeben",)
    with pytest.raises(NotAllowedInState):
        dot_votes.cast(deps, mailing, ayla_link, {language: 1})

    walker.advance(workshop, "start_vision", "start_realisation")
    ballot = dot_votes.cast(deps, mailing, ayla_link, {language: 3, lighting: 2})
    assert (ballot.given, ballot.left) == (5, 0)

    # one dot too many: refused, and her earlier distribution is still what counts
    with pytest.raises(OverBudget) as refused:
        dot_votes.cast(deps, mailing, ayla_link, {language: 4, lighting: 2})
    assert (refused.value.given, refused.value.budget) == (6, 5)
    assert {n.id: n.dots for n in dot_votes.show(deps, mailing, ayla_link).needs} == {
        language: 3,
        lighting: 2,
    }
    with pytest.raises(UnknownNeed):
        dot_votes.cast(deps, mailing, ayla_link, {language: 1, 999_999: 1})

    # she changes her mind while voting is open; Bernd votes too; staff count on site
    dot_votes.cast(deps, mailing, ayla_link, {lighting: 5})
    dot_votes.cast(deps, mailing, _token(mailing, bernd, workshop), {language: 4})
    needs.vote(deps, language, 2)
    tally = {
        n.id: (n.votes, n.online_votes, n.total_votes) for n in needs.list_needs(deps, workshop)
    }
    assert tally == {language: (2, 4, 6), lighting: (0, 5, 5)}

    # once the workshop is documented voting is closed
    walker.advance(workshop, "document")
    with pytest.raises(NotAllowedInState):
        dot_votes.cast(deps, mailing, ayla_link, {language: 1})
    assert {n.id: n.online_votes for n in needs.list_needs(deps, workshop)} == {
        language: 4,
        lighting: 5,
    }


def test_the_invitation_carries_the_personal_vote_and_calendar_links(
    app: Application, walker
) -> None:
    workshop, mailing, (ayla, bernd, _carla), _needs = _invited_workshop(app, walker)
    with app.deps.unit_of_work() as uow:
        bodies = {
            m.recipient: m.body.decode("utf-8", "replace") for m in uow.outbox.outbox_messages()
        }
    assert set(bodies) == {ayla.email, bernd.email}  # one invitation each, none for Carla
    mail = email.message_from_string(bodies[ayla.email], policy=policy.default)
    assert isinstance(mail, EmailMessage)
    plain = mail.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    assert dot_votes.vote_url(mailing, ayla, workshop) in text
    assert public_links.personal_feed_url(mailing, ayla) in text
    assert dot_votes.vote_url(mailing, bernd, workshop) not in text  # only her own


def test_online_dots_alone_prioritise_the_workshop(app: Application, walker) -> None:
    """The guard before documenting asks for dots: online ones count like those on site."""
    workshop, mailing, (ayla, _bernd, _carla), (language, _) = _invited_workshop(app, walker)
    walker.advance(workshop, "start_vision", "start_realisation")
    dot_votes.cast(app.deps, mailing, _token(mailing, ayla, workshop), {language: 1})
    walker.advance(workshop, "document")  # no on-site dot at all
    assert cycles.show(app.deps, workshop).status.state == "documented"


def test_only_invited_people_with_an_intact_link_vote(app: Application, walker) -> None:
    workshop, mailing, (ayla, _bernd, carla), _needs = _invited_workshop(app, walker)
    link = _token(mailing, ayla, workshop)
    with pytest.raises(LinkInvalid):
        dot_votes.show(app.deps, mailing, link[:-3] + ("AAA" if link[-3:] != "AAA" else "BBB"))
    with pytest.raises(LinkInvalid):  # signed correctly, but Carla was not invited
        dot_votes.show(app.deps, mailing, _token(mailing, carla, workshop))
    # an address changed since the link was sent: the link no longer opens her vote
    with app.deps.unit_of_work() as uow:
        stored = uow.participants.participant_by_id(ayla.id or 0)
        assert stored is not None
        stored.email = "ayla.neu@example.org"
        uow.commit()
    with pytest.raises(LinkInvalid):
        dot_votes.show(app.deps, mailing, link)


def test_a_deleted_persons_dots_keep_counting_without_them(app: Application, walker) -> None:
    workshop, mailing, (ayla, _bernd, _carla), (language, _) = _invited_workshop(app, walker)
    walker.advance(workshop, "start_vision", "start_realisation")
    dot_votes.cast(app.deps, mailing, _token(mailing, ayla, workshop), {language: 4})
    exported = participants.export(app.deps, ayla.email)
    assert [(v["need"], v["dots"]) for v in exported["dot_votes"]] == [(language, 4)]

    participants.delete(app.deps, ayla.email, actor="Referat")
    with app.deps.unit_of_work() as uow:
        assert uow.needs.dot_votes_of_person(ayla.id or 0) == []
    # the dots are the workshop's result; they stay, no longer tied to anyone
    assert {n.id: n.online_votes for n in needs.list_needs(app.deps, workshop)}[language] == 4
