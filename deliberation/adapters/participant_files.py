"""Reads participant lists as staff export them from Excel: CSV (; or ,) and XLSX.

CSV files may be UTF-8 (with or without BOM), Windows-1252 or UTF-16 with a
byte order mark (Excel's "Unicode-Text", tab-separated). Line numbers
count from the header line (1); blank lines are skipped but still counted, so
a reported line is the line staff see in their editor or spreadsheet.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from openpyxl import load_workbook

from deliberation.domain.errors import DeliberationError

#: Accepted column headings (compared case-folded, without blanks, "-" and "_").
HEADINGS = {
    "name": "name",
    "vorname": "first_name",
    "firstname": "first_name",
    "nachname": "last_name",
    "lastname": "last_name",
    "email": "email",
    "mail": "email",
    "emailadresse": "email",
    "sprache": "language",
    "language": "language",
    "gemeinde": "municipality",
    "municipality": "municipality",
    "rolle": "roles",
    "rollen": "roles",
    "role": "roles",
    "roles": "roles",
    "gremium": "bodies",
    "gremien": "bodies",
    "body": "bodies",
    "bodies": "bodies",
}
REQUIRED = {"name": "Name", "email": "E-Mail"}
_ZIP_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

Record = tuple[int, dict[str, str]]


class UnreadableFile(DeliberationError):
    """The file as a whole cannot be read: wrong format, encoding or headings."""


def read_participant_file(path: Path) -> list[Record]:
    """Every non-blank data row of ``path`` as (line number, record by field name)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path} lässt sich nicht lesen ({exc.strerror}).") from None
    return read_participant_data(data, path.name)


def read_participant_data(data: bytes, name: str) -> list[Record]:
    """Like ``read_participant_file`` for a file's bytes (an upload); ``name`` is its name."""
    if data.startswith(_ZIP_MAGIC):
        return list(_xlsx_records(data, name))
    return list(_csv_records(data, name))


def _csv_records(data: bytes, name: str) -> Iterator[Record]:
    text = _decode(data, name)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise UnreadableFile(f"{name}: die erste Zeile muss die Spaltenüberschriften enthalten.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]))
    columns = _columns(next(reader), name)
    for cells in reader:
        yield from _record(reader.line_num, cells, columns)


def _decode(data: bytes, name: str) -> str:
    if data.startswith(UTF16_BOMS):
        # Excel's "Unicode-Text": UTF-16 with a byte order mark, columns split by tabs
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{name}: die UTF-16-Datei ist beschädigt.") from None
    if _looks_like_utf16(data):
        raise UnreadableFile(
            f"{name}: die Datei ist wohl UTF-16 ohne Kennung (jedes zweite Byte ist null); "
            'bitte aus Excel "CSV UTF-8" oder "Unicode-Text" speichern.'
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        f"{name}: die Zeichenkodierung ist weder UTF-8 noch Windows-1252; bitte aus Excel "
        '"CSV UTF-8" speichern.'
    )


def _looks_like_utf16(data: bytes) -> bool:
    """Mostly text with every other byte zero: UTF-16 without a byte order mark.

    A stray NUL in a UTF-8 file is not this; its row is refused on its own.
    """
    head = data[:400]
    return bool(head) and head.count(0) * 3 >= len(head)


def _delimiter(header: str) -> str:
    return max(";,\t", key=header.count)


def _xlsx_records(data: bytes, name: str) -> Iterator[Record]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableFile(f"{name} ist keine lesbare Excel-Datei (.xlsx).") from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, ())
        columns = _columns([_text(cell) for cell in header], name)
        records = [
            record
            for line, cells in enumerate(rows, start=2)
            for record in _record(line, [_text(cell) for cell in cells], columns)
        ]
    finally:
        workbook.close()
    yield from records


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _columns(header: Sequence[str], name: str) -> list[str | None]:
    columns = [HEADINGS.get(_heading_key(cell)) for cell in header]
    present = set(columns) | ({"name"} if {"first_name", "last_name"} & set(columns) else set())
    missing = [title for field, title in REQUIRED.items() if field not in present]
    if missing:
        known = ", ".join(cell.strip() for cell in header if cell.strip()) or "keine"
        raise UnreadableFile(
            f"{name}: "
            + (
                f"Spalte {missing[0]} fehlt"
                if len(missing) == 1
                else f"Spalten {', '.join(missing)} fehlen"
            )
            + " in der ersten Zeile "
            f"(gefunden: {known}). Erwartet: Name (oder Vorname und Nachname), E-Mail, "
            "Sprache, Gemeinde, Rollen, Gremien."
        )
    return columns


def _heading_key(cell: str) -> str:
    return "".join(ch for ch in cell.casefold() if ch not in " -_\ufeff")


def _record(line: int, cells: Sequence[str], columns: list[str | None]) -> Iterator[Record]:
    if not any(cell.strip() for cell in cells):
        return
    record = {field: "" for field in columns if field is not None}
    for field, cell in zip(columns, cells, strict=False):
        if field is not None:
            record[field] = cell.strip()
    if "first_name" in record or "last_name" in record:
        parts = (record.pop("first_name", ""), record.pop("last_name", ""))
        record["name"] = record.get("name") or " ".join(part for part in parts if part)
    yield line, record
