"""A local SMTP server that keeps every message it receives as an ``.eml`` file.

For trying the system out and for tests: nothing leaves the machine, and each
message can be opened in any mail program. Runs in a background thread
(aiosmtpd's ``Controller``) until ``stop``.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nobody listens on right now (for a sink of its own)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass(frozen=True)
class ReceivedMail:
    path: Path
    sender: str
    recipients: tuple[str, ...]
    size: int


class _StoreHandler:
    def __init__(self, folder: Path, on_message: Callable[[ReceivedMail], None] | None) -> None:
        self.folder = folder
        self.on_message = on_message
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        path = self._store(content)
        if self.on_message is not None:
            mail = ReceivedMail(path, envelope.mail_from, tuple(envelope.rcpt_tos), len(content))
            self.on_message(mail)
        return "250 OK: gespeichert"

    def _store(self, content: bytes) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        while True:
            self.count += 1
            path = self.folder / f"{stamp}-{self.count}.eml"
            try:
                with path.open("xb") as file:
                    file.write(content)
            except FileExistsError:  # a sink run earlier in the same second
                continue
            return path


class MailSink:
    """Receives mail on ``host:port`` and writes each message into ``folder``."""

    def __init__(
        self,
        folder: Path,
        host: str = "127.0.0.1",
        port: int = 8025,
        on_message: Callable[[ReceivedMail], None] | None = None,
    ) -> None:
        self.folder = folder
        self.host = host
        self.port = port
        self._handler = _StoreHandler(folder, on_message)
        self._controller = Controller(self._handler, hostname=host, port=port)

    @property
    def received(self) -> int:
        return self._handler.count

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> MailSink:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
