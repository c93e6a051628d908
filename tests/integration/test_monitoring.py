"""Participation monitoring per municipality and workshop, as figures and as a picture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from route_helpers import Route

from deliberation.adapters.html_documents import HtmlDocuments
from deliberation.adapters.participant_files import read_participant_file
from deliberation.bootstrap import Application
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.domain.errors import DeliberationError
from deliberation.entrypoints.monitoring_output import monitoring_html
from deliberation.service_layer import monitoring, notifications, participants

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
        "handled_locally": 1, "forwarded": 0, "answered": 1, "decided": 0, "open": 0,
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
        HtmlDocuments(app.settings.templates_dir), list(after.values()), "Landkreis Peine",
        "Referat", app.deps.today(), None,
    )
    assert "<svg" in html and html.count("<rect") >= 4 + 5  # bars and the legend
    assert "<title>vom Kreistag entschieden: 1</title>" in html
    assert "2 eingeladen, 17 teilgenommen" in html

    with pytest.raises(DeliberationError, match='Durchgang "1999"'):
        monitoring.monitoring(app.deps, "1999")
    with pytest.raises(DeliberationError, match="negativ"):
        monitoring.record_attendance(app.deps, peine, -1)

