"""CLI handlers of the outbox (``deliberation outbox …``) and the local mail sink."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import threading
import time
from dataclasses import replace
from datetime import timedelta
from types import FrameType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from deliberation.bootstrap import Application, mail_sink
from deliberation.config import SmtpConfig
from deliberation.domain.errors import DeliberationError
from deliberation.domain.outbox import STATUS_TITLES, OutboxStatus, RetryPolicy
from deliberation.entrypoints import process_logging
from deliberation.entrypoints.cli import argparse_de
from deliberation.entrypoints.cli.commands import actor_of, opened
from deliberation.entrypoints.formats import local_time, table
from deliberation.service_layer import health, outbox
from deliberation.service_layer.outbox import SendOptions, SendSummary, WaitingMessageView
from deliberation.service_layer.ports import MailTransport
from deliberation.translations import ngettext

if TYPE_CHECKING:
    from deliberation.bootstrap import ReceivedMail

#: Messages claimed at once; fewer if the rate limit could not send them within the claim.
BATCH_SIZE = 100

log = logging.getLogger("deliberation.sender")


def send_options(smtp: SmtpConfig, take_over: bool = False) -> SendOptions:
    """How ``outbox send`` sends, from ``[smtp]``."""
    policy = RetryPolicy(
        max_attempts=smtp.max_attempts,
        base=timedelta(seconds=smtp.retry_base_seconds),
        cap=timedelta(seconds=smtp.retry_max_seconds),
    )
    # Claimed messages (a batch being sent, the next one claimed ahead) must go out well
    # within the claim timeout, or another sender would take them over while they still
    # wait for the rate limit, and send them twice.
    sendable = smtp.rate_per_minute * smtp.claim_timeout_minutes // 4
    return SendOptions(
        policy,
        timedelta(minutes=smtp.claim_timeout_minutes),
        batch_size=max(1, min(BATCH_SIZE, sendable)),
        take_over=take_over,
    )


def pause_seconds(value: str) -> int:
    """``--pause``: whole seconds, at least one."""
    seconds = argparse_de.whole_number(value)
    if seconds < 1:
        raise argparse.ArgumentTypeError(f"{value} ist zu kurz (mindestens 1 Sekunde)")
    return seconds


def summary_line(summary: SendSummary) -> str:
    return (
        f"{summary.sent} gesendet, {summary.retried} erneut versucht, "
        f"{summary.failed} endgültig gescheitert"
    )


def outbox_send(args: argparse.Namespace, console: Console) -> int:
    if args.continuous:
        return _send_continuously(args)
    with opened(args) as app:
        app.use_for_delivery()
        options = send_options(app.settings.smtp, take_over=args.take_over)
        transport = app.smtp_transport()
        if not console.is_terminal:
            summary = outbox.send_due(app.deps, transport, options)
        else:
            summary = _send_with_progress(app, transport, options, console)
    console.print(summary_line(summary), highlight=False)
    return 0


def _send_continuously(args: argparse.Namespace) -> int:
    """The sender as a service: send what is due, wait ``--pause`` seconds, again, until
    SIGTERM or Strg+C; a batch being sent is finished first. It logs instead of printing,
    and beats a heartbeat each round. Several may run at once on PostgreSQL."""
    pause: int = args.pause
    stop = threading.Event()

    def stop_after_this_round(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    with opened(args) as app:
        app.use_for_delivery()
        process_logging.configure(app.settings.logging, "sender")
        options = send_options(app.settings.smtp, take_over=args.take_over)
        transport = app.smtp_transport()
        probe = app.health()
        signal.signal(signal.SIGTERM, stop_after_this_round)
        log.info(
            "Versand läuft (sieht alle %d s nach fälligen E-Mails; beenden mit Strg+C).", pause
        )
        try:
            while not stop.is_set():
                _send_round(app, transport, options, probe, pause)
                # Only the first round takes over claims left from before this process:
                # later, older claims may be another running sender's.
                options = replace(options, take_over=False)
                stop.wait(pause)
        except KeyboardInterrupt:
            pass
    log.info("Versand beendet.")
    return 0


def _send_round(
    app: Application,
    transport: MailTransport,
    options: SendOptions,
    probe: health.HealthProbe,
    pause: int,
) -> None:
    """One round; a failure (database or relay away) is one log line, the next round retries."""
    try:
        probe.beat(health.SENDER, app.deps.clock(), pause)
        if outbox.count_due(app.deps, options):
            log.info(summary_line(outbox.send_due(app.deps, transport, options)))
    except Exception as exc:  # the sender must outlive a failed round
        detail = " ".join(str(exc).split())
        log.error(
            "Fehler im Versand (%s: %s); nächster Versuch in %d s.",
            type(exc).__name__,
            detail,
            pause,
        )


def _send_with_progress(
    app: Application, transport: MailTransport, options: SendOptions, console: Console
) -> SendSummary:
    total = outbox.count_due(app.deps, options)
    columns = (
        TextColumn("Versand"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Versand", total=total)
        return outbox.send_due(
            app.deps, transport, options, on_result=lambda _status: progress.advance(task)
        )


#: Rows shown of the messages waiting for another attempt (a relay outage can make thousands).
WAITING_ROWS = 20


def outbox_status(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        view = outbox.overview(app.deps)
        zone = ZoneInfo(app.deps.timezone)
    rows = [(STATUS_TITLES[OutboxStatus(s)], str(n)) for s, n in view.counts.items()]
    console.print(table("Postausgang", ["Status", "Nachrichten"], rows))
    if view.waiting:
        console.print(_waiting_table(view.waiting, zone))
        if len(view.waiting) > WAITING_ROWS:
            console.print(f"… und {len(view.waiting) - WAITING_ROWS} weitere.")
    if view.failed:
        failed_rows = [
            (str(f.id), f.recipient, f.subject, str(f.attempts), f.answer or "—")
            for f in view.failed
        ]
        title = f"Endgültig gescheitert ({len(view.failed)})"
        columns = ["Nr.", "Empfänger", "Betreff", "Versuche", "Antwort des Servers"]
        console.print(table(title, columns, failed_rows))
        console.print("Erneut versuchen: deliberation outbox retry [--id NR]", highlight=False)
    return 0


def outbox_retry(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as app:
        count = outbox.retry_failed(app.deps, args.ids, actor_of(args))
    if count == 0:
        which = "mit diesen Nummern " if args.ids else ""
        console.print(f"Keine endgültig gescheiterte Nachricht {which}gefunden.", highlight=False)
        return 0
    console.print(
        f"Erneut in den Versand gegeben: {count}; senden: deliberation outbox send",
        highlight=False,
    )
    return 0


def _waiting_table(waiting: tuple[WaitingMessageView, ...], zone: ZoneInfo) -> Table:
    rows = [
        (w.recipient, w.subject, str(w.attempts), local_time(w.next_attempt_at, zone), w.answer)
        for w in waiting[:WAITING_ROWS]
    ]
    title = f"Erneuter Versuch geplant ({len(waiting)})"
    columns = ["Empfänger", "Betreff", "Versuche", "nächster Versuch", "letzte Antwort"]
    return table(title, columns, rows)


def _require_free_port(host: str, port: int) -> None:
    """Refuse a port in use before the sink's server thread would fail on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise DeliberationError(
                f"Port {port} auf {host} ist schon belegt oder nicht verfügbar ({exc.strerror}); "
                "läuft die Mail-Senke schon? Sonst einen anderen mit --port wählen."
            ) from None


def mailsink(args: argparse.Namespace, console: Console) -> int:
    def received(mail: ReceivedMail) -> None:
        console.print(
            f"Nachricht von {mail.sender} an {', '.join(mail.recipients)} gespeichert: "
            f"{mail.path} ({mail.size} Bytes)",
            highlight=False,
            markup=False,
        )

    _require_free_port(args.host, args.port)  # before the sink builds its event loop
    sink = mail_sink(args.folder, host=args.host, port=args.port, on_message=received)
    sink.start()
    console.print(
        f"Mail-Senke empfängt auf {args.host}:{args.port} und speichert in {args.folder}/ "
        "(beenden mit Strg+C).",
        highlight=False,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()
    saved = ngettext(
        "%(num)d Nachricht gespeichert", "%(num)d Nachrichten gespeichert", sink.received
    )
    console.print(f"Mail-Senke beendet; {saved}.")
    return 0
