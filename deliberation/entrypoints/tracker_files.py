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
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from deliberation.adapters.spreadsheet_cells import Cell, neutralise
from deliberation.entrypoints.tables import local_time
from deliberation.service_layer.implementation_report import ImplementationReport
from deliberation.service_layer.views import RecommendationView

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


def _stage(view: RecommendationView) -> str:
    if not view.consultations:
        return ""
    last = view.consultations[-1]
    return f"{last.meeting_title} ({last.role}): {last.result_title}"


def tracker_cells(view: RecommendationView, zone: ZoneInfo) -> tuple[Cell, ...]:
    """One tracker line as the files show it (dates German, texts as typed)."""
    return (
        view.status.id,
        view.title,
        view.group_name,
        view.conference_title,
        view.round,
        view.status.state_title,
        ", ".join(view.municipalities),
        ", ".join(map(str, view.need_ids)),
        view.commission_statement,
        view.resolution_text,
        local_time(view.status.updated_at, zone),
        _stage(view),
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


def write_tracker_csv(path: Path, views: Sequence[RecommendationView], zone: ZoneInfo) -> int:
    """Semicolon-separated, UTF-8 with BOM: Excel in a German locale opens it as it is."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        return _csv(CSV_HEADER, (tracker_cells(v, zone) for v in views), handle)


def tracker_csv(views: Sequence[RecommendationView], zone: ZoneInfo) -> bytes:
    buffer = io.StringIO(newline="")
    _csv(CSV_HEADER, (tracker_cells(v, zone) for v in views), buffer)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in header]
    for row in rows:
        values = [neutralise(cell) for cell in row]
        sheet.append(values)
        for index, value in enumerate(values):
            widths[index] = max(widths[index], min(len(str(value or "")), 60))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def tracker_xlsx(views: Sequence[RecommendationView], zone: ZoneInfo) -> bytes:
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
