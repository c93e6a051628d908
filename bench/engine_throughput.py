#!/usr/bin/env python
"""Throughput of the workflow engine against plain SQLAlchemy Core writes, and memory per cycle.

    python bench/engine_throughput.py [--cycles 10000] [--repeat 1] [--chunk 250]
                                      [--database-url URL] [--baseline-database-url URL]
                                      [--json OUT] [--skip-memory] [--profile OUT]

ENGINE: ``future_workshop`` cycles run their whole lifecycle through the service
layer, one unit of work per step, exactly as staff would do it::

    send_invitations, start_needs_collection, needs.add, start_vision,
    start_realisation, needs.vote, document, close        (6 transitions, 8 transactions)

BASELINE: what hand-written code for the same rules must do per step, on a second,
fresh database of the same backend, with prepared Core statements and one
``engine.begin()`` per step: read the cycle's state and version, update it with the
version check, insert the log row (and the notification, the need, the votes, the
forwarded status where the engine writes them), commit. No guards, no ORM.

WRITES ONLY: the same writes without the read (the earlier baseline), on cycles of
its own in the baseline database; a second column.

Launching the cycles (``cycles.launch``, same on both sides) is setup and not timed.
The two sides run interleaved in chunks (ABBA order) so drift of the machine hits
both alike; with ``--repeat K`` everything is done K times and medians reported.

MEMORY: a fresh child process loads all cycles of the engine database through
``uow.cycles.cycles()`` in one unit of work and measures the tracemalloc snapshot
difference per loaded cycle, then the same for plain Core rows; it counts the
``transitions.Machine`` objects alive before and after loading.

After timing, both databases are compared (states, versions, log, notification and
need rows); if they differ the baseline no longer mirrors the engine's writes, the
report says so and the exit status is 2. See bench/README.md for measured figures.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy
from sqlalchemy import Engine, bindparam, exists, func, insert, select, update
from sqlalchemy.engine import make_url
from transitions import Machine

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # the package is used from the checkout, not installed
    sys.path.insert(0, str(REPO_ROOT))

from deliberation.adapters import database, orm  # noqa: E402
from deliberation.adapters.unit_of_work import SqlUnitOfWork  # noqa: E402
from deliberation.adapters.workflow_files import load_workflows  # noqa: E402
from deliberation.bootstrap import Application, bootstrap, initialise_database  # noqa: E402
from deliberation.service_layer import cycles, meetings, needs  # noqa: E402

CONFIG = REPO_ROOT / "config.toml"
WORKFLOW = "future_workshop"
ACTOR = "bench"
NEED_TEXT = "Sprachkurse am Abend, auch für Berufstätige"
TOPIC_FIELD = "Sprache"
SCOPE = "kreisweit"  # county-wide: ``document`` forwards it (status UPDATE on the need)
TRANSITIONS_PER_CYCLE = 6
TRANSACTIONS_PER_CYCLE = 8


def utc_now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- setup


def make_apps(database_url: str, baseline_url: str) -> tuple[Application, Application]:
    """The engine app, and one for the baseline database that shares its WorkflowEngine.

    Sharing keeps the number of ``transitions.Machine`` objects in this process at
    one per workflow definition, so it can be checked here too.
    """
    app = bootstrap(CONFIG, database_url=database_url, require_schema=False)
    initialise_database(app)
    db = database.make_engine(baseline_url)
    factory = database.session_factory(db)
    deps = dataclasses.replace(app.deps, unit_of_work=lambda: SqlUnitOfWork(factory))
    baseline = Application(app.settings.with_database(baseline_url), deps, db, app.templates)
    initialise_database(baseline)
    return app, baseline


def launch_cycles(app: Application, prefix: str, n: int) -> list[tuple[int, str]]:
    """Launch ``n`` unique future workshops (one per round and municipality), each with its
    evening and a place (invitations go out only with date, time and place); untimed
    setup, the same on every side."""
    keys = [m.key for m in app.settings.municipalities]
    launched: list[tuple[int, str]] = []
    round_no = 0
    starts = datetime.combine(
        app.deps.today() + timedelta(days=60), time_of_day(18), ZoneInfo(app.deps.timezone)
    )
    while len(launched) < n:
        chunk = keys[: n - len(launched)]
        ids = cycles.launch(app.deps, WORKFLOW, f"{prefix}-{round_no:06d}", ACTOR, chunk)
        launched.extend(zip(ids, chunk, strict=True))
        round_no += 1
        for cycle_id in ids:
            plan = meetings.MeetingPlan(
                f"Werkstatt {cycle_id}", starts, "Rathaus", cycle_id=cycle_id
            )
            meetings.schedule(app.deps, plan, "landkreis-peine.de", confirmed=True)
    return launched


def count_machines() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, Machine))


def backend_description(db: Engine) -> str:
    with db.connect() as connection:
        info = connection.dialect.server_version_info or ()
    server = ".".join(str(p) for p in info)
    return f"{db.dialect.name} {server} (driver {db.dialect.driver})"


# --------------------------------------------------------------------------- the two sides


def engine_lifecycle(app: Application, cycle_id: int) -> None:
    """One whole workshop through the service layer: 6 transitions, 8 units of work."""
    deps = app.deps
    cycles.advance(deps, cycle_id, "send_invitations", ACTOR)
    cycles.advance(deps, cycle_id, "start_needs_collection", ACTOR)
    need_id = needs.add(deps, cycle_id, NEED_TEXT, TOPIC_FIELD, SCOPE, ACTOR)
    cycles.advance(deps, cycle_id, "start_vision", ACTOR)
    cycles.advance(deps, cycle_id, "start_realisation", ACTOR)
    needs.vote(deps, need_id, 1)
    cycles.advance(deps, cycle_id, "document", ACTOR)
    cycles.advance(deps, cycle_id, "close", ACTOR)


C = orm.cycles.c
UPDATE_CYCLE = (
    update(orm.cycles)
    .where(C.id == bindparam("cid"), C.version == bindparam("v"))
    .values(
        state=bindparam("to_state_"),
        version=C.version + 1,
        updated_at=bindparam("now", type_=orm.UTCDateTime()),
    )
)
TOUCH_CYCLE = (  # needs.add and needs.vote bump the workshop's version (stepping.touch)
    update(orm.cycles)
    .where(C.id == bindparam("cid"), C.version == bindparam("v"))
    .values(version=C.version + 1, updated_at=bindparam("now", type_=orm.UTCDateTime()))
)
INSERT_LOG = insert(orm.transition_log)
INSERT_NOTIFICATION = insert(orm.notifications)
INSERT_NEED = insert(orm.needs)
VOTE_NEED = (
    update(orm.needs)
    .where(orm.needs.c.id == bindparam("nid"))
    .values(votes=orm.needs.c.votes + bindparam("dots"))
)
FORWARD_NEED = (
    update(orm.needs).where(orm.needs.c.id == bindparam("nid")).values(status="forwarded")
)


READ_CYCLE = select(C.state, C.version).where(C.id == bindparam("cid"))
M = orm.meetings.c
INVITABLE_MEETING = select(  # invitations go out only with a planned meeting with a place
    exists().where(
        M.cycle_id == bindparam("cid"), M.status == "planned", func.trim(M.location) != ""
    )
)
READ_CYCLE_OF_NEED = (
    select(C.state)
    .join_from(orm.needs, orm.cycles, orm.needs.c.cycle_id == C.id)
    .where(orm.needs.c.id == bindparam("nid"))
)


class BaselineCycle:
    """The engine's writes for one cycle, as plain Core statements; one transaction per step.

    ``reads``: each step first reads the cycle's state and version (the main baseline);
    otherwise they are tracked in memory (the write-only baseline).
    """

    def __init__(self, db: Engine, cycle_id: int, municipality_key: str, reads: bool) -> None:
        self.db = db
        self.cycle_id = cycle_id
        self.municipality_key = municipality_key
        self.reads = reads
        self.state = "planned"
        self.version = 1

    def _read(self, connection: sqlalchemy.Connection) -> None:
        if self.reads:
            self.state, self.version = connection.execute(READ_CYCLE, {"cid": self.cycle_id}).one()

    def _transition(self, connection: sqlalchemy.Connection, trigger: str, to: str) -> datetime:
        self._read(connection)
        now = utc_now()
        result = connection.execute(
            UPDATE_CYCLE, {"cid": self.cycle_id, "v": self.version, "to_state_": to, "now": now}
        )
        if result.rowcount != 1:
            raise RuntimeError(f"cycle {self.cycle_id}: version {self.version} is stale")
        connection.execute(
            INSERT_LOG,
            {
                "subject_kind": "cycle",
                "subject_id": self.cycle_id,
                "workflow": WORKFLOW,
                "trigger": trigger,
                "from_state": self.state,
                "to_state": to,
                "actor": ACTOR,
                "reason": "",
                "at": now,
            },
        )
        self.state = to
        self.version += 1
        return now

    def step(self, trigger: str, to: str) -> None:
        with self.db.begin() as connection:
            invites = trigger == "send_invitations" and self.reads
            if (
                invites
                and not connection.execute(INVITABLE_MEETING, {"cid": self.cycle_id}).scalar()
            ):
                raise RuntimeError(f"cycle {self.cycle_id}: no meeting with a place")
            now = self._transition(connection, trigger, to)
            if trigger == "send_invitations":  # the workflow sends the invitation on this one
                connection.execute(
                    INSERT_NOTIFICATION,
                    {
                        "template": "future_workshop/invitation",
                        "subject_kind": "cycle",
                        "subject_id": self.cycle_id,
                        "created_at": now,
                        "status": "pending",
                    },
                )

    def add_need(self) -> int:
        with self.db.begin() as connection:
            self._read(connection)
            now = utc_now()
            touched = connection.execute(
                TOUCH_CYCLE, {"cid": self.cycle_id, "v": self.version, "now": now}
            )
            if touched.rowcount != 1:
                raise RuntimeError(f"cycle {self.cycle_id}: version {self.version} is stale")
            self.version += 1
            result = connection.execute(
                INSERT_NEED,
                {
                    "cycle_id": self.cycle_id,
                    "municipality_key": self.municipality_key,
                    "text": NEED_TEXT,
                    "topic_field": TOPIC_FIELD,
                    "scope": "county",
                    "votes": 0,
                    "status": "open",
                    "created_at": now,
                },
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def vote(self, need_id: int) -> None:
        with self.db.begin() as connection:
            if (
                self.reads
                and connection.execute(READ_CYCLE_OF_NEED, {"nid": need_id}).scalar_one()
                != "realisation"
            ):
                raise RuntimeError(f"need {need_id}: its workshop does not take votes now")
            if connection.execute(VOTE_NEED, {"nid": need_id, "dots": 1}).rowcount != 1:
                raise RuntimeError(f"need {need_id} missing")
            # a vote is a change of the workshop: its version moves on (needs.vote)
            touched = connection.execute(
                TOUCH_CYCLE, {"cid": self.cycle_id, "v": self.version, "now": utc_now()}
            )
            if touched.rowcount != 1:
                raise RuntimeError(f"cycle {self.cycle_id}: version {self.version} is stale")
            self.version += 1

    def document(self, need_id: int) -> None:
        with self.db.begin() as connection:
            self._transition(connection, "document", "documented")
            connection.execute(FORWARD_NEED, {"nid": need_id})


def baseline_lifecycle(db: Engine, cycle_id: int, municipality_key: str, reads: bool) -> None:
    cycle = BaselineCycle(db, cycle_id, municipality_key, reads)
    cycle.step("send_invitations", "invitations_sent")
    cycle.step("start_needs_collection", "needs_collection")
    need_id = cycle.add_need()
    cycle.step("start_vision", "vision")
    cycle.step("start_realisation", "realisation")
    cycle.vote(need_id)
    cycle.document(need_id)
    cycle.step("close", "closed")


# --------------------------------------------------------------------------- timing


SIDES = ("engine", "baseline", "writes")
SIDE_LABELS = {
    "engine": "engine (service layer)",
    "baseline": "baseline (read + write)",
    "writes": "writes only (old baseline)",
}


@dataclass
class Repetition:
    cycles: int
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SIDES, 0.0))
    # process CPU time: less sensitive to other load
    cpu_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SIDES, 0.0))
    chunks: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SIDES})
    mismatch: str = ""  # set when the sides did not write the same rows

    def transitions_per_s(self, side: str) -> float:
        return TRANSITIONS_PER_CYCLE * self.cycles / self.seconds[side]

    def ratio(self, baseline: str = "baseline") -> float:
        return self.transitions_per_s("engine") / self.transitions_per_s(baseline)

    def add(self, side: str, wall: float, cpu: float) -> None:
        self.seconds[side] += wall
        self.cpu_seconds[side] += cpu
        self.chunks[side].append(wall)

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"cycles": self.cycles}
        for side in SIDES:
            rate = self.transitions_per_s(side)
            result[f"{side}_seconds"] = self.seconds[side]
            result[f"{side}_transitions_per_s"] = rate
            result[f"{side}_cycles_per_s"] = rate / TRANSITIONS_PER_CYCLE
            result[f"{side}_cpu_ms_per_cycle"] = 1000 * self.cpu_seconds[side] / self.cycles
            result[f"{side}_chunk_seconds"] = [round(x, 4) for x in self.chunks[side]]
        for baseline in ("baseline", "writes"):
            suffix = "" if baseline == "baseline" else "_writes"
            result[f"ratio{suffix}"] = self.ratio(baseline)
            result[f"cpu_ratio{suffix}"] = self.cpu_seconds[baseline] / self.cpu_seconds["engine"]
        result["same_writes"] = not self.mismatch
        result["mismatch"] = self.mismatch
        return result


def timed(run: Callable[[], None]) -> tuple[float, float]:
    """Wall time (perf_counter) and process CPU time of ``run()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_repetition(
    app: Application,
    baseline: Application,
    n: int,
    chunk: int,
    prefix: str,
    index: int,
    profiler: cProfile.Profile | None = None,
) -> Repetition:
    """Launch n cycles on each side (untimed), then time both sides in interleaved chunks.

    With ``profiler``, the engine side runs under cProfile (its timings are then inflated).
    """
    engine_cycles = launch_cycles(app, prefix, n)
    baseline_cycles = launch_cycles(baseline, prefix, n)
    writes_cycles = launch_cycles(baseline, f"{prefix}-w", n)
    gc.collect()
    result = Repetition(n)

    def engine_part(part: Sequence[tuple[int, str]]) -> Callable[[], None]:
        def run() -> None:
            if profiler is not None:
                profiler.enable()
            try:
                for cycle_id, _key in part:
                    engine_lifecycle(app, cycle_id)
            finally:
                if profiler is not None:
                    profiler.disable()

        return run

    def baseline_part(part: Sequence[tuple[int, str]], reads: bool) -> Callable[[], None]:
        def run() -> None:
            for cycle_id, key in part:
                baseline_lifecycle(baseline.db, cycle_id, key, reads)

        return run

    for number, start in enumerate(range(0, n, chunk)):
        part = slice(start, start + chunk)
        runs = [
            ("engine", engine_part(engine_cycles[part])),
            ("baseline", baseline_part(baseline_cycles[part], True)),
            ("writes", baseline_part(writes_cycles[part], False)),
        ]
        if (number + index) % 2:  # ABBA: alternate who goes first
            runs.reverse()
        for side, run in runs:
            result.add(side, *timed(run))
    engine_ids = [c for c, _ in engine_cycles]
    result.mismatch = compare_writes(
        app.db, baseline.db, engine_ids, [c for c, _ in baseline_cycles]
    ) or compare_writes(app.db, baseline.db, engine_ids, [c for c, _ in writes_cycles])
    return result


