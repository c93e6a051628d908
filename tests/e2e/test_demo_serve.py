"""``deliberation demo --serve``: the demo, then the web application on its data, for real."""

from __future__ import annotations

import email
import email.policy
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from cli_helpers import CONFIG
from live_server import csrf_of


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_demo_serve_prints_the_address_and_serves_the_demos_data_to_its_accounts(
    data_folder: Path,
) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "160"}
    env.pop("DELIBERATION_DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "deliberation",
            "--config",
            str(CONFIG),
            "demo",
            "--folder",
            "demo",
            "--serve",
            "--port",
            str(port),
        ],
        env=env,
        cwd=data_folder,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while not any(
            "Uvicorn running" in line or "Application startup complete" in line for line in seen
        ):
            try:
                seen.append(lines.get(timeout=300))
            except queue.Empty:
                pytest.fail(f"demo --serve never started serving; output: {seen}")
        out = "".join(seen)
        assert f"Die Demo im Browser: http://127.0.0.1:{port}/" in out
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            login = client.get("/login")
            response = client.post(
                "/login",
                data={"username": "referat", "password": "demo", "csrf_token": csrf_of(login.text)},
            )
            assert response.status_code == 303
            start = client.get("/")
            assert start.status_code == 200 and "Nächste Termine" in start.text
            rounds = client.get("/rounds").text
            labels = re.findall(r'href="/rounds/(\d{4})"', rounds)
            assert labels, rounds
            overviews = [client.get(f"/rounds/{label}").text for label in labels]
            # The round the demo played: every municipality's workshop, groups, recommendations.
            [overview] = [o for o in overviews if "Wendeburg" in o and "AG " in o]
            for municipality in ("Stadt Peine", "Wendeburg", "Vechelde"):
                assert municipality in overview
            assert "AG " in overview  # the demo's working groups
            # Every link points to where the demo serves, not to [web] base_url of config.toml.
            served = f"http://127.0.0.1:{port}"
            system = client.get("/oparl/v1/system").json()
            assert system["id"] == f"{served}/oparl/v1/system"
            feeds = client.get("/public/bodies").text
            assert f"<code>{served}/calendar/bodies/" in feeds
        links = _mail_links(data_folder / "demo" / "mails")
        assert any(f"{served}/rsvp/" in link for link in links), links  # answer links
        assert all(link.startswith(f"{served}/") for link in links), links
        # a mail's link opens on the served demo: signed with the secret it serves with
        unsubscribe = next(link for link in links if "/unsubscribe/" in link)
        with httpx.Client(timeout=30) as browser:
            opened = browser.get(unsubscribe)
            assert opened.status_code == 200 and "ungültig" not in opened.text
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
        reader.join(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
    assert code == 0
    assert "Traceback" not in "".join(seen)


def _mail_links(folder: Path) -> list[str]:
    """The web links in the text of every mail the demo kept."""
    links: list[str] = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                links += re.findall(r"https?://[^\s<>\")]+", part.get_content())
    return links
