"""The secretaries' tracker in the terminal."""

from __future__ import annotations

from rich.table import Table

from deliberation.entrypoints.formats import table
from deliberation.service_layer.views import TrackerView


def tracker_table(lines: list[TrackerView]) -> Table:
    late = sum(1 for line in lines if line.overdue)
    title = f"Empfehlungen ({len(lines)}" + (f", davon {late} überfällig)" if late else ")")
    return table(
        title,
        ["Nr.", "Titel", "Arbeitsgruppe", "Zustand", "Zuständig", "bis", "Nächste Schritte"],
        [
            (
                line.id,
                line.title,
                line.group_name,
                line.state_title,
                line.responsible_office or "—",
                (f"{line.due_date:%d.%m.%Y}" + (" überfällig" if line.overdue else ""))
                if line.due_date
                else "—",
                "— (abgeschlossen)" if line.final else ", ".join(line.next_steps),
            )
            for line in lines
        ],
    )
