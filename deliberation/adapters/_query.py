"""Small query helpers shared by the SQLAlchemy stores."""

from __future__ import annotations

from typing import Any


def filter_by(query: Any, column: Any, value: object) -> Any:
    """``query`` narrowed to ``column == value``, or unchanged when ``value`` is None."""
    return query if value is None else query.where(column == value)
