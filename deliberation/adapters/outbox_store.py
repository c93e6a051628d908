"""The outbox in the database: queued messages, claims, delivery results."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.adapters._query import filter_by
from deliberation.adapters.process_identity import current_owner, is_gone
from deliberation.domain.outbox import OutboxMessage, OutboxStatus
from deliberation.service_layer.ports import OutboxLine


class OutboxStore:
    session: Session

    def enqueue(self, message: OutboxMessage) -> None:
        """Put a message into the outbox, in the transaction of the change that caused it."""
        self.session.add(message)

    def enqueue_many(self, messages: Sequence[OutboxMessage]) -> None:
        """Put many messages into the outbox at once (one multi-row INSERT), in the caller's
        transaction; cheaper than the unit-of-work flush of as many objects."""
        if not messages:
            return
        columns = [c.name for c in orm.outbox.columns if c.name != "id"]
        rows = [{name: getattr(message, name) for name in columns} for message in messages]
        self.session.execute(insert(orm.outbox), rows)

    def claim_due(self, now: datetime, limit: int, stale_before: datetime) -> list[OutboxMessage]:
        """Mark up to ``limit`` due messages as being sent by us, and return them.

        Due are queued messages, retries whose time has come, and messages a
        crashed sender claimed: at once if it ran on this machine and is gone
        (``process_identity``), otherwise once claimed before ``stale_before``.
        The claim is one
        ``UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING``: on SQLite the
        statement holds the write lock from choosing the rows to marking
        them, so two senders never claim the same message; on PostgreSQL
        rows another sender is claiming are skipped (``FOR UPDATE SKIP
        LOCKED``), so any number of senders can drain one outbox.
        """
        due = (
            select(orm.outbox.c.id)
            .where(_due(now, stale_before, self._gone_owners()))
            .order_by(orm.outbox.c.next_attempt_at, orm.outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(OutboxMessage)
            .where(orm.outbox.c.id.in_(due.scalar_subquery()))
            .values(
                status=OutboxStatus.SENDING,
                claimed_at=now,
                claimed_by=current_owner(),
                attempts=orm.outbox.c.attempts + 1,
            )
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False)
        )
        messages = list(self.session.scalars(claim))
        return sorted(messages, key=lambda m: (m.next_attempt_at, m.id or 0))

    def count_due(self, now: datetime, stale_before: datetime) -> int:
        due = _due(now, stale_before, self._gone_owners())
        query = select(func.count()).select_from(orm.outbox).where(due)
        return int(self.session.execute(query).scalar_one())

    def _gone_owners(self) -> list[str]:
        """Owners of current claims that are processes of this machine no longer running."""
        outbox = orm.outbox.c
        query = (
            select(outbox.claimed_by)
            .where(outbox.status == OutboxStatus.SENDING.value, outbox.claimed_by.is_not(None))
            .distinct()
        )
        return [owner for owner in self.session.scalars(query) if owner and is_gone(owner)]

    def mark_sent_many(self, deliveries: Sequence[tuple[int, str, datetime]]) -> None:
        """Record many deliveries at once: (outbox id, the server's answer, when) each."""
        if not deliveries:
            return
        statement = (
            update(orm.outbox)
            .where(orm.outbox.c.id == bindparam("outbox_id"))
            .values(
                status=OutboxStatus.SENT,
                sent_at=bindparam("at", type_=orm.outbox.c.sent_at.type),
                last_error=bindparam("answer"),
                claimed_at=None,
            )
        )
        rows = [{"outbox_id": i, "answer": answer, "at": at} for i, answer, at in deliveries]
        self.session.connection().execute(statement, rows)

    def mark_retry(self, outbox_id: int, error: str, next_at: datetime) -> None:
        self._update_outbox(
            outbox_id,
            status=OutboxStatus.RETRY,
            last_error=error,
            next_attempt_at=next_at,
            claimed_at=None,
        )

    def release(self, outbox_id: int, error: str, next_at: datetime) -> None:
        """Give a claimed message back untried: its claim does not count as an attempt."""
        self._update_outbox(
            outbox_id,
            status=OutboxStatus.RETRY,
            last_error=error,
            next_attempt_at=next_at,
            claimed_at=None,
            attempts=orm.outbox.c.attempts - 1,
        )

    def mark_failed(self, outbox_id: int, error: str) -> None:
        self._update_outbox(
            outbox_id, status=OutboxStatus.FAILED, last_error=error, claimed_at=None
        )

    def outbox_counts(self) -> dict[str, int]:
        query = select(orm.outbox.c.status, func.count()).group_by(orm.outbox.c.status)
        return {status: int(count) for status, count in self.session.execute(query)}

    def outbox_messages(self, status: str | None = None) -> list[OutboxMessage]:
        query = select(OutboxMessage).order_by(orm.outbox.c.id)
        return list(self.session.scalars(filter_by(query, orm.outbox.c.status, status)))

    def withdraw_waiting(self, recipient: str, reason: str) -> int:
        """Stop every message to ``recipient`` that is still waiting; returns how many."""
        outbox = orm.outbox.c
        waiting = (OutboxStatus.QUEUED.value, OutboxStatus.RETRY.value)
        statement = (
            update(orm.outbox)
            .where(outbox.recipient == recipient, outbox.status.in_(waiting))
            .values(status=OutboxStatus.WITHDRAWN.value, last_error=reason)
        )
        result = self.session.execute(statement.execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def outbox_lines(
        self, statuses: Collection[str], limit: int, offset: int
    ) -> tuple[list[OutboxLine], int]:
        """A page of messages with these statuses, newest first, without their bodies; and
        how many there are in all."""
        c = orm.outbox.c
        where = c.status.in_(list(statuses))
        total = self.session.execute(select(func.count()).where(where)).scalar_one()
        query = (
            select(
                c.id,
                c.recipient,
                c.subject,
                c.status,
                c.attempts,
                c.created_at,
                c.next_attempt_at,
                c.sent_at,
                c.last_error,
            )
            .where(where)
            .order_by(c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [tuple(row) for row in self.session.execute(query)], int(total)

    def requeue_failed(self, ids: Collection[int] | None, now: datetime) -> list[int]:
        """Give finally failed messages (all, or those of ``ids``) a fresh set of attempts,
        due now; they keep their Message-ID and the server's last answer. Returns their ids."""
        failed = select(orm.outbox.c.id).where(orm.outbox.c.status == OutboxStatus.FAILED.value)
        if ids is not None:
            failed = failed.where(orm.outbox.c.id.in_(list(ids)))
        found = list(self.session.scalars(failed.order_by(orm.outbox.c.id).with_for_update()))
        if not found:
            return []
        statement = (
            update(orm.outbox)
            .where(orm.outbox.c.id.in_(found))
            .where(orm.outbox.c.status == OutboxStatus.FAILED.value)
            .values(
                status=OutboxStatus.QUEUED.value, attempts=0, next_attempt_at=now, claimed_at=None
            )
        )
        self.session.execute(statement.execution_options(synchronize_session=False))
        return found

    def mail_history(self, recipient: str) -> list[tuple[str, datetime, datetime | None, str]]:
        """(subject, created, sent, status) of every message to ``recipient``, oldest first."""
        outbox = orm.outbox.c
        query = (
            select(outbox.subject, outbox.created_at, outbox.sent_at, outbox.status)
            .where(outbox.recipient == recipient)
            .order_by(outbox.id)
        )
        return [(r[0], r[1], r[2], r[3]) for r in self.session.execute(query)]

    def forget_recipient(self, recipient: str) -> int:
        """Delete every message to ``recipient``, sent or not (personal data); returns how many."""
        statement = delete(orm.outbox).where(orm.outbox.c.recipient == recipient)
        result = self.session.execute(statement.execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def _update_outbox(self, outbox_id: int, **values: object) -> None:
        statement = update(orm.outbox).where(orm.outbox.c.id == outbox_id).values(**values)
        self.session.execute(statement.execution_options(synchronize_session=False))


def _due(now: datetime, stale_before: datetime, gone_owners: Sequence[str]) -> Any:
    outbox = orm.outbox.c
    waiting = (OutboxStatus.QUEUED.value, OutboxStatus.RETRY.value)
    sending = outbox.status == OutboxStatus.SENDING.value
    abandoned = or_(outbox.claimed_at < stale_before, outbox.claimed_by.in_(gone_owners))
    return or_(
        and_(outbox.status.in_(waiting), outbox.next_attempt_at <= now),
        and_(sending, abandoned),
    )
