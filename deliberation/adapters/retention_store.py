"""What the retention rules find and change in the database (see ``service_layer.retention``).

The methods belong to three ports (the outbox, the meetings, the log); they live
together because they are one concern: finding what has been kept long enough,
and removing it without removing the record that it existed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.domain.model import Meeting
from deliberation.domain.outbox import OutboxStatus

#: Messages whose text may go: delivered, or never to be sent.
_DONE = (OutboxStatus.SENT.value, OutboxStatus.WITHDRAWN.value)
#: Ids per statement: well below SQLite's limit of bound parameters.
_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def headers_only(raw: bytes) -> bytes:
    """The header block of an RFC 5322 message, without the text and attachments."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, _ = raw.partition(separator)
        if found:
            return head + separator
    return raw


class RetentionStore:
    session: Session

    def texts_to_remove(self, before: datetime) -> list[int]:
        """Delivered or withdrawn messages (sent, else created, before ``before``) that
        still hold their text."""
        box = orm.outbox.c
        query = (
            select(box.id)
            .where(box.status.in_(_DONE), box.text_removed_at.is_(None))
            .where(func.coalesce(box.sent_at, box.created_at) <= before)
            .order_by(box.id)
        )
        return list(self.session.scalars(query))

    def remove_texts(self, ids: Collection[int], at: datetime) -> int:
        """Keep only the headers of these messages and mark them."""
        box = orm.outbox.c
        for chunk in _chunks(sorted(ids)):
            rows = self.session.execute(select(box.id, box.body).where(box.id.in_(chunk))).all()
            for outbox_id, body in rows:
                self.session.execute(
                    update(orm.outbox)
                    .where(box.id == outbox_id)
                    .values(body=headers_only(bytes(body)), text_removed_at=at)
                )
        return len(ids)

    def meetings_with_invitations(self, starts_before: datetime) -> list[Meeting]:
        """Meetings that began before ``starts_before`` and still have invitations."""
        invitation = orm.invitations.c
        has_answers = exists().where(invitation.meeting_id == orm.meetings.c.id)
        query = (
            select(Meeting)
            .where(orm.meetings.c.starts_at <= starts_before, has_answers)
            .order_by(orm.meetings.c.id)
        )
        return list(self.session.scalars(query))

    def rows_to_pseudonymise(
        self,
        *,
        before: datetime | None = None,
        subject: tuple[str, int] | None = None,
        change: str | None = None,
    ) -> list[int]:
        """Log rows not yet pseudonymised: older than ``before``, or of ``subject`` and
        ``change``."""
        log = orm.transition_log.c
        query = select(log.id).where(log.pseudonymised_at.is_(None)).order_by(log.id)
        if before is not None:
            query = query.where(log.at < before)
        if subject is not None:
            query = query.where(log.subject_kind == subject[0], log.subject_id == subject[1])
        if change is not None:
            query = query.where(log.trigger == change)
        return list(self.session.scalars(query))

    def pseudonymise(self, ids: Collection[int], at: datetime, pseudonym: str) -> int:
        """Replace who and why of these log rows, drop the person; the one change the
        database allows on the log (the retention migration)."""
        log = orm.transition_log.c
        for chunk in _chunks(sorted(ids)):
            self.session.execute(
                update(orm.transition_log)
                .where(log.id.in_(chunk), log.pseudonymised_at.is_(None))
                .values(
                    actor=pseudonym,
                    reason="",
                    person_id=None,
                    subject_id=case((log.subject_kind == "participant", 0), else_=log.subject_id),
                    pseudonymised_at=at,
                )
            )
        return len(ids)
