"""One logging set-up for the three long-running processes: web, scheduler, sender.

Standard library ``logging`` to standard error (systemd's journal or the
container's log): one plain line per record by default, JSON Lines with
``[logging] format = "json"``. Every record carries the process (``web``,
``scheduler``, ``sender``) and, in the web application, the id of the request
it belongs to; the same id is the reference number on the German 500 page.

Log messages name records by id only: no e-mail addresses, names or texts a
person typed (``tests/e2e/test_logs_without_personal_data.py`` searches a demo
run's log for every demo address and name). As a second line of defence, an
e-mail address that reaches a record anyway (a library's exception text quoting
a row, say) is replaced before the record is written.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

from deliberation.config import LoggingConfig

#: The id of the web request being handled (empty outside a request).
request_id: ContextVar[str] = ContextVar("request_id", default="")

#: What looks like an e-mail address (also inside quotes, brackets or a key=value pair).
_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
ADDRESS_PLACEHOLDER = "<E-Mail-Adresse>"

#: Loggers of libraries that would otherwise bring their own handlers or say too much.
_QUIET = {"uvicorn.access": logging.WARNING, "apscheduler": logging.WARNING}


def new_request_id() -> str:
    """A short id staff can read out on the phone and IT can find in the log (``3F2A-9C01``)."""
    return "-".join(secrets.token_hex(2).upper() for _ in range(2))


class _Context(logging.Filter):
    def __init__(self, process: str) -> None:
        super().__init__()
        self.process = process

    def filter(self, record: logging.LogRecord) -> bool:
        record.process_role = self.process
        record.request_id = request_id.get()
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


def scrub(text: str) -> str:
    """``text`` with every e-mail address replaced by a placeholder."""
    return _EMAIL.sub(ADDRESS_PLACEHOLDER, text)


class TextFormatter(logging.Formatter):
    """``2026-12-01 14:03:07 INFO web [3F2A-9C01] deliberation.web: message``."""

    def __init__(self) -> None:
        super().__init__(datefmt="%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        request_of = getattr(record, "request_id", "")
        request = f" [{request_of}]" if request_of else ""
        line = (
            f"{self.formatTime(record, self.datefmt)} {record.levelname} "
            f"{getattr(record, 'process_role', '-')}{request} {record.name}: "
            f"{record.getMessage()}"
        )
        if record.exc_info:
            line += "\n" + scrub(self.formatException(record.exc_info))
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, process, logger, message,
    request_id where there is one, exception (the traceback) where there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "process": getattr(record, "process_role", ""),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_of := getattr(record, "request_id", ""):
            entry["request_id"] = request_of
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(settings: LoggingConfig, process: str, stream: TextIO | None = None) -> None:
    """Send every log record of this process to standard error (or ``stream``), formatted
    as configured.

    Replaces what was configured before (uvicorn's own handlers included), so calling
    it again in a worker process or a test is harmless.
    """
    handler = logging.StreamHandler(sys.stderr if stream is None else stream)
    handler.setFormatter(JsonFormatter() if settings.format == "json" else TextFormatter())
    handler.addFilter(_Context(process))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
    for name, level in _QUIET.items():
        logging.getLogger(name).setLevel(max(level, logging.getLevelName(settings.level)))
