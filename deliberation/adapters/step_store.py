"""The step fast path's storage: records read with one Core SELECT, written with one UPDATE.

A single step needs the record's own row, sometimes one kind of its children, and
facts about others. Loading it through the ORM (identity map, lazy loads, a
unit-of-work flush) costs several times what the step itself does. Here the row
becomes a *detached* instance of the mapped domain class, the unchanged
``WorkflowEngine`` fires on it, and ``save_detached`` writes the changed columns
with ``UPDATE … WHERE id = :id AND version = :version``: a version that moved in
the meantime is the same ``ConcurrencyConflict`` the ORM's version check raises.

Relationships that were not loaded hold ``NOT_LOADED``, which refuses every use:
a rule that walks the object graph without saying so (``Rule.reads``) fails loudly
instead of seeing an empty list.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, NoReturn

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    Table,
    Update,
    bindparam,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import manager_of_class, set_committed_value

from deliberation.adapters import orm
from deliberation.domain.errors import ConcurrencyConflict
from deliberation.domain.model import (
    Cycle,
    Municipality,
    Need,
    Notification,
    Stateful,
    TransitionRecord,
)

CONFLICT_MESSAGE = (
    "Der Datensatz wurde inzwischen von jemand anderem geändert; Ihre Änderung wurde nicht "
    "gespeichert. Bitte den aktuellen Stand ansehen und den Schritt erneut ausführen."
)


class _NotLoaded:
    """Stands for a relationship the fast path did not read; any use is a programming error."""

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise RuntimeError(
            "relationship not loaded on a detached record: declare it in the rule's reads"
        )

    __iter__ = __len__ = __bool__ = __getitem__ = __contains__ = _refuse

    def __getattr__(self, name: str) -> NoReturn:
        self._refuse()


NOT_LOADED: Any = _NotLoaded()

_CYCLE_RELATIONSHIPS = ("round", "needs", "agenda_topics", "working_groups")
_NEED_RELATIONSHIPS = ("municipality",)
_LOG_COLUMNS = tuple(c.name for c in orm.transition_log.columns if c.name != "id")
_NOTIFICATION_COLUMNS = tuple(c.name for c in orm.notifications.columns if c.name != "id")
# Statements are built once with bind parameters: building and caching a statement per
# call costs more than executing it.
_CYCLE_SELECT = select(orm.cycles, orm.municipalities.c.name.label("municipality_name")).outerjoin(
    orm.municipalities, orm.municipalities.c.key == orm.cycles.c.municipality_key
)
_CYCLE_BY_ID = _CYCLE_SELECT.where(orm.cycles.c.id == bindparam("cycle_id"))
_CYCLE_BY_ID_LOCKED = _CYCLE_BY_ID.with_for_update(of=orm.cycles)
_CYCLE_OF_NEED = _CYCLE_SELECT.join(orm.needs, orm.needs.c.cycle_id == orm.cycles.c.id).where(
    orm.needs.c.id == bindparam("need_id")
)
_NEEDS_OF_CYCLE = select(orm.needs).where(orm.needs.c.cycle_id == bindparam("cycle_id"))
_ANY_NEED = select(exists().where(orm.needs.c.cycle_id == bindparam("cycle_id")))
_ANY_VOTED_NEED = select(
    exists().where(
        orm.needs.c.cycle_id == bindparam("cycle_id"),
        orm.needs.c.votes + orm.needs.c.online_votes > 0,
    )
)
_ANY_AGENDA_TOPIC = select(
    exists().where(orm.agenda_topics.c.conference_id == bindparam("cycle_id"))
)
_ANY_WORKING_GROUP = select(
    exists().where(orm.working_groups.c.conference_id == bindparam("cycle_id"))
)
_ANY_RECOMMENDATION = select(
    exists().where(
        orm.recommendations.c.working_group_id == orm.working_groups.c.id,
        orm.working_groups.c.conference_id == bindparam("cycle_id"),
    )
)
_INSERT_LOG = insert(orm.transition_log)
_INSERT_NOTIFICATION = insert(orm.notifications)
_INSERT_NEED = insert(orm.needs)
_ADD_VOTES = (
    update(orm.needs)
    .where(orm.needs.c.id == bindparam("need_id"))
    .values(votes=orm.needs.c.votes + bindparam("dots"))
    .returning(orm.needs.c.votes)
)
_SET_NEED_STATUS = (
    update(orm.needs)
    .where(orm.needs.c.id == bindparam("need_id"))
    .values(status=bindparam("new_status"))
)


@cache
def _column_names(table: Table) -> tuple[str, ...]:
    return tuple(column.name for column in table.columns)


def _detached(cls: type, table: Table, row: RowMapping, unloaded: Sequence[str]) -> Any:
    """An instance of the mapped ``cls`` holding ``row``, outside any session."""
    instance: Any = manager_of_class(cls).new_instance()
    values = instance.__dict__
    for name in _column_names(table):
        values[name] = row[name]
    for name in unloaded:
        values[name] = NOT_LOADED
    return instance


def _changed_columns(instance: object, table: Table) -> dict[str, Any]:
    """The columns of ``table`` set on a detached ``instance`` since it was read; forgets them.

    Detached instances are filled through ``__dict__`` (no history), so the history
    SQLAlchemy keeps for every later assignment holds the values as read. As in the
    ORM's flush, a column set to the value it had is no change.
    """
    state = manager_of_class(type(instance)).state_getter()(instance)
    values = instance.__dict__
    changed = {
        name: values[name]
        for name, before in state.committed_state.items()
        if name in table.c and name not in {"id", "version"} and values[name] != before
    }
    state.committed_state.clear()
    return changed


@cache
def _checked_update(table: Table, columns: frozenset[str]) -> Update:
    """``UPDATE table SET columns…, version = version + 1 WHERE id = ? AND version = ?``."""
    new_values = {c: bindparam(f"new_{c}", type_=table.c[c].type) for c in columns}
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.version == bindparam("row_version"))
        .values(version=table.c.version + 1, **new_values)
    )


class StepStore:
    session: Session

    def _connection(self) -> Connection:
        return self.session.connection()

    # --- facts for guards (ChildFacts): one EXISTS each ---------------------------------

    def any_need(self, cycle: Cycle, voted: bool = False) -> bool:
        return self._fact(_ANY_VOTED_NEED if voted else _ANY_NEED, cycle)

    def any_agenda_topic(self, conference: Cycle) -> bool:
        return self._fact(_ANY_AGENDA_TOPIC, conference)

    def any_working_group(self, conference: Cycle) -> bool:
        return self._fact(_ANY_WORKING_GROUP, conference)

    def any_recommendation(self, conference: Cycle) -> bool:
        return self._fact(_ANY_RECOMMENDATION, conference)

    def _fact(self, query: Select[Any], cycle: Cycle) -> bool:
        # Core on the session's connection: the fast path has nothing pending to flush
        return bool(self._connection().execute(query, {"cycle_id": cycle.id}).scalar())

    # --- reading ----------------------------------------------------------------------------

    def detached_cycle(self, cycle_id: int, lock: bool = False) -> Cycle | None:
        """The cycle's row (with its municipality) as a detached ``Cycle``; one SELECT.

        ``lock`` holds the row until commit where the database can (PostgreSQL).
        """
        query = _CYCLE_BY_ID_LOCKED if lock else _CYCLE_BY_ID
        row = self._connection().execute(query, {"cycle_id": cycle_id}).mappings().first()
        return None if row is None else self._cycle_from(row)

    def detached_cycle_of_need(self, need_id: int) -> Cycle | None:
        """The cycle a need belongs to, detached as by ``detached_cycle``; one SELECT."""
        row = self._connection().execute(_CYCLE_OF_NEED, {"need_id": need_id}).mappings().first()
        return None if row is None else self._cycle_from(row)

    def _cycle_from(self, row: RowMapping) -> Cycle:
        cycle: Cycle = _detached(Cycle, orm.cycles, row, _CYCLE_RELATIONSHIPS)
        key = row["municipality_key"]
        place = None
        if key is not None:
            place = manager_of_class(Municipality).new_instance()
            place.__dict__.update(key=key, name=row["municipality_name"])
        cycle.__dict__["municipality"] = place
        return cycle

    def load_needs(self, cycle: Cycle) -> None:
        """Give a detached cycle its needs (detached too), read with one SELECT."""
        rows = self._connection().execute(_NEEDS_OF_CYCLE, {"cycle_id": cycle.id}).mappings()
        loaded = []
        for row in rows:
            need: Need = _detached(Need, orm.needs, row, _NEED_RELATIONSHIPS)
            need.__dict__["cycle"] = cycle
            loaded.append(need)
        loaded.sort(key=lambda n: n.id or 0)
        cycle.__dict__["needs"] = loaded

    # --- writing ----------------------------------------------------------------------------

    def save_detached(
        self,
        subject: Cycle,
        record: TransitionRecord | None = None,
        notifications: Sequence[Notification] = (),
    ) -> None:
        """Write a detached cycle's changed columns, its needs' new status, the log row
        and the notifications in the current transaction.

        The UPDATE carries the version the row was read with; if someone changed the
        record since, nothing is written and ``ConcurrencyConflict`` is raised.
        """
        connection = self._connection()
        self._update_checked(connection, orm.cycles, subject)
        self._update_need_status(connection, subject)
        if record is not None:
            values = {name: getattr(record, name) for name in _LOG_COLUMNS}
            connection.execute(_INSERT_LOG, values)  # a dict, not a list: no executemany
        for note in notifications:
            row = {name: getattr(note, name) for name in _NOTIFICATION_COLUMNS}
            connection.execute(_INSERT_NOTIFICATION, row)

    def _update_checked(self, connection: Connection, table: Table, subject: Stateful) -> None:
        changed = _changed_columns(subject, table)
        if not changed:  # like the ORM: no UPDATE, so no version bump either
            return
        statement = _checked_update(table, frozenset(changed))
        values = {f"new_{name}": value for name, value in changed.items()}
        values.update(row_id=subject.id, row_version=subject.version)
        if connection.execute(statement, values).rowcount != 1:
            raise ConcurrencyConflict(CONFLICT_MESSAGE)
        subject.__dict__["version"] = subject.version + 1

    def _update_need_status(self, connection: Connection, cycle: Cycle) -> None:
        loaded = cycle.__dict__["needs"]
        if loaded is NOT_LOADED:
            return
        changes = [
            {"need_id": need.id, "new_status": changed["status"]}
            for need in loaded
            if "status" in (changed := _changed_columns(need, orm.needs))
        ]
        if changes:
            connection.execute(_SET_NEED_STATUS, changes)

    def add_votes(self, need_id: int, dots: int) -> int:
        """Add ``dots`` in one UPDATE and return the new total.

        An expression, not read-then-write: concurrent voters add up instead of
        overwriting each other.
        """
        values = {"need_id": need_id, "dots": dots}
        total = int(self._connection().execute(_ADD_VOTES, values).scalar_one())
        need = self.session.identity_map.get(self.session.identity_key(Need, need_id))
        if need is not None:
            # keep a loaded object in step without another SELECT
            set_committed_value(need, "votes", total)
        return total

    def add_need_row(self, need: Need, cycle: Cycle) -> int:
        """INSERT a new need of a detached cycle; returns its id."""
        result = self._connection().execute(
            _INSERT_NEED,
            {
                "cycle_id": cycle.id,
                "municipality_key": need.municipality.key if need.municipality else None,
                "text": need.text,
                "topic_field": need.topic_field,
                "scope": str(need.scope),
                "votes": need.votes,
                "status": str(need.status),
                "created_at": need.created_at,
            },
        )
        key = result.inserted_primary_key
        assert key is not None
        need.id = int(key[0])
        return need.id
