"""Small query helpers shared by the SQLAlchemy stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, update
from sqlalchemy.orm import Session


def filter_by(query: Any, column: Any, value: object) -> Any:
    """``query`` narrowed to ``column == value``, or unchanged when ``value`` is None."""
    return query if value is None else query.where(column == value)


def locking(session: Session, query: Any, table: Table, row_id: int) -> Any:
    """``query`` for the row ``row_id`` of ``table``, held until the end of the transaction.

    PostgreSQL locks the row (``FOR UPDATE``). SQLite ignores that clause, so an UPDATE
    that changes nothing takes the database's write lock first: two transactions that
    lock the same row then run one after the other.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(table)
            .where(table.c.id == row_id)
            .values(id=table.c.id)
            .execution_options(synchronize_session=False)
        )
    return query.with_for_update()
