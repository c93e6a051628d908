"""The consultation route of a recommendation, meeting by meeting, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from route_helpers import ROUTE, SPRACHKURSE, Route

from deliberation.bootstrap import Application
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.domain.errors import DeliberationError, NextStep, hint
from deliberation.service_layer import (
    body_meetings,
    consultations,
    implementation,
    recommendations,
    trace,
)
from deliberation.service_layer.ports import Dependencies


@pytest.fixture
def route(walker: Any, clock: Any) -> Route:
    return Route(walker, clock)


def test_full_lifecycle_with_deferral_adoption_and_implementation(
    route: Route, app: Application
) -> None:
    deps, rec = route.deps, route.rec
    route.pass_body("kommission", R.NOTED, "Die Kommission unterstützt die Empfehlung.")
    assert route.state() == "statement_given"
    route.pass_body("ausschuss-soziales")
    assert route.state() == "committee_consultation"
    route.pass_body("kreisausschuss")
    assert route.state() == "executive_consultation"

    first = route.meeting("kreistag", 21)
    consultations.place(deps, rec, first, "Sitzungsdienst")
    assert route.state() == "kreistag_agenda"
    route.clock.advance(timedelta(days=22))
    consultations.record_result(deps, rec, R.DEFERRED, "Sitzungsdienst")
    assert route.state() == "deferred"

    earlier = route.meeting("kreistag", -30)
    with pytest.raises(DeliberationError, match=rf"in Sitzung {first} am .* vertagt"):
        consultations.place(deps, rec, earlier, "Sitzungsdienst")
    later = route.meeting("kreistag", 60)
    consultations.place(deps, rec, later, "Sitzungsdienst")
    assert route.state() == "kreistag_agenda"
    route.clock.advance(timedelta(days=61))
    consultations.record_result(deps, rec, R.ADOPTED, "Kreistag")

    view = recommendations.show(deps, rec)
    assert view.status.state == "adopted"
    assert view.commission_statement == "Die Kommission unterstützt die Empfehlung."
    assert view.resolution_text == "Der Kreis finanziert Sprachkurse mit Kinderbetreuung."
    assert [(c.body_key, c.result) for c in view.consultations] == [
        ("kommission", "noted"),
        ("ausschuss-soziales", "approved"),
        ("kreisausschuss", "approved"),
        ("kreistag", "deferred"),
        ("kreistag", "adopted"),
    ]
    assert [c.public for c in view.consultations] == [True, True, False, True, True]
    assert [c.authoritative for c in view.consultations] == [False, False, False, True, True]
    assert [e.trigger for e in view.log][-3:] == ["defer", "reschedule", "decide_adopted"]

    today = deps.today()
    implementation.assign(deps, rec, "FD Soziales", today + timedelta(days=30), "Referat")
    assert route.state() == "in_implementation"
    implementation.note_progress(deps, rec, "Träger angefragt.", "FD Soziales")
    assert recommendations.list_recommendations(deps, overdue=True) == []
    route.clock.advance(timedelta(days=31))
    [late] = recommendations.list_recommendations(deps, overdue=True)
    assert late.status.id == rec and late.overdue
    assert [
        v.status.id for v in recommendations.list_recommendations(deps, office="fd soziales")
    ] == [rec]

    report = implementation.report_back(deps, app.templates, rec, "Referat", "2028")
    assert report.round == "2028"
    assert "FD Soziales" in report.text and "Träger angefragt." in report.text
    assert "(überfällig)" in report.text
    assert route.state() == "reported_back"
    assert recommendations.list_recommendations(deps, overdue=True) == []
    [mirrored] = implementation.feedback(deps, "2028")
    assert mirrored.recommendation_id == rec and mirrored.text == report.text
    assert recommendations.show(deps, rec).implementation_report == report.text


def test_rejection_ends_the_route(route: Route) -> None:
    route.to_kreistag()
    route.pass_body("kreistag", R.REJECTED, "")
    assert route.state() == "rejected"
    meeting = route.meeting("kreistag", 30)
    with pytest.raises(DeliberationError, match="ist abgeschlossen"):
        consultations.place(route.deps, route.rec, meeting, "Sitzungsdienst")
    with pytest.raises(DeliberationError, match="nur bei vom Kreistag beschlossenen"):
        implementation.assign(route.deps, route.rec, "FD", date(2030, 1, 1), "Referat")


def test_withdrawal_in_a_preliminary_body(route: Route) -> None:
    route.pass_body("kommission")
    route.pass_body("ausschuss-soziales")
    route.pass_body("kreisausschuss", R.WITHDRAWN, "")
    assert route.state() == "withdrawn"
    trace_ = trace.trace_recommendation(route.deps, route.rec)
    assert trace_.consultations[-1].result_title == "zurückgezogen"
    assert not trace_.consultations[-1].public


def test_deferral_in_a_preliminary_body_stays_with_that_body(route: Route) -> None:
    route.pass_body("kommission")
    route.pass_body("ausschuss-soziales", R.DEFERRED, "")
    kreistag = route.meeting("kreistag", 40)
    with pytest.raises(DeliberationError, match="Als Nächstes berät Ausschuss für Soziales"):
        consultations.place(route.deps, route.rec, kreistag, "Sitzungsdienst")
    route.pass_body("ausschuss-soziales")
    assert [c.result for c in recommendations.show(route.deps, route.rec).consultations] == [
        "approved",
        "deferred",
        "approved",
    ]


def test_a_meeting_inside_the_notice_period_is_refused_naming_the_earliest(
    route: Route,
) -> None:
    deps = route.deps
    # Kommission: 14 days' notice (config.toml)
    too_close = route.meeting("kommission", 10)
    with pytest.raises(DeliberationError, match=r"noch keine angelegt\.$") as none_yet:
        consultations.place(deps, route.rec, too_close, "Sitzungsdienst")
    assert none_yet.value.next_steps == (hint(NextStep.ADD_MEETING, body="kommission"),)
    in_time = route.meeting("kommission", 15)
    route.meeting("kommission", 40)
    with pytest.raises(DeliberationError) as refused:
        consultations.place(deps, route.rec, too_close, "Sitzungsdienst")
    message = str(refused.value)
    assert "Ladungsfrist von 14 Tagen" in message
    day = (route.clock.now + timedelta(days=15)).date()
    assert f"Frühestmöglich ist die Sitzung {in_time} am {day:%d.%m.%Y}" in message
    assert recommendations.show(deps, route.rec).consultations == ()
    consultations.place(deps, route.rec, in_time, "Sitzungsdienst")
    assert [c.meeting_id for c in recommendations.show(deps, route.rec).consultations] == [in_time]


def test_refusals_name_what_to_do(route: Route) -> None:
    deps, rec = route.deps, route.rec
    wrong_body = route.meeting("kreistag", 30)
    with pytest.raises(DeliberationError, match="Als Nächstes berät Kommission"):
        consultations.place(deps, rec, wrong_body, "Sitzungsdienst")
    with pytest.raises(DeliberationError, match="liegt auf keiner Sitzung"):
        consultations.record_result(deps, rec, R.ADOPTED, "Sitzungsdienst", "x")
    meeting = route.meeting("kommission", 30)
    consultations.place(deps, rec, meeting, "Sitzungsdienst")
    with pytest.raises(DeliberationError, match="liegt schon auf Sitzung"):
        consultations.place(deps, rec, route.meeting("kommission", 60), "Sitzungsdienst")
    with pytest.raises(DeliberationError, match="findet erst am"):
        consultations.record_result(deps, rec, R.ADOPTED, "Sitzungsdienst", "x")
    route.clock.advance(timedelta(days=31))
    with pytest.raises(DeliberationError, match="ein beratendes Gremium beschließt nicht"):
        consultations.record_result(deps, rec, R.ADOPTED, "Sitzungsdienst", "Ja.")
    with pytest.raises(DeliberationError, match="fehlt die Stellungnahme"):
        consultations.record_result(deps, rec, R.APPROVED, "Sitzungsdienst")
    consultations.record_result(deps, rec, R.APPROVED, "Sitzungsdienst", "Ja.")
    for body in ROUTE[1:-1]:
        route.pass_body(body)
    kreistag = route.meeting("kreistag", 21)
    consultations.place(deps, rec, kreistag, "Sitzungsdienst")
    route.clock.advance(timedelta(days=22))
    with pytest.raises(DeliberationError, match="für die Entscheidung von Kreistag nicht möglich"):
        consultations.record_result(deps, rec, R.NOTED, "Kreistag")
    with pytest.raises(DeliberationError, match="für die Entscheidung von Kreistag nicht möglich"):
        consultations.record_result(deps, rec, R.APPROVED, "Kreistag")
    with pytest.raises(DeliberationError, match="fehlt der Beschlusstext"):
        consultations.record_result(deps, rec, R.ADOPTED_AMENDED, "Kreistag")
    consultations.record_result(deps, rec, R.ADOPTED_AMENDED, "Kreistag", "Geändert: 2 Kurse.")
    assert recommendations.show(deps, rec).resolution_text == "Geändert: 2 Kurse."


def test_trace_shows_the_route_both_ways(route: Route) -> None:
    route.to_kreistag()
    route.pass_body("kreistag", R.ADOPTED, "")
    need_trace = trace.trace_need(route.deps, route.record.needs[SPRACHKURSE])
    [ref] = need_trace.recommendations
    assert ref.stage.endswith("(Entscheidung): ungeändert beschlossen")
    assert need_trace.outcome.startswith("entschieden: Vom Kreistag unverändert beschlossen")
    rec_trace = trace.trace_recommendation(route.deps, route.rec)
    assert [c.body_key for c in rec_trace.consultations] == list(ROUTE)
    assert rec_trace.needs[0].municipality == "Stadt Peine"


def test_closed_bodies_get_non_public_meetings(deps: Dependencies) -> None:
    starts = datetime(2026, 6, 2, 13, 0, tzinfo=UTC)
    closed = body_meetings.add(deps, "Kreisausschuss", starts, "Kreishaus")
    open_ = body_meetings.add(deps, "kreistag", starts, "Kreishaus, Saal 2")
    assert (closed.public, open_.public) == (False, True)
    assert closed.title == "Sitzung Kreisausschuss am 02.06.2026"
    assert [m.id for m in body_meetings.list_meetings(deps, "kreisausschuss")] == [closed.id]
    with pytest.raises(DeliberationError, match='Gremium "Stadtrat" ist unbekannt'):
        body_meetings.add(deps, "Stadtrat", starts, "Rathaus")


def test_resolution_draft_is_printable_html_with_the_route(route: Route, app: Application) -> None:
    from deliberation.adapters.html_documents import HtmlDocuments
    from deliberation.service_layer import documents

    route.pass_body("kommission", R.APPROVED, "Die Kommission rät zu <b>Eile</b>.")
    draft = documents.resolution_draft(route.deps, route.rec)
    assert draft.reference == f"BV-2026/{route.rec:04d}"
    assert [(r.body, r.result) for r in draft.route] == [
        ("Kommission Migration und Teilhabe", "zugestimmt"),
        ("Ausschuss für Soziales, Gesundheit und Integration", ""),
        ("Kreisausschuss", ""),
        ("Kreistag", ""),
    ]
    html = HtmlDocuments(app.settings.templates_dir).render(
        "recommendation/beschlussvorlage", {"draft": draft}
    )
    assert "@media print" in html and "@page" in html
    assert f"Drucksache {draft.reference}" in html
    assert "Mehr Sprachkurse mit Kinderbetreuung (Stadt Peine" in html
    assert html.count("nicht öffentlich") == 1  # the Kreisausschuss
    assert "&lt;b&gt;Eile&lt;/b&gt;" in html and "<b>Eile</b>" not in html
