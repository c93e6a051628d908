"""Outgoing email: a message waits in the outbox until a sender delivers it.

A message is composed once, with its Message-ID, and stored as the complete
RFC 5322 text; every delivery attempt sends exactly those bytes, so a retry
after a crash is recognisable at the receiving end.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from enum import StrEnum


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"  # not sent: the recipient withdrew consent


STATUS_TITLES = {
    OutboxStatus.QUEUED: "wartet",
    OutboxStatus.SENDING: "wird gesendet",
    OutboxStatus.SENT: "gesendet",
    OutboxStatus.RETRY: "erneuter Versuch geplant",
    OutboxStatus.FAILED: "endgültig gescheitert",
    OutboxStatus.WITHDRAWN: "nicht gesendet (Einwilligung widerrufen)",
}


class Outcome(StrEnum):
    """What one delivery attempt came to."""

    SENT = "sent"
    TEMPORARY = "temporary"  # 4xx, disconnect, timeout: try again later
    PERMANENT = "permanent"  # 5xx, every recipient refused: give up
    UNREACHABLE = "unreachable"  # the relay could not be reached: the message was not tried


@dataclass
class OutboxMessage:
    message_id: str
    recipient: str
    sender: str
    subject: str
    body: bytes
    created_at: datetime
    next_attempt_at: datetime
    status: str = OutboxStatus.QUEUED
    attempts: int = 0
    claimed_at: datetime | None = None
    last_error: str = ""
    sent_at: datetime | None = None
    id: int | None = None


def new_message_id(sender: str) -> str:
    """A globally unique Message-ID in the sender's domain."""
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def compose(
    sender: str, recipient: str, subject: str, text: str, now: datetime
) -> OutboxMessage:
    """A plain-text message to one recipient, ready for the outbox.

    Rendering (templates, HTML, iCalendar) builds richer bodies; this is the
    smallest complete message, for notices and tests.
    """
    email = EmailMessage(policy=SMTP)
    message_id = new_message_id(sender)
    email["From"] = sender
    email["To"] = recipient
    email["Subject"] = subject
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message_id
    email.set_content(text)
    return OutboxMessage(
        message_id=message_id,
        recipient=recipient,
        sender=sender,
        subject=subject,
        body=email.as_bytes(),
        created_at=now,
        next_attempt_at=now,
    )


def compose_for_each(
    sender: str, recipients: Sequence[str], subject: str, text: str, now: datetime
) -> list[OutboxMessage]:
    """The same text to each recipient: one message each, with its own To and Message-ID.

    The email package builds and serialises the shared part (From, Subject,
    Date, the MIME body) once; each message is that part behind its own To
    and Message-ID lines. Serialising costs about a millisecond a message,
    more than delivering it, so a send to thousands does it once. Addresses
    that are not plain ASCII get a message composed on its own.
    """
    shared = EmailMessage(policy=SMTP)
    shared["From"] = sender
    shared["Subject"] = subject
    shared["Date"] = format_datetime(now)
    shared.set_content(text)
    tail = shared.as_bytes()
    messages = []
    for recipient in recipients:
        if not _plain_address(recipient):
            messages.append(compose(sender, recipient, subject, text, now))
            continue
        message_id = new_message_id(sender)
        head = f"To: {recipient}\r\nMessage-ID: {message_id}\r\n".encode("ascii")
        messages.append(
            OutboxMessage(message_id, recipient, sender, subject, head + tail, now, now)
        )
    return messages


def _plain_address(address: str) -> bool:
    return address.isascii() and address.isprintable() and " " not in address


@dataclass(frozen=True)
class MailContent:
    """What one recipient reads: subject, text part, optional HTML and calendar parts.

    ``calendar`` is an iCalendar object whose METHOD is ``calendar_method``;
    ``headers`` are extra header fields (``List-Unsubscribe`` and friends).
    """

    subject: str
    text: str
    html: str | None = None
    calendar: str | None = None
    calendar_method: str = "REQUEST"
    headers: Mapping[str, str] = field(default_factory=dict)
    language: str = "de"


def compose_mail(
    sender: str, recipient: str, content: MailContent, now: datetime
) -> OutboxMessage:
    """A message to one recipient: text, then HTML and calendar as alternatives.

    The calendar part's MIME ``method`` parameter equals the METHOD inside it,
    as RFC 6047 requires (Outlook ignores invitations where they differ).
    """
    email = EmailMessage(policy=SMTP)
    message_id = new_message_id(sender)
    email["From"] = sender
    email["To"] = recipient
    email["Subject"] = content.subject
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message_id
    for name, value in content.headers.items():
        email[name] = value
    email.set_content(content.text)
    if content.html is not None:
        email.add_alternative(content.html, subtype="html")
    if content.calendar is not None:
        email.add_alternative(
            content.calendar, subtype="calendar", params={"method": content.calendar_method}
        )
    # After the parts: setting content moves Content-* fields into the first part.
    email["Content-Language"] = content.language
    return OutboxMessage(
        message_id=message_id,
        recipient=recipient,
        sender=sender,
        subject=content.subject,
        body=email.as_bytes(),
        created_at=now,
        next_attempt_at=now,
    )


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off for temporary failures, capped, with a last attempt."""

    max_attempts: int = 8
    base: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(hours=2)

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed attempt (1 → base, 2 → 2·base, …)."""
        factor = 1 << max(0, min(attempts - 1, 30))
        return min(self.base * factor, self.cap)

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
