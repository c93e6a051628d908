"""What the secretaries' pages read: the tracker one page at a time, a recommendation's
route with its next meeting, the backward plan, the implementation and its report."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from route_helpers import Route
from tracker_data import generate

from deliberation.bootstrap import Application
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.domain.errors import ConcurrencyConflict, DeliberationError
from deliberation.service_layer import (
    body_meetings,
    consultations,
    implementation,
    implementation_report,
    recommendations,
    route_overview,
    tracker,
)
from deliberation.service_layer.ports import TrackerSort
from deliberation.service_layer.tracker import TrackerQuery

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def route(walker: Any, clock: Any) -> Route:
    return Route(walker, clock)


def _all_pages(app: Application, **query: Any) -> list[int]:
    ids: list[int] = []
    page = 1
    while True:
        found = tracker.tracker_page(app.deps, TrackerQuery(page=page, per_page=100, **query))
        ids += [line.id for line in found.lines]
        if page >= found.pages:
            return ids
        page += 1


def test_tracker_pages_sort_by_a_known_column_and_add_up_to_the_whole_list(
    app: Application,
) -> None:
    today = app.deps.today()
    data = {g.id: g for g in generate(app.db, 1_000, today)}
    order = list(app.deps.engine.latest("recommendation").states)

    by_due = _all_pages(app, sort=TrackerSort.DUE)
    assert by_due == sorted(data, key=lambda i: (data[i].due is None, data[i].due or date.min, i))
    by_state_desc = _all_pages(app, sort=TrackerSort.STATE, descending=True)
    assert by_state_desc == sorted(
        data, key=lambda i: (order.index(data[i].state), i), reverse=True
    )
    overdue = _all_pages(app, overdue=True, sort=TrackerSort.OFFICE)
    assert sorted(overdue) == sorted(i for i, g in data.items() if g.overdue(today))
    assert [data[i].office for i in overdue] == sorted(data[i].office for i in overdue)

    first = tracker.tracker_page(app.deps, TrackerQuery(state="Entwurf", per_page=25))
    drafts = [i for i, g in data.items() if g.state == "draft"]
    assert first.total == len(drafts) and [line.id for line in first.lines] == drafts[:25]
    assert {line.state_title for line in first.lines} == {"Entwurf"}
    beyond = tracker.tracker_page(app.deps, TrackerQuery(state="draft", page=999, per_page=25))
    assert beyond.page == first.pages and beyond.lines


def test_tracker_page_refuses_what_it_cannot_show_in_german(app: Application) -> None:
    with pytest.raises(DeliberationError, match="Zeilen je Seite geht nicht"):
        tracker.tracker_page(app.deps, TrackerQuery(per_page=7))
    with pytest.raises(DeliberationError, match='Zustand "erfunden" gibt es'):
        tracker.tracker_page(app.deps, TrackerQuery(state="erfunden"))
    with pytest.raises(DeliberationError, match="Gremium"):
        tracker.tracker_page(app.deps, TrackerQuery(body="Stadtrat"))


def _at(day: date, hour: int = 17) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)


def _add(deps: Any, body: str, day: date, hour: int = 17) -> int:
    return body_meetings.add(deps, body, _at(day, hour), "Kreishaus", confirmed=True).id


def test_the_page_offers_the_earliest_meeting_the_notice_period_allows(route: Route) -> None:
    deps = route.deps
    too_close = _add(deps, "kommission", date(2026, 3, 10))
    possible = _add(deps, "kommission", date(2026, 3, 24))
    detail = route_overview.detail(deps, route.rec)
    assert [s.status for s in detail.route] == ["next", "later", "later", "later"]
    assert detail.route[0].notice == "14 Kalendertage"
    placement = detail.placement
    assert placement is not None and placement.body_name == "Kommission Migration und Teilhabe"
    options = [(o.id, o.too_close) for o in placement.options]
    assert options == [(too_close, True), (possible, False)]
    assert placement.earliest is not None and placement.earliest.id == possible
    assert placement.earliest_day == date(2026, 3, 16)

    version = detail.recommendation.status.version
    route.clock.advance(timedelta(minutes=5))
    consultations.place(deps, route.rec, possible, "Sitzungsdienst", seen_version=version)
    with pytest.raises(ConcurrencyConflict, match="inzwischen von jemand anderem geändert"):
        consultations.place(deps, route.rec, possible, "Sitzungsdienst", seen_version=version)
    placed = route_overview.detail(deps, route.rec)
    assert placed.placement is None and placed.route[0].status == "placed"
    assert placed.pending is not None and placed.pending.meeting_id == possible
    assert "zurückgezogen" in [c.title for c in placed.result_choices]


def test_the_backward_plan_counts_easter_as_the_holiday_calendar_says(route: Route) -> None:
    deps = route.deps
    _add(deps, "kommission", date(2026, 3, 10))
    _add(deps, "kommission", date(2026, 4, 14))
    commission = _add(deps, "kommission", date(2026, 4, 20))
    committee = _add(deps, "ausschuss-soziales", date(2026, 5, 11))
    executive = _add(deps, "kreisausschuss", date(2026, 6, 2), 15)
    _add(deps, "kreisausschuss", date(2026, 7, 7), 15)
    early = _add(deps, "kreistag", date(2026, 3, 18), 16)
    kreistag = _add(deps, "kreistag", date(2026, 6, 17), 16)

    view = route_overview.backward_plan(deps, route.rec, kreistag)
    stops = [(s.meeting.id if s.meeting else 0, s.agenda_deadline) for s in view.plan.stops]
    # Kreistag 17.06. - 7 days: 10.06.; Kreisausschuss 02.06. - 7: 26.05.; Ausschuss 11.05.
    # - 7: 04.05.; Kommission 20.04. - 14 is Easter Monday, then Sunday, Saturday and Good
    # Friday: the working group has until Maundy Thursday, 02.04.2026
    assert stops == [
        (commission, date(2026, 4, 2)),
        (committee, date(2026, 5, 4)),
        (executive, date(2026, 5, 26)),
        (kreistag, date(2026, 6, 10)),
    ]
    assert view.plan.feasible and view.plan.adoption_deadline == date(2026, 4, 2)
    assert view.earliest_reachable is not None and view.earliest_reachable.id == kreistag

    too_soon = route_overview.backward_plan(deps, route.rec, early)
    assert not too_soon.plan.feasible
    with pytest.raises(DeliberationError, match=r"keine .*Sitzung des Gremiums Kreistag"):
        route_overview.backward_plan(deps, route.rec, commission)


def _adopted(route: Route) -> None:
    route.to_kreistag()
    route.pass_body("kreistag", R.ADOPTED)


def test_implementation_traffic_light_and_the_quarterly_report(
    route: Route, app: Application
) -> None:
    deps, rec = route.deps, route.rec
    _adopted(route)
    today = deps.today()
    detail = route_overview.detail(deps, rec)
    assert detail.implementing and detail.traffic_light == "on_track"
    implementation.assign(deps, rec, "FD Soziales", today + timedelta(days=30), "Sitzungsdienst")
    implementation.note_progress(deps, rec, "Träger angefragt.", "FD Soziales")
    report = implementation_report.implementation_report(deps, "Kreisausschuss")
    assert [(line.id, line.light.value, line.latest_note) for line in report.lines] == [
        (rec, "on_track", "Träger angefragt.")
    ]
    assert report.committee == "Kreisausschuss" and report.quarter.endswith("Quartal 2026")

    route.clock.advance(timedelta(days=31))
    assert route_overview.detail(deps, rec).traffic_light == "late"
    implementation.note_progress(deps, rec, "Kein Träger gefunden.", "FD Soziales", feasible=False)
    red = route_overview.detail(deps, rec)
    assert red.traffic_light == "not_feasible" and red.traffic_light_colour == "rot"
    assert red.recommendation.progress[-1].text == "Nicht umsetzbar: Kein Träger gefunden."
    assert recommendations.show(deps, rec).traffic_light == "rot – nicht umsetzbar"

    implementation.report_back(deps, app.templates, rec, "Sitzungsdienst", "2028")
    after = implementation_report.implementation_report(deps, "kreisausschuss")
    assert [(line.id, line.light_colour) for line in after.lines] == [(rec, "rot")]
    assert after.counts == {"not_feasible": 1, "late": 0, "on_track": 0}


def test_not_feasible_is_refused_before_the_kreistag_adopted_it(route: Route) -> None:
    with pytest.raises(DeliberationError, match="nur bei vom Kreistag beschlossenen"):
        implementation.note_progress(route.deps, route.rec, "Geht nicht.", "x", feasible=False)
