"""The scheduler as a real process: one per database, a second one is refused."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cli_helpers import CONFIG, ok

STARTED = "Terminplaner läuft"


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DELIBERATION_DATABASE_URL"] = database_url
    env["PYTHONUNBUFFERED"] = "1"
    env["COLUMNS"] = "200"
    return env


def _command(*argv: str) -> list[str]:
    return [sys.executable, "-m", "deliberation", "--config", str(CONFIG), *argv]


class RunningScheduler:
    """A ``deliberation scheduler`` process whose output lines a reader thread collects."""

    def __init__(self, database_url: str, cwd: Path) -> None:
        self.process = subprocess.Popen(
            _command("scheduler"),
            env=_env(database_url),
            cwd=cwd,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str) -> None:
        while not any(text in line for line in self.seen):
            try:
                self.seen.append(self.lines.get(timeout=120))
            except queue.Empty:
                pytest.fail(f"scheduler never printed {text!r}; output: {self.seen}")

    def stop(self, how: signal.Signals) -> int:
        """Send ``how``, wait for the exit, collect the rest of the output, close the pipe."""
        self.process.send_signal(how)
        code = self.process.wait(timeout=60)
        self.reader.join(timeout=60)
        assert self.process.stdout is not None
        self.process.stdout.close()
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code


@pytest.fixture
def initialised(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:
    monkeypatch.setenv("DELIBERATION_DATABASE_URL", database_url)
    ok(capsys, "init")
    return database_url


def test_a_second_scheduler_on_the_same_database_is_refused(
    initialised: str, tmp_path: Path
) -> None:
    first = RunningScheduler(initialised, tmp_path)
    try:
        first.wait_for(STARTED)

        second = subprocess.run(
            _command("scheduler", "--once"),
            env=_env(initialised),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

        assert second.returncode == 1
        assert "Ein anderer Terminplaner läuft bereits für diese Datenbank" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        code = first.stop(signal.SIGTERM)
    assert code == 0
    assert any("Terminplaner beendet" in line for line in first.seen), first.seen


def test_a_killed_scheduler_does_not_block_the_next_one(initialised: str, tmp_path: Path) -> None:
    first = RunningScheduler(initialised, tmp_path)
    try:
        first.wait_for(STARTED)
    finally:
        code = first.stop(signal.SIGKILL)
    assert code == -signal.SIGKILL

    after = subprocess.run(
        _command("scheduler", "--once"),
        env=_env(initialised),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert after.returncode == 0, after.stderr
