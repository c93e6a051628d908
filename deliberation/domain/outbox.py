"""Outgoing email: a message waits in the outbox until a sender delivers it.

A message is composed once, with its Message-ID, and stored as the complete
RFC 5322 text; every delivery attempt sends exactly those bytes, so a retry
after a crash is recognisable at the receiving end.
"""

from __future__ import annotations

import binascii
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import SMTP, compat32
from email.utils import format_datetime, parseaddr
from enum import StrEnum
from functools import lru_cache
from typing import cast


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
    claimed_by: str | None = None  # the sending process, while it is "sending"
    last_error: str = ""
    sent_at: datetime | None = None
    id: int | None = None


def new_message_id(sender: str) -> str:
    """A globally unique Message-ID in the sender's domain ("Name <a@b.de>" works too)."""
    return f"<{uuid.uuid4().hex}@{_domain(sender)}>"


@lru_cache(maxsize=16)
def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def compose(sender: str, recipient: str, subject: str, text: str, now: datetime) -> OutboxMessage:
    """A plain-text message to one recipient, ready for the outbox.

    Rendering (templates, HTML, iCalendar) builds richer bodies; this is the
    smallest complete message, for notices and tests.
    """
    email = EmailMessage(policy=SMTP)
    message_id = new_message_id(sender)
    email["From"] = header_text(sender)
    email["To"] = header_text(recipient)
    email["Subject"] = header_text(subject)
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message_id
    email.set_content(text)
    return OutboxMessage(
        message_id=message_id,
        recipient=recipient,
        sender=sender,
        subject=stored_subject(subject),
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
    shared["From"] = header_text(sender)
    shared["Subject"] = header_text(subject)
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
            OutboxMessage(
                message_id, recipient, sender, stored_subject(subject), head + tail, now, now
            )
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


def compose_mail(sender: str, recipient: str, content: MailContent, now: datetime) -> OutboxMessage:
    """A message to one recipient: text, then HTML and calendar as alternatives.

    The calendar part's MIME ``method`` parameter equals the METHOD inside it,
    as RFC 6047 requires (Outlook ignores invitations where they differ).

    Built with the email package's compat32 classes (``MIMEMultipart``,
    ``MIMEText``): the same structure as ``EmailMessage`` gives, at about a
    third of the cost, which matters when every recipient gets a message of
    their own. Parts are UTF-8, quoted-printable, so an ``.eml`` file stays
    readable; non-ASCII header values are RFC 2047 encoded.
    """
    parts = [_text_part(content.text, "plain")]
    if content.html is not None:
        parts.append(_text_part(content.html, "html"))
    if content.calendar is not None:
        calendar = _text_part(content.calendar, "calendar")
        calendar.set_param("method", content.calendar_method)
        parts.append(calendar)
    email: Message
    if len(parts) == 1:
        email = parts[0]
    else:
        email = MIMEMultipart("alternative")
        for part in parts:
            del part["MIME-Version"]  # once, at the top
            email.attach(part)
    message_id = new_message_id(sender)
    email["From"] = _header("From", sender)
    email["To"] = _header("To", recipient)
    email["Subject"] = _header("Subject", content.subject)
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message_id
    for name, value in content.headers.items():
        email[name] = _header(name, value)
    email["Content-Language"] = content.language
    return OutboxMessage(
        message_id=message_id,
        recipient=recipient,
        sender=sender,
        subject=stored_subject(content.subject),
        body=email.as_bytes(policy=WIRE),
        created_at=now,
        next_attempt_at=now,
    )


#: UTF-8 parts, quoted-printable: 8-bit-clean for any relay, readable in a text editor
UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP
#: the compat32 generator with CRLF line ends, as SMTP sends them; plain ASCII headers are
#: not folded (a folded List-Unsubscribe would start with a space), encoded ones fold at 76
WIRE = compat32.clone(linesep="\r\n", max_line_length=None)


class MailAssembler:
    """Message bytes assembled directly, for many messages sent at one moment by one sender.

    The same structure and header order as ``compose_mail`` (whose decoded result it
    equals: headers, parts and parameters; only the boundary and the quoted-printable
    line breaks differ), without building an ``email.message`` per recipient. Headers
    shared by many messages (From, Date, a Subject) are folded once by the email
    package; a recipient's own plain-ASCII header values (To, Message-ID, links) are
    written as they are, which is how the email package writes them too; parts are
    quoted-printable by ``binascii``. A recipient address that is not plain ASCII
    gets a message composed by ``compose_mail``.
    """

    def __init__(self, sender: str, now: datetime) -> None:
        self.sender = sender
        self.now = now
        self._shared = WIRE.fold("From", _header("From", sender))
        self._date = WIRE.fold("Date", format_datetime(now))
        self._folded: dict[tuple[str, str], str] = {}

    def compose(self, recipient: str, content: MailContent) -> OutboxMessage:
        if not _plain_address(recipient):
            return compose_mail(self.sender, recipient, content, self.now)
        message_id = new_message_id(self.sender)
        parts = [("plain", content.text, "")]
        if content.html is not None:
            parts.append(("html", content.html, ""))
        if content.calendar is not None:
            parts.append(("calendar", content.calendar, content.calendar_method))
        head = [
            self._shared,
            f"To: {recipient}\r\n",
            self._fold("Subject", content.subject),
            self._date,
            f"Message-ID: {message_id}\r\n",
        ]
        head += [self._fold(name, value) for name, value in content.headers.items()]
        head.append(self._fold("Content-Language", content.language))
        if len(parts) == 1:
            body = (
                _PART_HEAD["plain", ""].replace(
                    "Content-Transfer", "MIME-Version: 1.0\r\nContent-Transfer"
                )
                + "".join(head)
                + "\r\n"
                + _quoted_printable(content.text)
            )
        else:
            boundary = f"=_{uuid.uuid4().hex}"
            lines = [
                f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'
                "MIME-Version: 1.0\r\n",
                *head,
                "\r\n",
            ]
            for subtype, text, method in parts:
                lines += [f"--{boundary}\r\n", _PART_HEAD[subtype, method], "\r\n"]
                lines += [_quoted_printable(text), "\r\n"]
            lines.append(f"--{boundary}--\r\n")
            body = "".join(lines)
        return OutboxMessage(
            message_id=message_id,
            recipient=recipient,
            sender=self.sender,
            subject=stored_subject(content.subject),
            body=body.encode("ascii"),
            created_at=self.now,
            next_attempt_at=self.now,
        )

    def _fold(self, name: str, value: str) -> str:
        """``name: value`` as ``compose_mail`` writes it; folded once per distinct value."""
        if value.isascii() and value.isprintable() and " " not in value:
            return f"{name}: {value}\r\n"
        key = (name, value)
        folded = self._folded.get(key)
        if folded is None:
            folded = self._folded[key] = WIRE.fold(name, _header(name, value))
        return folded


class _PartHeads(dict[tuple[str, str], str]):
    """The header block of a text part (subtype, calendar method), as the email package
    writes it for ``_text_part``."""

    def __missing__(self, key: tuple[str, str]) -> str:
        subtype, method = key
        part = _text_part("", subtype)
        if method:
            part.set_param("method", method)
        del part["MIME-Version"]
        head = "".join(WIRE.fold(name, value) for name, value in part.raw_items())
        self[key] = head
        return head


_PART_HEAD = _PartHeads()


def _quoted_printable(text: str) -> str:
    """``text`` with CRLF line ends, UTF-8, quoted-printable (as the parts of ``compose_mail``
    decode to)."""
    data = "\r\n".join(text.splitlines()).encode("utf-8")
    if text.endswith(("\n", "\r")):
        data += b"\r\n"
    return binascii.b2a_qp(data, istext=True).decode("ascii")


def _text_part(text: str, subtype: str) -> Message:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(text, UTF8_QP)
    return part


def header_text(value: str) -> str:
    """``value`` on one line: line breaks and other control characters become one space.

    A title or name with a bare CR or LF must never start a header of its own
    or end the header block (header injection), nor make the message fail.
    """
    return " ".join(_CONTROL.sub(" ", value).split())


def stored_subject(subject: str) -> str:
    """The subject as the outbox lists it: one line, at most the column's length."""
    return header_text(subject)[:SUBJECT_LENGTH]


#: the outbox's subject column (RFC 5322's line limit)
SUBJECT_LENGTH = 998
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _header(name: str, value: str) -> str:
    """``value`` on one line, as it is if plain ASCII, else RFC 2047 encoded (and folded).

    compat32 messages take a ``Header`` wherever a string goes (see
    ``email.message.Message.__setitem__``); the type stubs only know strings.
    """
    value = header_text(value)
    if value.isascii():
        return value
    return cast(str, Header(value, "utf-8", header_name=name))


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
