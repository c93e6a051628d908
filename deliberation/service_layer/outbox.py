"""Use cases of the outbox: queue a message, drain the outbox, show what is waiting, sent
and failed, and try failed messages again."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from deliberation.domain.outbox import (
    STATUS_TITLES,
    OutboxMessage,
    OutboxStatus,
    Outcome,
    RetryPolicy,
)
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
    id: int = 0


@dataclass(frozen=True)
class WaitingMessageView:
    """A message a temporary failure sent back to wait for its next attempt."""

    recipient: str
    subject: str
    message_id: str
    attempts: int
    next_attempt_at: datetime
    answer: str


@dataclass(frozen=True)
class OutboxOverview:
    counts: dict[str, int]
    failed: tuple[FailedMessageView, ...]
    waiting: tuple[WaitingMessageView, ...] = ()


@dataclass(frozen=True)
class SendOptions:
    """How a run sends.

    ``take_over``: messages another run left in "sending" before this run
    started are taken over at once instead of after ``claim_timeout``; for a
    restart after a crash, when no other sender is running.
    """

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    claim_timeout: timedelta = timedelta(minutes=15)
    batch_size: int = 20
    take_over: bool = False


def enqueue(uow: UnitOfWork, message: OutboxMessage) -> None:
    """Queue ``message`` in the caller's unit of work: it goes out only if the change commits."""
    uow.repo.enqueue(message)


def enqueue_all(uow: UnitOfWork, messages: Sequence[OutboxMessage]) -> None:
    """Queue many messages in the caller's unit of work (one statement, not one per message)."""
    uow.repo.enqueue_many(messages)


def count_due(deps: Dependencies, options: SendOptions) -> int:
    now = deps.clock()
    with deps.unit_of_work() as uow:
        return uow.repo.count_due(now, _stale_before(now, now, options))


def send_due(
    deps: Dependencies,
    transport: MailTransport,
    options: SendOptions,
    on_result: Callable[[OutboxStatus], None] | None = None,
) -> SendSummary:
    """Deliver every due message; record the outcomes in small batches.

    Outcomes are written together with the next claim (one transaction) and
    at the end. A crash loses at most the outcomes not yet written: those
    messages stay "sending" and go out again later with the same Message-ID.
    The transport may call ``claim`` from another thread than ``report``, but
    never two claims at once.
    """
    started = deps.clock()
    recorder = _Recorder(deps, options.policy, on_result)

    def claim() -> list[OutboxMessage]:
        now = deps.clock()
        with deps.unit_of_work() as uow:
            statuses = recorder.write(uow, now)
            batch = uow.repo.claim_due(
                now, options.batch_size, _stale_before(now, started, options)
            )
            uow.commit()
        recorder.written(statuses)
        return batch

    def report(message: OutboxMessage, outcome: Outcome, answer: str) -> None:
        recorder.results.append((message, outcome, answer, deps.clock()))

    try:
        transport.deliver(claim, report)
    finally:
        recorder.flush()
    return recorder.summary


def _stale_before(now: datetime, started: datetime, options: SendOptions) -> datetime:
    """Claims made before this moment belong to a sender that is gone."""
    expired = now - options.claim_timeout
    return max(expired, started) if options.take_over else expired


class _Recorder:
    """The outcomes of one run that are not in the database yet."""

    def __init__(
        self,
        deps: Dependencies,
        policy: RetryPolicy,
        on_result: Callable[[OutboxStatus], None] | None,
    ) -> None:
        self.deps = deps
        self.policy = policy
        self.on_result = on_result
        #: (message, outcome, the server's answer, when it came)
        self.results: list[tuple[OutboxMessage, Outcome, str, datetime]] = []
        self.summary = SendSummary()

    def flush(self) -> None:
        if not self.results:
            return
        with self.deps.unit_of_work() as uow:
            statuses = self.write(uow, self.deps.clock())
            uow.commit()
        self.written(statuses)

    def write(self, uow: UnitOfWork, now: datetime) -> list[OutboxStatus]:
        """Put the waiting outcomes into ``uow``; they count once it commits (``written``).

        Works on a copy: ``report`` may append more meanwhile (from the event loop's thread).
        """
        results = list(self.results)
        sent = [
            (_id(m), answer, at) for m, outcome, answer, at in results if outcome == Outcome.SENT
        ]
        uow.repo.mark_sent_many(sent)
        return [
            OutboxStatus.SENT
            if outcome == Outcome.SENT
            else _record_failure(uow, self.policy, message, outcome, answer, now)
            for message, outcome, answer, _at in results
        ]

    def written(self, statuses: list[OutboxStatus]) -> None:
        del self.results[: len(statuses)]  # the oldest: later ones were appended behind them
        for status in statuses:
            self.summary.sent += status == OutboxStatus.SENT
            self.summary.retried += status == OutboxStatus.RETRY
            self.summary.failed += status == OutboxStatus.FAILED
            if self.on_result is not None:
                self.on_result(status)


