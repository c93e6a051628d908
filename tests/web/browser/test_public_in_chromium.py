"""The public pages in a real Chromium, in German and Arabic: axe-core, right to left, keyboard."""

from __future__ import annotations

import email
import re
from email.policy import default

import pytest
from chromium import Browser
from live_server import PASSWORD
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from deliberation.service_layer import consent, need_submissions, participants
from deliberation.service_layer.messages import CONFIRM, UNSUBSCRIBE, fingerprint
from tests.conftest import RoundWalker

PUBLIC_PAGES = ["/public/", "/public/my-data", "/public/gibt-es-nicht", "/confirm/kaputt"]


def _person_links(tab: Browser) -> list[str]:
    app = tab.site.app
    row = {
        "name": "Samira Nasser",
        "email": "samira@example.org",
        "municipality": "Hohenhameln",
        "roles": "Verein",
        "bodies": "",
        "language": "de",
    }
    participants.import_participants(app.deps, [(2, row)])
    consent.request_confirmations(app.deps, app.mailing())
    with app.deps.unit_of_work() as uow:
        person = uow.participants.participant("samira@example.org")
        assert person is not None and person.id is not None
        payload: list[int | str] = [person.id, fingerprint(person.email)]
    links = app.mailing().links
    return [
        "/" + purpose + "/" + links.url(purpose, payload).rpartition("/")[2]
        for purpose in (CONFIRM, UNSUBSCRIBE)
    ]


def _collecting_workshop(tab: Browser) -> int:
    walker = RoundWalker(tab.site.app.deps)
    walker.launch_workshops(("stadt-peine",))
    return walker.open_needs_collection("stadt-peine")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_every_public_page_passes_axe_in_german_and_arabic(tab: Browser, language: str) -> None:
    workshop = _collecting_workshop(tab)
    for path in [*PUBLIC_PAGES, *_person_links(tab), f"/public/needs/{workshop}"]:
        tab.open(path + ("&" if "?" in path else "?") + f"lang={language}")
        html = tab.driver.find_element(By.TAG_NAME, "html")
        assert html.get_attribute("lang") == language
        tab.check_accessibility()
    # The need form with its errors (summary focused), then the thanks and the address link.
    driver = tab.driver
    driver.find_element(By.ID, "text").send_keys("<b>laut</b>")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CLASS_NAME, "error-summary"))
    assert driver.switch_to.active_element.get_attribute("class") == "error-summary"
    tab.check_accessibility()
    text = driver.find_element(By.ID, "text")
    text.clear()
    text.send_keys("Ein Elterncafé mit Übersetzung")
    Select(driver.find_element(By.ID, "topic_field")).select_by_value("Bildung")
    driver.find_element(By.ID, "email").send_keys("leyla@example.org")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CLASS_NAME, "notice-success"))
    tab.check_accessibility()
    tab.open(_address_link(tab))
    tab.check_accessibility()
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CLASS_NAME, "notice-success"))
    tab.check_accessibility()


def _address_link(tab: Browser) -> str:
    with tab.site.app.deps.unit_of_work() as uow:
        [mail] = [m for m in uow.outbox.outbox_messages() if m.recipient == "leyla@example.org"]
        body = email.message_from_bytes(mail.body, policy=default)
    part = body.get_body(preferencelist=("plain",))
    assert part is not None
    found = re.search(r"/public/needs/confirm/\S+", str(part.get_content()))
    assert found is not None
    return found.group(0)


def test_the_moderation_queue_passes_axe(tab: Browser) -> None:
    workshop = _collecting_workshop(tab)
    need_submissions.submit(
        tab.site.app.deps,
        tab.site.app.mailing(),
        workshop,
        "Mehr Sitzbänke",
        "Wohnen",
        "local",
        "",
        "de",
    )
    tab.site.add_account("m.mueller", "referat")
    tab.sign_in("m.mueller", PASSWORD)
    tab.open("/moderation")
    assert "Mehr Sitzbänke" in tab.text()
    tab.check_accessibility()
    tab.driver.find_element(By.CSS_SELECTOR, "form[action$='/reject'] button").click()
    tab.wait_for("Bitte ausfüllen.")
    tab.check_accessibility()


def test_arabic_pages_run_right_to_left(tab: Browser) -> None:
    tab.open("/public/?lang=ar")
    driver = tab.driver
    heading = driver.find_element(By.TAG_NAME, "h1")
    assert (
        driver.execute_script("return getComputedStyle(arguments[0]).direction", heading) == "rtl"
    )
    # The heading's text starts at the right edge of the main column; the county's name
    # stands right of the language switcher.
    text_box = (
        "const r = document.createRange(); r.selectNodeContents(arguments[0]);"
        "const t = r.getBoundingClientRect(), m = arguments[1].getBoundingClientRect();"
        "return [t.left - m.left, m.right - t.right];"
    )
    main = driver.find_element(By.TAG_NAME, "main")
    gap_left, gap_right = driver.execute_script(text_box, heading, main)
    assert gap_right < 40 < gap_left
    width = driver.execute_script("return document.documentElement.clientWidth")
    name = driver.find_element(By.CLASS_NAME, "site-name")
    switcher = driver.find_element(By.CSS_SELECTOR, "nav.languages")
    assert name.rect["x"] > switcher.rect["x"]
    # No horizontal scrolling: nothing sticks out to the left (the hidden skip link neither).
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    tab.open("/public/?lang=de")
    heading = driver.find_element(By.TAG_NAME, "h1")
    main = driver.find_element(By.TAG_NAME, "main")
    gap_left, gap_right = driver.execute_script(text_box, heading, main)
    assert gap_left < 40 < gap_right
    name = driver.find_element(By.CLASS_NAME, "site-name")
    switcher = driver.find_element(By.CSS_SELECTOR, "nav.languages")
    assert name.rect["x"] < switcher.rect["x"]


def test_the_language_is_switched_with_the_keyboard_and_kept(tab: Browser) -> None:
    tab.open("/public/")
    driver = tab.driver
    keys = ActionChains(driver)
    keys.send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("class") == "skip-link"
    for _ in range(5):  # county name, then Deutsch, English, Türkçe, العربية
        keys.send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("lang") == "ar"
    keys.send_keys(Keys.ENTER).perform()
    tab.wait_for("المشاركة")
    tab.open("/public/gibt-es-nicht")  # remembered without the parameter
    assert "الصفحة غير موجودة" in tab.text()
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
