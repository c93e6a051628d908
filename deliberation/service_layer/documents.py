"""What goes into the printable documents of a recommendation (the Beschlussvorlage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from deliberation.service_layer import recommendations
from deliberation.service_layer.ports import Dependencies
from deliberation.service_layer.views import RecommendationView, need_place, recommendation_view

#: the template of the printable Beschlussvorlage (also the OParl File of its Paper)
RESOLUTION_TEMPLATE = "recommendation/beschlussvorlage"


@dataclass(frozen=True)
class RouteRow:
    """One body of the route: planned, or with its meeting(s) and result."""

    body: str
    role: str
    public: bool
    meeting: str = ""
    starts_at: datetime | None = None
    result: str = ""


@dataclass(frozen=True)
class NeedLine:
    id: int
    text: str
    municipality: str


@dataclass(frozen=True)
class ResolutionDraft:
    """The draft resolution (Beschlussvorlage) of one recommendation."""

    county: str
    organiser: str
    reference: str
    date: date
    recommendation: RecommendationView
    route: tuple[RouteRow, ...]
    needs: tuple[NeedLine, ...]


def reference(recommendation_id: int, round_label: str) -> str:
    """The paper's reference number (Drucksachennummer), stable across exports."""
    return f"BV-{round_label}/{recommendation_id:04d}"


def resolution_draft(deps: Dependencies, recommendation_id: int) -> ResolutionDraft:
    with deps.unit_of_work() as uow:
        rec = recommendations.get(uow, recommendation_id)
        view = recommendation_view(deps.engine, rec, today=deps.today())
        bodies = {b.key: b for b in uow.reference.bodies()}
        rows: list[RouteRow] = []
        for position, step in enumerate(deps.consultation_route):
            body = bodies[step.body_key]
            held = [c for c in rec.consultations if c.position == position]
            rows.extend(
                RouteRow(
                    body.name,
                    step.role.value,
                    c.public if c.meeting is not None else body.public,
                    c.meeting_title,
                    c.meeting.starts_at if c.meeting is not None else c.decided_at,
                    c.result_title(),
                )
                for c in held
            )
            if not held:
                rows.append(RouteRow(body.name, step.role.value, body.public))
        needs = tuple(NeedLine(n.id or 0, n.text, need_place(n)) for n in rec.needs)
        return ResolutionDraft(
            county=deps.county_name,
            organiser=deps.organiser,
            reference=reference(rec.id or 0, view.round),
            date=deps.today(),
            recommendation=view,
            route=tuple(rows),
            needs=needs,
        )
