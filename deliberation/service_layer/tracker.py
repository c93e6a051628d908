"""The secretaries' tracker page: filters, sorting by a known column, one page at a time.

The same filters as ``deliberation recommendation list``; a page reads only its
own lines and the number of matches, so 100,000 recommendations stay fast.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from deliberation.domain.consultations import RESULT_TITLES, WITHOUT_MEETING, ConsultationResult
from deliberation.domain.errors import DeliberationError
from deliberation.domain.implementation import (
    TRAFFIC_LIGHT_COLOURS,
    TRAFFIC_LIGHT_TITLES,
    light_of,
)
from deliberation.domain.model import SubjectKind
from deliberation.service_layer import recommendations
from deliberation.service_layer.ports import (
    Dependencies,
    TrackerFilters,
    TrackerOrder,
    TrackerSort,
    UnitOfWork,
)
from deliberation.service_layer.views import TrackerView, tracker_views

SORT_TITLES = {
    TrackerSort.NUMBER: "Nr.",
    TrackerSort.TITLE: "Titel",
    TrackerSort.GROUP: "Arbeitsgruppe",
    TrackerSort.ROUND: "Durchgang",
    TrackerSort.STATE: "Zustand",
    TrackerSort.OFFICE: "Zuständige Stelle",
    TrackerSort.DUE: "umzusetzen bis",
}
DEFAULT_PAGE_SIZE = 50
PAGE_SIZES = (25, 50, 100, 200)


@dataclass(frozen=True)
class TrackerQuery:
    """What a person asked for; every filter optional, as on the command line."""

    state: str | None = None
    group_id: int | None = None
    round_label: str | None = None
    conference_id: int | None = None
    municipality: str | None = None
    body: str | None = None
    office: str | None = None
    overdue: bool = False
    sort: TrackerSort = TrackerSort.NUMBER
    descending: bool = False
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class TrackerPage:
    lines: list[TrackerView]
    total: int
    page: int
    per_page: int
    query: TrackerQuery = field(default_factory=TrackerQuery)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_number(self) -> int:
        """The position of the page's first line among all matches (1-based; 0 if none)."""
        return (self.page - 1) * self.per_page + 1 if self.lines else 0


@dataclass(frozen=True)
class Choice:
    value: str
    title: str


@dataclass(frozen=True)
class TrackerChoices:
    """What the filter form offers, with German titles."""

    states: tuple[Choice, ...]
    bodies: tuple[Choice, ...]
    rounds: tuple[Choice, ...]
    municipalities: tuple[Choice, ...]
    offices: tuple[str, ...]
    sorts: tuple[Choice, ...] = tuple(Choice(s.value, t) for s, t in SORT_TITLES.items())


def tracker_page(deps: Dependencies, query: TrackerQuery) -> TrackerPage:
    """One page of the tracker; a page past the end shows the last one."""
    if query.per_page not in PAGE_SIZES:
        sizes = ", ".join(map(str, PAGE_SIZES))
        raise DeliberationError(f"{query.per_page} Zeilen je Seite geht nicht (möglich: {sizes}).")
    if query.page < 1:
        raise DeliberationError(f"Seite {query.page} gibt es nicht; die erste ist Seite 1.")
    definition = deps.engine.for_subject(SubjectKind.RECOMMENDATION)
    with deps.unit_of_work() as uow:
        today = deps.today()
        filters = resolve(uow, deps, query)
        total = uow.tracker.tracker_count(filters)
        pages = max(1, -(-total // query.per_page))
        page = min(query.page, pages)
        order = TrackerOrder(
            sort=query.sort,
            descending=query.descending,
            limit=query.per_page,
            offset=(page - 1) * query.per_page,
            state_order=tuple(definition.states),
        )
        rows = uow.tracker.tracker_slice(filters, order)
    return TrackerPage(tracker_views(deps.engine, rows, today), total, page, query.per_page, query)


def resolve(uow: UnitOfWork, deps: Dependencies, query: TrackerQuery) -> TrackerFilters:
    """The query's filters with state, municipality and body checked and turned into keys."""
    state = (
        deps.engine.resolve_state(SubjectKind.RECOMMENDATION, query.state)
        if query.state is not None
        else None
    )
    overdue_on = deps.today() if query.overdue else None
    named = recommendations.resolved_filters(
        deps, uow, query.municipality, query.body, query.office, overdue_on
    )
    return TrackerFilters(
        state=state,
        group_id=query.group_id,
        round_label=query.round_label,
        conference_id=query.conference_id,
        **named,
    )


def choices(deps: Dependencies) -> TrackerChoices:
    definition = deps.engine.for_subject(SubjectKind.RECOMMENDATION)
    with deps.unit_of_work() as uow:
        return TrackerChoices(
            states=tuple(Choice(key, spec.title) for key, spec in definition.states.items()),
            bodies=tuple(Choice(b.key, b.name) for b in uow.reference.bodies()),
            rounds=tuple(Choice(r.label, r.label) for r in uow.cycles.rounds()),
            municipalities=tuple(Choice(m.key, m.name) for m in uow.reference.municipalities()),
            offices=tuple(uow.recommendations.responsible_offices()),
        )


class ExportLine(NamedTuple):
    """One line of the tracker's CSV and XLSX file."""

    id: int
    title: str
    group_name: str
    conference_title: str
    round: str
    state_title: str
    municipalities: tuple[str, ...]
    need_ids: tuple[int, ...]
    commission_statement: str
    resolution_text: str
    updated_at: datetime
    #: where it lies on its route, e.g. "Sitzung Kreistag am … (Entscheidung): vertagt"
    stage: str
    responsible_office: str
    due_date: date | None
    overdue: bool
    #: e.g. "gelb – verspätet", "" before adoption and when done
    traffic_light: str


def export(deps: Dependencies, query: TrackerQuery) -> list[ExportLine]:
    """Every match of the query's filters (sorting and pages do not apply), for the files;
    read set-wise, so 100,000 lines take seconds, not minutes."""
    with deps.unit_of_work() as uow:
        today = deps.today()
        rows = uow.tracker.tracker_export(resolve(uow, deps, query))
    views = {v.id: v for v in tracker_views(deps.engine, (r[:10] for r in rows.lines), today)}
    needs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for rec_id, need_id, municipality in rows.needs:
        needs[rec_id].append((need_id, municipality))
    stages = {
        rec_id: f"{meeting or WITHOUT_MEETING} ({role}): {_result_title(result)}"
        for rec_id, meeting, role, result in rows.stages
    }
    marked = {
        mark: deps.engine.marked_states(SubjectKind.RECOMMENDATION, mark)
        for mark in ("implementing", "reported")
    }
    lines = []
    for row in rows.lines:
        view = views[row[0]]
        statement, resolution, updated_at, not_feasible_since = row[10:]
        marks = frozenset(m for m, states in marked.items() if view.state in states)
        light = light_of(marks, view.due_date, not_feasible_since is not None, today)
        answered = needs.get(view.id, [])
        lines.append(
            ExportLine(
                view.id,
                view.title,
                view.group_name,
                view.conference_title,
                view.round,
                view.state_title,
                tuple(sorted({name for _, name in answered})),
                tuple(sorted(need_id for need_id, _ in answered)),
                statement,
                resolution,
                updated_at,
                stages.get(view.id, ""),
                view.responsible_office,
                view.due_date,
                view.overdue,
                f"{TRAFFIC_LIGHT_COLOURS[light]} – {TRAFFIC_LIGHT_TITLES[light]}" if light else "",
            )
        )
    return lines


def _result_title(result: str) -> str:
    return RESULT_TITLES[ConsultationResult(result)] if result else "offen"
