"""Benchmark: the secretaries' tracker against hand-written SQL on the same database.

Generates (untimed) a database with N recommendations (default 100,000) and M
transition log rows (default 1,000,000), then times, interleaved and repeated:

* the tracker's overdue list (``recommendations.tracker(overdue=True)``, what
  ``deliberation recommendation list --overdue`` shows: lines with state title, next
  steps and the overdue mark) against one hand-written SELECT of the same rows and
  columns;
* the tracker's per-body counts (``consultations.counts_by_body``) against a
  hand-written GROUP BY.

Both sides must give the same answers (exit status 2 otherwise; checked outside the
timing). Reports the median wall and CPU time of each side and the ratio
tracker / hand-written (target: at most 1.5), and the load average.
"""

from __future__ import annotations

import argparse
import gc
import json
import operator
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

REPO_ROOT = Path(__file__).resolve().parent.parent
for folder in (REPO_ROOT, REPO_ROOT / "tests" / "integration"):
    if str(folder) not in sys.path:  # the package and the shared data generator
        sys.path.insert(0, str(folder))

from tracker_data import IMPLEMENTATION_STATES, generate  # noqa: E402

from deliberation.bootstrap import Application, bootstrap, initialise_database  # noqa: E402
from deliberation.service_layer import consultations, recommendations  # noqa: E402

CONFIG = REPO_ROOT / "config.toml"

OVERDUE_SQL = """
SELECT r.id, r.title, g.name, c.title, ro.label, r.state, r.responsible_office, r.due_date
FROM recommendations r
JOIN working_groups g ON g.id = r.working_group_id
JOIN cycles c ON c.id = g.conference_id
JOIN rounds ro ON ro.id = c.round_id
WHERE r.due_date < :today AND r.state IN ({states})
ORDER BY r.id
""".format(states=", ".join(f"'{s}'" for s in sorted(IMPLEMENTATION_STATES)))

COUNTS_SQL = """
SELECT body_key, count(DISTINCT recommendation_id) FROM consultations GROUP BY body_key
"""


def tracker_overdue(app: Application) -> list[Any]:
    return recommendations.tracker(app.deps, overdue=True)


def sql_overdue(app: Application) -> list[Any]:
    with app.db.connect() as conn:
        return list(conn.execute(text(OVERDUE_SQL), {"today": app.deps.today()}).all())


def same_overdue(views: list[Any], rows: list[Any]) -> bool:
    """Both lists name the same recommendations with the same columns (outside the timing).

    SQLite hands back dates as text, PostgreSQL as dates: they are compared as text.
    """
    ours = [
        (
            v.id,
            v.title,
            v.group_name,
            v.conference_title,
            v.round,
            v.state,
            v.responsible_office,
            str(v.due_date),
        )
        for v in views
    ]
    return ours == [(*row[:-1], str(row[-1])) for row in rows]


def tracker_counts(app: Application) -> dict[str, int]:
    return consultations.counts_by_body(app.deps)


def sql_counts(app: Application) -> dict[str, int]:
    with app.db.connect() as conn:
        return {key: int(n) for key, n in conn.execute(text(COUNTS_SQL))}


def timed(function: Callable[[Application], Any], app: Application) -> tuple[float, float, Any]:
    """Wall time, CPU time of this process (without the database server) and the result."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(app)
    return time.perf_counter() - start, time.process_time() - cpu, result


def compare(
    name: str,
    tracker: Callable[[Application], Any],
    baseline: Callable[[Application], Any],
    same: Callable[[Any, Any], bool],
    app: Application,
    repeat: int,
) -> dict[str, Any]:
    """Interleave both sides ``repeat`` times after one warm-up each; medians and ratios.

    Only the call is timed: checking that both gave the same answer is done outside.
    """
    *_, want = timed(baseline, app)
    *_, got = timed(tracker, app)
    if not same(got, want):
        print(f"FEHLER: {name}: Tracker und SQL liefern verschiedene Antworten", file=sys.stderr)
        sys.exit(2)
    times: dict[str, list[float]] = {"tracker": [], "sql": [], "tracker_cpu": [], "sql_cpu": []}
    for _ in range(repeat):
        for side, function in (("tracker", tracker), ("sql", baseline)):
            wall, cpu, _ = timed(function, app)
            times[side].append(wall)
            times[f"{side}_cpu"].append(cpu)
    medians = {key: statistics.median(values) for key, values in times.items()}
    ratio = medians["tracker"] / medians["sql"]
    size = len(want)
    print(
        f"{name:<22} {size:>7} Zeilen  Tracker {medians['tracker'] * 1000:9.1f} ms  "
        f"SQL {medians['sql'] * 1000:9.1f} ms  Verhältnis {ratio:5.2f}  "
        f"(CPU dieses Prozesses: {medians['tracker_cpu'] * 1000:.1f} / "
        f"{medians['sql_cpu'] * 1000:.1f} ms)",
        flush=True,
    )
    return {
        "rows": size,
        "tracker_s": medians["tracker"],
        "sql_s": medians["sql"],
        "ratio": ratio,
        "tracker_cpu_s": medians["tracker_cpu"],
        "sql_cpu_s": medians["sql_cpu"],
        "tracker_all": times["tracker"],
        "sql_all": times["sql"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recommendations", type=int, default=100_000)
    parser.add_argument("--log-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="an empty database (default: temp SQLite file)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'tracker.sqlite3'}"
        app = bootstrap(CONFIG, database_url=url, require_schema=False)
        try:
            initialise_database(app)
            started = time.perf_counter()

            def progress(done: int, total: int) -> None:
                if done % 200_000 == 0 or done == total:
                    print(f"  Protokollzeilen {done:>9}/{total}", flush=True)

            print(
                f"Erzeuge {args.recommendations} Empfehlungen, {args.log_rows} "
                f"Protokollzeilen ({app.db.dialect.name}) …",
                flush=True,
            )
            generate(
                app.db, args.recommendations, app.deps.today(), args.log_rows, progress=progress
            )
            with app.db.begin() as conn:
                conn.execute(text("ANALYZE"))
            print(f"  fertig in {time.perf_counter() - started:.0f} s", flush=True)
            # The generator's objects are garbage now; a command-line process would not
            # carry them. Collected and frozen, so the cyclic collector does not walk them
            # during the timed calls (it hit the side that allocates more objects harder).
            gc.collect()
            gc.freeze()
            results = {
                "backend": app.db.dialect.name,
                "recommendations": args.recommendations,
                "log_rows": args.log_rows,
                "load_average": os.getloadavg(),
                "overdue_list": compare(
                    "Überfällige (Liste)",
                    tracker_overdue,
                    sql_overdue,
                    same_overdue,
                    app,
                    args.repeat,
                ),
                "counts_by_body": compare(
                    "Zählung je Gremium", tracker_counts, sql_counts, operator.eq, app, args.repeat
                ),
            }
        finally:
            app.close()
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
