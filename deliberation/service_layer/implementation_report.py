"""The implementation report for a committee (the Kreisausschuss asks for it each quarter).

Every recommendation the Kreistag adopted that is being implemented, with its
traffic light, responsible office, due date and latest progress note. Once its
implementation report is out, a recommendation leaves the list, unless it is late
or not feasible: those stay on it until they are done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from deliberation.domain.consultations import ConsultationResult
from deliberation.domain.implementation import (
    TRAFFIC_LIGHT_COLOURS,
    TRAFFIC_LIGHT_TITLES,
    TrafficLight,
    belongs_on_report,
    traffic_light,
)
from deliberation.domain.model import Recommendation, SubjectKind
from deliberation.service_layer import body_meetings
from deliberation.service_layer.documents import reference
from deliberation.service_layer.ports import Dependencies

LIGHT_ORDER = (TrafficLight.NOT_FEASIBLE, TrafficLight.LATE, TrafficLight.ON_TRACK)
ADOPTING = (ConsultationResult.ADOPTED.value, ConsultationResult.ADOPTED_AMENDED.value)


@dataclass(frozen=True)
class ReportLine:
    id: int
    reference: str
    title: str
    state_title: str
    light: TrafficLight
    light_title: str
    light_colour: str
    office: str
    due_date: date | None
    #: local day of the Kreistag's decision
    decided_on: date | None
    latest_note: str
    latest_note_on: date | None
    latest_note_author: str


@dataclass(frozen=True)
class ImplementationReport:
    county: str
    organiser: str
    committee: str
    committee_key: str
    as_of: date
    quarter: str
    lines: tuple[ReportLine, ...]

    @property
    def counts(self) -> dict[str, int]:
        """How many lines show each traffic light, by its value ("late" …)."""
        return {
            light.value: sum(1 for line in self.lines if line.light == light)
            for light in LIGHT_ORDER
        }


def quarter_label(day: date) -> str:
    return f"{(day.month - 1) // 3 + 1}. Quartal {day.year}"


def implementation_report(deps: Dependencies, committee: str) -> ImplementationReport:
    """The report for ``committee`` (key or name): if the body is on the consultation route,
    the recommendations it has dealt with; otherwise (a standing body such as the
    Planungsteam) all of them. Red first, then yellow, then green; by due date within."""
    today = deps.today()
    with deps.unit_of_work() as uow:
        body = body_meetings.get_body(uow, committee)
        on_route = body.key in (step.body_key for step in deps.consultation_route)
        found: list[Recommendation] = []
        kind = SubjectKind.RECOMMENDATION
        states = deps.engine.marked_states(kind, "implementing")
        states |= deps.engine.marked_states(kind, "reported")
        for state in sorted(states):
            found += uow.recommendations.recommendations(
                state, body_key=body.key if on_route else None
            )
        lines = [
            _line(deps, rec, light)
            for rec in found
            if (light := traffic_light(rec, today, marks := deps.engine.marks(rec))) is not None
            and belongs_on_report(rec, light, marks)
        ]
        committee_name, committee_key = body.name, body.key
    lines.sort(key=lambda line: (LIGHT_ORDER.index(line.light), line.due_date or date.max, line.id))
    return ImplementationReport(
        county=deps.county_name,
        organiser=deps.organiser,
        committee=committee_name,
        committee_key=committee_key,
        as_of=today,
        quarter=quarter_label(today),
        lines=tuple(lines),
    )


def _line(deps: Dependencies, rec: Recommendation, light: TrafficLight) -> ReportLine:
    notes = sorted(rec.progress_notes, key=lambda n: (n.at, n.id or 0))
    latest = notes[-1] if notes else None
    decided = [c.decided_at for c in rec.consultations if c.authoritative and c.result in ADOPTING]
    return ReportLine(
        id=rec.id or 0,
        reference=reference(rec.id or 0, rec.working_group.conference.round.label),
        title=rec.title,
        state_title=deps.engine.definition_of(rec).state(rec.state).title,
        light=light,
        light_title=TRAFFIC_LIGHT_TITLES[light],
        light_colour=TRAFFIC_LIGHT_COLOURS[light],
        office=rec.responsible_office,
        due_date=rec.due_date,
        decided_on=_day(deps, max((d for d in decided if d is not None), default=None)),
        latest_note=latest.text if latest else "",
        latest_note_on=_day(deps, latest.at if latest else None),
        latest_note_author=latest.author if latest else "",
    )


def _day(deps: Dependencies, moment: datetime | None) -> date | None:
    return body_meetings.local_day(deps, moment) if moment is not None else None
