"""The OParl 1.1 export: a complete static tree, every object valid against the official
schemas (embedded objects included), stable ids, people only with consent."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from oparl_validation import OPARL, OparlValidator, schema_dir
from route_helpers import Route

from deliberation.adapters.oparl import County, OparlTree, write_tree
from deliberation.adapters.participant_files import read_participant_file
from deliberation.bootstrap import Application
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.entrypoints.cli.publication_commands import resolution_documents
from deliberation.service_layer import participants, publication

BASE = "https://oparl.example.org/peine"
PEOPLE = """Name;E-Mail;Sprache;Gemeinde;Rollen;Gremien
Jan Becker;jan.becker@landkreis-peine.de;de;;Verwaltung;"Kreistag, Kommission"
Anna Schmidt;anna@peine.de;de;Ilsede;Bürgerin;
"""


@pytest.fixture
def validator(repo_root: Path) -> OparlValidator:
    folder = schema_dir(repo_root)
    if not (folder / "Paper.json").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"OParl-Schemas fehlen in {folder}")
        pytest.skip(f"OParl-Schemas fehlen in {folder}")
    return OparlValidator(folder)


def export(app: Application, target: Path) -> dict[str, Any]:
    settings = app.settings
    data = publication.publication(app.deps, settings.oparl.closed_session_publishes)
    county = County(
        settings.county.name, settings.county.organiser, "Europe/Berlin", settings.oparl
    )
    documents = resolution_documents(app, data, settings.oparl.closed_session_publishes)
    write_tree(OparlTree(data, county, BASE).files(), target, documents=documents)
    return {
        path.relative_to(target).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(target.rglob("*.json"))
    }


def walk_route(walker: Any, clock: Any, tmp_path: Path, app: Application) -> Route:
    route = Route(walker, clock)
    csv = tmp_path / "personen.csv"
    csv.write_text(PEOPLE, encoding="utf-8")
    participants.import_participants(app.deps, read_participant_file(csv))
    participants.set_publication_consent(app.deps, "jan.becker@landkreis-peine.de", True)
    route.pass_body("kommission", R.APPROVED, "Die Kommission unterstützt die Empfehlung.")
    route.pass_body("ausschuss-soziales")
    route.pass_body("kreisausschuss", R.AMENDMENTS_RECOMMENDED, "Vertraulich beraten.")
    route.pass_body("kreistag", R.DEFERRED, "")
    route.pass_body("kreistag", R.ADOPTED_AMENDED, "Geändert beschlossen: zwei Kurse.")
    return route


def test_every_exported_object_validates(
    app: Application, walker: Any, clock: Any, tmp_path: Path, validator: OparlValidator
) -> None:
    route = walk_route(walker, clock, tmp_path, app)
    files = export(app, tmp_path / "oparl")

    problems: list[str] = []
    for path, content in files.items():
        if "data" in content:
            problems.extend(validator.page_errors(content, path))
        else:
            problems.extend(validator.errors(content, path))
            assert content["id"] == f"{BASE}/{path}"  # each object lives at its id
            assert "created" in content and "modified" in content
    assert problems == []
    assert validator.counts["Consultation.json"] >= 10  # standalone and embedded in papers
    assert validator.counts["AgendaItem.json"] >= 10  # standalone and embedded in meetings
    assert {
        "System.json",
        "Body.json",
        "LegislativeTerm.json",
        "Organization.json",
        "Meeting.json",
        "Location.json",
        "Paper.json",
        "Person.json",
        "Membership.json",
    } <= set(validator.counts)

    # every URL in the tree that points into it resolves to a file of the tree
    urls = {u for c in files.values() for u in _strings(c) if u.startswith(BASE + "/")}
    linked = {u.removeprefix(BASE + "/") for u in urls}
    assert {u for u in linked if u.endswith(".json")} <= set(files)
    assert all((tmp_path / "oparl" / u).is_file() for u in linked if not u.endswith(".json"))

    paper = files[f"paper/{route.rec}.json"]
    assert paper["paperType"] == "Beschlussvorlage"
    assert [(c["role"], c["authoritative"]) for c in paper["consultation"]] == [
        ("Anhörung", False),
        ("Vorberatung", False),
        ("Vorberatung", False),
        ("Entscheidung", True),
        ("Entscheidung", True),
    ]
    items = [files[c["agendaItem"].removeprefix(BASE + "/")] for c in paper["consultation"]]
    assert [i.get("result") for i in items] == [
        "zugestimmt",
        "zugestimmt",
        None,  # the Kreisausschuss meets in closed session: by default no result
        "vertagt",
        "geändert beschlossen",
    ]
    assert items[-1]["resolutionText"] == "Geändert beschlossen: zwei Kurse."
    closed = items[2]
    assert closed["public"] is False and "resolutionText" not in closed  # Kreisausschuss
    assert closed["name"] == "Nichtöffentlicher Tagesordnungspunkt"
    assert items[0]["name"] == paper["name"]
    main_file = paper["mainFile"]
    assert main_file["mimeType"] == "text/html"
    assert main_file["accessUrl"] == f"{BASE}/file/{route.rec}.html"
    assert "Sprachkurse" in (tmp_path / "oparl" / f"file/{route.rec}.html").read_text("utf-8")
    body = files["body/1.json"]
    assert (body["ags"], body["rgs"], body["shortName"]) == ("03157000", "031570000000", "LK Peine")
    assert [(t["startDate"], t["endDate"]) for t in body["legislativeTerm"]] == [
        ("2021-11-01", "2026-10-31"),
        ("2026-11-01", "2031-10-31"),
    ]
    for key in ("file", "locationList", "legislativeTermList", "membership"):
        assert body[key].removeprefix(BASE + "/") in files

    organizations = files["body/1/organization.json"]["data"]
    names = {o["name"]: o["organizationType"] for o in organizations}
    assert names["Kreistag"] == "Gremium" and names["AG Sprachkurse"] == "Arbeitsgruppe"
    people = files["body/1/person.json"]["data"]
    assert [p["name"] for p in people] == ["Jan Becker"]  # Anna did not consent
    assert {m["organization"] for m in people[0]["membership"]} == {
        f"{BASE}/organization/kommission.json",
        f"{BASE}/organization/kreistag.json",
    }
    system = files["system.json"]
    assert system["type"] == OPARL + "System"
    assert files["bodies.json"]["data"][0]["paper"] == f"{BASE}/body/1/paper.json"


def test_ids_are_stable_and_withdrawn_consent_removes_the_person(
    app: Application, walker: Any, clock: Any, tmp_path: Path
) -> None:
    walk_route(walker, clock, tmp_path, app)
    first = export(app, tmp_path / "a")
    again = export(app, tmp_path / "a")
    assert again == first  # nothing changed: same files, same contents, same timestamps
    participants.set_publication_consent(app.deps, "jan.becker@landkreis-peine.de", False)
    third = export(app, tmp_path / "a")
    assert third["body/1/person.json"]["data"] == []
    assert not any(path.startswith("person/") for path in third)
    assert set(first) - set(third) == {p for p in first if p.startswith(("person/", "membership/"))}


def test_long_lists_are_paginated_and_withdrawn_papers_left_out(
    app: Application, tmp_path: Path
) -> None:
    from tracker_data import generate

    generate(app.db, 260, app.deps.today())
    withdrawn = publication.withdrawn_states(app.deps)
    with app.deps.unit_of_work() as uow:
        states = {r.id: r.state for r in uow.recommendations.recommendations()}
    published = sorted(i for i, state in states.items() if state not in withdrawn)
    assert 200 < len(published) < 260  # the generator withdraws some
    files = export(app, tmp_path / "oparl")
    first = files["body/1/paper.json"]
    assert first["pagination"] == {
        "totalElements": len(published),
        "elementsPerPage": 100,
        "currentPage": 1,
        "totalPages": 3,
    }
    assert first["links"]["next"] == f"{BASE}/body/1/paper-page-2.json"
    last = files["body/1/paper-page-3.json"]
    assert len(last["data"]) == len(published) - 200 and "next" not in last["links"]
    ids = [
        p["id"]
        for n in ("paper", "paper-page-2", "paper-page-3")
        for p in files[f"body/1/{n}.json"]["data"]
    ]
    assert ids == [f"{BASE}/paper/{i}.json" for i in published]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
