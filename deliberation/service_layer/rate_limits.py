"""The rate limit of public forms: so many posts per address and form within a window.

The count lives in the database, so it holds across uvicorn workers and servers.
Windows are fixed (aligned to the epoch), so the count is one row per window.
"""

from __future__ import annotations

from datetime import UTC, datetime

from deliberation.service_layer.ports import Dependencies


def admit(deps: Dependencies, key: str, limit: int, window_minutes: int) -> bool:
    """Count a post of ``key`` (a digest of form and address); whether it is within ``limit``."""
    now = deps.clock()
    window = window_minutes * 60
    start = datetime.fromtimestamp(int(now.timestamp()) // window * window, UTC)
    with deps.unit_of_work() as uow:
        posts = uow.rate_limits.count_post(key, start, expired_before=start)
        uow.commit()
    return posts <= limit
