"""Participation monitoring per municipality and workshop, and per working group, as figures,
as terminal tables and as a picture."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from route_helpers import Route

from deliberation.adapters.html_documents import HtmlDocuments
from deliberation.adapters.participant_files import read_participant_file
from deliberation.bootstrap import Application
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import Audience, Response
from deliberation.entrypoints import monitoring_output
from deliberation.entrypoints.monitoring_output import monitoring_html
from deliberation.service_layer import meetings, monitoring, notifications, participants
from deliberation.service_layer.messages import RSVP, answer_token

PEOPLE = """Name;E-Mail;Sprache;Gemeinde;Rollen;Gremien
Anna Schmidt;anna@peine.de;de;Stadt Peine;Verwaltung;Kommission
Jan Becker;jan@peine.de;de;Stadt Peine;Verwaltung;Kommission
Eda Demir;eda@edemissen.de;de;Edemissen;Verwaltung;Kommission
Ohne Einwilligung;ohne@peine.de;de;Stadt Peine;Bürgerin;
"""


def test_monitoring_follows_needs_people_and_recommendations(
    app: Application, walker: Any, clock: Any, tmp_path: Path
) -> None:
    csv = tmp_path / "personen.csv"
    csv.write_text(PEOPLE, encoding="utf-8")
    participants.import_participants(app.deps, read_participant_file(csv))
    route = Route(walker, clock)  # both workshops invited, needs collected, one recommendation
    notifications.render_pending(app.deps, app.mailing())
    peine = route.record.workshops["stadt-peine"]
    monitoring.record_attendance(app.deps, peine, 17)

    before = {f.municipality: f for f in monitoring.monitoring(app.deps, "2026")}
    assert set(before) == {"Stadt Peine", "Edemissen"}
    assert before["Stadt Peine"].fates == {
        "handled_locally": 1,
        "forwarded": 0,
        "answered": 1,
        "decided": 0,
        "open": 0,
    }
    assert before["Edemissen"].fates["forwarded"] == 1
    assert before["Edemissen"].fates["handled_locally"] == 1
    assert (before["Stadt Peine"].invited, before["Stadt Peine"].attendees) == (2, 17)
    assert (before["Edemissen"].invited, before["Edemissen"].attendees) == (1, None)
    assert before["Stadt Peine"].outcomes == {"Von der Arbeitsgruppe beschlossen": 1}

    route.to_kreistag()
    route.pass_body("kreistag", R.REJECTED, "")
    after = {f.municipality: f for f in monitoring.monitoring(app.deps)}
    assert after["Stadt Peine"].fates["decided"] == 1
    assert after["Stadt Peine"].fates["answered"] == 0
    assert after["Stadt Peine"].outcomes == {"Vom Kreistag abgelehnt": 1}
    assert after["Edemissen"].recommendations == 0

    html = monitoring_html(
        HtmlDocuments(app.settings.templates_dir),
        list(after.values()),
        monitoring.working_groups(app.deps),
        "Landkreis Peine",
        "Referat",
        app.deps.today(),
        None,
    )
    assert "<svg" in html and html.count("<rect") >= 4 + 5  # bars and the legend
    assert "<title>vom Kreistag entschieden: 1</title>" in html
    assert "2 eingeladen, 0 zugesagt, 17 teilgenommen" in html

    with pytest.raises(DeliberationError, match='Durchgang "1999"'):
        monitoring.monitoring(app.deps, "1999")
    with pytest.raises(DeliberationError, match="negativ"):
        monitoring.record_attendance(app.deps, peine, -1)


def test_invited_and_accepted_come_from_the_workshop_meetings_invitations(
    app: Application, walker: Any, clock: Any, tmp_path: Path
) -> None:
    """With a meeting, 'invited' counts the invitations and 'accepted' the seated yes answers."""
    csv = tmp_path / "personen.csv"
    csv.write_text(PEOPLE, encoding="utf-8")
    participants.import_participants(app.deps, read_participant_file(csv))
    record = walker.walk()
    peine = record.workshops["stadt-peine"]
    mailing = app.mailing()
    plan = meetings.MeetingPlan(
        "Zukunftswerkstatt Stadt Peine", clock() + timedelta(days=45), "Rathaus", cycle_id=peine
    )  # 16 April 2026: after the Easter holidays
    meeting_id = meetings.schedule(app.deps, plan, "landkreis-peine.de")
    report = meetings.invite(app.deps, mailing, meeting_id, Audience())
    assert report.invited == 3  # the three members; the unconfirmed citizen is skipped
    with app.deps.unit_of_work() as uow:
        anna = uow.participants.participant("anna@peine.de")
        assert anna is not None
        url = mailing.links.url(RSVP, answer_token(anna, meeting_id))
    meetings.respond(app.deps, mailing, url.split(f"/{RSVP}/", 1)[1].split("?", 1)[0], Response.YES)

    figures = {f.municipality: f for f in monitoring.monitoring(app.deps)}
    assert (figures["Stadt Peine"].invited, figures["Stadt Peine"].accepted) == (3, 1)
    assert figures["Edemissen"].accepted is None  # no meeting there: no answers to count
    table = monitoring_output.rows([figures["Stadt Peine"]])[0]
    start = monitoring_output.HEADER.index("eingeladen")
    assert monitoring_output.HEADER[start + 1] == "zugesagt"
    assert table[start : start + 2] == (3, 1)


def test_monitoring_reports_per_working_group(
    app: Application, walker: Any, clock: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    route = Route(walker, clock)  # one group, one recommendation answering one need
    deps = app.deps
    [before] = monitoring.working_groups(deps, "2026")
    assert (before.name, before.topic, before.round) == ("AG Sprachkurse", "Sprache", "2026")
    assert (before.members, before.needs, before.recommendations) == (2, 1, 1)
    assert (before.decided, before.implementing, before.report_overdue) == (0, 0, False)
    assert before.outcomes == {"Von der Arbeitsgruppe beschlossen": 1}

    route.to_kreistag()  # the clock moves past the group's due date on the way
    route.pass_body("kreistag")
    [after] = monitoring.working_groups(deps)
    assert (after.decided, after.implementing) == (1, 1)
    assert after.outcomes == {"Vom Kreistag unverändert beschlossen": 1}
    assert not after.report_overdue  # 88 days of the 180 have passed

    clock.advance(timedelta(days=100))  # past the due date, the group still at work
    [late] = monitoring.working_groups(deps, "2026")
    assert late.report_overdue
    console = Console(record=True, width=200)
    console.print(monitoring_output.groups_table([late]))
    shown = console.export_text()
    assert "Arbeitsgruppen (1)" in shown
    assert "AG Sprachkurse (Sprache)" in shown
    assert f"{late.due_date:%d.%m.%Y} überfällig" in shown
    assert "Vom Kreistag unverändert beschlossen: 1" in shown
    [row] = monitoring_output.group_rows([late])
    assert row[monitoring_output.GROUP_HEADER.index("entschieden")] == 1
    with pytest.raises(DeliberationError, match='Durchgang "1999"'):
        monitoring.working_groups(deps, "1999")
