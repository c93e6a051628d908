"""Delivery over STARTTLS and implicit TLS, with the relay's certificate checked."""

from __future__ import annotations

import dataclasses
import socket
import ssl
from collections.abc import Iterator
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller

from deliberation.adapters.smtp_sender import SmtpTransport
from deliberation.bootstrap import Application
from deliberation.domain.outbox import OutboxStatus, compose
from deliberation.service_layer import outbox
from deliberation.service_layer.outbox import SendOptions, SendSummary


class Inbox:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope.original_content)
        return "250 OK"


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["starttls", "tls"])
def tls_relay(
    request: pytest.FixtureRequest, authority: trustme.CA
) -> Iterator[tuple[str, int, Inbox]]:
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    inbox, port = Inbox(), _free_port()
    if request.param == "starttls":
        # require_starttls: a client that skipped STARTTLS could not send at all
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=server_context,
            require_starttls=True,
        )
    else:
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=server_context)
    controller.start()
    yield request.param, port, inbox
    controller.stop()


def test_messages_go_out_encrypted_to_a_relay_with_a_trusted_certificate(
    app: Application, authority: trustme.CA, tls_relay: tuple[str, int, Inbox]
) -> None:
    security, port, inbox = tls_relay
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    config = dataclasses.replace(
        app.settings.smtp, host="127.0.0.1", port=port, security=security, connections=2
    )
    sender = app.settings.smtp.sender
    with app.deps.unit_of_work() as uow:
        for name in ("anna", "bernd", "cem"):
            message = compose(sender, f"{name}@example.org", "Hallo", "Text", app.deps.clock())
            outbox.enqueue(uow, message)
        uow.commit()

    summary = outbox.send_due(app.deps, SmtpTransport(config, client_context), SendOptions())

    assert summary == SendSummary(sent=3)
    assert len(inbox.received) == 3
    assert outbox.overview(app.deps).counts[OutboxStatus.SENT] == 3


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(
    app: Application, tls_relay: tuple[str, int, Inbox]
) -> None:
    security, port, inbox = tls_relay
    config = dataclasses.replace(app.settings.smtp, host="127.0.0.1", port=port, security=security)
    sender = app.settings.smtp.sender
    with app.deps.unit_of_work() as uow:
        outbox.enqueue(uow, compose(sender, "anna@example.org", "Hallo", "Text", app.deps.clock()))
        uow.commit()

    # the system's trust store knows nothing of the test authority
    summary = outbox.send_due(app.deps, SmtpTransport(config), SendOptions())

    assert summary == SendSummary(retried=1)
    assert inbox.received == []
    with app.deps.unit_of_work() as uow:
        [message] = uow.outbox.outbox_messages()
        assert message.attempts == 0  # the relay, not the message, was the problem
        assert "CERTIFICATE_VERIFY_FAILED" in message.last_error
