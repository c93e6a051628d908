"""Delivering the outbox to a real SMTP server (aiosmtpd, in-process) on SQLite and PostgreSQL.

The relay (``fault_relay.py``) injects the faults a county relay produces:
temporary and permanent refusals, refused recipients, connections cut in the
middle of a message, and a relay that stops answering. What staff see of each
is checked in ``deliberation outbox status``.
"""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fault_relay import FaultyRelay, running

from deliberation.adapters.smtp_sender import SmtpTransport
from deliberation.bootstrap import Application
from deliberation.config import SmtpConfig
from deliberation.domain.outbox import OutboxMessage, OutboxStatus, RetryPolicy, compose
from deliberation.entrypoints.cli.main import main
from deliberation.service_layer import outbox
from deliberation.service_layer.outbox import SendOptions, SendSummary

CONFIG = Path(__file__).resolve().parents[2] / "config.toml"
SENDER = "migration-teilhabe@landkreis-peine.de"
POLICY = RetryPolicy(max_attempts=3, base=timedelta(minutes=1), cap=timedelta(minutes=10))
OPTIONS = SendOptions(POLICY, claim_timeout=timedelta(minutes=15))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def status_output(
    app: Application,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Callable[[], str]:
    """Runs ``deliberation outbox status`` on the test database; returns what it printed."""
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "250")

    def run() -> str:
        code = main(["--config", str(CONFIG), "outbox", "status"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        return captured.out

    return run


@pytest.fixture
def relay() -> Iterator[tuple[FaultyRelay, int]]:
    port = _free_port()
    with running(FaultyRelay(), port) as handler:
        yield handler, port


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
        return {m.recipient: dataclasses.replace(m) for m in uow.outbox.outbox_messages()}


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


def test_each_message_is_marked_sent_at_the_time_the_relay_accepted_it(
    app: Application, relay: tuple[FaultyRelay, int], clock: Any
) -> None:
    handler, port = relay
    handler.on_accept = lambda: clock.advance(timedelta(minutes=1))
    started = clock.now
    in_order = ("erste@example.org", "zweite@example.org", "dritte@example.org")
    _queue(app, *in_order)

    assert _send(app, port, connections=1) == SendSummary(sent=3)

    stored = _stored(app)
    # Outcomes are written in batches, but each keeps the moment its answer came.
    sent_at = [stored[recipient].sent_at for recipient in in_order]
    assert sent_at == [started + timedelta(minutes=m) for m in (1, 2, 3)]


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
    app: Application, relay: tuple[FaultyRelay, int], status_output: Callable[[], str]
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
    out = status_output()
    assert "Endgültig gescheitert (1)" in out
    assert "spam@example.org" in out and "550 5.7.1 Nachricht als Spam abgelehnt" in out


def test_a_refused_recipient_fails_with_the_server_answer(
    app: Application, relay: tuple[FaultyRelay, int]
) -> None:
    handler, port = relay
    handler.rcpt_answers["weg@example.org"] = ["550 5.1.1 Postfach unbekannt"]
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


def test_a_greylisted_recipient_waits_visibly_for_the_next_attempt_then_goes_out(
    app: Application, relay: tuple[FaultyRelay, int], clock: Any, status_output: Callable[[], str]
) -> None:
    handler, port = relay
    handler.rcpt_answers["grau@example.org"] = ["450 4.7.1 Greylisting, bitte später"]
    [message_id] = _queue(app, "grau@example.org")

    assert _send(app, port) == SendSummary(retried=1)
    out = status_output()
    assert "Erneuter Versuch geplant (1)" in out
    assert "grau@example.org" in out and "450 4.7.1 Greylisting, bitte später" in out

    clock.advance(POLICY.base)
    assert _send(app, port) == SendSummary(sent=1)
    assert handler.message_ids() == [message_id]
    assert "Erneuter Versuch geplant" not in status_output()


def test_refused_recipients_fail_or_wait_while_the_others_of_the_run_are_sent(
    app: Application, relay: tuple[FaultyRelay, int], status_output: Callable[[], str]
) -> None:
    handler, port = relay
    handler.rcpt_answers["weg@example.org"] = ["550 5.1.1 Postfach unbekannt"]
    handler.rcpt_answers["grau@example.org"] = ["451 4.3.2 Bitte später erneut versuchen"]
    recipients = ("weg@example.org", "grau@example.org", "anna@example.org", "bernd@example.org")
    ids = _queue(app, *recipients)

    assert _send(app, port) == SendSummary(sent=2, retried=1, failed=1)

    statuses = {recipient: m.status for recipient, m in _stored(app).items()}
    assert statuses == {
        "weg@example.org": OutboxStatus.FAILED,
        "grau@example.org": OutboxStatus.RETRY,
        "anna@example.org": OutboxStatus.SENT,
        "bernd@example.org": OutboxStatus.SENT,
    }
    assert sorted(handler.message_ids()) == sorted(ids[2:])
    out = status_output()
    assert "Endgültig gescheitert (1)" in out and "550 5.1.1 Postfach unbekannt" in out
    assert "Erneuter Versuch geplant (1)" in out and "451 4.3.2 Bitte später" in out


def test_a_connection_cut_in_the_middle_of_data_is_retried_with_the_same_message_id(
    app: Application, relay: tuple[FaultyRelay, int], clock: Any
) -> None:
    handler, port = relay
    handler.cut_in_data_once.add("mitten@example.org")
    cut_id, next_id = _queue(app, "mitten@example.org", "danach@example.org")

    assert _send(app, port, connections=1) == SendSummary(sent=1, retried=1)
    assert handler.message_ids() == [next_id]
    assert handler.connections == 2  # the next message went over a new connection
    cut = _stored(app)["mitten@example.org"]
    assert (cut.status, cut.attempts) == (OutboxStatus.RETRY, 1)
    assert cut.last_error.startswith("Verbindung abgebrochen")

    clock.advance(POLICY.base)
    assert _send(app, port, connections=1) == SendSummary(sent=1)
    assert handler.message_ids() == [next_id, cut_id]


def test_a_relay_that_stops_answering_times_out_and_the_message_is_tried_again(
    app: Application, relay: tuple[FaultyRelay, int], clock: Any, status_output: Callable[[], str]
) -> None:
    handler, port = relay
    handler.hang.add("still@example.org")
    [message_id] = _queue(app, "still@example.org")

    assert _send(app, port, timeout_seconds=1) == SendSummary(retried=1)
    waiting = _stored(app)["still@example.org"]
    assert (waiting.status, waiting.attempts) == (OutboxStatus.RETRY, 1)
    assert waiting.last_error.startswith("Zeitüberschreitung")
    assert "Zeitüberschreitung" in status_output()

    handler.wake()
    clock.advance(POLICY.base)
    assert _send(app, port) == SendSummary(sent=1)
    assert handler.message_ids() == [message_id]


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
        [claimed] = uow.outbox.claim_due(now, 10, now - OPTIONS.claim_timeout)
        uow.commit()
    assert claimed.status == OutboxStatus.SENDING

    assert _send(app, port) == SendSummary()  # the claim is still fresh
    clock.advance(OPTIONS.claim_timeout + timedelta(seconds=1))
    assert _send(app, port) == SendSummary(sent=1)

    sent = _stored(app)["verwaist@example.org"]
    assert (sent.status, sent.attempts, sent.message_id) == (OutboxStatus.SENT, 2, message_id)
    assert handler.message_ids() == [message_id]


def test_a_restart_after_a_crash_takes_over_the_dead_senders_claims_when_told_so(
    app: Application, relay: tuple[FaultyRelay, int], clock: Any
) -> None:
    handler, port = relay
    [message_id] = _queue(app, "verwaist@example.org")
    with app.deps.unit_of_work() as uow:  # a sender claims it, then is killed
        now = clock.now
        uow.outbox.claim_due(now, 10, now - OPTIONS.claim_timeout)
        uow.commit()
    clock.advance(timedelta(seconds=1))

    assert _send(app, port) == SendSummary()  # by default another sender may still be at it
    take_over = dataclasses.replace(OPTIONS, take_over=True)
    transport = SmtpTransport(_config(app, port))
    assert outbox.send_due(app.deps, transport, take_over) == SendSummary(sent=1)

    assert handler.message_ids() == [message_id]
    assert _stored(app)["verwaist@example.org"].attempts == 2


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
        first_batch = {m.message_id for m in first.outbox.claim_due(now, 2, stale)}
        if not postgres:  # SQLite has one writer at a time: the first sender commits first
            first.commit()
        # On PostgreSQL the first sender still holds its rows: SKIP LOCKED passes them over.
        second_batch = {m.message_id for m in second.outbox.claim_due(now, 10, stale)}
        second.commit()
        first.commit()

    assert len(first_batch) == 2 and len(second_batch) == 3
    assert not first_batch & second_batch
    counts = outbox.overview(app.deps).counts
    assert counts[OutboxStatus.SENDING] == 5


def test_staff_retry_a_failed_message_and_it_goes_out_with_its_message_id(
    app: Application, relay: tuple[FaultyRelay, int]
) -> None:
    handler, port = relay
    handler.data_answers["spam@example.org"] = ["550 5.7.1 Nachricht als Spam abgelehnt"]
    spam_id, good_id = _queue(app, "spam@example.org", "gut@example.org")
    assert _send(app, port) == SendSummary(sent=1, failed=1)

    failed = outbox.message_page(app.deps, outbox.MessageGroup.FAILED)
    [line] = failed.lines
    assert (failed.total, line.recipient, line.status_title) == (
        1,
        "spam@example.org",
        "endgültig gescheitert",
    )
    assert line.answer == "550 5.7.1 Nachricht als Spam abgelehnt"
    assert outbox.retry_failed(app.deps, [line.id + 1000]) == 0  # no such failed message
    assert outbox.retry_failed(app.deps, [line.id]) == 1
    assert outbox.message_page(app.deps, outbox.MessageGroup.FAILED).total == 0
    [waiting] = outbox.message_page(app.deps, outbox.MessageGroup.WAITING).lines
    assert (waiting.id, waiting.attempts) == (line.id, 0)

    assert _send(app, port) == SendSummary(sent=1)  # the relay accepts it this time
    assert handler.message_ids() == [good_id, spam_id]  # the refused one, with its Message-ID
    sent = outbox.message_page(app.deps, outbox.MessageGroup.SENT)
    assert sent.total == 2 and {s.recipient for s in sent.lines} == {
        "spam@example.org",
        "gut@example.org",
    }
    assert outbox.retry_failed(app.deps) == 0
