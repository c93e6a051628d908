"""Dot-voting online: an invited person distributes their dots through their signed link.

Who may vote: everyone invited to a meeting of the cycle (a workshop evening), whether
they come or not. When: while the cycle's state allows "vote_needs" in its workflow.
How many: the workflow's ``dot_budget``. A person may change their distribution as
long as voting is open; each change replaces the earlier one. The dots count with
those staff counted on site, for the ranking and the conference agenda alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from deliberation.domain.dot_voting import check_distribution
from deliberation.domain.errors import ConcurrencyConflict, LinkInvalid
from deliberation.domain.model import Cycle
from deliberation.domain.participants import Participant
from deliberation.service_layer import stepping
from deliberation.service_layer.messages import holds, person_token, read_token
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork
from deliberation.service_layer.public_links import personal_feed_url

#: The purpose (salt) of vote links: a vote token opens nothing else.
VOTE = "vote"
#: A distribution that meets a concurrent one on the same workshop is stored again.
ATTEMPTS = 50


@dataclass(frozen=True)
class BallotNeed:
    id: int
    text: str
    topic_field: str
    #: this person's dots on it
    dots: int


@dataclass(frozen=True)
class Ballot:
    """One person's vote in one cycle, as their page shows it (no one else's dots)."""

    cycle_title: str
    municipality: str
    person_name: str
    language: str
    budget: int
    #: voting is open now (the cycle's state allows "vote_needs")
    open: bool
    #: titles of the states in which the cycle takes votes (for "not yet" / "no longer")
    voting_phases: tuple[str, ...]
    needs: tuple[BallotNeed, ...]
    #: the person's calendar to subscribe to (their invitations), linked beside the vote
    calendar_url: str = ""

    @property
    def given(self) -> int:
        return sum(n.dots for n in self.needs)

    @property
    def left(self) -> int:
        return self.budget - self.given


def vote_url(mailing: Mailing, person: Participant, cycle_id: int) -> str:
    """The person's signed link to their vote in ``cycle_id``."""
    return mailing.links.url(VOTE, [*person_token(person), cycle_id])


def show(deps: Dependencies, mailing: Mailing, token: str) -> Ballot:
    """The ballot behind ``token``; ``LinkInvalid`` if altered, expired or not invited."""
    with deps.unit_of_work() as uow:
        cycle, person = _from_token(uow, mailing, token)
        return _ballot(deps, mailing, uow, cycle, person)


def cast(
    deps: Dependencies, mailing: Mailing, token: str, distribution: Mapping[int, int]
) -> Ballot:
    """Make ``distribution`` (need id → dots) the person's vote; refused while voting is
    closed (``NotAllowedInState``) or over the budget (``OverBudget``), storing nothing."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _cast_once(deps, mailing, token, distribution)
        except ConcurrencyConflict:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _cast_once(
    deps: Dependencies, mailing: Mailing, token: str, distribution: Mapping[int, int]
) -> Ballot:
    with deps.unit_of_work() as uow:
        cycle, person = _from_token(uow, mailing, token, lock=True)
        stepping.require_capability(deps, cycle, "vote_needs", "Punkte vergeben")
        budget = deps.engine.definition_of(cycle).dot_budget
        kept = check_distribution(distribution, budget, [n.id or 0 for n in cycle.needs])
        now = deps.clock()
        stepping.touch(cycle, now)  # a vote is a change: a phase change meanwhile conflicts
        uow.flush()
        assert person.id is not None and cycle.id is not None
        uow.needs.replace_dot_votes(person.id, cycle.id, kept, now)
        ballot = _ballot(deps, mailing, uow, cycle, person)
        uow.commit()
        return ballot


def _from_token(
    uow: UnitOfWork, mailing: Mailing, token: str, lock: bool = False
) -> tuple[Cycle, Participant]:
    payload = mailing.links.read(VOTE, token, mailing.answer_valid)
    [person_id, cycle_id], digest = read_token(payload, 2)
    person = uow.participants.participant_by_id(person_id)
    cycle = uow.cycles.cycle(cycle_id, lock=lock)
    if cycle is None or person is None or not holds(person, digest):
        raise LinkInvalid("Zu diesem Link gibt es keine Punktabfrage (mehr).")
    invited = {i.participant_id for i in uow.meetings.invitations_of_cycle(cycle_id)}
    if person_id not in invited:
        raise LinkInvalid("Zu diesem Link gibt es keine Punktabfrage (mehr).")
    return cycle, person


def _ballot(
    deps: Dependencies, mailing: Mailing, uow: UnitOfWork, cycle: Cycle, person: Participant
) -> Ballot:
    definition = deps.engine.definition_of(cycle)
    mine = uow.needs.dot_votes_of(person.id or 0, cycle.id or 0)
    return Ballot(
        cycle_title=cycle.title,
        municipality=cycle.municipality.name if cycle.municipality else "",
        person_name=person.name,
        language=person.language,
        budget=definition.dot_budget,
        open=deps.engine.allows(cycle, "vote_needs"),
        voting_phases=tuple(
            s.title for s in definition.states.values() if "vote_needs" in s.allows
        ),
        needs=tuple(
            BallotNeed(n.id or 0, n.text, n.topic_field, mine.get(n.id or 0, 0))
            for n in cycle.needs
        ),
        calendar_url=personal_feed_url(mailing, person),
    )


def invitation_vote_url(
    deps: Dependencies, mailing: Mailing, cycle: Cycle | None, person: Participant
) -> str:
    """The vote link an invitation to a meeting of ``cycle`` carries; "" when the cycle's
    workflow takes no votes (or the meeting belongs to no cycle)."""
    if cycle is None or cycle.id is None or not deps.engine.definition_of(cycle).takes_votes:
        return ""
    return vote_url(mailing, person, cycle.id)
