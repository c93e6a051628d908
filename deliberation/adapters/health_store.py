"""The readiness checks' view of the database (``service_layer.health.HealthProbe``).

Plain Core statements on short connections of their own: a check must answer
even while the pool of the web application's workers is busy, and must never
keep a transaction open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from deliberation.adapters import database, orm
from deliberation.adapters.process_identity import current_owner
from deliberation.domain.outbox import OutboxStatus
from deliberation.service_layer.health import ProbeFailed

WAITING = (OutboxStatus.QUEUED.value, OutboxStatus.RETRY.value)


class SqlHealthProbe:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def schema(self) -> tuple[str, str | None]:
        try:
            status = database.schema_status(self.engine)
        except database.DatabaseError as exc:
            raise ProbeFailed(str(exc)) from None
        return status.head, status.problem()

    def heartbeat(self, process: str) -> tuple[datetime, int] | None:
        table = orm.heartbeats
        query = select(table.c.beat_at, table.c.interval_seconds).where(table.c.process == process)
        row = self._one(query)
        return None if row is None else (row[0], row[1])

    def beat(self, process: str, now: datetime, interval_seconds: int) -> None:
        table = orm.heartbeats
        values = {"beat_at": now, "interval_seconds": interval_seconds, "owner": current_owner()}
        try:
            with self.engine.begin() as connection:
                changed = connection.execute(
                    update(table).where(table.c.process == process).values(**values)
                ).rowcount
                if not changed:
                    connection.execute(insert(table).values(process=process, **values))
        except DBAPIError as exc:
            raise ProbeFailed(_unreachable(exc)) from None

    def oldest_due_message(self, now: datetime) -> datetime | None:
        table = orm.outbox
        query = select(func.min(table.c.next_attempt_at)).where(
            table.c.status.in_(WAITING), table.c.next_attempt_at <= now
        )
        row = self._one(query)
        return None if row is None else row[0]

    def last_sent(self) -> datetime | None:
        row = self._one(select(func.max(orm.outbox.c.sent_at)))
        return None if row is None else row[0]

    def _one(self, query: Select[Any]) -> tuple[Any, ...] | None:
        try:
            with self.engine.connect() as connection:
                row = connection.execute(query).first()
        except DBAPIError as exc:
            raise ProbeFailed(_unreachable(exc)) from None
        return None if row is None else tuple(row)


def _unreachable(exc: DBAPIError) -> str:
    detail = " ".join(str(exc.orig).split())
    return f"Die Datenbank ist nicht erreichbar: {detail}"