def written_rows(db: Engine, ids: list[int]) -> dict[str, Any]:
    """What the lifecycle left in the database for ``ids`` (to check both sides wrote the same)."""
    low, high = min(ids), max(ids)
    if high - low + 1 != len(set(ids)):
        raise RuntimeError("launched cycle ids are not contiguous; cannot verify by id range")
    log = orm.transition_log.c
    note = orm.notifications.c
    need = orm.needs.c
    with db.connect() as connection:
        states = connection.execute(
            select(C.state, C.version, func.count())
            .where(C.id.between(low, high))
            .group_by(C.state, C.version)
        ).all()
        log_rows = connection.execute(
            select(func.count()).where(
                log.subject_kind == "cycle", log.subject_id.between(low, high)
            )
        ).scalar_one()
        notes = connection.execute(
            select(func.count()).where(
                note.subject_kind == "cycle", note.subject_id.between(low, high)
            )
        ).scalar_one()
        need_rows = connection.execute(
            select(need.status, need.votes, func.count())
            .where(need.cycle_id.between(low, high))
            .group_by(need.status, need.votes)
        ).all()
    return {
        "cycles (state, version, count)": sorted(tuple(r) for r in states),
        "transition_log rows": log_rows,
        "notifications": notes,
        "needs (status, votes, count)": sorted(tuple(r) for r in need_rows),
    }


