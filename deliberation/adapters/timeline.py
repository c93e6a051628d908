"""The simulator's timeline as a self-contained SVG picture (no scripts, works offline).

One lane per body or cycle type, one mark per meeting (hover shows the date),
launches and escalations in a lane of their own, a grid line per year.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from html import escape
from pathlib import Path
from typing import Protocol

LANE_HEIGHT = 28
LABEL_WIDTH = 300
PLOT_WIDTH = 1100
TOP = 40
COLOURS = {
    "meeting": "#1f6feb",
    "launch": "#2da44e",
    "group_overdue": "#cf222e",
    "decision_overdue": "#bf8700",
}


class Entry(Protocol):
    lane: str
    at: datetime
    kind: str
    label: str


def timeline_svg(
    entries: Sequence[Entry],
    start: datetime,
    end: datetime,
    title: str,
    local: tzinfo | None = None,
) -> str:
    """The picture; hovering a mark shows its time in UTC, or in ``local`` time if given."""
    lanes = list(dict.fromkeys(e.lane for e in sorted(entries, key=lambda e: e.lane)))
    height = TOP + LANE_HEIGHT * len(lanes) + 40
    width = LABEL_WIDTH + PLOT_WIDTH + 20
    span = (end - start).total_seconds() or 1.0

    def x(at: datetime) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * (at - start).total_seconds() / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<text x="10" y="20" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    for year in range(start.year, end.year + 1):
        at = start.replace(year=year, month=1, day=1)
        if start <= at <= end:
            parts.append(
                f'<line x1="{x(at):.1f}" y1="{TOP - 8}" x2="{x(at):.1f}" '
                f'y2="{height - 30}" stroke="#d0d7de"/>'
                f'<text x="{x(at) + 3:.1f}" y="{height - 15}">{year}</text>'
            )
    for index, lane in enumerate(lanes):
        y = TOP + index * LANE_HEIGHT + LANE_HEIGHT / 2
        parts.append(f'<text x="10" y="{y + 4:.1f}">{escape(lane)}</text>')
        for entry in (e for e in entries if e.lane == lane and start <= e.at <= end):
            colour = COLOURS.get(entry.kind, "#57606a")
            at = entry.at if local is None else entry.at.astimezone(local)
            zone = " UTC" if local is None else ""
            tip = escape(f"{at:%d.%m.%Y %H:%M}{zone} – {entry.label}")
            parts.append(
                f'<circle cx="{x(entry.at):.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                f"<title>{tip}</title></circle>"
            )
    parts.append("</svg>")
    return "\n".join(parts)


def write_timeline(
    path: Path, entries: Sequence[Entry], start: datetime, end: datetime, title: str
) -> Path:
    """Write the picture as an HTML page (opens in any browser); returns the path."""
    svg = timeline_svg(entries, start, end, title)
    legend = (
        "Blau: Sitzung · Grün: Durchgang gestartet · Rot: Mahnung Arbeitsgruppe · "
        "Gelb: Mahnung Entscheidung. Mit der Maus auf einen Punkt zeigen für das Datum."
    )
    page = (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>\n{svg}\n"
        f'<p style="font-family:sans-serif">{escape(legend)}</p></body></html>\n'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
