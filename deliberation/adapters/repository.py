"""The SQLAlchemy repository: loads and stores domain objects."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, exists, func, insert, or_, select, type_coerce, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from deliberation.adapters import orm
from deliberation.domain.model import (
    AgendaTopic,
    Body,
    Cycle,
    Municipality,
    Need,
    Notification,
    Recommendation,
    Round,
    TransitionRecord,
    WorkingGroup,
)
from deliberation.domain.outbox import OutboxMessage, OutboxStatus
from deliberation.domain.participants import Participant


class SqlRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item: object) -> None:
        self.session.add(item)

    def append_to_log(self, record: TransitionRecord) -> None:
        """One INSERT into the append-only log, in the unit of work's transaction.

        A plain Core insert: log rows are never read back in the same unit of
        work, so they need no identity map, and this is the hot path of every step.
        """
        values = {
            column.name: getattr(record, column.name)
            for column in orm.transition_log.columns
            if column.name != "id"
        }
        with self.session.no_autoflush:  # the record's own changes flush once, at commit
            self.session.execute(insert(orm.transition_log), [values])

    def round(self, label: str) -> Round | None:
        return self.session.scalars(select(Round).where(orm.rounds.c.label == label)).first()

    def cycle(self, cycle_id: int, lock: bool = False) -> Cycle | None:
        # FOR UPDATE OF the cycle alone: PostgreSQL refuses it on the outer-joined municipality.
        return self.session.get(
            Cycle, cycle_id, with_for_update={"of": orm.cycles} if lock else None
        )

    def cycles(
        self, round_label: str | None = None, workflow: str | None = None, state: str | None = None
    ) -> list[Cycle]:
        query = select(Cycle).order_by(orm.cycles.c.id)
        if round_label is not None:
            query = query.join(orm.rounds).where(orm.rounds.c.label == round_label)
        query = _filter(query, orm.cycles.c.workflow, workflow)
        query = _filter(query, orm.cycles.c.state, state)
        return list(self.session.scalars(query))

    def need(self, need_id: int) -> Need | None:
        return self.session.get(Need, need_id)

    def needs(
        self, cycle_id: int | None = None, round_label: str | None = None, scope: str | None = None
    ) -> list[Need]:
        query = select(Need).order_by(orm.needs.c.id)
        if round_label is not None:
            query = query.join(orm.cycles).join(orm.rounds).where(orm.rounds.c.label == round_label)
        query = _filter(query, orm.needs.c.cycle_id, cycle_id)
        query = _filter(query, orm.needs.c.scope, scope)
        return list(self.session.scalars(query))

    def add_votes(self, need_id: int, dots: int) -> int:
        """Add ``dots`` in one UPDATE and return the new total.

        An expression, not read-then-write: concurrent voters add up instead of
        overwriting each other.
        """
        total = self.session.execute(
            update(orm.needs)
            .where(orm.needs.c.id == need_id)
            .values(votes=orm.needs.c.votes + dots)
            .returning(orm.needs.c.votes)
        ).scalar_one()
        need = self.session.get(Need, need_id)
        if need is not None:
            # keep the loaded object in step without another SELECT
            set_committed_value(need, "votes", total)
        return int(total)

    def working_group(self, group_id: int, lock: bool = False) -> WorkingGroup | None:
        lock_row = {"of": orm.working_groups} if lock else None
        return self.session.get(WorkingGroup, group_id, with_for_update=lock_row)

    def working_groups(
        self, conference_id: int | None = None, topic_ids: Collection[int] | None = None
    ) -> list[WorkingGroup]:
        query = select(WorkingGroup).order_by(orm.working_groups.c.id)
        query = _filter(query, orm.working_groups.c.conference_id, conference_id)
        if topic_ids is not None:
            query = query.where(orm.working_groups.c.topic_id.in_(list(topic_ids)))
        return list(self.session.scalars(query))

    def topics_with_need(self, need_id: int) -> list[tuple[Cycle, AgendaTopic]]:
        """The agenda topics that took a need, each with its conference."""
        topics, links = orm.agenda_topics, orm.agenda_topic_needs
        query = (
            select(Cycle, AgendaTopic)
            .join_from(Cycle, topics, topics.c.conference_id == orm.cycles.c.id)
            .join(links, links.c.topic_id == topics.c.id)
            .where(links.c.need_id == need_id)
            .order_by(orm.cycles.c.id, topics.c.position, topics.c.id)
        )
        return [(cycle, topic) for cycle, topic in self.session.execute(query)]

    def recommendations_for_need(self, need_id: int) -> list[Recommendation]:
        links = orm.recommendation_needs
        query = (
            select(Recommendation)
            .join(links, links.c.recommendation_id == orm.recommendations.c.id)
            .where(links.c.need_id == need_id)
            .order_by(orm.recommendations.c.id)
        )
        return list(self.session.scalars(query))

    def recommendation(self, recommendation_id: int) -> Recommendation | None:
        return self.session.get(Recommendation, recommendation_id)

    def recommendations(
        self,
        state: str | None = None,
        group_id: int | None = None,
        *,
        round_label: str | None = None,
        conference_id: int | None = None,
        municipality_key: str | None = None,
    ) -> list[Recommendation]:
        """Recommendations matching every given filter, with group, conference and needs loaded.

        ``municipality_key`` keeps those answering at least one need of that municipality.
        """
        recs, groups = orm.recommendations, orm.working_groups
        query = select(Recommendation).order_by(recs.c.id)
        query = _filter(query, recs.c.state, state)
        query = _filter(query, recs.c.working_group_id, group_id)
        if round_label is not None or conference_id is not None:
            query = query.join(groups, groups.c.id == recs.c.working_group_id)
            query = _filter(query, groups.c.conference_id, conference_id)
        if round_label is not None:
            query = (
                query.join(orm.cycles, orm.cycles.c.id == groups.c.conference_id)
                .join(orm.rounds, orm.rounds.c.id == orm.cycles.c.round_id)
                .where(orm.rounds.c.label == round_label)
            )
        if municipality_key is not None:
            links, needs = orm.recommendation_needs, orm.needs
            query = query.where(
                exists()
                .where(links.c.recommendation_id == recs.c.id)
                .where(needs.c.id == links.c.need_id)
                .where(needs.c.municipality_key == municipality_key)
            )
        query = query.options(
            selectinload(_attribute(Recommendation, "working_group"))
            .joinedload(_attribute(WorkingGroup, "conference"))
            .joinedload(_attribute(Cycle, "round")),
            selectinload(_attribute(Recommendation, "needs")).joinedload(
                _attribute(Need, "municipality")
            ),
        )
        return list(self.session.scalars(query))

    def municipality(self, key: str) -> Municipality | None:
        return self.session.get(Municipality, key)

    def municipalities(self) -> list[Municipality]:
        return list(self.session.scalars(select(Municipality).order_by(orm.municipalities.c.name)))

    def body(self, key: str) -> Body | None:
        return self.session.get(Body, key)

    def bodies(self) -> list[Body]:
        return list(self.session.scalars(select(Body).order_by(orm.bodies.c.name)))

    def log(self, subject_kind: str, subject_id: int) -> list[TransitionRecord]:
        query = (
            select(TransitionRecord)
            .where(orm.transition_log.c.subject_kind == subject_kind)
            .where(orm.transition_log.c.subject_id == subject_id)
            .order_by(orm.transition_log.c.id)
        )
        return list(self.session.scalars(query))

    def notifications(self, status: str | None = None, lock: bool = False) -> list[Notification]:
        query = select(Notification).order_by(orm.notifications.c.id)
        if lock:
            query = query.with_for_update(skip_locked=True)
        return list(self.session.scalars(_filter(query, orm.notifications.c.status, status)))

    def participant(self, email: str) -> Participant | None:
        query = select(Participant).where(orm.participants.c.email == email.lower())
        return self.session.scalars(query).first()

    def participants(
        self, municipality_key: str | None = None, role: str | None = None
    ) -> list[Participant]:
        query = select(Participant).order_by(orm.participants.c.name, orm.participants.c.email)
        query = _filter(query, orm.participants.c.municipality_key, municipality_key)
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

    def remove(self, item: object) -> None:
        self.session.delete(item)

    def enqueue(self, message: OutboxMessage) -> None:
        """Put a message into the outbox, in the transaction of the change that caused it."""
        self.session.add(message)

    def claim_due(self, now: datetime, limit: int, stale_before: datetime) -> list[OutboxMessage]:
        """Mark up to ``limit`` due messages as being sent by us, and return them.

        Due are queued messages, retries whose time has come, and messages a
        crashed sender claimed before ``stale_before``. On PostgreSQL, rows
        another sender holds are skipped (``FOR UPDATE SKIP LOCKED``), so any
        number of senders can drain one outbox; SQLite ignores the clause and
        serialises writers instead.
        """
        query = (
            select(OutboxMessage)
            .where(_due(now, stale_before))
            .order_by(orm.outbox.c.next_attempt_at, orm.outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        messages = list(self.session.scalars(query))
        for message in messages:
            message.status = OutboxStatus.SENDING
            message.claimed_at = now
            message.attempts += 1
        return messages

    def count_due(self, now: datetime, stale_before: datetime) -> int:
        query = select(func.count()).select_from(orm.outbox).where(_due(now, stale_before))
        return int(self.session.execute(query).scalar_one())

    def mark_sent(self, outbox_id: int, at: datetime, answer: str) -> None:
        self._update_outbox(
            outbox_id, status=OutboxStatus.SENT, sent_at=at, last_error=answer, claimed_at=None
        )

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
        return list(self.session.scalars(_filter(query, orm.outbox.c.status, status)))

    def _update_outbox(self, outbox_id: int, **values: object) -> None:
        statement = update(orm.outbox).where(orm.outbox.c.id == outbox_id).values(**values)
        self.session.execute(statement.execution_options(synchronize_session=False))


def _due(now: datetime, stale_before: datetime) -> Any:
    outbox = orm.outbox.c
    waiting = (OutboxStatus.QUEUED.value, OutboxStatus.RETRY.value)
    return or_(
        and_(outbox.status.in_(waiting), outbox.next_attempt_at <= now),
        and_(outbox.status == OutboxStatus.SENDING.value, outbox.claimed_at <= stale_before),
    )


def _attribute(cls: type, name: str) -> Any:
    """A mapped relationship of a domain class (mapped imperatively, so untyped to mypy)."""
    return getattr(cls, name)


def _filter(query: Any, column: Any, value: object) -> Any:
    return query if value is None else query.where(column == value)
