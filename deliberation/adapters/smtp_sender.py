"""Delivery of outbox messages to the mail relay over SMTP (aiosmtplib).

The only asyncio in the core lives here: ``deliver_outbox`` is synchronous
and runs one event loop per call. Inside, a few workers each keep one SMTP
connection open for many messages (reconnecting after a disconnect) and
share one rate limiter, so the relay never sees more than
``rate_per_minute`` messages a minute, however many connections are open.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence

import aiosmtplib

from deliberation.config import SmtpConfig
from deliberation.domain.outbox import OutboxMessage, Outcome
from deliberation.service_layer.ports import ClaimBatch, ReportOutcome

#: A connection unused this long is checked with NOOP before the next message.
IDLE_CHECK_SECONDS = 30.0


def tls_context(config: SmtpConfig) -> ssl.SSLContext | None:
    """The TLS settings for ``config.security``; built once per transport, not per connection."""
    return None if config.security == "none" else ssl.create_default_context()


class SmtpTransport:
    """The ``MailTransport`` of the service layer, for the relay in ``[smtp]``."""

    def __init__(self, config: SmtpConfig, tls: ssl.SSLContext | None = None) -> None:
        self.config = config
        self.tls = tls if tls is not None else tls_context(config)

    def deliver(self, claim: ClaimBatch, report: ReportOutcome) -> None:
        deliver_outbox(self.config, claim, report, self.tls)


def deliver_outbox(
    config: SmtpConfig,
    claim: ClaimBatch,
    report: ReportOutcome,
    tls: ssl.SSLContext | None = None,
) -> None:
    """Send everything ``claim`` hands out over ``config.connections`` connections."""
    asyncio.run(_deliver(config, claim, report, tls))


async def _deliver(
    config: SmtpConfig, claim: ClaimBatch, report: ReportOutcome, tls: ssl.SSLContext | None
) -> None:
    queue: asyncio.Queue[OutboxMessage | None] = asyncio.Queue(maxsize=config.connections)
    run = _Run(RateLimiter(config.rate_per_minute), report)
    # A TaskGroup: if recording an outcome fails, every connection is closed and the error raised.
    async with asyncio.TaskGroup() as group:
        for _ in range(config.connections):
            group.create_task(_worker(Connection(config, tls), queue, run))
        group.create_task(_feed(claim, queue, config.connections, run))


class _Run:
    """What the workers of one run share: the rate limiter, and whether the relay is down."""

    def __init__(self, limiter: RateLimiter, report: ReportOutcome) -> None:
        self.limiter = limiter
        self.report = report
        self.relay_down: str | None = None


async def _feed(
    claim: ClaimBatch, queue: asyncio.Queue[OutboxMessage | None], workers: int, run: _Run
) -> None:
    # claim() is a database transaction (it also records the outcomes so far): it runs in
    # a thread, one at a time, and the next batch is claimed while this one is sent, so the
    # connections keep working while the database commits.
    next_batch: asyncio.Task[Sequence[OutboxMessage]] | None = _claim_soon(claim)
    while next_batch is not None and (batch := await next_batch):
        next_batch = _claim_soon(claim) if run.relay_down is None else None
        for message in batch:
            await queue.put(message)
    for _ in range(workers):
        await queue.put(None)


def _claim_soon(claim: ClaimBatch) -> asyncio.Task[Sequence[OutboxMessage]]:
    return asyncio.create_task(asyncio.to_thread(claim))


async def _worker(
    connection: Connection, queue: asyncio.Queue[OutboxMessage | None], run: _Run
) -> None:
    try:
        while (message := await queue.get()) is not None:
            if run.relay_down is not None:
                # Hand the rest back untried rather than knock on a closed door.
                await asyncio.to_thread(run.report, message, Outcome.UNREACHABLE, run.relay_down)
                continue
            await run.limiter.wait()
            outcome, answer = await connection.send(message)
            if outcome == Outcome.UNREACHABLE:
                run.relay_down = answer
            # The next message on this connection waits until this outcome is committed:
            # a crash repeats at most the one message each connection has in flight.
            await asyncio.to_thread(run.report, message, outcome, answer)
    finally:
        await connection.close()


class RateLimiter:
    """A token bucket of one token, refilled ``rate_per_minute`` times a minute.

    Each caller reserves the next free slot and sleeps until it comes, so the
    messages are spread evenly instead of sent in bursts the relay would refuse.
    """

    def __init__(self, rate_per_minute: int) -> None:
        self.interval = 60.0 / rate_per_minute
        self._next_slot = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class Connection:
    """One SMTP connection, opened on first use and reused until it breaks."""

    def __init__(self, config: SmtpConfig, tls: ssl.SSLContext | None) -> None:
        self.config = config
        self.tls = tls
        self._smtp: aiosmtplib.SMTP | None = None
        self._last_used = 0.0

    async def send(self, message: OutboxMessage) -> tuple[Outcome, str]:
        """Send ``message`` once; say whether it went, may go later, never will, or was not tried.

        Failing to connect or log in says nothing about the message: it is
        ``UNREACHABLE`` and keeps its attempts.
        """
        try:
            smtp = await self._open()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            self._drop()
            return Outcome.UNREACHABLE, _describe(exc)
        try:
            _errors, answer = await smtp.sendmail(message.sender, [message.recipient], message.body)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            return _refused(exc)
        except aiosmtplib.SMTPResponseException as exc:
            if not smtp.is_connected:
                self._drop()
            permanent = 500 <= exc.code < 600
            return (Outcome.PERMANENT if permanent else Outcome.TEMPORARY), _describe(exc)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            self._drop()
            return Outcome.TEMPORARY, _describe(exc)
        self._last_used = asyncio.get_running_loop().time()
        return Outcome.SENT, answer

    async def close(self) -> None:
        if self._smtp is None:
            return
        try:
            if self._smtp.is_connected:
                await self._smtp.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            pass
        finally:
            self._drop()

    async def _open(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected and await self._still_alive():
            return self._smtp
        self._drop()
        config = self.config
        smtp = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            use_tls=config.security == "tls",
            start_tls=config.security == "starttls",
            tls_context=self.tls,
            timeout=config.timeout_seconds,
            username=config.username or None,
            password=config.password or None,
        )
        self._smtp = smtp  # set first, so a failed login still gets closed
        await smtp.connect()
        self._last_used = asyncio.get_running_loop().time()
        return smtp

    async def _still_alive(self) -> bool:
        """After a long pause, ask (NOOP): relays close idle connections without notice."""
        assert self._smtp is not None
        if asyncio.get_running_loop().time() - self._last_used < IDLE_CHECK_SECONDS:
            return True
        try:
            await self._smtp.noop()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            return False
        return True

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None


def _refused(exc: aiosmtplib.SMTPRecipientsRefused) -> tuple[Outcome, str]:
    answers = "; ".join(_describe(refusal) for refusal in exc.recipients)
    permanent = all(500 <= refusal.code < 600 for refusal in exc.recipients)
    return (Outcome.PERMANENT if permanent else Outcome.TEMPORARY), answers


def _describe(exc: Exception) -> str:
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {exc.message}".strip()
    if isinstance(exc, TimeoutError):
        return f"Zeitüberschreitung: {exc}".strip()
    if isinstance(exc, ssl.SSLError):
        return f"TLS-Verbindung gescheitert: {exc}".strip()
    if isinstance(exc, aiosmtplib.SMTPConnectError):
        return f"Mailserver nicht erreichbar: {exc}".strip()
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected | ConnectionError):
        return f"Verbindung abgebrochen: {exc}".strip()
    return f"{type(exc).__name__}: {exc}"
