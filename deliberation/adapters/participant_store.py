"""The participant registry in the database."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.adapters._query import filter_by
from deliberation.domain.participants import Participant


class ParticipantStore:
    session: Session

    def participant(self, email: str) -> Participant | None:
        query = select(Participant).where(orm.participants.c.email == email.lower())
        return self.session.scalars(query).first()

    def participants(
        self, municipality_key: str | None = None, role: str | None = None
    ) -> list[Participant]:
        query = select(Participant).order_by(orm.participants.c.name, orm.participants.c.email)
        query = filter_by(query, orm.participants.c.municipality_key, municipality_key)
        if role is not None:
            roles = type_coerce(orm.participants.c.roles, Text)
            query = query.where(roles.contains(f",{role},", autoescape=True))
        return list(self.session.scalars(query))

    def registered_emails(self, emails: Collection[str]) -> set[str]:
        """Which of ``emails`` (normalised) are already in the registry."""
        found: set[str] = set()
        wanted = sorted(emails)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = select(orm.participants.c.email).where(orm.participants.c.email.in_(chunk))
            found.update(self.session.scalars(query))
        return found
