"""The readiness checks on a hand-written fake probe: what each finding is and its exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from deliberation.service_layer import health
from deliberation.service_layer.health import Exit, ProbeFailed

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
STUCK_AFTER = timedelta(minutes=30)
ORDER = ["0001", "0002", "0003"]


@dataclass
class FakeProbe:
    revision: str | None = "0003"
    beats: dict[str, tuple[datetime, int]] = field(
        default_factory=lambda: {health.SCHEDULER: (NOW - timedelta(seconds=30), 60)}
    )
    due_since: datetime | None = None
    sent: datetime | None = None
    unreachable: bool = False

    def schema(self) -> tuple[str, str | None]:
        if self.unreachable:
            raise ProbeFailed("Die Datenbank ist nicht erreichbar: connection refused")
        if self.revision == ORDER[-1]:
            return ORDER[-1], None
        return ORDER[-1], f"Die Datenbank hat Stand {self.revision}; 'deliberation init' ausführen."

    def heartbeat(self, process: str) -> tuple[datetime, int] | None:
        return self.beats.get(process)

    def beat(self, process: str, now: datetime, interval_seconds: int) -> None:
        self.beats[process] = (now, interval_seconds)

    def oldest_due_message(self, now: datetime) -> datetime | None:
        return self.due_since

    def last_sent(self) -> datetime | None:
        return self.sent


def _check(probe: FakeProbe) -> health.Readiness:
    return health.readiness(probe, lambda: NOW, STUCK_AFTER)


def _failed(result: health.Readiness) -> list[str]:
    return [check.name for check in result.checks if not check.ok]


def test_all_well_is_ready_with_exit_code_zero() -> None:
    result = _check(FakeProbe())
    assert result.ready and result.exit_code == 0
    assert [c.name for c in result.checks] == ["database", "migrations", "scheduler", "outbox"]


def test_an_unreachable_database_is_the_only_finding() -> None:
    result = _check(FakeProbe(unreachable=True))
    assert _failed(result) == ["database"] and len(result.checks) == 1
    assert result.exit_code == Exit.DATABASE == 2
    assert "connection refused" in result.checks[0].detail


def test_a_schema_that_does_not_fit_is_reported_with_the_schema_checks_sentence() -> None:
    result = _check(FakeProbe(revision="0002"))
    assert _failed(result) == ["migrations"] and result.exit_code == Exit.SCHEMA == 3
    assert (
        result.checks[-1].detail == "Die Datenbank hat Stand 0002; 'deliberation init' ausführen."
    )
    assert len(result.checks) == 2  # scheduler and outbox are not asked of a wrong schema


def test_the_scheduler_may_be_two_ticks_old_not_more() -> None:
    in_time = FakeProbe(beats={health.SCHEDULER: (NOW - timedelta(seconds=120), 60)})
    late = FakeProbe(beats={health.SCHEDULER: (NOW - timedelta(seconds=121), 60)})
    assert _check(in_time).ready
    result = _check(late)
    assert _failed(result) == ["scheduler"] and result.exit_code == Exit.SCHEDULER == 4
    assert "vor 121 s" in result.checks[2].detail


def test_a_scheduler_that_never_ran_is_not_ready() -> None:
    result = _check(FakeProbe(beats={}))
    assert _failed(result) == ["scheduler"]
    assert "noch nie" in result.checks[2].detail


@pytest.mark.parametrize(
    ("due_minutes_ago", "sent_minutes_ago", "stuck"),
    [
        (None, None, False),  # nothing due
        (29, None, False),  # due, but not for long
        (45, 5, False),  # a large mailing being sent: not stuck
        (45, None, True),  # due long, nothing ever went out
        (45, 40, True),  # due long, nothing went out lately
    ],
)
def test_the_outbox_is_stuck_when_mail_waits_long_and_none_goes_out(
    due_minutes_ago: int | None, sent_minutes_ago: int | None, stuck: bool
) -> None:
    probe = FakeProbe(
        due_since=None if due_minutes_ago is None else NOW - timedelta(minutes=due_minutes_ago),
        sent=None if sent_minutes_ago is None else NOW - timedelta(minutes=sent_minutes_ago),
    )
    result = _check(probe)
    assert _failed(result) == (["outbox"] if stuck else [])
    assert result.exit_code == (Exit.OUTBOX if stuck else 0)


def test_the_first_failure_gives_the_exit_code() -> None:
    probe = FakeProbe(beats={}, due_since=NOW - timedelta(hours=2))
    result = _check(probe)
    assert _failed(result) == ["scheduler", "outbox"]
    assert result.exit_code == Exit.SCHEDULER
