#!/usr/bin/env python
"""Cold start of the command line: ``deliberation --help`` against ``import sqlalchemy``.

    python bench/cold_start.py [--repeat 15] [--json OUT]

Each repetition starts two fresh interpreters of this virtualenv, in alternating
order (ABBA) so that drift of a shared machine hits both alike:

* COMMAND: ``python -m deliberation --help`` (what the ``deliberation`` script runs),
* BASELINE: ``python -c "import sqlalchemy"``, the cost of the one library every
  database command needs.

Reports the median wall time of each, the ratio COMMAND / BASELINE (target: at
most 1.0), the load average before and after, and the heavy libraries the
COMMAND imported (from ``python -X importtime``; there should be none).
Figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMAND = [sys.executable, "-m", "deliberation", "--help"]
BASELINE = [sys.executable, "-c", "import sqlalchemy"]
HEAVY = (
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "email_validator",
    "icalendar",
    "aiosmtpd",
    "aiosmtplib",
    "jinja2",
    "babel",
    "holidays",
    "transitions",
    "apscheduler",
    "rich",
    "fastapi",
    "uvicorn",
    "starlette",
    "pydantic",
)


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def heavy_imports(command: list[str]) -> list[str]:
    """The top-level packages from ``HEAVY`` that ``command`` imports."""
    traced = [command[0], "-X", "importtime", *command[1:]]
    done = subprocess.run(traced, check=True, capture_output=True, text=True)
    modules = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return sorted(set(HEAVY) & modules)


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=15)
    options.add_argument("--json", type=Path)
    args = options.parse_args()
    load_before = os.getloadavg()
    _seconds(COMMAND), _seconds(BASELINE)  # warm the file cache, not timed
    command: list[float] = []
    baseline: list[float] = []
    for round_ in range(args.repeat):
        pair = [(command, COMMAND), (baseline, BASELINE)]
        for times, argv in pair if round_ % 2 == 0 else reversed(pair):
            times.append(_seconds(argv))
    load_after = os.getloadavg()
    result = {
        "python": platform.python_version(),
        "repeat": args.repeat,
        "command_median_s": statistics.median(command),
        "baseline_median_s": statistics.median(baseline),
        "ratio": statistics.median(command) / statistics.median(baseline),
        "load_before": load_before,
        "load_after": load_after,
        "heavy_imports_of_command": heavy_imports(COMMAND),
    }
    print(f"deliberation --help   median {result['command_median_s'] * 1000:7.1f} ms")
    print(f"import sqlalchemy     median {result['baseline_median_s'] * 1000:7.1f} ms")
    print(f"ratio                 {result['ratio']:.2f} (target: at most 1.0)")
    print(f"load average          {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"heavy imports         {', '.join(result['heavy_imports_of_command']) or 'none'}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
