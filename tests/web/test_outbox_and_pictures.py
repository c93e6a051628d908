"""The outbox page with retry, and the monitoring, workflow and timeline pages, over HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from live_server import Site, StaffClient, csrf_of

from deliberation.domain.outbox import compose
from deliberation.service_layer import body_meetings, outbox

BERLIN = ZoneInfo("Europe/Berlin")


def _failed(site: Site, recipient: str = "weg@example.org") -> int:
    deps = site.app.deps
    message = compose(
        "referat@landkreis-peine.de", recipient, "Einladung <Kreistag>", "Hallo", deps.clock()
    )
    with deps.unit_of_work() as uow:
        outbox.enqueue(uow, message)
        uow.flush()
        assert message.id is not None
        uow.outbox.mark_failed(message.id, "550 5.1.1 Postfach <unbekannt>")
        uow.commit()
        return message.id


def test_the_outbox_shows_failed_messages_with_the_server_answer_and_retries_them(
    site: Site, staff: StaffClient
) -> None:
    message_id = _failed(site)
    _failed(site, "auch-weg@example.org")
    secretary = staff("geschaeftsstelle")
    page = secretary.get("/outbox")
    assert page.status_code == 200
    assert "550 5.1.1 Postfach &lt;unbekannt&gt;" in page.text
    assert "Einladung &lt;Kreistag&gt;" in page.text and "gescheitert (2)" in page.text
    assert "Erneut versuchen" not in page.text  # secretaries look, the Referat retries
    refused = secretary.post("/outbox/retry", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403

    referat = staff("referat")
    page = referat.get("/outbox", params={"gruppe": "failed"})
    retried = referat.post(
        "/outbox/retry", data={"id": str(message_id), "csrf_token": csrf_of(page.text)}
    )
    assert retried.status_code == 303
    waiting = referat.get(retried.headers["location"])
    assert "1 Nachricht erneut in den Versand gegeben" in waiting.text
    assert "wartend (1)" in waiting.text and "gescheitert (1)" in waiting.text
    assert referat.get("/outbox", params={"gruppe": "sent"}).status_code == 200
    assert referat.post("/outbox/retry", data={}).status_code == 403  # no token


def test_monitoring_workflows_and_timeline_are_pages_for_all_staff(
    site: Site, staff: StaffClient, walker: Any
) -> None:
    walker.launch_workshops()
    walker.run_workshop("stadt-peine")
    body_meetings.add(
        site.app.deps, "kreistag", datetime(2026, 4, 16, 17, tzinfo=BERLIN), "Kreishaus"
    )
    secretary = staff("geschaeftsstelle")

    monitoring = secretary.get("/monitoring")
    assert monitoring.status_code == 200 and "<svg" in monitoring.text
    assert '<th scope="row">2026</th><td>Stadt Peine</td><td>2</td>' in monitoring.text
    unknown = secretary.get("/monitoring", params={"durchgang": "1999"})
    assert unknown.status_code == 404
    assert "Den Durchgang &#34;1999&#34; gibt es nicht." in unknown.text
    listed = secretary.get("/workflows")
    assert listed.status_code == 200 and 'href="/workflows/recommendation"' in listed.text
    workflow = secretary.get("/workflows/recommendation")
    assert workflow.status_code == 200
    assert 'src="/workflows/recommendation/diagram.svg"' in workflow.text
    picture = secretary.get("/workflows/recommendation/diagram.svg")
    assert picture.status_code == 200 and picture.text.startswith("<svg")
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert "script-src" not in picture.headers["content-security-policy"]
    assert secretary.get("/workflows/gibt-es-nicht").status_code == 404
    timeline = secretary.get("/timeline")
    assert timeline.status_code == 200 and "Sitzung Kreistag am 16.04.2026" in timeline.text
    assert "<style" not in timeline.text and " style=" not in timeline.text


def test_the_monitoring_page_reports_per_working_group(
    site: Site, staff: StaffClient, walker: Any
) -> None:
    walker.walk()  # one group on the topic Sprache, drafting one recommendation
    page = staff("referat").get("/monitoring", params={"durchgang": "2026"})
    assert page.status_code == 200
    assert "Monitoring je Arbeitsgruppe" in page.text
    assert (
        '<td>2026</td><th scope="row">AG Sprachkurse</th><td>Sprache</td><td>Arbeitet</td>'
        in page.text
    )
    assert "<td>Entwurf: 1</td>" in page.text
