#!/usr/bin/env python
"""The tracker's XLSX download: openpyxl's write-only mode against XlsxWriter's streaming.

    python bench/xlsx_writers.py [--lines 100000] [--repeat 3] [--json OUT]
    (the candidate needs XlsxWriter: .venv/bin/pip install XlsxWriter)

Builds (untimed) N tracker lines as ``tracker.export`` returns them, with texts of
the lengths the county's working groups write (a title, the Kommission's statement,
a resolution text; every 50th title begins with ``=``, ``+``, ``-`` or ``@``), then
times, in alternating order so that drift of the shared machine hits both alike:

* PRODUCT: ``tracker_files.tracker_xlsx`` (what ``/tracker.xlsx`` sends): openpyxl
  ``Workbook(write_only=True)``, bold frozen header row, column widths, every cell
  through ``spreadsheet_cells.neutralise``;
* CANDIDATE: the same sheet written with XlsxWriter in ``constant_memory`` mode
  (texts written as texts: no formulas, numbers or links made of them).

Both files are read back (untimed) with openpyxl and must hold the same cells in
their first lines, with no formula among them (exit status 2 otherwise). Reports
the median wall and CPU time of each side, the ratio CANDIDATE / PRODUCT, the file
sizes, whether openpyxl found lxml, and the load average before and after.
Figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from openpyxl import load_workbook  # noqa: E402
from openpyxl.xml import LXML  # noqa: E402

from deliberation.adapters.spreadsheet_cells import Cell, neutralise  # noqa: E402
from deliberation.entrypoints import tracker_files  # noqa: E402
from deliberation.service_layer.tracker import ExportLine  # noqa: E402

ZONE = ZoneInfo("Europe/Berlin")
CHECKED_LINES = 2_000  # read back and compared (reading 100,000 lines takes minutes)
WORDS = [
    "Sprachkurse",
    "Kinderbetreuung",
    "Abendangebot",
    "Integrationslotsen",
    "Ehrenamt",
    "Wohnraum",
    "Beratungsstelle",
    "Fahrdienst",
    "Übersetzung",
    "Ausbildungsplätze",
    "Anerkennung",
    "Elterncafé",
    "Quartier",
    "Kooperation",
    "Förderung",
    "Fachdienst",
    "Haushalt",
    "Schulsozialarbeit",
]
FORMULA_LIKE = ("=SUMME(A1:A9)", "+49 5171 401-0", "-Kürzung um 10 %", "@Fachdienst")


def lines(count: int, seed: int = 7) -> list[ExportLine]:
    """``count`` tracker lines with realistic texts (seeded, so both sides get the same)."""
    draw = random.Random(seed)

    def text(words: int) -> str:
        return " ".join(draw.choice(WORDS) for _ in range(words))

    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    made = []
    for number in range(1, count + 1):
        title = text(draw.randint(3, 9))
        if number % 50 == 0:
            title = draw.choice(FORMULA_LIKE) + " " + title
        made.append(
            ExportLine(
                id=number,
                title=title,
                group_name=f"AG {draw.choice(WORDS)}",
                conference_title=f"Integrationskonferenz {2026 + number % 3}",
                round=str(2026 + number % 3),
                state_title=draw.choice(("Entwurf", "Beschlossen", "In Umsetzung", "Umgesetzt")),
                municipalities=tuple(draw.sample(("Stadt Peine", "Wendeburg", "Vechelde"), 2)),
                need_ids=tuple(draw.randint(1, 5000) for _ in range(draw.randint(0, 4))),
                commission_statement=text(draw.randint(0, 60)),
                resolution_text=text(draw.randint(0, 200)),
                updated_at=start + timedelta(minutes=number),
                stage="Sitzung Kreistag am 24.03.2026 (Entscheidung): vertagt",
                responsible_office=draw.choice(("FD Soziales", "FD Bildung", "")),
                due_date=date(2027, 1, 1) + timedelta(days=number % 400) if number % 3 else None,
                overdue=number % 7 == 0,
                traffic_light=draw.choice(("", "grün – im Plan", "gelb – verspätet")),
            )
        )
    return made


def xlsxwriter_constant_memory(
    title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> bytes:
    """The candidate: the same sheet with XlsxWriter's constant-memory (streaming) mode.

    Texts stay texts (no formulas, numbers or links made of them), every cell through
    ``neutralise`` as in the product."""
    from xlsxwriter import (  # type: ignore[import-untyped, import-not-found, unused-ignore]
        Workbook,  # untyped, and not a dependency of the product
    )

    buffer = io.BytesIO()
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    workbook = Workbook(buffer, options)
    sheet = workbook.add_worksheet(title[:31])
    for index, name in enumerate(header):
        sheet.set_column(index, index, min(max(len(name), 12), 60))
    sheet.freeze_panes(1, 0)
    bold = workbook.add_format({"bold": True})
    for column, name in enumerate(header):
        sheet.write_string(0, column, name, bold)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            cell = neutralise(value)
            if isinstance(cell, str):
                if cell:
                    sheet.write_string(number, column, cell)
            elif isinstance(cell, int | float):
                sheet.write_number(number, column, cell)
            elif cell is not None:  # the tracker gives dates as German text already
                raise TypeError(f"unexpected cell {cell!r}")
    workbook.close()
    return buffer.getvalue()


def candidate(views: Sequence[ExportLine]) -> bytes:
    cells = (tracker_files.tracker_cells(v, ZONE) for v in views)
    return xlsxwriter_constant_memory("Empfehlungen", tracker_files.CSV_HEADER, cells)


def product(views: Sequence[ExportLine]) -> bytes:
    return tracker_files.tracker_xlsx(views, ZONE)


def timed(
    write: Callable[[Sequence[ExportLine]], bytes], views: Sequence[ExportLine]
) -> tuple[float, float, bytes]:
    wall, cpu = time.perf_counter(), time.process_time()
    content = write(views)
    return time.perf_counter() - wall, time.process_time() - cpu, content


def first_cells(content: bytes, count: int) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert sheet is not None
    rows: list[tuple[object, ...]] = []
    for row in sheet.iter_rows(max_row=count + 1):
        for cell in row:
            if getattr(cell, "data_type", "") == "f":
                raise SystemExit(f"formula in {cell.coordinate}: {cell.value!r}")
        rows.append(tuple("" if c.value is None else c.value for c in row))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if importlib.util.find_spec("xlsxwriter") is None:
        raise SystemExit("the candidate needs XlsxWriter: .venv/bin/pip install XlsxWriter")
    views = lines(args.lines)
    load_before = os.getloadavg()
    sides: dict[str, list[tuple[float, float]]] = {"product": [], "candidate": []}
    sizes: dict[str, int] = {}
    contents: dict[str, bytes] = {}
    for repetition in range(args.repeat):
        order = ("product", "candidate") if repetition % 2 == 0 else ("candidate", "product")
        for side in order:
            wall, cpu, content = timed(product if side == "product" else candidate, views)
            sides[side].append((wall, cpu))
            sizes[side], contents[side] = len(content), content
            print(f"  {side:<9} {wall:7.2f} s wall {cpu:7.2f} s CPU", flush=True)
    load_after = os.getloadavg()
    same = first_cells(contents["product"], CHECKED_LINES) == first_cells(
        contents["candidate"], CHECKED_LINES
    )
    medians = {
        side: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for side, runs in sides.items()
    }
    ratio = medians["candidate"][0] / medians["product"][0]
    result = {
        "lines": args.lines,
        "repeat": args.repeat,
        "product_wall_s": medians["product"][0],
        "product_cpu_s": medians["product"][1],
        "candidate_wall_s": medians["candidate"][0],
        "candidate_cpu_s": medians["candidate"][1],
        "ratio_candidate_over_product": ratio,
        "product_bytes": sizes["product"],
        "candidate_bytes": sizes["candidate"],
        "same_cells": same,
        "openpyxl_with_lxml": LXML,
        "load_before": load_before,
        "load_after": load_after,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if same else 2


if __name__ == "__main__":
    raise SystemExit(main())