def _id(message: OutboxMessage) -> int:
    assert message.id is not None, "only stored messages are delivered"
    return message.id


def _record_failure(
    uow: UnitOfWork,
    policy: RetryPolicy,
    message: OutboxMessage,
    outcome: Outcome,
    answer: str,
    now: datetime,
) -> OutboxStatus:
    if outcome == Outcome.UNREACHABLE:
        # A relay outage must not use up the attempts of every message in the outbox.
        uow.repo.release(_id(message), answer, now + policy.base)
        return OutboxStatus.RETRY
    if outcome == Outcome.PERMANENT or policy.gives_up(message.attempts):
        uow.repo.mark_failed(_id(message), answer)
        return OutboxStatus.FAILED
    uow.repo.mark_retry(_id(message), answer, now + policy.delay(message.attempts))
    return OutboxStatus.RETRY


def overview(deps: Dependencies) -> OutboxOverview:
    """Messages per status; every message that finally failed, and every one waiting to be
    tried again, each with the server's last answer."""
    with deps.unit_of_work() as uow:
        counts = uow.repo.outbox_counts()
        failed = tuple(
            FailedMessageView(
                m.recipient, m.subject, m.message_id, m.attempts, m.last_error, m.id or 0
            )
            for m in uow.repo.outbox_messages(OutboxStatus.FAILED)
        )
        waiting = tuple(
            WaitingMessageView(
                m.recipient, m.subject, m.message_id, m.attempts, m.next_attempt_at, m.last_error
            )
            for m in uow.repo.outbox_messages(OutboxStatus.RETRY)
        )
    return OutboxOverview(
        counts={status.value: counts.get(status.value, 0) for status in OutboxStatus},
        failed=failed,
        waiting=waiting,
    )


class MessageGroup(StrEnum):
    """What staff look for in the outbox."""

    WAITING = "waiting"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


GROUP_STATUSES = {
    MessageGroup.WAITING: (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.RETRY),
    MessageGroup.SENT: (OutboxStatus.SENT,),
    MessageGroup.FAILED: (OutboxStatus.FAILED,),
    MessageGroup.WITHDRAWN: (OutboxStatus.WITHDRAWN,),
}
GROUP_TITLES = {
    MessageGroup.WAITING: "wartend",
    MessageGroup.SENT: "gesendet",
    MessageGroup.FAILED: "gescheitert",
    MessageGroup.WITHDRAWN: "nicht gesendet",
}


@dataclass(frozen=True)
class MessageLine:
    id: int
    recipient: str
    subject: str
    status: str
    status_title: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    answer: str  # the server's last answer (or why it was not sent)


@dataclass(frozen=True)
class MessagePage:
    group: MessageGroup
    lines: tuple[MessageLine, ...]
    total: int
    offset: int
    limit: int


def message_page(
    deps: Dependencies, group: MessageGroup, offset: int = 0, limit: int = 50
) -> MessagePage:
    """Messages of one group, newest first, with the server's answer; bodies stay unread."""
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    with deps.unit_of_work() as uow:
        rows, total = uow.repo.outbox_lines(
            [s.value for s in GROUP_STATUSES[group]], limit, offset
        )
    lines = tuple(
        MessageLine(
            id_, recipient, subject, status, STATUS_TITLES[OutboxStatus(status)], attempts,
            created, next_at, sent, answer,
        )
        for id_, recipient, subject, status, attempts, created, next_at, sent, answer in rows
    )
    return MessagePage(group, lines, total, offset, limit)


def retry_failed(deps: Dependencies, ids: Collection[int] | None = None) -> int:
    """Queue finally failed messages (all, or those of ``ids``) again with fresh attempts;
    the next ``outbox send`` delivers them with their Message-ID. Returns how many."""
    with deps.unit_of_work() as uow:
        count = uow.repo.requeue_failed(ids, deps.clock())
        uow.commit()
        return count
