"""Helpers for tests that run ``deliberation outbox send`` as a real process.

``RecordingRelay`` is a local SMTP server (aiosmtpd, in a thread of the test
process) that keeps the recipient and Message-ID of every message it accepts.
It can close a gate after a given number of messages: later messages are
still stored (the relay has them), but the answer to DATA is withheld, so
the sender never learns that they arrived. That is the moment a crash makes
a message arrive twice.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from email.parser import BytesHeaderParser
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config.toml"
#: Generous upper bound for waiting on a process or the relay; a hang fails the test instead.
PATIENCE_SECONDS = 300.0


class RecordingRelay:
    """An aiosmtpd handler that records (recipient, Message-ID) of every accepted message."""

    def __init__(self, hold_after: int | None = None) -> None:
        self.received: list[tuple[str, str]] = []
        self.hold_after = hold_after
        self.held = 0
        self.gate = threading.Event()
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        headers = BytesHeaderParser(policy=default).parsebytes(envelope.original_content)
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.received.append((recipient, str(headers["Message-ID"])))
            holding = self.hold_after is not None and len(self.received) > self.hold_after
            self.held += holding
        while holding and not self.gate.is_set():
            await asyncio.sleep(0.01)
        return "250 2.0.0 OK: queued"

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    def release(self) -> None:
        self.hold_after = None
        self.gate.set()


class RunningRelay:
    """A ``RecordingRelay`` listening on 127.0.0.1 for the duration of a ``with`` block."""

    def __init__(self, handler: RecordingRelay, port: int) -> None:
        self.handler = handler
        self.port = port
        self._controller = Controller(handler, hostname="127.0.0.1", port=port)

    def __enter__(self) -> RecordingRelay:
        self._controller.start()
        return self.handler

    def __exit__(self, *exc: object) -> None:
        self.handler.release()
        self._controller.stop()


def sender_config(folder: Path, port: int, connections: int = 4) -> Path:
    """config.toml with [smtp] pointed at the local relay on ``port``, no rate limit to speak of."""
    text = CONFIG.read_text(encoding="utf-8")
    replacements = {
        "port = 8025": f"port = {port}",
        'host = "localhost"': 'host = "127.0.0.1"',
        "connections = 4 ": f"connections = {connections} ",
        "rate_per_minute = 600 ": "rate_per_minute = 100000 ",
        'workflows = "workflows"': f'workflows = "{REPO / "workflows"}"',
        'templates = "templates"': f'templates = "{REPO / "templates"}"',
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def deliberation_command() -> list[str]:
    """The installed ``deliberation`` script of the interpreter running the tests."""
    script = Path(sys.executable).with_name("deliberation")
    return [str(script)] if script.exists() else [sys.executable, "-m", "deliberation"]


def start_sender(config: Path, database_url: str, *options: str) -> subprocess.Popen[str]:
    """``deliberation outbox send`` as a process of its own."""
    environment = {**os.environ, "DELIBERATION_DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.Popen(
        [*deliberation_command(), "--config", str(config), "outbox", "send", *options],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Wait for ``process``; its exit code, standard output and standard error."""
    out, err = process.communicate(timeout=PATIENCE_SECONDS)
    return process.returncode, out, err


def wait_until(condition: Callable[[], bool], what: str, watched: Sequence[Any] = ()) -> None:
    """Poll ``condition`` until it holds; fail (not hang) if a watched process ends first."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        for process in watched:
            if process.poll() is not None:
                _out, err = process.communicate()
                ended = f"the sender ended early ({process.returncode})"
                raise AssertionError(f"{what}: {ended}: {err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {PATIENCE_SECONDS} s")
        time.sleep(0.01)
