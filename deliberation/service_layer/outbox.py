"""Use cases of the outbox: queue a message, drain the outbox, show what is waiting, sent
and failed, and try failed messages again."""

from __future__ import annotations

import threading
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
from deliberation.service_layer import audit
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
    uow.outbox.enqueue(message)


def enqueue_all(uow: UnitOfWork, messages: Sequence[OutboxMessage]) -> None:
    """Queue many messages in the caller's unit of work (one statement, not one per message)."""
    uow.outbox.enqueue_many(messages)


def count_due(deps: Dependencies, options: SendOptions) -> int:
    now = deps.clock()
    with deps.unit_of_work() as uow:
        return uow.outbox.count_due(now, _stale_before(now, now, options))


def send_due(
    deps: Dependencies,
    transport: MailTransport,
    options: SendOptions,
    on_result: Callable[[OutboxStatus], None] | None = None,
) -> SendSummary:
    """Deliver every due message; record each outcome as it comes.

    ``report`` returns once the outcome is committed (outcomes that come
    while another commit runs are written together in the next one), so a
    connection sends its next message only after the last one is recorded.
    A crash then repeats at most the message each connection had in flight:
    it stays "sending" and goes out again with the same Message-ID, at once
    if the next run finds its sender gone. The transport may call ``claim``
    and ``report`` from any threads, several ``report`` at once.
    """
    started = deps.clock()
    recorder = _Recorder(deps, options.policy, on_result)

    def claim() -> list[OutboxMessage]:
        with recorder.writing:
            now = deps.clock()
            with deps.unit_of_work() as uow:
                statuses = recorder.write(uow, now)
                batch = uow.outbox.claim_due(
                    now, options.batch_size, _stale_before(now, started, options)
                )
                uow.commit()
            recorder.written(statuses)
        return batch

    def report(message: OutboxMessage, outcome: Outcome, answer: str) -> None:
        recorder.add(message, outcome, answer)
        recorder.flush()

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
    """The outcomes of one run that are not in the database yet.

    ``writing`` lets one transaction at a time write them (group commit:
    whoever gets it writes everything waiting, its own outcome and others').
    """

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
        self.writing = threading.Lock()
        self._adding = threading.Lock()

    def add(self, message: OutboxMessage, outcome: Outcome, answer: str) -> None:
        with self._adding:
            self.results.append((message, outcome, answer, self.deps.clock()))

    def flush(self) -> None:
        with self.writing:
            if not self.results:
                return  # another thread's transaction wrote ours too
            with self.deps.unit_of_work() as uow:
                statuses = self.write(uow, self.deps.clock())
                uow.commit()
            self.written(statuses)

    def write(self, uow: UnitOfWork, now: datetime) -> list[OutboxStatus]:
        """Put the waiting outcomes into ``uow``; they count once it commits (``written``).

        Works on a copy: other threads may ``add`` meanwhile. Call with ``writing`` held.
        """
        with self._adding:
            results = list(self.results)
        sent = [
            (_id(m), answer, at) for m, outcome, answer, at in results if outcome == Outcome.SENT
        ]
        uow.outbox.mark_sent_many(sent)
        return [
            OutboxStatus.SENT
            if outcome == Outcome.SENT
            else _record_failure(uow, self.policy, message, outcome, answer, now)
            for message, outcome, answer, _at in results
        ]

    def written(self, statuses: list[OutboxStatus]) -> None:
        with self._adding:
            del self.results[: len(statuses)]  # the oldest: later ones were added behind them
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
        uow.outbox.release(_id(message), answer, now + policy.base)
        return OutboxStatus.RETRY
    if outcome == Outcome.PERMANENT or policy.gives_up(message.attempts):
        uow.outbox.mark_failed(_id(message), answer)
        return OutboxStatus.FAILED
    uow.outbox.mark_retry(_id(message), answer, now + policy.delay(message.attempts))
    return OutboxStatus.RETRY


def overview(deps: Dependencies) -> OutboxOverview:
    """Messages per status; every message that finally failed, and every one waiting to be
    tried again, each with the server's last answer."""
    with deps.unit_of_work() as uow:
        counts = uow.outbox.outbox_counts()
        failed = tuple(
            FailedMessageView(
                m.recipient, m.subject, m.message_id, m.attempts, m.last_error, m.id or 0
            )
            for m in uow.outbox.outbox_messages(OutboxStatus.FAILED)
        )
        waiting = tuple(
            WaitingMessageView(
                m.recipient, m.subject, m.message_id, m.attempts, m.next_attempt_at, m.last_error
            )
            for m in uow.outbox.outbox_messages(OutboxStatus.RETRY)
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
        rows, total = uow.outbox.outbox_lines(
            [s.value for s in GROUP_STATUSES[group]], limit, offset
        )
    lines = tuple(
        MessageLine(
            id_,
            recipient,
            subject,
            status,
            STATUS_TITLES[OutboxStatus(status)],
            attempts,
            created,
            next_at,
            sent,
            answer,
        )
        for id_, recipient, subject, status, attempts, created, next_at, sent, answer in rows
    )
    return MessagePage(group, lines, total, offset, limit)


def retry_failed(deps: Dependencies, ids: Collection[int] | None = None, actor: str = "") -> int:
    """Queue finally failed messages (all, or those of ``ids``) again with fresh attempts;
    the next ``outbox send`` delivers them with their Message-ID. Returns how many; each
    message retried gets its row in the log (no address: the message by its number)."""
    with deps.unit_of_work() as uow:
        now = deps.clock()
        retried = uow.outbox.requeue_failed(ids, now)
        for message_id in retried:
            audit.record(
                uow,
                now,
                actor,
                "outbox_retried",
                ("outbox", message_id),
                before=STATUS_TITLES[OutboxStatus.FAILED],
                after=STATUS_TITLES[OutboxStatus.QUEUED],
            )
        uow.commit()
        return len(retried)
