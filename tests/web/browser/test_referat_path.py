"""Browser path 1 (a Referat member from launching a round to drafting a recommendation) and
path 3 (a secretary who tries to launch a cycle is refused), with axe-core on every page."""

from __future__ import annotations

from chromium import Browser
from live_server import PASSWORD
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

from deliberation.service_layer import cycles, groups, needs, recommendations


def press(tab: Browser, xpath: str) -> None:
    """Activate a button or link with the keyboard (focus it, then Enter)."""
    element = tab.driver.find_element(By.XPATH, xpath)
    element.send_keys(Keys.ENTER)


def button(title: str) -> str:
    return f"//button[normalize-space()='{title}']"


def step(tab: Browser, title: str, done: str) -> None:
    press(tab, button(title))
    tab.wait_for(done)
    tab.check_accessibility()


def confirm_meeting_of(tab: Browser, cycle_id: int) -> None:
    """Confirm the cycle's proposed meeting on its page, keyboard only (invitations need it)."""
    with tab.site.app.deps.unit_of_work() as uow:
        [meeting] = [m.id for m in uow.meetings.meetings_of_cycle(cycle_id)]
    tab.open(f"/meetings/{meeting}/confirm")
    tab.check_accessibility()
    press(tab, button("Termin bestätigen"))
    tab.wait_for("Der Termin ist bestätigt.")
    tab.check_accessibility()
    tab.open(f"/cycles/{cycle_id}")


