"""A mail transport that writes every message as an ``.eml`` file instead of sending it.

For the simulator: the messages go through the real outbox (claimed, marked
sent) but end in a local folder that staff can open with any mail program.
"""

from __future__ import annotations

from pathlib import Path

from deliberation.domain.outbox import Outcome
from deliberation.service_layer.ports import ClaimBatch, ReportOutcome


class FileTransport:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written = 0

    def deliver(self, claim: ClaimBatch, report: ReportOutcome) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        while batch := claim():
            for message in batch:
                path = self.folder / f"{message.id or 0:07d}.eml"
                path.write_bytes(message.body)
                self.written += 1
                report(message, Outcome.SENT, f"gespeichert als {path.name}")