def compare_writes(
    engine: Engine, baseline: Engine, engine_ids: list[int], baseline_ids: list[int]
) -> str:
    """Empty if both sides left the same rows; otherwise both summaries (comparison invalid)."""
    ours, theirs = written_rows(engine, engine_ids), written_rows(baseline, baseline_ids)
    return "" if ours == theirs else f"engine: {ours}\nbaseline: {theirs}"


# --------------------------------------------------------------------------- memory (child)


def _traced_bytes(after: tracemalloc.Snapshot, before: tracemalloc.Snapshot) -> int:
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(ignore).compare_to(before.filter_traces(ignore), "filename")
    return sum(s.size_diff for s in stats)


def memory_probe(database_url: str) -> dict[str, Any]:
    """Run in a fresh process: bytes per cycle loaded via the repository vs. as Core rows."""
    app = bootstrap(CONFIG, database_url=database_url, require_schema=False)
    definitions = len(load_workflows(app.settings.workflows_dir, app.templates.exists))
    core_query = select(orm.cycles).order_by(C.id)
    # Warm up: imports, compiled-statement cache, pool connection; then measure a second load.
    with app.deps.unit_of_work() as uow:
        uow.cycles.cycles()
    with app.db.connect() as connection:
        connection.execute(core_query).all()
    gc.collect()
    machines_before = count_machines()

    tracemalloc.start()
    with app.deps.unit_of_work() as uow:
        before = tracemalloc.take_snapshot()
        current_before = tracemalloc.get_traced_memory()[0]
        loaded = uow.cycles.cycles()
        current_after = tracemalloc.get_traced_memory()[0]
        after = tracemalloc.take_snapshot()
        orm_bytes = _traced_bytes(after, before)
        loaded_count = len(loaded)
        machines_after = count_machines()
        top = [
            (str(s.traceback), s.size_diff, s.count_diff)
            for s in after.compare_to(before, "filename")[:6]
        ]
        del loaded, before, after
    gc.collect()

    with app.db.connect() as connection:
        before = tracemalloc.take_snapshot()
        rows = connection.execute(core_query).all()
        after = tracemalloc.take_snapshot()
        core_bytes = _traced_bytes(after, before)
        core_count = len(rows)
        del rows
    tracemalloc.stop()
    app.close()
    return {
        "loaded_cycles": loaded_count,
        "orm_bytes_total": orm_bytes,
        "orm_bytes_per_cycle": orm_bytes / max(loaded_count, 1),
        "orm_traced_memory_per_cycle": (current_after - current_before) / max(loaded_count, 1),
        "orm_top_sources": top,
        "core_rows": core_count,
        "core_bytes_total": core_bytes,
        "core_bytes_per_row": core_bytes / max(core_count, 1),
        "machines_before": machines_before,
        "machines_after": machines_after,
        "workflow_definitions": definitions,
    }


