"""Use cases of the outbox: queue a message, drain the outbox, show what failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from deliberation.domain.outbox import OutboxMessage, OutboxStatus, Outcome, RetryPolicy
from deliberation.service_layer.ports import Dependencies, MailTransport, UnitOfWork


@dataclass
class SendSummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True)
class FailedMessageView:
    recipient: str
    subject: str
    message_id: str
    attempts: int
    answer: str


@dataclass(frozen=True)
class OutboxOverview:
    counts: dict[str, int]
    failed: tuple[FailedMessageView, ...]


@dataclass(frozen=True)
class SendOptions:
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    claim_timeout: timedelta = timedelta(minutes=15)
    batch_size: int = 20


def enqueue(uow: UnitOfWork, message: OutboxMessage) -> None:
    """Queue ``message`` in the caller's unit of work: it goes out only if the change commits."""
    uow.repo.enqueue(message)


def count_due(deps: Dependencies, options: SendOptions) -> int:
    now = deps.clock()
    with deps.unit_of_work() as uow:
        return uow.repo.count_due(now, now - options.claim_timeout)


def send_due(
    deps: Dependencies,
    transport: MailTransport,
    options: SendOptions,
    on_result: Callable[[OutboxStatus], None] | None = None,
) -> SendSummary:
    """Deliver every due message; record each attempt as soon as it is known."""
    summary = SendSummary()

    def claim() -> list[OutboxMessage]:
        now = deps.clock()
        with deps.unit_of_work() as uow:
            batch = uow.repo.claim_due(now, options.batch_size, now - options.claim_timeout)
            uow.commit()
        return batch

    def report(message: OutboxMessage, outcome: Outcome, answer: str) -> None:
        status = _record(deps, options.policy, message, outcome, answer)
        summary.sent += status == OutboxStatus.SENT
        summary.retried += status == OutboxStatus.RETRY
        summary.failed += status == OutboxStatus.FAILED
        if on_result is not None:
            on_result(status)

    transport.deliver(claim, report)
    return summary


def _record(
    deps: Dependencies,
    policy: RetryPolicy,
    message: OutboxMessage,
    outcome: Outcome,
    answer: str,
) -> OutboxStatus:
    assert message.id is not None, "only stored messages are delivered"
    now = deps.clock()
    with deps.unit_of_work() as uow:
        if outcome == Outcome.SENT:
            uow.repo.mark_sent(message.id, now, answer)
            status = OutboxStatus.SENT
        elif outcome == Outcome.UNREACHABLE:
            # A relay outage must not use up the attempts of every message in the outbox.
            uow.repo.release(message.id, answer, now + policy.base)
            status = OutboxStatus.RETRY
        elif outcome == Outcome.PERMANENT or policy.gives_up(message.attempts):
            uow.repo.mark_failed(message.id, answer)
            status = OutboxStatus.FAILED
        else:
            uow.repo.mark_retry(message.id, answer, now + policy.delay(message.attempts))
            status = OutboxStatus.RETRY
        uow.commit()
    return status


def overview(deps: Dependencies) -> OutboxOverview:
    """Messages per status, and every message that finally failed with the server's answer."""
    with deps.unit_of_work() as uow:
        counts = uow.repo.outbox_counts()
        failed = tuple(
            FailedMessageView(m.recipient, m.subject, m.message_id, m.attempts, m.last_error)
            for m in uow.repo.outbox_messages(OutboxStatus.FAILED)
        )
    return OutboxOverview(
        counts={status.value: counts.get(status.value, 0) for status in OutboxStatus},
        failed=failed,
    )
