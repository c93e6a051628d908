"""The Referat's pages over real HTTP: rounds, cycles and their steps, needs, working groups."""

from __future__ import annotations

from datetime import timedelta

import httpx
from live_server import Site, StaffClient, csrf_of

from deliberation.domain.clock import Clock
from deliberation.service_layer import cycles, groups, needs, participants
from tests.conftest import NEEDS, RoundWalker


def post(client: httpx.Client, page: str, action: str, data: dict[str, object]) -> httpx.Response:
    """Open ``page``, then send its form's token with ``data`` to ``action``."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data})  # type: ignore[arg-type]


# --- start page -------------------------------------------------------------------------------


def test_the_start_page_lists_overdue_reports_and_the_next_meetings(
    staff: StaffClient, walker: RoundWalker, clock: Clock
) -> None:
    record = walker.walk()
    clock.advance(timedelta(days=200))  # past the group's due date
    page = staff("referat").get("/")
    assert page.status_code == 200
    assert "Überfällige Berichte" in page.text
    assert f'<a href="/groups/{record.group}">AG Sprachkurse</a>' in page.text
    assert "Nächste Termine" in page.text


# --- rounds -----------------------------------------------------------------------------------


def test_referat_launches_a_round_and_sees_every_municipality_with_its_phase(
    staff: StaffClient, site: Site
) -> None:
    client = staff("referat", "m.mueller")
    response = post(client, "/rounds", "/rounds", {"workflow": "future_workshop", "round": "2027"})
    assert response.status_code == 303 and response.headers["location"] == "/rounds/2027"
    overview = client.get("/rounds/2027").text
    for name in ("Stadt Peine", "Edemissen", "Hohenhameln", "Ilsede", "Lengede", "Vechelde"):
        assert name in overview
    assert "Geplant" in overview or "geplant" in overview.lower()
    [first, *_] = cycles.list_cycles(site.app.deps, round_label="2027")
    history = client.get(f"/cycles/{first.status.id}").text
    assert "m.mueller" in history  # the signed-in person is the actor


def test_a_refused_launch_keeps_what_was_typed_and_names_the_problem(
    staff: StaffClient, walker: RoundWalker
) -> None:
    walker.launch_workshops(("stadt-peine",))
    client = staff("referat")
    data = {"workflow": "future_workshop", "round": "", "municipality": ["edemissen"]}
    response = post(client, "/rounds", "/rounds", data)
    assert response.status_code == 400
    assert '<a href="#round">Durchgang: Bitte ausfüllen.</a>' in response.text
    assert 'value="edemissen" checked' in response.text
    again = post(
        client,
        "/rounds",
        "/rounds",
        {"workflow": "future_workshop", "round": "2026", "municipality": "stadt-peine"},
    )
    assert again.status_code == 400
    assert "bereits eine" in again.text and 'value="2026"' in again.text


def test_a_secretary_may_look_but_not_launch(staff: StaffClient, site: Site) -> None:
    client = staff("geschaeftsstelle")
    assert client.get("/rounds").status_code == 200
    response = post(client, "/rounds", "/rounds", {"workflow": "future_workshop", "round": "2027"})
    assert response.status_code == 403
    assert "Zyklen starten darf nur, wer die Rolle „Referat“" in response.text
    assert cycles.list_cycles(site.app.deps) == []


def test_a_launch_without_the_form_token_is_refused(staff: StaffClient, site: Site) -> None:
    client = staff("referat")
    response = client.post("/rounds", data={"workflow": "future_workshop", "round": "2027"})
    assert response.status_code == 403 and "Formular abgelehnt" in response.text
    assert cycles.list_cycles(site.app.deps) == []


def test_unknown_records_are_german_404_pages(staff: StaffClient) -> None:
    client = staff("referat")
    for path in ("/cycles/999", "/cycles/abc", "/rounds/1999", "/groups/5", "/needs/7/edit"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "gibt es" in response.text or "Seite nicht gefunden" in response.text


# --- a cycle's steps --------------------------------------------------------------------------


def test_a_step_is_a_button_titled_from_the_workflow_and_is_logged_with_the_actor(
    staff: StaffClient, walker: RoundWalker
) -> None:
    [workshop] = walker.launch_workshops(("stadt-peine",)).values()
    client = staff("referat", "m.mueller")
    page = client.get(f"/cycles/{workshop}").text
    assert 'name="trigger" value="send_invitations">Einladungen versenden</button>' in page
    version = cycles.show(walker.deps, workshop).status.version
    data = {"trigger": "send_invitations", "version": version, "reason": "Termin steht"}
    refused = post(client, f"/cycles/{workshop}", f"/cycles/{workshop}/steps", data)
    assert refused.status_code == 400
    assert "Einladungen gehen nur mit Datum, Uhrzeit und Ort hinaus." in refused.text
    assert "Es gibt noch keinen Termin" in refused.text
    walker.give_meeting(workshop)
    response = post(client, f"/cycles/{workshop}", f"/cycles/{workshop}/steps", data)
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Schritt „Einladungen versenden“ ausgeführt." in page
    view = cycles.show(walker.deps, workshop)
    assert view.log[-1].actor == "m.mueller" and view.log[-1].reason == "Termin steht"


def test_a_guard_refusal_shows_its_german_reasons_and_keeps_the_reason_typed(
    staff: StaffClient, walker: RoundWalker
) -> None:
    [workshop] = walker.launch_workshops(("stadt-peine",)).values()
    walker.open_needs_collection("stadt-peine")
    client = staff("referat")
    response = post(
        client,
        f"/cycles/{workshop}",
        f"/cycles/{workshop}/steps",
        {"trigger": "start_vision", "reason": "weiter geht's"},
    )
    assert response.status_code == 400
    assert "„Phantasiephase beginnen“ ist jetzt nicht möglich:" in response.text
    assert "Es wurden noch keine Bedarfe gesammelt" in response.text
    assert "weiter geht&#39;s" in response.text


def test_a_stale_page_says_someone_else_changed_it_shows_the_fresh_state_and_keeps_input(
    staff: StaffClient, walker: RoundWalker
) -> None:
    [workshop] = walker.launch_workshops(("stadt-peine",)).values()
    client = staff("referat")
    page = client.get(f"/cycles/{workshop}").text
    old_version = cycles.show(walker.deps, workshop).status.version
    walker.advance(workshop, "send_invitations")  # someone else, meanwhile
    response = client.post(
        f"/cycles/{workshop}/steps",
        data={
            "csrf_token": csrf_of(page),
            "trigger": "send_invitations",
            "version": str(old_version),
            "reason": "mein Grund",
        },
    )
    assert response.status_code == 409
    assert "Jemand anderes hat diesen Datensatz inzwischen geändert" in response.text
    assert "Einladungen versandt" in response.text or "Kritikphase beginnen" in response.text
    assert "mein Grund" in response.text
    assert (
        len([e for e in cycles.show(walker.deps, workshop).log if e.trigger == "send_invitations"])
        == 1
    )


# --- needs ------------------------------------------------------------------------------------


def test_needs_are_entered_one_after_the_other_with_and_without_htmx(
    staff: StaffClient, walker: RoundWalker
) -> None:
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.open_needs_collection("stadt-peine")
    client = staff("referat")
    page = f"/cycles/{workshop}/needs"
    response = post(
        client, page, page, {"text": "Mehr Kitaplätze", "topic_field": "Bildung", "scope": "lokal"}
    )
    assert response.status_code == 303
    again = client.get(response.headers["location"]).text
    assert "Bedarf" in again and "erfasst: „Mehr Kitaplätze“" in again
    assert 'value="Bildung" selected' in again and 'value="lokal" checked' in again  # kept

    token = csrf_of(again)
    fragment = client.post(
        page,
        data={
            "csrf_token": token,
            "text": "Busse am Abend",
            "topic_field": "Arbeit",
            "scope": "kreisweit",
        },
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="need-entry">')  # only the swapped part
    assert "Busse am Abend" in fragment.text and "autofocus" in fragment.text
    texts = [n.text for n in needs.list_needs(walker.deps, workshop)]
    assert texts == ["Mehr Kitaplätze", "Busse am Abend"]


def test_an_empty_need_is_refused_at_its_field_and_the_choices_stay(
    staff: StaffClient, walker: RoundWalker
) -> None:
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.open_needs_collection("stadt-peine")
    client = staff("referat")
    page = f"/cycles/{workshop}/needs"
    response = post(client, page, page, {"text": " ", "topic_field": "Wohnen", "scope": "lokal"})
    assert response.status_code == 400
    assert '<a href="#text">Bedarf: Bitte ausfüllen.</a>' in response.text
    assert 'value="Wohnen" selected' in response.text
    assert needs.list_needs(walker.deps, workshop) == []


def test_a_need_is_corrected_and_deleted_while_the_workshop_collects(
    staff: StaffClient, walker: RoundWalker
) -> None:
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.open_needs_collection("stadt-peine")
    [first, second] = walker.collect_needs("stadt-peine")
    client = staff("referat")
    edit = f"/needs/{first}/edit"
    response = post(
        client,
        edit,
        edit,
        {
            "text": "Sprachkurse mit Kinderbetreuung am Abend",
            "topic_field": "Sprache",
            "scope": "lokal",
        },
    )
    assert response.status_code == 303
    changed = needs.show(walker.deps, first)
    assert (changed.text, changed.scope) == ("Sprachkurse mit Kinderbetreuung am Abend", "local")
    response = post(client, edit, f"/needs/{second}/delete", {})
    assert response.status_code == 303
    assert [n.id for n in needs.list_needs(walker.deps, workshop)] == [first]

    walker.advance(workshop, "start_vision")
    response = post(
        client,
        f"/cycles/{workshop}/needs",
        f"/needs/{first}/edit",
        {"text": "x", "topic_field": "Sprache", "scope": "lokal"},
    )
    assert response.status_code == 400
    assert (
        "im Zustand" in response.text and 'value="x"' not in response.text
    ) or "x</textarea>" in response.text


def test_dots_from_the_board_are_added_and_the_list_is_ranked(
    staff: StaffClient, walker: RoundWalker
) -> None:
    walker.launch_workshops(("stadt-peine",))
    workshop = walker.open_needs_collection("stadt-peine")
    [first, second] = walker.collect_needs("stadt-peine")
    walker.advance(workshop, "start_vision", "start_realisation")
    client = staff("referat")
    page = f"/cycles/{workshop}/needs"
    before = cycles.show(walker.deps, workshop).status.version
    response = post(
        client, page, f"/cycles/{workshop}/votes", {f"dots-{first}": "1", f"dots-{second}": "4"}
    )
    assert response.status_code == 303
    assert cycles.show(walker.deps, workshop).status.version > before  # a vote is a change
    ranked = client.get(page).text
    assert ranked.index(NEEDS["stadt-peine"][1][0]) < ranked.index(NEEDS["stadt-peine"][0][0])
    wrong = post(client, page, f"/cycles/{workshop}/votes", {f"dots-{first}": "elf"})
    assert wrong.status_code == 400 and 'value="elf"' in wrong.text
    assert needs.show(walker.deps, first).votes == 1


# --- working groups ---------------------------------------------------------------------------


def _held_conference(walker: RoundWalker) -> int:
    walker.launch_workshops()
    for key in NEEDS:
        walker.run_workshop(key)
    walker.launch_conference()
    return walker.hold_conference()


def test_a_group_is_formed_from_an_agenda_topic_with_members_from_the_directory(
    staff: StaffClient, walker: RoundWalker, site: Site
) -> None:
    participants.import_participants(
        site.app.deps,
        [
            (
                2,
                {
                    "name": "Ayşe Yılmaz",
                    "email": "ayse@example.org",
                    "municipality": "Stadt Peine",
                    "roles": "",
                    "bodies": "",
                    "language": "de",
                },
            )
        ],
    )
    conference = _held_conference(walker)
    client = staff("referat", "m.mueller")
    conference_page = client.get(f"/cycles/{conference}").text
    assert f"/cycles/{conference}/groups/new?topic=1" in conference_page
    new = f"/cycles/{conference}/groups/new?topic=1"
    data = {
        "topic": "1",
        "name": "AG Sprache",
        "mandate": "Konzept",
        "due_date": "30.06.2027",
        "members": "ayse@example.org\nJan Becker / VHS",
    }
    response = post(client, new, f"/cycles/{conference}/groups", data)
    assert response.status_code == 303
    group_id = int(response.headers["location"].split("/")[2].split("?")[0])
    view = groups.show(site.app.deps, group_id)
    assert view.members == ("Ayşe Yılmaz", "Jan Becker (VHS)")
    assert groups.member_entries(site.app.deps, group_id) == (
        "ayse@example.org",
        "Jan Becker / VHS",
    )

    wrong = post(
        client,
        new,
        f"/cycles/{conference}/groups",
        {**data, "members": "niemand@example.org", "due_date": "bald"},
    )
    assert wrong.status_code == 400
    assert "Frist für den Bericht: Bitte ein Datum im Format TT.MM.JJJJ eingeben." in wrong.text
    assert "niemand@example.org</textarea>" in wrong.text


def test_a_group_is_changed_its_report_written_and_a_stale_change_refused(
    staff: StaffClient, walker: RoundWalker, clock: Clock
) -> None:
    _held_conference(walker)
    group = walker.form_group()
    client = staff("referat")
    page = client.get(f"/groups/{group}").text
    version = groups.show(walker.deps, group).status.version
    due = (clock().date() + timedelta(days=90)).strftime("%d.%m.%Y")
    data = {
        "version": version,
        "mandate": "Neuer Auftrag",
        "due_date": due,
        "members": "Eva Klein / Caritas",
    }
    response = client.post(f"/groups/{group}", data={"csrf_token": csrf_of(page), **data})
    assert response.status_code == 303
    view = groups.show(walker.deps, group)
    assert (view.mandate, view.members) == ("Neuer Auftrag", ("Eva Klein (Caritas)",))

    stale = client.post(
        f"/groups/{group}", data={"csrf_token": csrf_of(page), **data, "mandate": "Mein Text"}
    )
    assert stale.status_code == 409
    assert "inzwischen geändert" in stale.text and "Mein Text</textarea>" in stale.text

    fresh = client.get(f"/groups/{group}").text
    version = groups.show(walker.deps, group).status.version
    report = client.post(
        f"/groups/{group}/report",
        data={"csrf_token": csrf_of(fresh), "version": str(version), "report": ""},
        files={"report_file": ("bericht.txt", b"Zwischenbericht: drei Sitzungen", "text/plain")},
    )
    assert report.status_code == 303
    assert groups.show(walker.deps, group).report == "Zwischenbericht: drei Sitzungen"


def test_a_recommendation_is_drafted_in_the_group_linked_to_its_needs(
    staff: StaffClient, walker: RoundWalker
) -> None:
    _held_conference(walker)
    group = walker.form_group()
    client = staff("referat")
    need = walker.record.needs[NEEDS["stadt-peine"][0][0]]
    page = f"/groups/{group}"
    response = post(
        client,
        page,
        f"/groups/{group}/recommendations",
        {"title": "Sprachkurse", "text": "Der Kreis finanziert …", "needs": str(need)},
    )
    assert response.status_code == 303
    [rec] = groups.show(walker.deps, group).recommendation_ids
    assert "Sprachkurse" in client.get(page).text
    empty = post(
        client, page, f"/groups/{group}/recommendations", {"title": "", "text": "nur Text"}
    )
    assert empty.status_code == 400 and "nur Text</textarea>" in empty.text
    assert groups.show(walker.deps, group).recommendation_ids == (rec,)

    refused = post(
        client,
        page,
        f"/groups/{group}/recommendations",
        {"title": "Sprach\x1bkurse", "text": "Der Kreis <finanziert>"},
    )
    assert refused.status_code == 400
    message = "Der Titel der Empfehlung enthält ein Steuerzeichen (U+001B an Stelle 7)"
    assert f'id="title-error"><span class="visually-hidden">Fehler:</span> {message}' in (
        refused.text
    )
    assert "(--title)" not in refused.text
    assert "Der Kreis &lt;finanziert&gt;</textarea>" in refused.text  # the text stays
    assert groups.show(walker.deps, group).recommendation_ids == (rec,)
