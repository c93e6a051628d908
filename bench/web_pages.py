"""Benchmark: the web application's pages against the service-layer calls behind them.

Generates (untimed) a database with N recommendations (default 100,000) and M transition
log rows (default 1,000,000) with the tracker's data generator, creates a Geschäftsstelle
account, and serves the application with ``deliberation web`` (a real uvicorn in its own
process) on loopback. Then, in the same run:

* **pages**: C concurrent clients (default 20), each signed in with its own session, ask
  for K pages of each kind (default 10): the start page, the tracker with a filter, a
  recommendation's page (numbers drawn at random, the same for both sides), and the OParl
  server's paper list with ``modified_since`` (no session needed; about a tenth of the
  papers changed since then, pages drawn at random);
* **service calls**: the same number of threads make the calls those pages make, in this
  process, on the same database: the session's account lookup; plus the start page's query
  (``start_page.start_page``); plus the tracker page and its filter choices; plus a
  recommendation's detail and its trace; plus the OParl feed's page of papers
  (``oparl_feed.papers``).

Reports p50 and p95 of each side, the ratio page / service at p95 (target for the tracker
and the OParl list: at most 2) and the load average. Exit status 2 if a page did not answer
200.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx
from sqlalchemy import text

REPO_ROOT = Path(__file__).resolve().parent.parent
for folder in (REPO_ROOT, REPO_ROOT / "tests" / "integration"):
    if str(folder) not in sys.path:  # the package and the shared data generator
        sys.path.insert(0, str(folder))

from tracker_data import MODIFIED_SPREAD, START, generate  # noqa: E402

from deliberation.bootstrap import Application, bootstrap, initialise_database  # noqa: E402
from deliberation.service_layer import (  # noqa: E402
    accounts,
    oparl_feed,
    route_overview,
    start_page,
    trace,
    tracker,
)
from deliberation.service_layer.oparl_rows import Window  # noqa: E402

CONFIG = REPO_ROOT / "config.toml"
LOGIN = "bench.geschaeftsstelle"
PASSWORD = secrets.token_urlsafe(16)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
#: what a secretary looks at most: overdue implementations, by due date
TRACKER_QUERY = "overdue=1&sort=frist"
#: what a council information system asks when it updates: papers changed since then
CHANGED_SINCE = START + timedelta(minutes=MODIFIED_SPREAD * 9 // 10)


def _tracker_query(query: str) -> tracker.TrackerQuery:
    params = dict(parse_qsl(query))
    return tracker.TrackerQuery(
        state=params.get("state"),
        body=params.get("body"),
        office=params.get("office"),
        overdue=params.get("overdue") == "1",
        sort=tracker.TrackerSort(params.get("sort", "nr")),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """``deliberation web`` on the bench database, in a process of its own."""
    env = {
        **os.environ,
        "DELIBERATION_DATABASE_URL": url,
        "DELIBERATION_WEB_SECRET": secrets.token_urlsafe(32),
        "DELIBERATION_LINK_SECRET": secrets.token_urlsafe(32),
    }
    command = [
        sys.executable,
        "-m",
        "deliberation",
        "--config",
        str(CONFIG),
        "web",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"deliberation web ended with {server.returncode}")
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("deliberation web did not answer within 30 s")


async def signed_in(base: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=120)
    page = await client.get("/login")
    found = CSRF.search(page.text)
    assert found, "no CSRF token on the login page"
    answer = await client.post(
        "/login", data={"username": LOGIN, "password": PASSWORD, "csrf_token": found[1]}
    )
    if answer.status_code != 303:
        raise SystemExit(f"login failed: {answer.status_code}")
    return client


async def page_times(base: str, paths: list[list[str]], failures: list[str]) -> list[float]:
    """Every client asks for its own list of paths, one after the other; all at once."""
    clients = [await signed_in(base) for _ in paths]

    async def run(client: httpx.AsyncClient, own: list[str]) -> list[float]:
        times = []
        for path in own:
            start = time.perf_counter()
            answer = await client.get(path)
            times.append(time.perf_counter() - start)
            if answer.status_code != 200:
                failures.append(f"{path}: {answer.status_code}")
        return times

    try:
        pairs = zip(clients, paths, strict=True)
        results = await asyncio.gather(*(run(client, own) for client, own in pairs))
    finally:
        for client in clients:
            await client.aclose()
    return [t for own in results for t in own]


def service_times(calls: list[list[Callable[[], Any]]]) -> list[float]:
    """Every thread makes its own list of calls, one after the other; all at once."""
    results: list[list[float]] = [[] for _ in calls]

    def run(index: int) -> None:
        for call in calls[index]:
            start = time.perf_counter()
            call()
            results[index].append(time.perf_counter() - start)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [t for own in results for t in own]


def percentiles(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50": statistics.median(times), "p95": cuts[94], "n": len(times)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=100_000)
    parser.add_argument("--log-rows", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10, help="per client and page kind")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--tracker-query", default=TRACKER_QUERY)
    parser.add_argument(
        "--only", help="only the page kinds whose name contains this (e.g. OParl)", default=""
    )
    parser.add_argument("--database-url", help="an empty database (default: temp SQLite file)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="web-bench-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'web.sqlite3'}"
        app = bootstrap(CONFIG, database_url=url, require_schema=False)
        try:
            initialise_database(app)
            results = run(app, url, args)
        finally:
            app.close()
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 2 if results["failures"] else 0


def run(app: Application, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(
        f"Erzeuge {args.recommendations} Empfehlungen, {args.log_rows} Protokollzeilen "
        f"({app.db.dialect.name}) …",
        flush=True,
    )
    started = time.perf_counter()
    generate(app.db, args.recommendations, app.deps.today(), args.log_rows)
    with app.db.begin() as conn:
        conn.execute(text("ANALYZE"))
    account = accounts.add(app.deps, app.passwords(), LOGIN, "geschaeftsstelle", PASSWORD)
    print(f"  fertig in {time.perf_counter() - started:.0f} s", flush=True)

    rng = random.Random(7)
    ids = [
        [rng.randint(1, args.recommendations) for _ in range(args.requests)]
        for _ in range(args.clients)
    ]
    query = _tracker_query(args.tracker_query)
    deps = app.deps
    uid, epoch = account.id, account.session_epoch

    def lookup() -> None:
        accounts.session_account(deps, uid, epoch)

    def start_calls() -> None:
        lookup()
        start_page.start_page(deps)

    def tracker_calls() -> None:
        lookup()
        tracker.tracker_page(deps, query)
        tracker.choices(deps)

    def recommendation_calls(rec_id: int) -> Callable[[], None]:
        def call() -> None:
            lookup()
            route_overview.detail(deps, rec_id)
            trace.trace_recommendation(deps, rec_id)

        return call

    feed = oparl_feed.Feed(frozenset(app.settings.oparl.closed_session_publishes))
    changed = Window(modified_since=CHANGED_SINCE)
    size = app.settings.oparl.page_size
    changed_pages = max(1, oparl_feed.papers(deps, feed, changed, 1, size).pages)
    page_numbers = [[rng.randint(1, changed_pages) for _ in own] for own in ids]
    since = quote(CHANGED_SINCE.isoformat())

    def paper_page(number: int) -> Callable[[], None]:
        def call() -> None:
            oparl_feed.papers(deps, feed, changed, number, size)

        return call

    kinds: dict[str, tuple[list[list[str]], list[list[Callable[[], Any]]]]] = {
        "Startseite": (
            [["/"] * args.requests for _ in ids],
            [[start_calls] * args.requests for _ in ids],
        ),
        f"Tracker ({args.tracker_query})": (
            [[f"/tracker?{args.tracker_query}"] * args.requests for _ in ids],
            [[tracker_calls] * args.requests for _ in ids],
        ),
        "Empfehlung": (
            [[f"/recommendations/{i}" for i in own] for own in ids],
            [[recommendation_calls(i) for i in own] for own in ids],
        ),
        "OParl Drucksachen (modified_since)": (
            [
                [f"/oparl/v1/body/1/paper?modified_since={since}&page={n}" for n in own]
                for own in page_numbers
            ],
            [[paper_page(n) for n in own] for own in page_numbers],
        ),
    }
    port = free_port()
    server = serve(url, port, args.workers)
    failures: list[str] = []
    figures: dict[str, Any] = {}
    load_before = os.getloadavg()
    try:
        chosen = {n: k for n, k in kinds.items() if args.only.casefold() in n.casefold()}
        for name, (paths, calls) in chosen.items():
            service = percentiles(service_times(calls))
            pages = percentiles(
                asyncio.run(page_times(f"http://127.0.0.1:{port}", paths, failures))
            )
            ratio = pages["p95"] / service["p95"]
            figures[name] = {"page": pages, "service": service, "ratio_p95": ratio}
            print(
                f"{name:<36} Seite p50 {pages['p50'] * 1000:7.1f} ms p95 "
                f"{pages['p95'] * 1000:7.1f} ms | Dienst p50 {service['p50'] * 1000:7.1f} ms "
                f"p95 {service['p95'] * 1000:7.1f} ms | Verhältnis p95 {ratio:5.2f}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_after = os.getloadavg()
    print(
        f"Last (1/5/15 min): vorher {load_before}, nachher {load_after}; "
        f"{os.cpu_count()} Kerne; Fehler: {len(failures)}",
        flush=True,
    )
    for failure in failures[:10]:
        print(f"  {failure}", file=sys.stderr)
    return {
        "backend": app.db.dialect.name,
        "recommendations": args.recommendations,
        "log_rows": args.log_rows,
        "clients": args.clients,
        "requests_per_client": args.requests,
        "workers": args.workers,
        "oparl_modified_since": CHANGED_SINCE.isoformat(),
        "load_before": load_before,
        "load_after": load_after,
        "figures": figures,
        "failures": failures,
    }


if __name__ == "__main__":
    sys.exit(main())