def test_a_referat_member_goes_from_launching_a_round_to_drafting_a_recommendation(
    tab: Browser,
) -> None:
    deps = tab.site.app.deps
    tab.site.add_account("m.mueller", "referat")
    tab.sign_in("m.mueller", PASSWORD)
    tab.check_accessibility()

    # Launch a round's workshop for one municipality.
    tab.open("/rounds")
    tab.check_accessibility()
    driver = tab.driver
    driver.find_element(By.ID, "round").send_keys("2027")
    driver.find_element(By.XPATH, "//label[normalize-space()='Stadt Peine']").click()
    press(tab, button("Zyklen starten"))
    tab.wait_for("Zukunftswerkstatt Stadt Peine 2027")
    tab.check_accessibility()
    [workshop] = [c.status.id for c in cycles.list_cycles(deps, round_label="2027")]

    # Invitations go out only to a confirmed meeting: the launch proposed one.
    press(tab, button("Einladungen versenden"))
    tab.wait_for("Einladungen gehen nur mit Datum, Uhrzeit und Ort hinaus.")
    tab.check_accessibility()
    confirm_meeting_of(tab, workshop)
    step(tab, "Einladungen versenden", "Schritt „Einladungen versenden“ ausgeführt.")
    step(tab, "Kritikphase beginnen", "Schritt „Kritikphase beginnen“ ausgeführt.")

    # Needs at the workshop, typed one after the other with the keyboard alone.
    press(tab, "//a[normalize-space()='Bedarfe erfassen']")
    tab.wait_for("Karten nacheinander erfassen")
    tab.check_accessibility()
    cards = [
        ("Sprachkurse mit Kinderbetreuung", "Sprache", "kreisweit"),
        ("Beleuchtung am Bahnhof", "Sicherheit", "lokal"),
        ("Anerkennung von Abschlüssen", "Arbeit", "kreisweit"),
    ]
    for number, (text, field, scope) in enumerate(cards, start=1):
        assert driver.switch_to.active_element.get_attribute("id") == "text"
        keys = ActionChains(driver).send_keys(text, Keys.TAB)
        keys.perform()
        Select(driver.switch_to.active_element).select_by_visible_text(field)
        ActionChains(driver).send_keys(Keys.TAB).perform()
        radio = driver.switch_to.active_element
        while radio.get_attribute("value") != scope:
            radio.send_keys(Keys.ARROW_RIGHT)
            radio = driver.switch_to.active_element
        radio.send_keys(Keys.ENTER)  # submits the form; htmx keeps the page
        tab.wait_for(f"erfasst: „{text}“")
        assert len(needs.list_needs(deps, workshop)) == number
    tab.check_accessibility()

    tab.open(f"/cycles/{workshop}")
    step(tab, "Phantasiephase beginnen", "ausgeführt")
    step(tab, "Verwirklichungsphase beginnen", "ausgeführt")
    press(tab, "//a[normalize-space()='Punkte vergeben']")
    tab.wait_for("Punkte vergeben")
    tab.check_accessibility()
    for need, dots in zip(needs.list_needs(deps, workshop), (5, 1, 3), strict=True):
        driver.find_element(By.ID, f"dots-{need.id}").send_keys(str(dots))
    press(tab, button("Punkte speichern"))
    tab.wait_for("9 Punkte gespeichert.")
    tab.check_accessibility()
    tab.open(f"/cycles/{workshop}")
    step(tab, "Ergebnisse dokumentieren und kreisweite Bedarfe weiterleiten", "ausgeführt")
    # The round's overview: the same query as deliberation status, needs counted per place.
    tab.open("/rounds/2027")
    tab.wait_for("Bedarfe je Gemeinde")
    assert "Landkreis gesamt" in driver.page_source
    tab.check_accessibility()

    # The conference, its agenda built from the county-wide needs, a group on a topic.
    tab.open("/rounds")
    driver.find_element(By.XPATH, "//label[normalize-space()='Integrationskonferenz']").click()
    driver.find_element(By.ID, "round").send_keys("2027")
    press(tab, button("Zyklen starten"))
    tab.wait_for("Integrationskonferenz 2027")
    tab.check_accessibility()
    step(tab, "Tagesordnung aus den kreisweiten Bedarfen bilden", "Tagesordnung")
    assert "Sprache" in tab.text()
    [conference] = [
        c.status.id
        for c in cycles.list_cycles(deps, round_label="2027", workflow="integration_conference")
    ]
    confirm_meeting_of(tab, conference)
    step(tab, "Einladungen versenden", "ausgeführt")
    step(tab, "Konferenz als durchgeführt vermerken", "ausgeführt")
    press(tab, "(//a[starts-with(normalize-space(), 'Arbeitsgruppe bilden')])[1]")
    tab.wait_for("Thema der Tagesordnung")
    tab.check_accessibility()
    driver.find_element(By.ID, "mandate").send_keys(
        "Ein Konzept für Sprachkurse mit Kinderbetreuung"
    )
    driver.find_element(By.ID, "due_date").send_keys("30.09.2027")
    driver.find_element(By.ID, "members").send_keys("Jan Becker / VHS Peine")
    press(tab, button("Arbeitsgruppe bilden"))
    tab.wait_for("Die Arbeitsgruppe ist gebildet.")
    tab.check_accessibility()
    step(tab, "Arbeit aufnehmen", "ausgeführt")

    # The group drafts a recommendation that answers the workshop's need.
    driver.find_element(By.ID, "title").send_keys(
        "Sprachkurse mit Kinderbetreuung in allen Gemeinden"
    )
    driver.find_element(By.ID, "text").send_keys(
        "Der Landkreis finanziert Sprachkurse mit Betreuung."
    )
    driver.find_element(
        By.XPATH, "//label[starts-with(normalize-space(), 'Sprachkurse mit Kinderbetreuung')]"
    ).click()
    press(tab, button("Empfehlung entwerfen"))
    tab.wait_for("ist entworfen.")
    tab.check_accessibility()
    [group] = groups.list_groups(deps)
    [rec_id] = group.recommendation_ids
    rec = recommendations.show(deps, rec_id)
    assert rec.title == "Sprachkurse mit Kinderbetreuung in allen Gemeinden"
    assert len(rec.need_ids) == 1 and rec.log[0].actor == "m.mueller"
    tab.open("/")
    tab.check_accessibility()


def test_a_secretary_who_tries_to_launch_a_cycle_is_refused(tab: Browser) -> None:
    tab.site.add_account("g.sekretariat", "geschaeftsstelle")
    tab.sign_in("g.sekretariat", PASSWORD)
    tab.check_accessibility()
    tab.open("/rounds")
    tab.check_accessibility()
    assert "Zyklen starten darf nur das Referat." in tab.text()
    tab.driver.find_element(By.ID, "round").send_keys("2027")
    press(tab, button("Zyklen starten"))
    tab.wait_for("Keine Berechtigung")
    assert "Zyklen starten darf nur, wer die Rolle „Referat“" in tab.text()
    tab.check_accessibility()
    assert cycles.list_cycles(tab.site.app.deps) == []
