"""The OParl server's memory of change: ``modified_at`` on every flush, tombstones for what goes.

Installed once on the session factory by the composition root, so no use case can
forget it: every new or changed recommendation, consultation, meeting and participant
gets ``modified_at`` from the injected clock; a consultation's change also moves its
recommendation (the paper embeds it) and its meeting (the agenda item), with a plain
UPDATE that leaves their version counters alone. A published object that goes (a row
deleted, a person no longer consenting to the publication of their name) leaves a row
in ``oparl_tombstones``; a person who consents again takes theirs back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, event, insert, inspect, or_, update
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from deliberation.adapters import orm
from deliberation.domain.consultations import Consultation
from deliberation.domain.model import Meeting, Recommendation
from deliberation.domain.participants import Participant
from deliberation.service_layer.oparl_rows import TombstoneKind
from deliberation.service_layer.participants import may_publish, publication_allowed

STAMPED = (Recommendation, Consultation, Meeting, Participant)
_PENDING = "deliberation.publication_stamps"


@dataclass
class _Pending:
    now: datetime
    consultations: list[Consultation] = field(default_factory=list)
    tombstones: list[dict[str, Any]] = field(default_factory=list)
    restored: list[tuple[TombstoneKind, str]] = field(default_factory=list)

    def gone(self, kind: TombstoneKind, key: object, created: datetime | None) -> None:
        self.restored.append((kind, str(key)))  # one tombstone per object: the latest
        self.tombstones.append(
            {
                "kind": kind.value,
                "object_key": str(key),
                "created_at": created,
                "deleted_at": self.now,
            }
        )


def install(factory: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
    """Keep change times and tombstones in every session ``factory`` makes."""

    def before_flush(session: Session, context: UOWTransaction, instances: Any) -> None:
        pending = session.info.setdefault(_PENDING, _Pending(clock()))
        for obj in session.new:
            if isinstance(obj, STAMPED):
                _changed(obj, pending, new=True)
        for obj in session.dirty:
            if isinstance(obj, STAMPED) and session.is_modified(obj, include_collections=False):
                _changed(obj, pending, new=False)
        for obj in session.deleted:
            _deleted(obj, pending)

    def after_flush(session: Session, context: UOWTransaction) -> None:
        pending: _Pending | None = session.info.pop(_PENDING, None)
        if pending is not None:
            _write(session, pending)

    event.listen(factory, "before_flush", before_flush)
    event.listen(factory, "after_flush", after_flush)


def _changed(obj: Any, pending: _Pending, new: bool) -> None:
    obj.modified_at = pending.now
    if isinstance(obj, Consultation):
        pending.consultations.append(obj)
    elif isinstance(obj, Participant):
        _person_changed(obj, pending, new)


def _person_changed(person: Participant, pending: _Pending, new: bool) -> None:
    was, old_keys = _published_before(person, new)
    now = may_publish(person)
    new_keys = set(person.body_keys) if now else set()
    if was and not now:
        pending.gone(TombstoneKind.PERSON, person.id, person.created_at)
    if now and not was:
        pending.restored.append((TombstoneKind.PERSON, str(person.id)))
    for key in old_keys - new_keys:
        pending.gone(TombstoneKind.MEMBERSHIP, f"{person.id}-{key}", person.created_at)
    for key in new_keys - old_keys:
        pending.restored.append((TombstoneKind.MEMBERSHIP, f"{person.id}-{key}"))


def _published_before(person: Participant, new: bool) -> tuple[bool, set[str]]:
    """Whether the person was published before this flush, and in which bodies."""
    if new:
        return False, set()
    state = inspect(person)

    def before(name: str) -> Any:
        history = state.attrs[name].history
        return history.deleted[0] if history.deleted else getattr(person, name)

    was = publication_allowed(before("publication_consent_at"), before("consent_withdrawn_at"))
    return was, set(before("body_keys")) if was else set()


def _deleted(obj: Any, pending: _Pending) -> None:
    if isinstance(obj, Participant) and may_publish(obj):
        pending.gone(TombstoneKind.PERSON, obj.id, obj.created_at)
        for key in sorted(obj.body_keys):
            pending.gone(TombstoneKind.MEMBERSHIP, f"{obj.id}-{key}", obj.created_at)
    elif isinstance(obj, Recommendation):
        pending.gone(TombstoneKind.PAPER, obj.id, obj.created_at)
    elif isinstance(obj, Meeting) and obj.body_key is not None:
        pending.gone(TombstoneKind.MEETING, obj.id, obj.created_at)
    elif isinstance(obj, Consultation):
        pending.gone(TombstoneKind.CONSULTATION, obj.id, obj.placed_at)
        pending.consultations.append(obj)


def _write(session: Session, pending: _Pending) -> None:
    connection = session.connection()
    table = orm.oparl_tombstones
    if pending.restored:
        connection.execute(
            delete(table).where(
                or_(
                    *(
                        (table.c.kind == kind.value) & (table.c.object_key == key)
                        for kind, key in pending.restored
                    )
                )
            )
        )
    if pending.tombstones:
        connection.execute(insert(table), pending.tombstones)
    papers = {getattr(c, "recommendation_id", None) for c in pending.consultations} - {None}
    meetings = {getattr(c, "meeting_id", None) for c in pending.consultations} - {None}
    _touch(session, orm.recommendations, papers, pending.now)
    _touch(session, orm.meetings, meetings, pending.now)


def _touch(session: Session, table: Any, ids: Iterable[Any], now: datetime) -> None:
    wanted = sorted(ids)
    if wanted:
        session.connection().execute(
            update(table).where(table.c.id.in_(wanted)).values(modified_at=now)
        )
