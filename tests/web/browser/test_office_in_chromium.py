"""The meetings, participants, outbox and monitoring pages in a real Chromium, checked by
axe-core on every page a Referat member visits here, with the keyboard where it matters."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from chromium import Browser
from live_server import PASSWORD
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from deliberation.domain.invitations import Audience
from deliberation.domain.outbox import compose
from deliberation.service_layer import meetings, outbox, participants

BERLIN = ZoneInfo("Europe/Berlin")
THURSDAY = datetime(2026, 4, 16, 17, 0, tzinfo=BERLIN)


def _data(tab: Browser) -> int:
    deps = tab.site.app.deps
    for name, address, language in (
        ("Heike Brandes", "heike@example.org", "de"),
        ("Murat Çelik", "murat@example.org", "tr"),
    ):
        participants.add(
            deps, {"name": name, "email": address, "language": language, "bodies": "Kreistag"}
        )
    plan = meetings.MeetingPlan(
        "Sitzung des Kreistags", THURSDAY, "Kreishaus", capacity=1, body_key="kreistag"
    )
    meeting_id = meetings.schedule(deps, plan, "landkreis-peine.de")
    meetings.invite(deps, tab.site.app.mailing(), meeting_id, Audience())
    message = compose(
        "referat@landkreis-peine.de", "weg@example.org", "Einladung", "Hallo", deps.clock()
    )
    with deps.unit_of_work() as uow:
        outbox.enqueue(uow, message)
        uow.flush()
        assert message.id is not None
        uow.outbox.mark_failed(message.id, "550 5.1.1 Postfach unbekannt")
        uow.commit()
    return meeting_id


def _signed_in(tab: Browser) -> None:
    tab.site.add_account("referat", "referat")
    tab.sign_in("referat", PASSWORD)


def test_the_meeting_pages_pass_axe_and_a_move_is_previewed_with_its_warning(
    tab: Browser,
) -> None:
    meeting_id = _data(tab)
    _signed_in(tab)
    for path, text in (
        ("/meetings?alle=1", "Sitzung des Kreistags"),
        ("/meetings/calendar?jahr=2026&monat=4", "April 2026"),
        (f"/meetings/{meeting_id}", "Zusagen 0 von 1 Plätzen"),
        (f"/meetings/{meeting_id}/invite", "Mitglieder der Gremien"),
        (f"/meetings/{meeting_id}/cancel", "So lautet die E-Mail"),
        ("/meetings/new", "Sitzung eines Gremiums anlegen"),
    ):
        tab.open(path)
        tab.wait_for(text)
        tab.check_accessibility()

    tab.open(f"/meetings/{meeting_id}/move")
    day = tab.driver.find_element(By.ID, "day")
    day.clear()
    day.send_keys("01.05.2026", Keys.ENTER)  # Erster Mai
    tab.wait_for("Der 01.05.2026 ist ein Feiertag (Erster Mai).")
    tab.check_accessibility()
    tab.driver.find_element(By.ID, "trotzdem").send_keys(Keys.SPACE)
    tab.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").send_keys(Keys.ENTER)
    tab.wait_for("Der Termin ist geändert")
    tab.check_accessibility()


def test_a_form_error_is_announced_and_leads_to_its_field(tab: Browser) -> None:
    _signed_in(tab)
    tab.open("/meetings/new")
    tab.driver.find_element(By.ID, "day").send_keys("morgen", Keys.ENTER)
    tab.wait_for("Bitte prüfen Sie Ihre Angaben")
    driver = tab.driver
    assert driver.switch_to.active_element.get_attribute("class") == "error-summary"
    assert driver.find_element(By.ID, "day").get_attribute("value") == "morgen"
    tab.check_accessibility()


def test_the_directory_import_preview_outbox_and_pictures_pass_axe(
    tab: Browser, tmp_path: Path, walker: Any
) -> None:
    _data(tab)
    walker.launch_workshops()
    walker.run_workshop("stadt-peine")  # the monitoring has a row and a chart
    _signed_in(tab)
    for path, text in (
        ("/participants?suche=murat", "Murat Çelik"),
        ("/participants/new", "Person aufnehmen"),
        ("/outbox", "550 5.1.1 Postfach unbekannt"),
        ("/monitoring", "Monitoring je Werkstatt"),
        ("/workflows/recommendation", "Schritte"),
        ("/timeline", "Zeitleiste"),
    ):
        tab.open(path)
        tab.wait_for(text)
        tab.check_accessibility()
    person = participants.list_participants(tab.site.app.deps, search="heike")[0]
    tab.open(f"/participants/{person.id}")
    tab.wait_for("Einwilligung und Nachweis")
    tab.check_accessibility()

    listing = tmp_path / "liste.csv"
    listing.write_text(
        "Name;E-Mail;Sprache\nHeike Brandes;heike@example.org;en\nOhne;kaputt;xx\n",
        encoding="utf-8",
    )
    tab.open("/participants/import")
    tab.check_accessibility()
    tab.driver.find_element(By.ID, "datei").send_keys(str(listing))
    tab.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    tab.wait_for("0 neu, 1 zu aktualisieren, 0 unverändert, 1 abgewiesen")
    tab.check_accessibility()
    tab.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    tab.wait_for("Import abgeschlossen")
    tab.check_accessibility()
