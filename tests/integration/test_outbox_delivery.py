"""Delivering the outbox to a real SMTP server (aiosmtpd, in-process) on SQLite and PostgreSQL.

The relay below injects the faults a county relay produces: temporary
refusals, permanent refusals, refused recipients and dropped connections.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from deliberation.adapters.smtp_sender import SmtpTransport
from deliberation.bootstrap import Application
from deliberation.config import SmtpConfig
from deliberation.domain.outbox import OutboxMessage, OutboxStatus, RetryPolicy, compose
from deliberation.service_layer import outbox
from deliberation.service_layer.outbox import SendOptions, SendSummary

SENDER = "migration-teilhabe@landkreis-peine.de"
POLICY = RetryPolicy(max_attempts=3, base=timedelta(minutes=1), cap=timedelta(minutes=10))
OPTIONS = SendOptions(POLICY, claim_timeout=timedelta(minutes=15))


class FaultyRelay:
    """An aiosmtpd handler that answers as scripted per recipient, then accepts."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.connections = 0
        self.data_answers: dict[str, list[str]] = {}
        self.rcpt_answers: dict[str, str] = {}
        self.disconnect_once: set[str] = set()

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.rcpt_answers:
            return self.rcpt_answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        [recipient] = envelope.rcpt_tos
        if recipient in self.disconnect_once:
            self.disconnect_once.discard(recipient)
            server.transport.close()
            return "250 OK"  # never arrives: the connection is gone
        scripted = self.data_answers.get(recipient)
        if scripted:
            return scripted.pop(0)
        self.received.append(envelope.original_content)
        return "250 2.0.0 OK: queued"

    def message_ids(self) -> list[str]:
        return [
            str(email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"])
            for raw in self.received
        ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def relay() -> Iterator[tuple[FaultyRelay, int]]:
    handler = FaultyRelay()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _config(app: Application, port: int, **changes: Any) -> SmtpConfig:
    settings = {"connections": 2, "rate_per_minute": 60_000, "timeout_seconds": 5, **changes}
    return dataclasses.replace(app.settings.smtp, host="127.0.0.1", port=port, **settings)


def _queue(app: Application, *recipients: str) -> list[str]:
    """Queue one message per recipient in one unit of work; return their Message-IDs."""
    now = app.deps.clock()
    messages = [compose(SENDER, r, f"Einladung an {r}", "Hallo!", now) for r in recipients]
    with app.deps.unit_of_work() as uow:
        for message in messages:
            outbox.enqueue(uow, message)
        uow.commit()
    return [m.message_id for m in messages]


def _send(app: Application, port: int, **changes: Any) -> SendSummary:
    transport = SmtpTransport(_config(app, port, **changes))
    return outbox.send_due(app.deps, transport, OPTIONS)


def _stored(app: Application) -> dict[str, OutboxMessage]:
    with app.deps.unit_of_work() as uow:
        # plain copies: the unit of work expires what it loaded when it rolls back
        return {m.recipient: dataclasses.replace(m) for m in uow.repo.outbox_messages()}


def test_queued_messages_go_out_over_reused_connections_and_are_marked_sent(
    app: Application, relay: tuple[FaultyRelay, int]
) -> None:
    handler, port = relay
    recipients = [f"person{i}@example.org" for i in range(6)]
    message_ids = _queue(app, *recipients)

    summary = _send(app, port, connections=2)

    assert summary == SendSummary(sent=6, retried=0, failed=0)
    assert sorted(handler.message_ids()) == sorted(message_ids)
    assert handler.connections <= 2
    stored = _stored(app)
    assert {m.status for m in stored.values()} == {OutboxStatus.SENT}
    assert all(m.attempts == 1 and m.sent_at == app.deps.clock() for m in stored.values())
    assert _send(app, port) == SendSummary()  # nothing is sent twice


def test_a_temporary_refusal_is_retried_after_the_back_off_with_the_same_message_id(
    app: Application, relay: tuple[FaultyRelay, int], clock: Any
) -> None:
    handler, port = relay
    handler.data_answers["spaeter@example.org"] = ["451 4.3.0 Bitte später erneut versuchen"]
    [message_id] = _queue(app, "spaeter@example.org")

    assert _send(app, port) == SendSummary(retried=1)
    waiting = _stored(app)["spaeter@example.org"]
    assert (waiting.status, waiting.attempts) == (OutboxStatus.RETRY, 1)
    assert "451" in waiting.last_error and "später" in waiting.last_error
    assert waiting.next_attempt_at == clock.now + POLICY.base
    assert _send(app, port) == SendSummary()  # not due yet

    clock.advance(POLICY.base)
    assert _send(app, port) == SendSummary(sent=1)

    sent = _stored(app)["spaeter@example.org"]
    assert (sent.status, sent.attempts, sent.message_id) == (OutboxStatus.SENT, 2, message_id)
    assert handler.message_ids() == [message_id]


def test_temporary_refusals_end_in_failure_after_the_last_attempt(
    app: Application, relay: tuple[FaultyRelay, int], clock: Any
) -> None:
    handler, port = relay
    handler.data_answers["voll@example.org"] = ["452 4.2.2 Postfach voll"] * 5
    _queue(app, "voll@example.org")

    results = []
    for _ in range(POLICY.max_attempts):
        results.append(_send(app, port))
        clock.advance(POLICY.cap)

    assert results[-1] == SendSummary(failed=1)
    failed = _stored(app)["voll@example.org"]
    assert (failed.status, failed.attempts) == (OutboxStatus.FAILED, POLICY.max_attempts)
    assert "452 4.2.2 Postfach voll" in failed.last_error


def test_a_permanent_refusal_fails_at_once_and_staff_see_the_server_answer(
    app: Application, relay: tuple[FaultyRelay, int]
) -> None:
    handler, port = relay
    handler.data_answers["spam@example.org"] = ["550 5.7.1 Nachricht als Spam abgelehnt"]
    _queue(app, "spam@example.org", "gut@example.org")

    assert _send(app, port) == SendSummary(sent=1, failed=1)

    view = outbox.overview(app.deps)
    assert view.counts[OutboxStatus.FAILED] == 1 and view.counts[OutboxStatus.SENT] == 1
    [failed] = view.failed
    assert failed.recipient == "spam@example.org"
    assert failed.subject == "Einladung an spam@example.org"
    assert failed.answer == "550 5.7.1 Nachricht als Spam abgelehnt"


def test_a_refused_recipient_fails_with_the_server_answer(
    app: Application, relay: tuple[FaultyRelay, int]
) -> None:
    handler, port = relay
    handler.rcpt_answers["weg@example.org"] = "550 5.1.1 Postfach unbekannt"
    _queue(app, "weg@example.org")

    assert _send(app, port) == SendSummary(failed=1)

    [failed] = outbox.overview(app.deps).failed
    assert failed.answer == "550 5.1.1 Postfach unbekannt"
    assert failed.attempts == 1


def test_a_dropped_connection_is_retried_and_the_next_message_goes_over_a_new_one(
    app: Application, relay: tuple[FaultyRelay, int], clock: Any
) -> None:
    handler, port = relay
    handler.disconnect_once.add("abbruch@example.org")
    abort_id, next_id = _queue(app, "abbruch@example.org", "danach@example.org")

    assert _send(app, port, connections=1) == SendSummary(sent=1, retried=1)
    assert handler.message_ids() == [next_id]
    assert handler.connections == 2
    dropped = _stored(app)["abbruch@example.org"]
    assert dropped.status == OutboxStatus.RETRY
    assert "Verbindung" in dropped.last_error

    clock.advance(POLICY.base)
    assert _send(app, port, connections=1) == SendSummary(sent=1)
    assert handler.message_ids() == [next_id, abort_id]


def test_the_rate_limit_spaces_messages_across_all_connections(
    app: Application, relay: tuple[FaultyRelay, int]
) -> None:
    handler, port = relay
    count, per_minute = 6, 1200
    _queue(app, *(f"takt{i}@example.org" for i in range(count)))

    started = time.monotonic()
    summary = _send(app, port, connections=3, rate_per_minute=per_minute)
    elapsed = time.monotonic() - started

    assert summary == SendSummary(sent=count)
    assert len(handler.received) == count
    assert elapsed >= (count - 1) * 60 / per_minute


def test_a_message_a_crashed_sender_left_in_sending_is_reclaimed_with_its_message_id(
    app: Application, relay: tuple[FaultyRelay, int], clock: Any
) -> None:
    handler, port = relay
    [message_id] = _queue(app, "verwaist@example.org")
    with app.deps.unit_of_work() as uow:  # a sender claims it, then dies
        now = clock.now
        [claimed] = uow.repo.claim_due(now, 10, now - OPTIONS.claim_timeout)
        uow.commit()
    assert claimed.status == OutboxStatus.SENDING

    assert _send(app, port) == SendSummary()  # the claim is still fresh
    clock.advance(OPTIONS.claim_timeout + timedelta(seconds=1))
    assert _send(app, port) == SendSummary(sent=1)

    sent = _stored(app)["verwaist@example.org"]
    assert (sent.status, sent.attempts, sent.message_id) == (OutboxStatus.SENT, 2, message_id)
    assert handler.message_ids() == [message_id]


def test_an_unreachable_relay_hands_every_message_back_without_using_up_an_attempt(
    app: Application, clock: Any
) -> None:
    _queue(app, "a@example.org", "b@example.org", "c@example.org")

    summary = _send(app, _free_port())  # nobody listens there

    assert summary == SendSummary(retried=3)
    stored = _stored(app).values()
    assert {(m.status, m.attempts) for m in stored} == {(OutboxStatus.RETRY, 0)}
    assert {m.next_attempt_at for m in stored} == {clock.now + POLICY.base}
    assert all(m.last_error.startswith("Mailserver nicht erreichbar") for m in stored)


def test_two_senders_claim_disjoint_messages(app: Application, clock: Any) -> None:
    _queue(app, *(f"teil{i}@example.org" for i in range(5)))
    now, stale = clock.now, clock.now - OPTIONS.claim_timeout
    postgres = app.db.dialect.name == "postgresql"

    with app.deps.unit_of_work() as first, app.deps.unit_of_work() as second:
        first_batch = {m.message_id for m in first.repo.claim_due(now, 2, stale)}
        if not postgres:  # SQLite has one writer at a time: the first sender commits first
            first.commit()
        # On PostgreSQL the first sender still holds its rows: SKIP LOCKED passes them over.
        second_batch = {m.message_id for m in second.repo.claim_due(now, 10, stale)}
        second.commit()
        first.commit()

    assert len(first_batch) == 2 and len(second_batch) == 3
    assert not first_batch & second_batch
    counts = outbox.overview(app.deps).counts
    assert counts[OutboxStatus.SENDING] == 5
