"""A local SMTP server (aiosmtpd) that injects the faults a county relay produces.

Per recipient it can: refuse at RCPT or at the end of DATA with scripted
answers (temporary 4xx, permanent 5xx), cut the connection in the middle of
DATA, drop it after the message arrived, or stop answering altogether.
Unscripted messages are accepted and kept.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class FaultyRelay:
    """An aiosmtpd handler that answers as scripted per recipient, then accepts."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.connections = 0
        #: answers to give at the end of DATA, one per attempt; then the message is accepted
        self.data_answers: dict[str, list[str]] = {}
        #: answers to give to RCPT TO, one per attempt; then the recipient is accepted
        self.rcpt_answers: dict[str, list[str]] = {}
        #: the connection is closed once the whole message arrived, before the answer
        self.disconnect_once: set[str] = set()
        #: the connection is closed after the first line of the message, mid-DATA
        self.cut_in_data_once: set[str] = set()
        #: the relay stops answering after the message arrived, until ``wake``
        self.hang: set[str] = set()
        self.awake = threading.Event()
        #: called for every message accepted (e.g. to move a test clock)
        self.on_accept: Callable[[], object] = lambda: None

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        scripted = self.rcpt_answers.get(address)
        if scripted:
            return scripted.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        [recipient] = envelope.rcpt_tos
        if recipient in self.hang:
            while not self.awake.is_set():
                await asyncio.sleep(0.01)
            return "421 4.4.2 zu spät"
        if recipient in self.disconnect_once:
            self.disconnect_once.discard(recipient)
            server.transport.close()
            return "250 OK"  # never arrives: the connection is gone
        scripted = self.data_answers.get(recipient)
        if scripted:
            return scripted.pop(0)
        self.received.append(envelope.original_content)
        self.on_accept()
        return "250 2.0.0 OK: queued"

    def wake(self) -> None:
        self.hang.clear()
        self.awake.set()

    def message_ids(self) -> list[str]:
        return [
            str(email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"])
            for raw in self.received
        ]


class _FaultySMTP(SMTP):
    """aiosmtpd's SMTP session, able to hang up in the middle of a message's data."""

    async def smtp_DATA(self, arg: str) -> None:
        relay: FaultyRelay = self.event_handler
        recipients = self.envelope.rcpt_tos if self.envelope is not None else []
        cut = [r for r in recipients if r in relay.cut_in_data_once]
        if not cut:
            await super().smtp_DATA(arg)
            return
        relay.cut_in_data_once.difference_update(cut)
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        await self._reader.readuntil(b"\r\n")  # the first line of the message, then: gone
        assert self.transport is not None
        self.transport.close()


class _FaultyController(Controller):
    def factory(self) -> SMTP:
        return _FaultySMTP(self.handler, **self.SMTP_kwargs)


@contextmanager
def running(relay: FaultyRelay, port: int) -> Iterator[FaultyRelay]:
    controller = _FaultyController(relay, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield relay
    finally:
        relay.wake()
        controller.stop()
