"""Formats shared by the front ends (terminal tables, files, pages)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.table import Column, Table
from rich.text import Text


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


Cell = Column | str


def table(
    title: str,
    columns: Sequence[Cell],
    rows: Iterable[Sequence[object]],
    min_widths: dict[str, int] | None = None,
) -> Table:
    """The one table of the command line: a bold title, a header, literal cells.

    A column is its heading, or a ``Column`` where it needs more (numbers
    right-aligned, a column that wraps early). Cells are plain text: what people
    typed is never read as markup.
    """
    result = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        if isinstance(column, str):
            column = text_column(column, min_width=(min_widths or {}).get(column))
        result.columns.append(column)
    for row in rows:
        result.add_row(*(Text(str(cell)) for cell in row))
    return result


def text_column(header: str, max_width: int | None = None, min_width: int | None = None) -> Column:
    return Column(header, overflow="fold", max_width=max_width, min_width=min_width)


def number_column(header: str) -> Column:
    return Column(header, justify="right", no_wrap=True)


def fixed_column(header: str) -> Column:
    return Column(header, no_wrap=True)