def run_memory_probe(database_url: str) -> dict[str, Any]:
    """The memory measurement in a fresh interpreter, so timing runs without tracemalloc."""
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--memory-probe", database_url],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


# --------------------------------------------------------------------------- main


def derive_baseline_url(url: str) -> str:
    parsed = make_url(url)
    name = parsed.database or ""
    if parsed.get_backend_name() == "sqlite":
        if name in ("", ":memory:"):
            raise SystemExit("an in-memory SQLite database cannot be benchmarked across sessions")
        path = Path(name)
        return parsed.set(
            database=str(path.with_name(f"{path.stem}_baseline{path.suffix}"))
        ).render_as_string(hide_password=False)
    return parsed.set(database=f"{name}_baseline").render_as_string(hide_password=False)


@contextmanager
def database_urls(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    if args.database_url is None:
        with tempfile.TemporaryDirectory(prefix="deliberation-bench-") as folder:
            yield (
                f"sqlite:///{Path(folder) / 'engine.sqlite3'}",
                f"sqlite:///{Path(folder) / 'baseline.sqlite3'}",
            )
        return
    baseline = args.baseline_database_url or derive_baseline_url(args.database_url)
    if make_url(baseline) == make_url(args.database_url):
        raise SystemExit("--baseline-database-url must name a different database")
    yield args.database_url, baseline


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cycles", type=int, default=10_000, help="cycles per side (10000)")
    parser.add_argument("--repeat", type=int, default=1, help="repetitions; medians reported")
    parser.add_argument("--chunk", type=int, default=250, help="cycles per interleaved chunk")
    parser.add_argument("--database-url", help="engine database (default: temp SQLite file)")
    parser.add_argument(
        "--baseline-database-url",
        help="baseline database, same backend (default: derived, e.g. NAME_baseline)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--skip-memory", action="store_true", help="no memory measurement")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="OUT",
        help="run the engine side under cProfile, write the stats to OUT (inflates its timings)",
    )
    parser.add_argument("--memory-probe", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cycles < 1 or args.repeat < 1 or args.chunk < 1:
        parser.error("--cycles, --repeat and --chunk must be positive")
    return args


def package_revision() -> str:
    """The checkout's commit, marked if ``deliberation/`` differs from it (read-only git calls)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "diff", "--quiet", "HEAD", "--", "deliberation"],
            capture_output=True,
            check=False,
        ).returncode
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (deliberation/ modified)" if dirty else head


def environment(app: Application, baseline: Application) -> dict[str, Any]:
    return {
        "package_revision": package_revision(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "sqlalchemy": sqlalchemy.__version__,
        "transitions": package_version("transitions"),
        "backend": backend_description(app.db),
        "baseline_backend": backend_description(baseline.db),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
    }


def print_report(env: dict[str, Any], args: argparse.Namespace, summary: dict[str, Any]) -> None:
    print(f"deliberation engine throughput  {env['date']}")
    print(
        f"Python {env['python']}, SQLAlchemy {env['sqlalchemy']}, transitions {env['transitions']}"
    )
    print(f"package {env['package_revision']}; backend {env['backend']}")
    print(f"machine {env['machine']}; load average before/after {env['load_average']}")
    print(
        f"{args.cycles} cycles per side x {args.repeat} repetition(s), interleaved in chunks of "
        f"{args.chunk}; {TRANSITIONS_PER_CYCLE} transitions / {TRANSACTIONS_PER_CYCLE} "
        "transactions per cycle"
    )
    print()
    print(f"{'':28}{'transitions/s':>14}{'cycles/s':>10}{'wall s':>9}{'CPU ms/cycle':>14}")
    for side in SIDES:
        print(
            f"{SIDE_LABELS[side]:28}{summary[f'{side}_transitions_per_s']:>14.1f}"
            f"{summary[f'{side}_cycles_per_s']:>10.1f}{summary[f'{side}_seconds']:>9.1f}"
            f"{summary[f'{side}_cpu_ms_per_cycle']:>14.2f}"
        )
    print()
    print(f"{'engine / ...':28}{'baseline':>14}{'writes only':>14}")
    print(f"{'  by wall time':28}{summary['ratio']:>14.3f}{summary['ratio_writes']:>14.3f}")
    print(f"{'  by CPU time':28}{summary['cpu_ratio']:>14.3f}{summary['cpu_ratio_writes']:>14.3f}")
    verdict = "ok" if summary["cpu_ratio"] >= 0.5 else "BELOW TARGET"
    print(f"  target: CPU ratio to the baseline >= 0.5: {verdict}")
    if args.repeat > 1:
        ratios = ", ".join(f"{r['cpu_ratio']:.3f}/{r['ratio']:.3f}" for r in summary["repetitions"])
        print(f"  (medians of {args.repeat} repetitions; CPU/wall ratios per repetition: {ratios})")
    mismatches = [r["mismatch"] for r in summary["repetitions"] if r["mismatch"]]
    if mismatches:
        print("WARNING: engine and baseline did NOT write the same rows; the baseline no longer")
        print("mirrors the engine's writes and the comparison is invalid:")
        print(mismatches[0])
    else:
        print("writes checked: all sides left the same states, versions, log, needs rows")
    print(
        f"transitions.Machine alive in this process: {summary['machines_before']} before, "
        f"{summary['machines_after']} after the timed phases"
    )
    memory = summary.get("memory")
    if memory:
        print()
        print(f"memory, fresh process, {memory['loaded_cycles']} cycles loaded in one unit of work")
        print(f"  ORM Cycle via uow.cycles.cycles(): {memory['orm_bytes_per_cycle']:>9.0f} B/cycle")
        print(f"  Core rows select(orm.cycles):    {memory['core_bytes_per_row']:>9.0f} B/row")
        ok = memory["machines_before"] == memory["machines_after"] == memory["workflow_definitions"]
        print(
            f"  transitions.Machine alive: {memory['machines_before']} before, "
            f"{memory['machines_after']} after loading; workflow definitions: "
            f"{memory['workflow_definitions']} ({'ok' if ok else 'GROWS WITH N'})"
        )


def summarise(repetitions: list[Repetition]) -> dict[str, Any]:
    reps = [r.as_dict() for r in repetitions]

    def median(key: str) -> float:
        return float(statistics.median(r[key] for r in reps))

    summary: dict[str, Any] = {}
    for side in SIDES:
        rate = median(f"{side}_transitions_per_s")
        summary[f"{side}_transitions_per_s"] = rate
        summary[f"{side}_cycles_per_s"] = rate / TRANSITIONS_PER_CYCLE
        summary[f"{side}_seconds"] = median(f"{side}_seconds")
        summary[f"{side}_cpu_ms_per_cycle"] = median(f"{side}_cpu_ms_per_cycle")
    for baseline, suffix in (("baseline", ""), ("writes", "_writes")):
        summary[f"ratio{suffix}"] = (
            summary["engine_transitions_per_s"] / summary[f"{baseline}_transitions_per_s"]
        )
        summary[f"cpu_ratio{suffix}"] = (
            summary[f"{baseline}_cpu_ms_per_cycle"] / summary["engine_cpu_ms_per_cycle"]
        )
    summary["ratio_median_of_repetitions"] = median("ratio")
    summary["repetitions"] = reps
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.memory_probe:
        print(json.dumps(memory_probe(args.memory_probe)))
        return 0
    with database_urls(args) as (engine_url, baseline_url):
        app, baseline = make_apps(engine_url, baseline_url)
        try:
            env = environment(app, baseline)
            load_before = os.getloadavg()[0]
            machines_before = count_machines()
            token = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
            profiler = cProfile.Profile() if args.profile else None
            repetitions = []
            for index in range(args.repeat):
                prefix = f"bench-{token}-{index}"
                rep = run_repetition(
                    app, baseline, args.cycles, args.chunk, prefix, index, profiler
                )
                repetitions.append(rep)
                print(
                    f"repetition {index + 1}/{args.repeat}: engine "
                    f"{rep.transitions_per_s('engine'):.1f}/s, baseline "
                    f"{rep.transitions_per_s('baseline'):.1f}/s, ratio {rep.ratio():.3f}",
                    file=sys.stderr,
                    flush=True,
                )
            gc.collect()
            machines_after = count_machines()
            env["load_average"] = f"{load_before:.2f}/{os.getloadavg()[0]:.2f}"
        finally:
            app.close()
            baseline.close()
        summary = summarise(repetitions)
        summary["machines_before"] = machines_before
        summary["machines_after"] = machines_after
        if not args.skip_memory:
            summary["memory"] = run_memory_probe(engine_url)
    if args.json:
        params = {"cycles": args.cycles, "repeat": args.repeat, "chunk": args.chunk}
        args.json.write_text(
            json.dumps({"environment": env, "parameters": params, **summary}, indent=2) + "\n"
        )
    print_report(env, args, summary)
    if profiler is not None:
        profiler.dump_stats(args.profile)
        print(f"\nengine side under cProfile (rates above are inflated), stats in {args.profile}:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    return 2 if any(r.mismatch for r in repetitions) else 0


if __name__ == "__main__":
    raise SystemExit(main())
