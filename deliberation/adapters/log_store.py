"""Reading the whole append-only log: workflow steps and audited changes."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.adapters._query import filter_by
from deliberation.domain.model import TransitionRecord


class LogStore:
    session: Session

    def log_entries(
        self,
        *,
        subject_kind: str | None = None,
        subject_id: int | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        person_id: int | None = None,
        limit: int | None = None,
    ) -> list[TransitionRecord]:
        """Rows of the whole log, oldest first; ``actor`` matches case-insensitively in part.

        The actor is compared in Python: SQLite's ``lower()`` knows only ASCII, and
        names like "Öztürk" must match on both databases alike.
        """
        log = orm.transition_log.c
        query = select(TransitionRecord).order_by(log.at, log.id)
        query = filter_by(query, log.subject_kind, subject_kind)
        query = filter_by(query, log.subject_id, subject_id)
        query = filter_by(query, log.person_id, person_id)
        if since is not None:
            query = query.where(log.at >= since)
        if until is not None:
            query = query.where(log.at < until)
        if not actor:
            return list(self.session.scalars(query if limit is None else query.limit(limit)))
        wanted = actor.casefold()
        found = (row for row in self.session.scalars(query) if wanted in row.actor.casefold())
        return list(itertools.islice(found, limit))
