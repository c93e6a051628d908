"""The live OParl 1.1 server (``/oparl/v1/``) on a real uvicorn, SQLite and PostgreSQL.

A crawler starts at the system, follows every list, page and link, and validates every
object (embedded ones too) against the official schemas; every id is the URL the object
is served at, under the configured public address (``[web] base_url``), which here is
not the test server's own: the ids come from the configuration, not from the request.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from live_server import PASSWORDS, serving
from oparl_validation import OPARL, OparlValidator, schema_dir
from route_helpers import Route

from deliberation.adapters.participant_files import read_participant_file
from deliberation.bootstrap import Application
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.entrypoints.web import create_app
from deliberation.service_layer import consultations, participants, recommendations

PUBLIC = "https://beteiligung.landkreis-peine.example"
API = PUBLIC + "/oparl/v1"
PEOPLE = """Name;E-Mail;Sprache;Gemeinde;Rollen;Gremien
Dr. Jan von Becker;jan.becker@landkreis-peine.de;de;;Verwaltung;"Kreistag, Kommission"
Anna Schmidt;anna@peine.de;de;Ilsede;Bürgerin;
Ole Krüger;ole@peine.de;de;Ilsede;Bürger;Kreistag
"""


@pytest.fixture
def validator(repo_root: Path) -> OparlValidator:
    folder = schema_dir(repo_root)
    if not (folder / "Paper.json").is_file():
        pytest.fail(f"OParl-Schemas fehlen in {folder}")
    return OparlValidator(folder)


class Server:
    """The web application with ``[oparl]`` settings changed, and a client that asks it
    for public addresses."""

    def __init__(self, app: Application, **oparl: Any) -> None:
        settings = app.settings
        settings = dataclasses.replace(
            settings,
            web=dataclasses.replace(settings.web, base_url=PUBLIC),
            oparl=dataclasses.replace(settings.oparl, **oparl),
        )
        self.asgi = create_app(dataclasses.replace(app, settings=settings), PASSWORDS)

    def get(self, client: httpx.Client, url: str) -> httpx.Response:
        assert url.startswith(API), url
        return client.get(url.removeprefix(PUBLIC))


@pytest.fixture
def server(app: Application) -> Iterator[tuple[Server, httpx.Client]]:
    server = Server(app, page_size=2)
    with serving(server.asgi) as url, httpx.Client(base_url=url) as client:
        yield server, client


def walk(walker: Any, clock: Any, tmp_path: Path, app: Application) -> Route:
    route = Route(walker, clock)
    csv = tmp_path / "personen.csv"
    csv.write_text(PEOPLE, encoding="utf-8")
    participants.import_participants(app.deps, read_participant_file(csv))
    for email in ("jan.becker@landkreis-peine.de", "ole@peine.de"):
        participants.set_publication_consent(app.deps, email, True)
    route.pass_body("kommission", R.APPROVED, "Die Kommission unterstützt die Empfehlung.")
    route.pass_body("ausschuss-soziales", R.APPROVED)
    route.pass_body("kreisausschuss", R.AMENDMENTS_RECOMMENDED, "Vertraulich beraten.")
    route.pass_body("kreistag", R.ADOPTED_AMENDED, "Geändert beschlossen: zwei Kurse.")
    return route


def crawl(server: Server, client: httpx.Client, validator: OparlValidator) -> dict[str, Any]:
    """Every object and list page reachable from the system, by URL; checks each answer."""
    found: dict[str, Any] = {}
    queue = [API + "/system"]
    problems: list[str] = []
    while queue:
        url = queue.pop()
        if url in found:
            continue
        response = server.get(client, url)
        assert response.status_code == 200, (url, response.text)
        assert response.headers["access-control-allow-origin"] == "*"
        if url.endswith(".html"):  # a File's content
            assert response.headers["content-type"].startswith("text/html")
            found[url] = response.text
            continue
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        content = response.json()
        found[url] = content
        if "data" in content:
            problems.extend(validator.page_errors(content, url))
            pagination, links = content["pagination"], content["links"]
            last = pagination["currentPage"] == pagination["totalPages"]
            assert ("next" in links) is not last, url  # next on every page but the last
            assert links["self"] == url
        else:
            problems.extend(validator.errors(content, url))
            assert content["id"] == url  # served at its id
        queue.extend(u for u in _strings(content) if u.startswith(API + "/") and u not in found)
    assert problems == []
    return found


def test_a_crawler_finds_every_object_valid_at_its_id(
    app: Application,
    walker: Any,
    clock: Any,
    tmp_path: Path,
    validator: OparlValidator,
    server: tuple[Server, httpx.Client],
) -> None:
    route = walk(walker, clock, tmp_path, app)
    found = crawl(*server, validator)

    assert {
        "System.json",
        "Body.json",
        "LegislativeTerm.json",
        "Organization.json",
        "Meeting.json",
        "Location.json",
        "AgendaItem.json",
        "Paper.json",
        "Consultation.json",
        "Person.json",
        "Membership.json",
        "File.json",
    } <= set(validator.counts)
    body = found[API + "/body/1"]
    assert (body["ags"], body["rgs"]) == ("03157000", "031570000000")
    assert body["shortName"] == "LK Peine" and body["website"].startswith("https://")
    assert body["license"].startswith("https://creativecommons.org/")
    for key in ("organization", "person", "meeting", "paper", "legislativeTerm", "membership"):
        assert key in body
    for key in ("agendaItem", "file", "locationList", "legislativeTermList"):
        assert body[key] in found
    assert all("startDate" in t and "endDate" in t for t in body["legislativeTerm"])

    paper = found[f"{API}/paper/{route.rec}"]
    assert paper["paperType"] == "Beschlussvorlage"
    main_file = paper["mainFile"]
    assert main_file["mimeType"] == "text/html"
    assert "Sprachkurse" in found[main_file["accessUrl"]]
    items = [found[c["agendaItem"]] for c in paper["consultation"]]
    assert [i.get("result") for i in items] == [
        "zugestimmt",
        "zugestimmt",
        None,  # Kreisausschuss, closed session: withheld by default
        "geändert beschlossen",
    ]
    closed = items[2]
    assert closed["public"] is False and closed["name"] == "Nichtöffentlicher Tagesordnungspunkt"
    assert "resolutionText" not in closed
    [closed_row] = re.findall(r'<tr class="closed">(.*?)</tr>', found[main_file["accessUrl"]], re.S)
    assert "Kreisausschuss" in closed_row and "empfohlen" not in closed_row
    assert items[0]["name"] == paper["name"]
    meetings = [found[i["meeting"]] for i in items]
    assert {m["meetingState"] for m in meetings} == {"durchgeführt"}  # past, with results

    organizations = _all(found, body["organization"])
    kinds = {o["name"]: o["classification"] for o in organizations}
    assert kinds["Kreistag"] == "Kreistag" and kinds["Kreisausschuss"] == "Kreisausschuss"
    assert len(organizations) > 2  # more than one page of two
    people = _all(found, body["person"])
    assert [(p["givenName"], p["familyName"]) for p in people] == [
        ("Jan", "von Becker"),
        ("Ole", "Krüger"),
    ]
    assert people[0]["title"] == ["Dr."]
    assert {m["role"] for p in people for m in p["membership"]} == {"Mitglied"}


def test_a_statement_without_meeting_is_a_consultation_but_no_agenda_item(
    app: Application,
    walker: Any,
    clock: Any,
    validator: OparlValidator,
    server: tuple[Server, httpx.Client],
) -> None:
    route = Route(walker, clock)
    allowed = tuple(
        dataclasses.replace(s, statement_without_meeting=s.body_key == "kommission")
        for s in route.deps.consultation_route
    )
    written = dataclasses.replace(route.deps, consultation_route=allowed)
    consultations.give_statement_without_meeting(
        written, route.rec, R.APPROVED, "Die Kommission unterstützt die Empfehlung.", "Sekretariat"
    )
    route.pass_body("ausschuss-soziales", R.APPROVED)

    found = crawl(*server, validator)  # every link answers, none to a meeting 0

    paper = found[f"{API}/paper/{route.rec}"]
    statement, held = paper["consultation"]
    assert "meeting" not in statement and "agendaItem" not in statement
    assert statement["keyword"][1] == "zugestimmt"
    assert held["meeting"] in found and held["agendaItem"] in found
    body = found[API + "/body/1"]
    items = _all(found, body["agendaItem"])
    assert [i["id"] for i in items] == [held["agendaItem"]]


def test_filters_and_deleted_objects(
    app: Application,
    walker: Any,
    clock: Any,
    tmp_path: Path,
    server: tuple[Server, httpx.Client],
) -> None:
    oparl, client = server
    route = walk(walker, clock, tmp_path, app)
    clock.advance(timedelta(hours=1))
    before = clock.now
    clock.advance(timedelta(minutes=1))
    recommendations.advance(app.deps, route.rec, "start_implementation", "Referat")
    participants.set_publication_consent(app.deps, "jan.becker@landkreis-peine.de", False)
    after = clock.advance(timedelta(minutes=1))

    def ids(name: str, **filters: Any) -> list[str]:
        query = "&".join(f"{k}={quote(v.isoformat())}" for k, v in filters.items())
        page = oparl.get(client, f"{API}/body/1/{name}?{query}&elementsPerPage=50").json()
        assert "next" not in page["links"]
        return [o["id"] for o in page["data"]]

    paper = f"{API}/paper/{route.rec}"
    assert ids("paper", modified_since=before) == [paper]
    assert ids("paper", modified_since=after) == []
    assert ids("paper", modified_until=before) == []
    assert paper in ids("paper", created_until=after)
    assert ids("file", modified_since=before) == [f"{API}/file/{route.rec}"]
    # every agenda item of the paper's meetings moved with it? no: only its own changes
    assert ids("agendaItem", modified_since=before) == []

    [jan] = [p for p in participants.list_participants(app.deps) if "Becker" in p.name]
    gone = oparl.get(client, f"{API}/person/{jan.id}").json()
    assert gone["deleted"] is True and set(gone) == {"id", "type", "created", "modified", "deleted"}
    listed = oparl.get(client, f"{API}/body/1/person?modified_since={quote(before.isoformat())}")
    assert [(p["id"], p.get("deleted")) for p in listed.json()["data"]] == [
        (f"{API}/person/{jan.id}", True)
    ]
    assert f"{API}/person/{jan.id}" not in ids("person")  # without modified_since: gone
    memberships = oparl.get(
        client, f"{API}/body/1/membership?modified_since={quote(before.isoformat())}"
    ).json()["data"]
    assert {(m["id"], m.get("deleted")) for m in memberships} == {
        (f"{API}/membership/{jan.id}-kreistag", True),
        (f"{API}/membership/{jan.id}-kommission", True),
    }
    participants.set_publication_consent(app.deps, "jan.becker@landkreis-peine.de", True)
    assert f"{API}/person/{jan.id}" in ids("person")
    again = oparl.get(client, f"{API}/person/{jan.id}").json()
    assert again["name"] == "Dr. Jan von Becker" and "deleted" not in again

    participants.delete(app.deps, "jan.becker@landkreis-peine.de", "Referat")
    deleted = oparl.get(client, f"{API}/person/{jan.id}").json()
    assert deleted["deleted"] is True
    assert [(p["id"], p.get("deleted")) for p in listed_person(oparl, client, after)] == [
        (f"{API}/person/{jan.id}", True)
    ]


def listed_person(oparl: Server, client: httpx.Client, since: Any) -> list[Any]:
    url = f"{API}/body/1/person?modified_since={quote(since.isoformat())}"
    data: list[Any] = oparl.get(client, url).json()["data"]
    return data


def test_a_withdrawn_paper_is_deleted(
    app: Application, walker: Any, clock: Any, server: tuple[Server, httpx.Client]
) -> None:
    oparl, client = server
    route = Route(walker, clock)
    since = clock.advance(timedelta(minutes=1))
    recommendations.advance(app.deps, route.rec, "withdraw", "AG Sprachkurse")
    paper = oparl.get(client, f"{API}/paper/{route.rec}").json()
    assert paper["deleted"] is True and paper["id"] == f"{API}/paper/{route.rec}"
    changed = oparl.get(
        client, f"{API}/body/1/paper?modified_since={quote(since.isoformat())}"
    ).json()
    assert [(p["id"], p.get("deleted")) for p in changed["data"]] == [(paper["id"], True)]
    assert oparl.get(client, f"{API}/body/1/paper").json()["data"] == []


def test_closed_session_setting_decides_what_is_published(
    app: Application, walker: Any, clock: Any, tmp_path: Path
) -> None:
    route = walk(walker, clock, tmp_path, app)
    allowing = Server(app, closed_session_publishes=("name", "result"))
    with serving(allowing.asgi) as url, httpx.Client(base_url=url) as client:
        paper = allowing.get(client, f"{API}/paper/{route.rec}").json()
        closed = allowing.get(client, paper["consultation"][2]["agendaItem"]).json()
        document = allowing.get(client, paper["mainFile"]["accessUrl"]).text
    assert closed["public"] is False
    assert closed["name"] == paper["name"] and closed["result"] == "mit Änderungen empfohlen"
    assert "resolutionText" not in closed  # not allowed by the setting
    assert (
        "mit Änderungen empfohlen"
        in re.findall(r'<tr class="closed">(.*?)</tr>', document, re.S)[0]
    )


def test_errors_are_oparl_error_objects(server: tuple[Server, httpx.Client]) -> None:
    oparl, client = server
    for path, status in [
        ("/paper/999999", 404),
        ("/person/abc", 404),
        ("/nothing/here", 404),
        ("/body/1/paper?modified_since=gestern", 400),
        ("/body/1/paper?created_since=2026-01-01", 400),
        ("/body/1/paper?page=0", 400),
    ]:
        response = oparl.get(client, API + path)
        assert response.status_code == status, path
        assert response.headers["access-control-allow-origin"] == "*"
        error = response.json()
        assert error["type"] == "https://schema.oparl.org/1.1/Error"
        assert error["message"] and error["debug"] and error["message"] != error["debug"]
    assert (
        "Zeitzone"
        in oparl.get(client, f"{API}/body/1/paper?created_since=2026-01-01").json()["message"]
    )
    # an unencoded "+" of the offset arrives as a space: still understood
    fine = oparl.get(client, f"{API}/body/1/paper?modified_since=2026-01-01T00:00:00+01:00")
    assert fine.status_code == 200
    assert fine.json()["links"]["self"].startswith(API + "/body/1/paper?modified_since=")


def _all(found: dict[str, Any], first: str) -> list[Any]:
    """Every object of a list, page after page."""
    items: list[Any] = []
    url: str | None = first
    while url is not None:
        page = found[url]
        items.extend(page["data"])
        url = page["links"].get("next")
    return items


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


assert OPARL.endswith("/1.1/")
