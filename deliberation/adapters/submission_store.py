"""Needs brought in on the public page, in their moderation table (plain rows, no mapping)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, func, insert, select, update
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.domain.need_submissions import NeedSubmission, SubmissionStatus

_table = orm.need_submissions


class SubmissionStore:
    session: Session

    def add_submission(
        self,
        cycle_id: int,
        text: str,
        topic_field: str,
        scope: str,
        language: str,
        email: str | None,
        now: datetime,
    ) -> int:
        statement = insert(_table).values(
            cycle_id=cycle_id,
            text=text,
            topic_field=topic_field,
            scope=scope,
            language=language,
            email=email,
            email_requested_at=now if email is not None else None,
            status=SubmissionStatus.PENDING.value,
            reason="",
            created_at=now,
            decided_by="",
        )
        return int(self.session.execute(statement.returning(_table.c.id)).scalar_one())

    def submission(self, submission_id: int, lock: bool = False) -> NeedSubmission | None:
        query = select(_table).where(_table.c.id == submission_id)
        if lock:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return None if row is None else _submission(row)

    def submissions(
        self, status: SubmissionStatus | None = None, email: str | None = None
    ) -> list[NeedSubmission]:
        query = select(_table).order_by(_table.c.created_at, _table.c.id)
        if status is not None:
            query = query.where(_table.c.status == status.value)
        if email is not None:
            query = query.where(func.lower(_table.c.email) == email.lower())
        return [_submission(row) for row in self.session.execute(query).mappings()]

    def unconfirmed_addresses(self, requested_before: datetime) -> list[int]:
        """Submissions whose address was asked to confirm before ``requested_before`` and
        never did (retention)."""
        table = _table.c
        query = (
            select(table.id)
            .where(table.email.is_not(None), table.email_confirmed_at.is_(None))
            .where(table.email_requested_at <= requested_before)
            .order_by(table.id)
        )
        return list(self.session.scalars(query))

    def change_submission(self, submission_id: int, **values: Any) -> None:
        """Set columns of one submission (status, reason, need_id, email, …)."""
        changed = {k: v.value if isinstance(v, SubmissionStatus) else v for k, v in values.items()}
        self.session.execute(update(_table).where(_table.c.id == submission_id).values(changed))


def _submission(row: RowMapping) -> NeedSubmission:
    return NeedSubmission(
        id=row["id"],
        cycle_id=row["cycle_id"],
        text=row["text"],
        topic_field=row["topic_field"],
        scope=row["scope"],
        language=row["language"],
        email=row["email"],
        email_confirmed_at=row["email_confirmed_at"],
        email_requested_at=row["email_requested_at"],
        status=SubmissionStatus(row["status"]),
        reason=row["reason"],
        need_id=row["need_id"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
        decided_by=row["decided_by"],
    )
