"""Online dots: one row per need and person, and each need's online total kept beside it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.domain.model import Need


class DotVoteStore:
    session: Session

    def dot_votes_of(self, participant_id: int, cycle_id: int) -> dict[int, int]:
        """The dots ``participant_id`` gave the needs of ``cycle_id``, by need id."""
        votes, needs = orm.dot_votes.c, orm.needs.c
        query = (
            select(votes.need_id, votes.dots)
            .join(orm.needs, needs.id == votes.need_id)
            .where(votes.participant_id == participant_id, needs.cycle_id == cycle_id)
        )
        return {int(need_id): int(dots) for need_id, dots in self.session.execute(query)}

    def replace_dot_votes(
        self, participant_id: int, cycle_id: int, distribution: Mapping[int, int], at: datetime
    ) -> None:
        """Make ``distribution`` the person's dots in the cycle and recount its online totals.

        The caller holds the cycle (its version moves on), so two distributions of the
        same workshop never interleave; the recount reads the rows as they now are.
        """
        votes, needs = orm.dot_votes.c, orm.needs.c
        of_cycle = select(needs.id).where(needs.cycle_id == cycle_id).scalar_subquery()
        self.session.execute(
            delete(orm.dot_votes).where(
                votes.participant_id == participant_id, votes.need_id.in_(of_cycle)
            )
        )
        rows = [
            {"need_id": n, "participant_id": participant_id, "dots": d, "cast_at": at}
            for n, d in sorted(distribution.items())
        ]
        if rows:
            self.session.execute(insert(orm.dot_votes), rows)
        self._recount(cycle_id)

    def _recount(self, cycle_id: int) -> None:
        votes, needs = orm.dot_votes.c, orm.needs.c
        total = (
            select(func.coalesce(func.sum(votes.dots), 0))
            .where(votes.need_id == needs.id)
            .scalar_subquery()
        )
        self.session.execute(
            update(orm.needs).where(needs.cycle_id == cycle_id).values(online_votes=total)
        )
        # needs already loaded in this session read their new totals on next access
        for item in list(self.session.identity_map.values()):
            if isinstance(item, Need):
                self.session.expire(item, ["online_votes"])

    def dot_votes_of_person(self, participant_id: int) -> list[tuple[int, int, datetime]]:
        """Every need the person gave dots online: need id, dots, when (for the DSGVO export)."""
        votes = orm.dot_votes.c
        query = (
            select(votes.need_id, votes.dots, votes.cast_at)
            .where(votes.participant_id == participant_id)
            .order_by(votes.need_id)
        )
        return [(int(n), int(d), at) for n, d, at in self.session.execute(query)]

    def anonymise_dot_votes(self, participant_id: int) -> int:
        """Detach the person from their dots (they keep counting); returns how many rows."""
        result = self.session.execute(
            update(orm.dot_votes)
            .where(orm.dot_votes.c.participant_id == participant_id)
            .values(participant_id=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)
