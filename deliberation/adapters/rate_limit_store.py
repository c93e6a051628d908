"""Counting posts to public forms per address and window, atomically on every backend."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from deliberation.adapters import orm


class RateLimitStore:
    session: Session

    def count_post(self, key: str, window_start: datetime, expired_before: datetime) -> int:
        """Count one post of ``key`` in the window starting ``window_start``; the new count.

        One ``INSERT … ON CONFLICT DO UPDATE`` (SQLite and PostgreSQL), so two workers
        counting at the same moment both count. Windows that ended are deleted.
        """
        table = orm.public_post_counts
        self.session.execute(delete(table).where(table.c.window_start < expired_before))
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(key=key, window_start=window_start, posts=1)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key, table.c.window_start],
            set_={"posts": table.c.posts + 1},
        ).returning(table.c.posts)
        return int(self.session.execute(statement).scalar_one())
