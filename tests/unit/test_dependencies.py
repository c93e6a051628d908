"""The composition's small helpers that use cases rely on."""

from __future__ import annotations

from datetime import UTC, date, datetime

from deliberation.domain.engine import WorkflowEngine
from deliberation.service_layer.ports import Dependencies


def _deps(now: datetime, timezone: str) -> Dependencies:
    return Dependencies(
        unit_of_work=lambda: None,  # type: ignore[arg-type,return-value]
        engine=WorkflowEngine([]),
        clock=lambda: now,
        timezone=timezone,
    )


def test_today_is_the_county_date_not_the_utc_date() -> None:
    late_evening_utc = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert _deps(late_evening_utc, "Europe/Berlin").today() == date(2026, 3, 2)
    assert _deps(late_evening_utc, "UTC").today() == date(2026, 3, 1)
