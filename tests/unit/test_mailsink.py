"""The local mail sink keeps every message it receives as an .eml file that parses back."""

from __future__ import annotations

import email
import email.policy
import smtplib
import socket
from datetime import UTC, datetime
from pathlib import Path

from deliberation.adapters.mailsink import MailSink, ReceivedMail
from deliberation.domain.outbox import compose

SENDER = "migration-teilhabe@landkreis-peine.de"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_each_received_message_is_stored_as_an_eml_file_with_its_message_id(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "mails"  # the sink creates it
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    messages = [
        compose(SENDER, f"person{i}@example.org", f"Einladung Nr. {i} – Müße", "Grüße!", now)
        for i in range(3)
    ]
    seen: list[ReceivedMail] = []
    port = _free_port()

    sink = MailSink(folder, port=port, on_message=seen.append)
    with sink, smtplib.SMTP("127.0.0.1", port) as client:
        for m in messages:
            client.sendmail(m.sender, [m.recipient], m.body)

    files = sorted(folder.glob("*.eml"), key=lambda p: int(p.stem.rpartition("-")[2]))
    assert [p.name.rpartition("-")[2] for p in files] == ["1.eml", "2.eml", "3.eml"]
    parsed = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]
    assert [str(p["Message-ID"]) for p in parsed] == [m.message_id for m in messages]
    assert [str(p["Subject"]) for p in parsed] == [m.subject for m in messages]
    assert [r.recipients for r in seen] == [(m.recipient,) for m in messages]
    assert sink.received == 3


def test_a_restarted_sink_does_not_overwrite_earlier_files(tmp_path: Path) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    message = compose(SENDER, "a@example.org", "Hallo", "Text", now)
    for _run in range(2):
        port = _free_port()
        with MailSink(tmp_path, port=port), smtplib.SMTP("127.0.0.1", port) as client:
            client.sendmail(message.sender, [message.recipient], message.body)

    assert len(list(tmp_path.glob("*.eml"))) == 2
