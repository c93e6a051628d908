"""Generated meetings and due work in the database."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Table,
    Text,
    and_,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.adapters._query import filter_by
from deliberation.domain.model import Meeting, SubjectKind
from deliberation.domain.participants import Participant
from deliberation.domain.scheduling import DueStatus, DueWork


def _open(table: Table, closed: Mapping[tuple[str, int], Collection[str]]) -> ColumnElement[bool]:
    """Rows of ``table`` whose state is not one of the closed states of their workflow version."""
    c = table.c
    in_closed = [
        and_(c.workflow == name, c.workflow_version == version, c.state.in_(sorted(states)))
        for (name, version), states in closed.items()
        if states
    ]
    return not_(or_(false(), *in_closed))


def _without_due_work(table: Table, subject_kind: str, due_kind: str) -> ColumnElement[bool]:
    due = orm.due_work.c
    return ~exists().where(
        due.subject_kind == subject_kind, due.subject_id == table.c.id, due.kind == due_kind
    )


class ScheduleStore:
    session: Session

    def open_groups_without(
        self, due_kind: str, closed: Mapping[tuple[str, int], Collection[str]]
    ) -> list[tuple[int, date]]:
        """Id and due date of every working group not in a closed state that has no due
        work of ``due_kind`` yet; one query."""
        groups = orm.working_groups
        query = (
            select(groups.c.id, groups.c.due_date)
            .where(
                _open(groups, closed),
                _without_due_work(groups, SubjectKind.WORKING_GROUP, due_kind),
            )
            .order_by(groups.c.id)
        )
        return [(int(i), day) for i, day in self.session.execute(query)]

    def open_recommendations_without(
        self, due_kind: str, closed: Mapping[tuple[str, int], Collection[str]]
    ) -> list[tuple[int, datetime]]:
        """Id and creation time of every recommendation not in a closed state that has no
        due work of ``due_kind`` yet; one query."""
        recs = orm.recommendations
        query = (
            select(recs.c.id, recs.c.created_at)
            .where(
                _open(recs, closed),
                _without_due_work(recs, SubjectKind.RECOMMENDATION, due_kind),
            )
            .order_by(recs.c.id)
        )
        return [(int(i), at) for i, at in self.session.execute(query)]

    def meeting(self, meeting_id: int, lock: bool = False) -> Meeting | None:
        lock_row = {"of": orm.meetings} if lock else None
        return self.session.get(Meeting, meeting_id, with_for_update=lock_row)

    def planned_periods(self, series: str, first: date, last: date) -> set[date]:
        """Period starts in ``[first, last]`` for which ``series`` has a meeting (any status)."""
        column = orm.meetings.c.period_start
        query = (
            select(column)
            .where(orm.meetings.c.series == series)
            .where(column >= first)
            .where(column <= last)
        )
        return set(self.session.scalars(query))

    def meeting_in_period(self, series: str, period_start: date) -> Meeting | None:
        query = (
            select(Meeting)
            .where(orm.meetings.c.series == series)
            .where(orm.meetings.c.period_start == period_start)
        )
        return self.session.scalars(query).first()

    def body_members(self, body_key: str) -> list[Participant]:
        """Everyone registered as a member of ``body_key``."""
        body_keys = type_coerce(orm.participants.c.body_keys, Text)
        query = (
            select(Participant)
            .where(body_keys.contains(f",{body_key},", autoescape=True))
            .order_by(orm.participants.c.name, orm.participants.c.email)
        )
        return list(self.session.scalars(query))

    def add_due_work(self, items: Collection[DueWork]) -> int:
        """Add the items whose key is new; return how many were added."""
        existing = self.existing_due_keys([item.key for item in items])
        added = 0
        for item in items:
            if item.key not in existing:
                self.session.add(item)
                existing.add(item.key)
                added += 1
        return added

    def existing_due_keys(self, keys: Collection[str]) -> set[str]:
        found: set[str] = set()
        wanted = sorted(set(keys))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = select(orm.due_work.c.key).where(orm.due_work.c.key.in_(chunk))
            found.update(self.session.scalars(query))
        return found

    def claim_next_due(self, now: datetime) -> DueWork | None:
        """The oldest pending item due at ``now``, locked until this transaction ends.

        On PostgreSQL another process skips the locked row (``SKIP LOCKED``);
        SQLite serialises writers, and only one scheduler runs anyway.
        """
        query = (
            select(DueWork)
            .where(orm.due_work.c.status == DueStatus.PENDING.value)
            .where(orm.due_work.c.due_at <= now)
            .order_by(orm.due_work.c.due_at, orm.due_work.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(query).first()

    def due_work_item(self, item_id: int) -> DueWork | None:
        return self.session.get(DueWork, item_id)

    def next_due_at(self) -> datetime | None:
        query = select(func.min(orm.due_work.c.due_at)).where(
            orm.due_work.c.status == DueStatus.PENDING.value
        )
        value: datetime | None = self.session.execute(query).scalar_one()
        return value

    def due_work_of(self, subject_kind: str, subject_id: int) -> list[DueWork]:
        query = (
            select(DueWork)
            .where(orm.due_work.c.subject_kind == subject_kind)
            .where(orm.due_work.c.subject_id == subject_id)
            .order_by(orm.due_work.c.due_at, orm.due_work.c.id)
        )
        return list(self.session.scalars(query))

    def troubled_due_work(self, limit: int) -> list[DueWork]:
        """Items that failed, are being retried after an error, or ran late; newest first."""
        due = orm.due_work.c
        failed_or_retrying = (due.status == DueStatus.FAILED.value) | (
            (due.status == DueStatus.PENDING.value) & (due.attempts > 0)
        )
        query = (
            select(DueWork)
            .where(failed_or_retrying | due.late.is_(True))
            .order_by(due.due_at.desc(), due.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def due_work(
        self, status: str | None = None, kind: str | None = None, limit: int | None = None
    ) -> list[DueWork]:
        query = select(DueWork).order_by(orm.due_work.c.due_at, orm.due_work.c.id)
        query = filter_by(query, orm.due_work.c.status, status)
        query = filter_by(query, orm.due_work.c.kind, kind)
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))
