"""``deliberation outbox send --fortlaufend``: the sender as a long-running service.

A real process against a real database (SQLite file or PostgreSQL) and a real local
SMTP relay: it sends what is due, picks up mail queued while it runs, beats its
heartbeat, logs JSON lines without any address, and ends cleanly on SIGTERM.
"""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime
from pathlib import Path

from sender_process import (
    RecordingRelay,
    RunningRelay,
    finish,
    sender_config,
    start_sender,
    wait_until,
)

from deliberation.adapters.mailsink import free_port
from deliberation.bootstrap import Application
from deliberation.domain.outbox import compose
from deliberation.service_layer import health, outbox

SENDER = "migration-teilhabe@landkreis-peine.de"


def _queue(app: Application, first: int, count: int) -> None:
    now = datetime.now(UTC)
    with app.deps.unit_of_work() as uow:
        for i in range(first, first + count):
            outbox.enqueue(
                uow, compose(SENDER, f"person{i}@example.org", f"Einladung {i}", "Hallo!", now)
            )
        uow.commit()


def _json_logging(config: Path) -> None:
    text = config.read_text(encoding="utf-8")
    assert 'format = "text"' in text
    config.write_text(text.replace('format = "text"', 'format = "json"', 1), encoding="utf-8")


def test_the_sender_service_keeps_sending_until_sigterm(
    app: Application, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    config = sender_config(tmp_path, port, connections=2)
    _json_logging(config)
    _queue(app, 0, 5)
    with RunningRelay(RecordingRelay(), port) as relay:
        process = start_sender(config, database_url, "--fortlaufend", "--pause", "1")
        try:
            wait_until(lambda: relay.count() == 5, "first five delivered", [process])
            _queue(app, 5, 3)  # queued while the service runs (the scheduler would do this)
            wait_until(lambda: relay.count() == 8, "later three delivered", [process])
            assert app.health().heartbeat(health.SENDER) is not None
        finally:
            process.send_signal(signal.SIGTERM)
            code, _out, err = finish(process)
    assert code == 0, err
    assert sorted(r for r, _ in relay.received) == sorted(
        f"person{i}@example.org" for i in range(8)
    )
    entries = [json.loads(line) for line in err.splitlines()]
    assert {e["process"] for e in entries} == {"sender"}
    messages = [e["message"] for e in entries]
    assert messages[0].startswith("Versand läuft") and messages[-1] == "Versand beendet."
    assert any(m.startswith("5 gesendet") for m in messages)
    assert "@example.org" not in err
