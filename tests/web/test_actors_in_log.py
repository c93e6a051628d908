"""Every change made in the browser is in the log with the signed-in person as actor: needs
edited and deleted, a working group changed and its report written, a person added and
edited, a failed mail retried. Each test reads the actor back from the log."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import httpx
from live_server import Site, StaffClient, csrf_of

from deliberation.domain.clock import Clock
from deliberation.domain.outbox import compose
from deliberation.service_layer import audit, groups, outbox
from deliberation.service_layer.audit import LogFilter
from tests.conftest import RoundWalker

ACTOR = "r.mueller"


def post(client: httpx.Client, page: str, action: str, data: dict[str, object]) -> httpx.Response:
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data})  # type: ignore[arg-type]


def logged(site: Site, kind: str, subject_id: int) -> list[tuple[str, str, str, str]]:
    """(actor, what, before, after) of the log rows about one subject, oldest first."""
    rows = audit.entries(site.app.deps, LogFilter(subject_kind=kind, subject_id=subject_id))
    return [(r.actor, r.what, r.before, r.after) for r in rows]


def test_need_edits_and_deletions_name_the_signed_in_person(
    site: Site, staff: StaffClient, walker: RoundWalker
) -> None:
    walker.launch_workshops(("stadt-peine",))
    walker.open_needs_collection("stadt-peine")
    [first, second] = walker.collect_needs("stadt-peine")
    client = staff("referat", ACTOR)
    edit = f"/needs/{first}/edit"
    data = {"text": "Sprachkurse am Abend", "topic_field": "Sprache", "scope": "lokal"}
    assert post(client, edit, edit, data).status_code == 303
    assert post(client, edit, f"/needs/{second}/delete", {}).status_code == 303

    [(actor, what, before, after)] = logged(site, "need", first)
    assert (actor, what) == (ACTOR, "Bedarf geändert")
    assert before == "Mehr Sprachkurse mit Kinderbetreuung · Sprache · kreisweit"
    assert after == "Sprachkurse am Abend · Sprache · lokal"
    [(actor, what, before, _)] = logged(site, "need", second)
    assert (actor, what) == (ACTOR, "Bedarf gelöscht")
    assert before == "Beleuchtung am Bahnhof · Sicherheit · lokal"


def test_group_changes_and_reports_name_the_signed_in_person(
    site: Site, staff: StaffClient, walker: RoundWalker, clock: Clock
) -> None:
    walker.walk()
    group = walker.record.group
    client = staff("referat", ACTOR)
    page = f"/groups/{group}"
    due = clock().date() + timedelta(days=90)
    change = {
        "version": groups.show(walker.deps, group).status.version,
        "mandate": "Abendkurse prüfen",
        "due_date": due.strftime("%d.%m.%Y"),
        "members": "Eva Klein / Caritas",
    }
    assert post(client, page, page, change).status_code == 303
    report = {"version": groups.show(walker.deps, group).status.version, "report": "Drei Treffen."}
    assert post(client, page, f"{page}/report", report).status_code == 303

    corrections = ("Arbeitsgruppe geändert", "Bericht der Arbeitsgruppe gespeichert")
    rows = [row for row in logged(site, "working_group", group) if row[1] in corrections]
    assert rows == [
        (
            ACTOR,
            "Arbeitsgruppe geändert",
            rows[0][2],
            f"Auftrag: Abendkurse prüfen; fällig am {due:%d.%m.%Y}; 1 Mitglied",
        ),
        (ACTOR, "Bericht der Arbeitsgruppe gespeichert", "kein Bericht", "13 Zeichen"),
    ]
    assert rows[0][2].endswith("; 2 Mitglieder")  # before: the walker's two members


def test_people_added_and_edited_name_the_signed_in_person_but_no_personal_data(
    site: Site, staff: StaffClient
) -> None:
    client = staff("referat", ACTOR)
    person = {"name": "Murat Çelik", "email": "murat@example.org", "language": "tr"}
    added = post(client, "/participants/new", "/participants/new", person)
    assert added.status_code == 303
    person_id = int(added.headers["location"].rsplit("/", 1)[1].split("?")[0])
    form = client.get(f"/participants/{person_id}/edit").text
    seen = {
        f"seen_{k}": html.unescape(v)
        for k, v in re.findall(r'name="seen_(\w+)" value="([^"]*)"', form)
    }
    edited = client.post(
        f"/participants/{person_id}/edit",
        data={"csrf_token": csrf_of(form), **seen, **person, "name": "Murat Çelik-Ay"},
    )
    assert edited.status_code == 303, edited.text

    rows = logged(site, "participant", person_id)
    assert [(actor, what) for actor, what, _, _ in rows] == [
        (ACTOR, "Person angelegt"),
        (ACTOR, "Person geändert"),
    ]
    assert rows[1][3] == "Name"  # which field changed, not to what
    for _, _, before, after in rows:
        assert "Murat" not in before + after and "example.org" not in before + after


def test_a_retried_mail_names_the_signed_in_person(site: Site, staff: StaffClient) -> None:
    deps = site.app.deps
    message = compose(
        "referat@landkreis-peine.de", "weg@example.org", "Einladung", "Hallo", deps.clock()
    )
    with deps.unit_of_work() as uow:
        outbox.enqueue(uow, message)
        uow.flush()
        assert message.id is not None
        uow.outbox.mark_failed(message.id, "550 5.1.1 unbekannt")
        uow.commit()
    client = staff("referat", ACTOR)
    retried = post(client, "/outbox?gruppe=failed", "/outbox/retry", {"id": str(message.id)})
    assert retried.status_code == 303
    assert logged(site, "outbox", message.id) == [
        (ACTOR, "E-Mail erneut versucht", "endgültig gescheitert", "wartet")
    ]
