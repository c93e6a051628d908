"""The meeting pages over HTTP: list, calendar, detail, new, and confirm/move/cancel/invite,
each with the mail it will send shown first; warnings confirmed; roles and CSRF."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from live_server import Site, StaffClient, csrf_of

from deliberation.domain.invitations import Audience, MeetingStatus
from deliberation.service_layer import audit, body_meetings, meetings, participants

BERLIN = ZoneInfo("Europe/Berlin")
THURSDAY = datetime(2026, 4, 16, 17, 0, tzinfo=BERLIN)


def _people(site: Site) -> None:
    for name, address, language in (
        ("Heike Brandes", "heike@example.org", "de"),
        ("Murat <Çelik>", "murat@example.org", "tr"),
    ):
        participants.add(
            site.app.deps,
            {"name": name, "email": address, "language": language, "bodies": "Kreistag"},
        )


def _meeting(site: Site, location: str = "Kreishaus") -> int:
    return body_meetings.add(site.app.deps, "kreistag", THURSDAY, location).id


def _outbox(site: Site) -> int:
    with site.app.deps.unit_of_work() as uow:
        return len(uow.outbox.outbox_messages())


def _post(client: httpx.Client, page: str, action: str, data: dict[str, object]) -> httpx.Response:
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token})


def test_the_list_and_the_calendar_show_the_meetings_of_a_body(
    site: Site, staff: StaffClient
) -> None:
    kreistag = _meeting(site)
    other = body_meetings.add(site.app.deps, "kreisausschuss", THURSDAY, "Kreishaus, Saal 2").id
    secretary = staff("geschaeftsstelle")  # every role sees the meetings

    listed = secretary.get("/meetings", params={"gremium": "kreistag"})
    assert listed.status_code == 200
    assert f'href="/meetings/{kreistag}"' in listed.text
    assert f'href="/meetings/{other}"' not in listed.text
    month = secretary.get("/meetings/calendar", params={"jahr": 2026, "monat": 4})
    assert month.status_code == 200 and "April 2026" in month.text
    assert "17:00 Sitzung Kreistag am 16.04.2026" in month.text
    assert "Feiertag: Ostermontag" in month.text
    assert secretary.get("/meetings/calendar", params={"monat": 13}).status_code == 409
    assert secretary.get("/meetings/calendar", params={"monat": "x"}).status_code == 404


def test_a_meeting_shows_its_answers_capacity_and_waiting_list(
    site: Site, staff: StaffClient
) -> None:
    _people(site)
    plan = meetings.MeetingPlan("Fachtag <Integration>", THURSDAY, "Kreishaus", capacity=1)
    meeting_id = meetings.schedule(site.app.deps, plan, "landkreis-peine.de")
    meetings.invite(site.app.deps, site.app.mailing(), meeting_id, Audience())

    page = staff("referat").get(f"/meetings/{meeting_id}")

    assert page.status_code == 200
    assert "Fachtag &lt;Integration&gt;" in page.text and "<Integration>" not in page.text
    assert "Murat &lt;Çelik&gt;" in page.text
    assert "Zusagen 0 von 1 Plätzen" in page.text and "ohne Antwort 2" in page.text
    assert staff("referat", "zweite").get("/meetings/999").status_code == 404


def test_a_new_meeting_on_a_holiday_needs_the_trotzdem_box_and_keeps_the_input(
    site: Site, staff: StaffClient
) -> None:
    referat = staff("referat")
    form = {
        "body": "kreistag",
        "day": "01.05.2026",
        "clock": "17:00",
        "location": "Kreishaus <Saal 1>",
        "title": "",
    }

    warned = _post(referat, "/meetings/new", "/meetings/new", form)
    assert warned.status_code == 409
    assert "Der 01.05.2026 ist ein Feiertag (Erster Mai)." in warned.text
    assert 'value="Kreishaus &lt;Saal 1&gt;"' in warned.text and 'name="trotzdem"' in warned.text
    assert meetings.list_meetings(site.app.deps) == []

    added = _post(referat, "/meetings/new", "/meetings/new", {**form, "trotzdem": "ja"})
    assert added.status_code == 303
    [row] = meetings.list_meetings(site.app.deps)
    assert added.headers["location"] == f"/meetings/{row.id}?erledigt=angelegt"


def test_a_new_meeting_with_bad_input_shows_german_errors_at_the_fields(
    staff: StaffClient,
) -> None:
    referat = staff("referat")
    form = {"body": "kreistag", "day": "31.02.2026", "clock": "25:00", "location": ""}

    refused = _post(referat, "/meetings/new", "/meetings/new", form)

    assert refused.status_code == 400
    assert "Bitte ein Datum im Format TT.MM.JJJJ eingeben" in refused.text
    assert "Bitte eine Uhrzeit im Format HH:MM eingeben" in refused.text
    assert 'value="31.02.2026"' in refused.text and 'href="#day"' in refused.text


def test_a_location_the_service_layer_refuses_is_shown_at_its_field_without_an_option(
    site: Site, staff: StaffClient
) -> None:
    referat = staff("referat")
    form = {
        "body": "kreistag",
        "day": "01.05.2026",
        "clock": "17:00",
        "location": "Saal\x1b1",
        "title": "Haushalt <2027>",
    }

    refused = _post(referat, "/meetings/new", "/meetings/new", form)

    assert refused.status_code == 400
    message = "Der Ort enthält ein Steuerzeichen (U+001B an Stelle 5); bitte entfernen."
    assert (
        '<p class="error-message" id="location-error"><span class="visually-hidden">Fehler:'
        f"</span> {message}</p>"
    ) in refused.text
    assert f'<a href="#location">{message}</a>' in refused.text  # the summary links the field
    assert "(--location)" not in refused.text
    assert 'value="Haushalt &lt;2027&gt;"' in refused.text and 'value="01.05.2026"' in refused.text
    assert meetings.list_meetings(site.app.deps) == []


def test_invite_shows_the_mail_first_and_sends_only_when_confirmed(
    site: Site, staff: StaffClient
) -> None:
    _people(site)
    meeting_id = _meeting(site)
    referat = staff("referat")
    form_page = f"/meetings/{meeting_id}/invite"
    assert referat.get(form_page).status_code == 200

    preview = _post(referat, form_page, f"{form_page}/preview", {"bodies": "kreistag"})
    assert preview.status_code == 200
    assert "Empfänger</dt>\n  <dd>2 (Deutsch 1, Türkisch 1)" in preview.text
    assert "heike@example.org" in preview.text and "So lautet die E-Mail" in preview.text
    assert _outbox(site) == 0

    token = csrf_of(preview.text)
    sent = referat.post(form_page, data={"bodies": "kreistag", "csrf_token": token})
    assert sent.status_code == 303 and sent.headers["location"].endswith("eingeladen=2-0-0")
    assert _outbox(site) == 2
    done = referat.get(sent.headers["location"]).text
    assert "2 Einladungen in den Postausgang gelegt; 0 Personen ohne" in done


def test_moving_onto_a_clash_is_previewed_with_the_warning_and_refused_without_trotzdem(
    site: Site, staff: StaffClient
) -> None:
    _people(site)
    first = _meeting(site)
    second = body_meetings.add(
        site.app.deps, "kreisausschuss", datetime(2026, 4, 17, 17, tzinfo=BERLIN), "Kreishaus"
    ).id
    meetings.invite(site.app.deps, site.app.mailing(), second, Audience())
    queued = _outbox(site)
    referat = staff("referat")
    move = f"/meetings/{second}/move"
    form = {"day": "16.04.2026", "clock": "18:00", "location": "Kreishaus"}

    preview = _post(referat, move, f"{move}/preview", form)
    assert preview.status_code == 200
    assert f"ist schon Termin {first}" in preview.text and 'name="trotzdem"' in preview.text
    token = csrf_of(preview.text)
    refused = referat.post(move, data={**form, "csrf_token": token})
    assert refused.status_code == 409 and "Bitte bestätigen Sie" in refused.text
    assert _outbox(site) == queued

    moved = referat.post(move, data={**form, "trotzdem": "ja", "csrf_token": token})
    assert moved.status_code == 303 and moved.headers["location"].endswith("erledigt=verlegt")
    assert _outbox(site) == queued + 2
    assert meetings.meeting_row(site.app.deps, second).starts_at == datetime(
        2026, 4, 16, 18, tzinfo=BERLIN
    )


def test_confirm_and_cancel_show_what_happens_first(site: Site, staff: StaffClient) -> None:
    meeting_id = _meeting(site)
    referat = staff("referat")

    confirm = referat.get(f"/meetings/{meeting_id}/confirm")
    assert confirm.status_code == 200 and "geht noch keine E-Mail hinaus" in confirm.text
    cancel = referat.get(f"/meetings/{meeting_id}/cancel")
    assert cancel.status_code == 200 and "Absagen und Absage senden" in cancel.text
    done = referat.post(f"/meetings/{meeting_id}/cancel", data={"csrf_token": csrf_of(cancel.text)})
    assert done.status_code == 303
    assert meetings.meeting_row(site.app.deps, meeting_id).status == "cancelled"
    again = referat.get(f"/meetings/{meeting_id}/cancel")
    assert again.status_code == 409 and "ist abgesagt" in again.text
    # the change made in the browser is logged with the signed-in person as actor
    logged = audit.entries(site.app.deps, audit.LogFilter("meeting", meeting_id))
    assert "test-referat" in [entry.actor for entry in logged]


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/new",
        "/meetings/{id}/confirm",
        "/meetings/{id}/move",
        "/meetings/{id}/cancel",
        "/meetings/{id}/invite",
    ],
)
def test_secretaries_may_look_but_not_change_meetings(
    site: Site, staff: StaffClient, path: str
) -> None:
    meeting_id = _meeting(site)
    refused = staff("geschaeftsstelle").get(path.format(id=meeting_id))
    assert refused.status_code == 403 and "Referat" in refused.text


def test_a_change_without_the_forms_token_is_refused(site: Site, staff: StaffClient) -> None:
    meeting_id = _meeting(site)
    referat = staff("referat")
    refused = referat.post(f"/meetings/{meeting_id}/cancel", data={})
    assert refused.status_code == 403 and "Formular abgelehnt" in refused.text
    assert meetings.meeting_row(site.app.deps, meeting_id).status == "planned"


def test_a_time_the_clock_skips_is_refused_at_the_time_field(staff: StaffClient) -> None:
    referat = staff("referat")
    form = {"body": "kreistag", "day": "28.03.2027", "clock": "02:30", "location": "Kreishaus"}

    refused = _post(referat, "/meetings/new", "/meetings/new", form)

    assert refused.status_code == 400
    assert "Den Zeitpunkt 28.03.2027 02:30 gibt es in Europe/Berlin nicht" in refused.text
    assert 'href="#clock"' in refused.text and 'value="02:30"' in refused.text


def test_a_proposed_meeting_is_confirmed_after_seeing_that_no_mail_goes_out_yet(
    site: Site, staff: StaffClient
) -> None:
    meeting_id = _meeting(site)
    with site.app.deps.unit_of_work() as uow:
        proposed = uow.meetings.meeting(meeting_id)
        assert proposed is not None
        proposed.status = MeetingStatus.PROPOSED
        uow.commit()
    referat = staff("referat")
    detail = referat.get(f"/meetings/{meeting_id}")
    assert f'href="/meetings/{meeting_id}/confirm"' in detail.text
    assert "vorgeschlagen" in detail.text

    page = referat.get(f"/meetings/{meeting_id}/confirm")
    assert "Mit dem Bestätigen geht noch keine E-Mail hinaus" in page.text
    assert "es gibt noch keine Empfänger" in page.text
    done = referat.post(f"/meetings/{meeting_id}/confirm", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 303 and done.headers["location"].endswith("erledigt=bestaetigt")
    assert meetings.meeting_row(site.app.deps, meeting_id).status == MeetingStatus.PLANNED
    assert _outbox(site) == 0
    assert "Der Termin ist bestätigt." in referat.get(done.headers["location"]).text


def test_a_secretary_posting_a_change_is_refused_and_nothing_changes(
    site: Site, staff: StaffClient
) -> None:
    _people(site)
    meeting_id = _meeting(site)
    secretary = staff("geschaeftsstelle")
    token = csrf_of(secretary.get("/meetings").text)
    for path, data in (
        (f"/meetings/{meeting_id}/cancel", {}),
        (f"/meetings/{meeting_id}/invite", {"bodies": "kreistag"}),
        (
            f"/meetings/{meeting_id}/move",
            {"day": "17.04.2026", "clock": "17:00", "location": "Rathaus"},
        ),
        (
            "/meetings/new",
            {"body": "kreistag", "day": "17.04.2026", "clock": "17:00", "location": "Rathaus"},
        ),
    ):
        refused = secretary.post(path, data={**data, "csrf_token": token})
        assert refused.status_code == 403 and "Sie sind mit der Rolle" in refused.text, path
    row = meetings.meeting_row(site.app.deps, meeting_id)
    assert (row.status, row.location, row.invited) == ("planned", "Kreishaus", 0)
    assert len(meetings.list_meetings(site.app.deps)) == 1 and _outbox(site) == 0


def test_a_move_on_a_stale_form_says_so_shows_the_fresh_state_and_keeps_the_input(
    site: Site, staff: StaffClient
) -> None:
    meeting_id = _meeting(site)
    referat = staff("referat")
    move = f"/meetings/{meeting_id}/move"
    form_page = referat.get(move).text
    seen = form_page.split('name="sequence" value="')[1].split('"')[0]
    meetings.move(site.app.deps, site.app.mailing(), meeting_id, location="Rathaus Peine")
    typed = {
        "day": "23.04.2026",
        "clock": "18:00",
        "location": "Kreishaus, Saal 3",
        "sequence": seen,
        "trotzdem": "ja",
    }

    preview = referat.post(f"{move}/preview", data={**typed, "csrf_token": csrf_of(form_page)})
    stale = referat.post(move, data={**typed, "csrf_token": csrf_of(preview.text)})

    assert stale.status_code == 409
    assert "wurde inzwischen geändert; jetzt: 16.04.2026 17:00 Uhr, Rathaus Peine." in stale.text
    assert 'value="23.04.2026"' in stale.text and 'value="Kreishaus, Saal 3"' in stale.text
    assert meetings.meeting_row(site.app.deps, meeting_id).location == "Rathaus Peine"
    fresh = stale.text.split('name="sequence" value="')[1].split('"')[0]
    again = referat.post(move, data={**typed, "sequence": fresh, "csrf_token": csrf_of(stale.text)})
    assert again.status_code == 303
    assert meetings.meeting_row(site.app.deps, meeting_id).location == "Kreishaus, Saal 3"
