"""A sender killed with SIGKILL in the middle of a large send loses nothing.

Real processes (``deliberation outbox send``), a real database (SQLite file
or PostgreSQL) and a real local SMTP server that records every message with
its Message-ID. The kill point is made certain, not timed: the relay stops
answering after a number of messages (it keeps them, but the sender never
hears so), and the sender is killed once every connection waits for such an
answer. The restart is a plain ``outbox send``: it finds the dead sender's
claims by their owner and resumes at once.
"""

from __future__ import annotations

import dataclasses
import signal
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sender_process import (
    RecordingRelay,
    RunningRelay,
    finish,
    sender_config,
    start_sender,
    wait_until,
)

from deliberation.adapters.mailsink import free_port
from deliberation.bootstrap import Application
from deliberation.domain.outbox import OutboxMessage, OutboxStatus, compose
from deliberation.service_layer import outbox

SENDER = "migration-teilhabe@landkreis-peine.de"
MESSAGES = 2000
KILL_AFTER = 700
CONNECTIONS = 4


def _queue(app: Application, count: int) -> dict[str, str]:
    """``count`` messages, due now by the real clock; recipient → Message-ID."""
    now = datetime.now(UTC)
    messages = [
        compose(SENDER, f"person{i}@example.org", f"Einladung {i}", "Hallo!", now)
        for i in range(count)
    ]
    with app.deps.unit_of_work() as uow:
        for message in messages:
            outbox.enqueue(uow, message)
        uow.commit()
    return {m.recipient: m.message_id for m in messages}


def _stored(app: Application) -> list[OutboxMessage]:
    with app.deps.unit_of_work() as uow:
        return [dataclasses.replace(m) for m in uow.outbox.outbox_messages()]


def test_a_sender_killed_mid_send_loses_nothing_and_repeats_only_what_was_in_flight(
    app: Application, database_url: str, tmp_path: Path
) -> None:
    queued = _queue(app, MESSAGES)
    port = free_port()
    config = sender_config(tmp_path, port, connections=CONNECTIONS)

    with RunningRelay(RecordingRelay(hold_after=KILL_AFTER), port) as relay:
        first = start_sender(config, database_url)
        # every connection waits for an answer the relay withholds: the kill comes mid-send
        wait_until(lambda: relay.held >= CONNECTIONS, "relay holds a message each", [first])
        first.kill()
        assert finish(first)[0] == -signal.SIGKILL

        at_kill = _stored(app)
        in_flight = {m.message_id for m in at_kill if m.status == OutboxStatus.SENDING}
        assert in_flight, "the kill came in the middle of the send"
        sent_at_kill = sum(m.status == OutboxStatus.SENT for m in at_kill)
        # outcomes are recorded as they come, not with the next claim
        assert sent_at_kill == KILL_AFTER
        relay.release()

        # a plain restart: the dead sender's claims are taken over at once, not after
        # the 15 minutes' claim timeout
        before_restart = relay.count()
        restarted = time.monotonic()
        second = start_sender(config, database_url)
        wait_until(lambda: relay.count() > before_restart, "restart resumes", [second])
        resumed_after = time.monotonic() - restarted
        code, out, err = finish(second)
        assert code == 0, err
        received = list(relay.received)

    # Nothing lost, nothing sent with another Message-ID than the outbox row has.
    lost = set(queued) - {recipient for recipient, _ in received}
    assert not lost
    assert all(queued[recipient] == message_id for recipient, message_id in received)
    # A message arrived twice only if the killed sender had it on an open connection.
    copies = Counter(message_id for _, message_id in received)
    twice = {message_id for message_id, n in copies.items() if n > 1}
    print(
        f"\n{MESSAGES} messages, killed after {KILL_AFTER}: lost {len(lost)}, "
        f"twice {len(twice)} (connections {CONNECTIONS}), restart resumed after "
        f"{resumed_after:.2f} s"
    )
    assert twice <= in_flight
    assert 0 < len(twice) <= CONNECTIONS
    assert max(copies.values()) <= 2
    final = _stored(app)
    assert {m.status for m in final} == {OutboxStatus.SENT}
    assert f"{MESSAGES - sent_at_kill} gesendet, 0 erneut versucht" in out
    assert outbox.overview(app.deps).counts[OutboxStatus.SENT] == MESSAGES


def test_two_senders_at_once_deliver_every_message_exactly_once(
    app: Application, database_url: str, tmp_path: Path
) -> None:
    queued = _queue(app, 1000)
    port = free_port()
    config = sender_config(tmp_path, port, connections=2)

    with RunningRelay(RecordingRelay(), port) as relay:
        senders = [start_sender(config, database_url) for _ in range(2)]
        results = [finish(sender) for sender in senders]
        received = list(relay.received)

    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    copies = Counter(message_id for _, message_id in received)
    assert set(copies) == set(queued.values())
    assert set(copies.values()) == {1}
    assert {m.status for m in _stored(app)} == {OutboxStatus.SENT}
