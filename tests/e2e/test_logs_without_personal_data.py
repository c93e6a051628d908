"""No personal data in the logs of a demo run: the demo served by the web application,
the scheduler and the sender on its database, all three logging (JSON Lines, DEBUG).

Afterwards the log is searched for every address and name in the demo's directory of
people (read from its database, so the test follows the demo's data).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select

from deliberation.adapters import orm
from deliberation.adapters.mailsink import free_port
from tests.integration.sender_process import (
    RecordingRelay,
    RunningRelay,
    deliberation_command,
    sender_config,
)
from tests.live_server import csrf_of

PATIENCE = 300


class Process:
    """A ``deliberation`` process whose output (standard output and error) is collected."""

    def __init__(self, config: Path, cwd: Path, env: dict[str, str], *argv: str) -> None:
        self.process = subprocess.Popen(
            [*deliberation_command(), "--config", str(config), *argv],
            env=env,
            cwd=cwd,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str) -> None:
        while not any(text in line for line in self.seen):
            try:
                self.seen.append(self.lines.get(timeout=PATIENCE))
            except queue.Empty:
                pytest.fail(f"never saw {text!r}; output: {self.seen}")

    def stop(self, how: signal.Signals = signal.SIGTERM) -> str:
        self.process.send_signal(how)
        assert self.process.wait(timeout=PATIENCE) == 0, self.seen
        assert self.process.stdout is not None
        self.process.stdout.close()
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)


def _log_lines(output: str) -> list[dict[str, str]]:
    """The JSON lines of a process's output (the demo's own report is printed text)."""
    return [json.loads(line) for line in output.splitlines() if line.startswith('{"time"')]


def _people(database: Path) -> list[tuple[str, str]]:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            table = orm.participants
            rows = connection.execute(select(table.c.name, table.c.email)).all()
    finally:
        engine.dispose()
    return [(row.name, row.email) for row in rows]


def test_a_demo_run_logs_ids_only_no_address_or_name(tmp_path: Path) -> None:
    relay_port, web_port = free_port(), free_port()
    config = sender_config(tmp_path, relay_port)
    text = config.read_text(encoding="utf-8")
    text = text.replace('format = "text"', 'format = "json"', 1)
    text = text.replace('level = "INFO"', 'level = "DEBUG"', 1)
    config.write_text(text.replace("tick_seconds = 60", "tick_seconds = 1", 1), encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "160"}
    env.pop("DELIBERATION_DATABASE_URL", None)

    web = Process(
        config, tmp_path, env, "demo", "--folder", "demo", "--serve", "--port", str(web_port)
    )
    database = tmp_path / "demo" / "demo.sqlite3"
    logs: list[dict[str, str]] = []
    try:
        web.wait_for("Application startup complete")
        with httpx.Client(base_url=f"http://127.0.0.1:{web_port}", timeout=30) as client:
            login = client.get("/login")
            client.post(
                "/login",
                data={"username": "referat", "password": "demo", "csrf_token": csrf_of(login.text)},
            )
            for path in ("/", "/participants", "/rounds", "/outbox", "/cycles/1", "/nirgends"):
                assert client.get(path).status_code in (200, 404)
        env_on_demo = {**env, "DELIBERATION_DATABASE_URL": f"sqlite:///{database}"}
        scheduler = Process(config, tmp_path, env_on_demo, "scheduler")
        scheduler.wait_for("Terminplaner läuft")
        with RunningRelay(RecordingRelay(), relay_port):
            sender = Process(
                config, tmp_path, env_on_demo, "outbox", "send", "--fortlaufend", "--pause", "1"
            )
            sender.wait_for("Versand läuft")
            logs += _log_lines(sender.stop())
        logs += _log_lines(scheduler.stop())
    finally:
        logs += _log_lines(web.stop(signal.SIGINT))

    assert {entry["process"] for entry in logs} == {"web", "scheduler", "sender"}
    requests = [e["message"] for e in logs if e["logger"] == "deliberation.web.access"]
    assert any(line.startswith("GET /participants 200") for line in requests), requests
    people = _people(database)
    assert len(people) >= 10
    written = "\n".join(json.dumps(entry, ensure_ascii=False) for entry in logs)
    for name, email in people:
        assert email not in written
        assert name not in written
