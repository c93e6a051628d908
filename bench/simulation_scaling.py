#!/usr/bin/env python
"""Simulation cost as the calendar grows: synthetic federations of counties, 10 years each.

    python bench/simulation_scaling.py [--sizes 10,100,400] [--years 10] [--json OUT]

A federation of N counties is one deployment with N x 7 municipalities and
N x 6 bodies (every body of config.toml once per county, same cadence and notice
period) plus the biennial conference with its workshops in every municipality.
For each N a fresh scratch SQLite database is simulated from 1 January 2026 for
``--years`` years exactly as ``deliberation simulate`` does it (the same tick,
one transaction per due item), without example participants, so the figure is
the calendar's cost, not e-mail rendering.

The baseline is the smallest federation of the same run: the report gives the
time per county for every size and its ratio to the baseline's time per county.
Linear growth means ratios near 1; ratios well above 1 mean worse than linear.
The invariant checks of the simulator must hold for every size (exit status 2 if not).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from deliberation.adapters.database import use_as_scratch
from deliberation.bootstrap import Application, bootstrap, initialise_database
from deliberation.config import BodyConfig, MunicipalityConfig, Settings
from deliberation.domain.clock import Clock
from deliberation.schedule_setup import scheduler_tools
from deliberation.service_layer import simulation

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)  # 1 January 2026, midnight in Berlin


def federation(settings: Settings, counties: int) -> Settings:
    """``counties`` copies of the county's municipalities (with their workshop venues:
    invitations go out only with a place) and bodies, keys prefixed."""
    municipalities: tuple[MunicipalityConfig, ...] = tuple(
        dataclasses.replace(m, key=f"lk{c:03d}-{m.key}", name=f"{m.name} (Landkreis {c})")
        for c in range(counties)
        for m in settings.municipalities
    )
    bodies: tuple[BodyConfig, ...] = tuple(
        dataclasses.replace(b, key=f"lk{c:03d}-{b.key}", name=f"{b.name} (Landkreis {c})")
        for c in range(counties)
        for b in settings.bodies
    )
    return dataclasses.replace(settings, municipalities=municipalities, bodies=bodies)


def measure(counties: int, years: int, folder: Path) -> dict[str, object]:
    clock = Clock.standing_at(START)
    url = f"sqlite:///{folder / f'federation-{counties}.sqlite3'}"
    app: Application = bootstrap(
        ROOT / "config.toml", database_url=url, clock=clock, require_schema=False
    )
    try:
        app.settings = federation(app.settings, counties)
        use_as_scratch(app.db)
        initialise_database(app)
        tools = scheduler_tools(app)
        end = START.replace(year=START.year + years)
        began = time.perf_counter()
        result = simulation.run(app.deps, tools, clock.set, end)
        seconds = time.perf_counter() - began
        simulation.summarise(app.deps, tools, START, end, result)
    finally:
        app.close()
    return {
        "counties": counties,
        "municipalities": counties * 7,
        "seconds": seconds,
        "items": result.items,
        "ticks": result.ticks,
        "seconds_per_county": seconds / counties,
        "ms_per_item": 1000 * seconds / max(result.items, 1),
        "violations": result.violations,
    }


def report(rows: Sequence[dict[str, object]]) -> None:
    base = float(rows[0]["seconds_per_county"])  # type: ignore[arg-type]
    print(
        f"{'Kreise':>7} {'Gemeinden':>9} {'Aufgaben':>9} {'Sekunden':>9} "
        f"{'s/Kreis':>8} {'ms/Aufgabe':>10} {'Verhältnis':>10}"
    )
    for row in rows:
        ratio = float(row["seconds_per_county"]) / base  # type: ignore[arg-type]
        row["ratio_to_baseline"] = ratio
        print(
            f"{row['counties']:>7} {row['municipalities']:>9} {row['items']:>9} "
            f"{row['seconds']:>9.1f} {row['seconds_per_county']:>8.2f} "
            f"{row['ms_per_item']:>10.2f} {ratio:>10.2f}"
        )
    print(
        f"Basis: {rows[0]['counties']} Kreise (Zeit je Kreis = 1,00). "
        f"Python {platform.python_version()}, {platform.machine()}."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,400", help="Kreise je Föderation")
    parser.add_argument("--years", type=int, default=10, help="simulierte Jahre")
    parser.add_argument("--json", type=Path, help="Ergebnisse zusätzlich als JSON")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rows = []
    with tempfile.TemporaryDirectory(prefix="simulation-bench-") as folder:
        for counties in sizes:
            print(f"… {counties} Kreise", file=sys.stderr, flush=True)
            rows.append(measure(counties, args.years, Path(folder)))
    report(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    broken = [(r["counties"], r["violations"]) for r in rows if r["violations"]]
    for counties, violations in broken:
        print(f"Regel verletzt bei {counties} Kreisen: {violations}", file=sys.stderr)
    return 2 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
