"""The tracker and the implementation report as files: CSV (semicolon, UTF-8 with BOM,
opens as it is in a German Excel) and XLSX. Every text cell is neutralised, so nothing
a working group typed runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from deliberation.adapters.spreadsheet_cells import Cell, neutralise
from deliberation.entrypoints.formats import local_time
from deliberation.service_layer.implementation_report import ImplementationReport
from deliberation.service_layer.tracker import ExportLine

CSV_HEADER = (
    "Nr.",
    "Titel",
    "Arbeitsgruppe",
    "Konferenz",
    "Durchgang",
    "Zustand",
    "Gemeinden",
    "Bedarfe",
    "Stellungnahme der Kommission",
    "Beschlusstext",
    "zuletzt geändert",
    "Beratungsstand",
    "Zuständige Stelle",
    "umzusetzen bis",
    "überfällig",
    "Ampel",
)
REPORT_HEADER = (
    "Nr.",
    "Drucksache",
    "Titel",
    "Ampel",
    "Zustand",
    "Zuständige Stelle",
    "umzusetzen bis",
    "beschlossen am",
    "letzter Vermerk",
    "Vermerk vom",
    "Vermerk von",
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def tracker_cells(view: ExportLine, zone: ZoneInfo) -> tuple[Cell, ...]:
    """One tracker line as the files show it (dates German, texts as typed)."""
    return (
        view.id,
        view.title,
        view.group_name,
        view.conference_title,
        view.round,
        view.state_title,
        ", ".join(view.municipalities),
        ", ".join(map(str, view.need_ids)),
        view.commission_statement,
        view.resolution_text,
        local_time(view.updated_at, zone),
        view.stage,
        view.responsible_office,
        f"{view.due_date:%d.%m.%Y}" if view.due_date else "",
        "ja" if view.overdue else "",
        view.traffic_light,
    )


def _csv(header: Sequence[str], rows: Iterable[Sequence[Cell]], handle: io.TextIOBase) -> int:
    writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    return count


def write_tracker_csv(path: Path, views: Sequence[ExportLine], zone: ZoneInfo) -> int:
    """Semicolon-separated, UTF-8 with BOM: Excel in a German locale opens it as it is."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        return _csv(CSV_HEADER, (tracker_cells(v, zone) for v in views), handle)


def tracker_csv(views: Sequence[ExportLine], zone: ZoneInfo) -> bytes:
    buffer = io.StringIO(newline="")
    _csv(CSV_HEADER, (tracker_cells(v, zone) for v in views), buffer)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A one-sheet workbook, written streaming (100,000 lines in seconds): bold header
    row that stays in view, columns as wide as their headers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(name), 12), 60)
    sheet.freeze_panes = "A2"
    bold = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def tracker_xlsx(views: Sequence[ExportLine], zone: ZoneInfo) -> bytes:
    return _xlsx("Empfehlungen", CSV_HEADER, (tracker_cells(v, zone) for v in views))


def report_cells(report: ImplementationReport) -> list[tuple[Cell, ...]]:
    return [
        (
            line.id,
            line.reference,
            line.title,
            f"{line.light_colour} – {line.light_title}",
            line.state_title,
            line.office,
            f"{line.due_date:%d.%m.%Y}" if line.due_date else "",
            f"{line.decided_on:%d.%m.%Y}" if line.decided_on else "",
            line.latest_note,
            f"{line.latest_note_on:%d.%m.%Y}" if line.latest_note_on else "",
            line.latest_note_author,
        )
        for line in report.lines
    ]


def report_xlsx(report: ImplementationReport) -> bytes:
    return _xlsx(f"Umsetzung {report.quarter}", REPORT_HEADER, report_cells(report))
