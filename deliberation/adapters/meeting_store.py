"""Meetings and the invitations to them in the database."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from deliberation.adapters import orm
from deliberation.adapters._query import filter_by, locking
from deliberation.domain.invitations import Invitation, MeetingStatus
from deliberation.domain.model import Meeting
from deliberation.domain.participants import Participant

#: a planned meeting with a place for a cycle (built once: a step asks it every time)
_INVITABLE_MEETING = select(
    exists().where(
        orm.meetings.c.cycle_id == bindparam("cycle_id"),
        orm.meetings.c.status == MeetingStatus.PLANNED.value,
        func.trim(orm.meetings.c.location) != "",
    )
)


class MeetingStore:
    session: Session

    def add_invitations(self, invitations: Sequence[Invitation]) -> None:
        """Store many new invitations with one multi-row INSERT in the caller's transaction
        (a fan-out to thousands: cheaper than the unit-of-work flush of as many objects)."""
        if not invitations:
            return
        columns = [c.name for c in orm.invitations.columns if c.name != "id"]
        rows = [{name: getattr(item, name) for name in columns} for item in invitations]
        self.session.execute(insert(orm.invitations), rows)

    def meeting(self, meeting_id: int, lock: bool = False) -> Meeting | None:
        """The meeting; with ``lock``, held until the end of the transaction (``locking``):
        two answers for the last seat then run one after the other."""
        query = select(Meeting).where(orm.meetings.c.id == meeting_id)
        if lock:
            query = locking(self.session, query, orm.meetings, meeting_id)
        return self.session.scalars(query).first()

    def meetings(
        self,
        body_key: str | None = None,
        *,
        series: str | None = None,
        status: str | None = None,
        starts_from: datetime | None = None,
        starts_before: datetime | None = None,
    ) -> list[Meeting]:
        query = select(Meeting).order_by(orm.meetings.c.starts_at, orm.meetings.c.id)
        query = filter_by(query, orm.meetings.c.body_key, body_key)
        query = filter_by(query, orm.meetings.c.series, series)
        query = filter_by(query, orm.meetings.c.status, status)
        if starts_from is not None:
            query = query.where(orm.meetings.c.starts_at >= starts_from)
        if starts_before is not None:
            query = query.where(orm.meetings.c.starts_at < starts_before)
        return list(self.session.scalars(query))

    def claim_meeting_uid(self, meeting_id: int, candidate: str) -> str:
        """The meeting's calendar UID, ``candidate`` if it had none: two feeds asked at once
        agree on the one the first of them stored (a conditional UPDATE, then a read)."""
        meetings = orm.meetings.c
        self.session.execute(
            update(orm.meetings)
            .where(meetings.id == meeting_id, or_(meetings.uid.is_(None), meetings.uid == ""))
            .values(uid=candidate)
        )
        uid = self.session.execute(select(meetings.uid).where(meetings.id == meeting_id))
        stored = str(uid.scalar_one())
        loaded = self.session.identity_map.get(self.session.identity_key(Meeting, meeting_id))
        if loaded is not None:
            set_committed_value(loaded, "uid", stored)
        return stored

    def meeting_of_cycle(self, cycle_id: int) -> Meeting | None:
        """The cycle's first planned meeting (a workshop evening, the conference day)."""
        query = (
            select(Meeting)
            .where(orm.meetings.c.cycle_id == cycle_id, orm.meetings.c.status == "planned")
            .order_by(orm.meetings.c.starts_at, orm.meetings.c.id)
        )
        return self.session.scalars(query).first()

    def invitable_meeting_exists(self, cycle_id: int) -> bool:
        """Whether the cycle has a planned meeting with a place (one EXISTS, nothing loaded)."""
        found = self.session.connection().execute(_INVITABLE_MEETING, {"cycle_id": cycle_id})
        return bool(found.scalar())

    def meetings_of_cycle(self, cycle_id: int) -> list[Meeting]:
        """The cycle's meetings that are not cancelled, proposed or planned, earliest first."""
        query = (
            select(Meeting)
            .where(orm.meetings.c.cycle_id == cycle_id, orm.meetings.c.status != "cancelled")
            .order_by(orm.meetings.c.starts_at, orm.meetings.c.id)
        )
        return list(self.session.scalars(query))

    def invitations(
        self, meeting_id: int | None = None, participant_id: int | None = None
    ) -> list[Invitation]:
        query = select(Invitation).order_by(orm.invitations.c.id)
        query = filter_by(query, orm.invitations.c.meeting_id, meeting_id)
        query = filter_by(query, orm.invitations.c.participant_id, participant_id)
        return list(self.session.scalars(query))

    def invited_ids(self, meeting_id: int, among: Collection[int]) -> set[int]:
        """Which of the participants ``among`` are invited to the meeting already."""
        column = orm.invitations.c.participant_id
        found: set[int] = set()
        wanted = sorted(among)
        for start in range(0, len(wanted), 500):
            query = select(column).where(
                orm.invitations.c.meeting_id == meeting_id,
                column.in_(wanted[start : start + 500]),
            )
            found.update(self.session.scalars(query))
        return found

    def invitations_of_cycle(self, cycle_id: int) -> list[Invitation]:
        """Invitations to every meeting of the cycle (a workshop evening, the conference day)."""
        query = (
            select(Invitation)
            .join(orm.meetings, orm.meetings.c.id == orm.invitations.c.meeting_id)
            .where(orm.meetings.c.cycle_id == cycle_id)
            .order_by(orm.invitations.c.id)
        )
        return list(self.session.scalars(query))

    def participant_by_id(self, participant_id: int) -> Participant | None:
        return self.session.get(Participant, participant_id)

    def participants_by_id(self, ids: Collection[int]) -> dict[int, Participant]:
        found: dict[int, Participant] = {}
        wanted = sorted(ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = select(Participant).where(orm.participants.c.id.in_(chunk))
            found.update((p.id, p) for p in self.session.scalars(query) if p.id is not None)
        return found
