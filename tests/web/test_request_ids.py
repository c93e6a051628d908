"""Each web request has an id: in its log lines, in ``X-Request-Id``, on the 500 page."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator

import httpx
import pytest
from live_server import Site

from deliberation.config import LoggingConfig
from deliberation.entrypoints import process_logging


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    process_logging.configure(LoggingConfig(format="json"), "web", stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


def _entries(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line]


def _access_lines(stream: io.StringIO) -> list[dict[str, str]]:
    """The request lines so far; the server writes one just after the response has gone."""
    for _ in range(1000):
        lines = [e for e in _entries(stream) if e["logger"] == "deliberation.web.access"]
        if lines:
            return lines
        time.sleep(0.01)
    raise AssertionError("no request line in the log")


def test_the_500_page_shows_the_id_that_is_in_the_log_lines_of_the_request(
    site: Site, visitor: httpx.Client, json_log: io.StringIO
) -> None:
    def broken() -> None:
        logging.getLogger("deliberation.test").warning("Zyklus 7 wird gelesen")
        raise RuntimeError("kaputt bei person@example.org")

    site.asgi.add_api_route("/kaputt", broken)
    answer = visitor.get("/kaputt")

    assert answer.status_code == 500
    reference = answer.text.split('class="reference">')[1].split("<")[0]
    assert answer.headers["x-request-id"] == reference
    entries = [e for e in _entries(json_log) if e.get("request_id") == reference]
    assert entries[0]["message"] == "Zyklus 7 wird gelesen"
    [error] = [e for e in entries if e["level"] == "ERROR"]
    assert error["message"].startswith(f"Interner Fehler {reference} bei GET /kaputt")
    assert error["process"] == "web" and "RuntimeError" in error["exception"]
    # An address in an exception's text does not reach the log.
    assert "person@example.org" not in json.dumps(entries)
    assert process_logging.ADDRESS_PLACEHOLDER in error["exception"]


def test_every_response_carries_its_own_id(visitor: httpx.Client) -> None:
    first = visitor.get("/healthz").headers["x-request-id"]
    second = visitor.get("/gibt-es-nicht").headers["x-request-id"]
    assert first != second
    assert len(first) == len(second) == 9


def test_plain_text_lines_carry_process_and_request_id() -> None:
    record = logging.LogRecord("deliberation.web", logging.INFO, "", 0, "Seite %s", ("da",), None)
    token = process_logging.request_id.set("3F2A-9C01")
    try:
        process_logging._Context("web").filter(record)
    finally:
        process_logging.request_id.reset(token)
    line = process_logging.TextFormatter().format(record)
    assert line.endswith(" INFO web [3F2A-9C01] deliberation.web: Seite da")


def test_each_request_is_one_line_with_the_route_pattern_not_the_path(
    site: Site, visitor: httpx.Client, json_log: io.StringIO
) -> None:
    answer = visitor.get("/rsvp/geheimer-token-123?antwort=ja")
    reference = answer.headers["x-request-id"]
    [line] = _access_lines(json_log)
    assert line["request_id"] == reference
    assert line["message"].startswith(f"GET /rsvp/{{token}} {answer.status_code} ")
    # (The test's own HTTP client, httpx, logs its URL in this process too.)
    server_side = json.dumps([e for e in _entries(json_log) if e["logger"] != "httpx"])
    assert "geheimer-token" not in server_side and "antwort" not in server_side
