"""The login, the start page and the error pages in a real Chromium, checked by axe-core."""

from __future__ import annotations

from chromium import Browser
from live_server import PASSWORD
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def test_signing_in_with_the_keyboard_alone_passes_axe(tab: Browser) -> None:
    tab.site.add_account("m.mueller", "referat")
    tab.open("/")
    assert tab.path == "/login?next=/"
    tab.check_accessibility()
    driver = tab.driver
    keys = ActionChains(driver)
    keys.send_keys(Keys.TAB).perform()  # the first stop is the skip link ...
    assert driver.switch_to.active_element.get_attribute("class") == "skip-link"
    keys.send_keys(Keys.ENTER, Keys.TAB).perform()  # ... which leads into the form
    assert driver.switch_to.active_element.get_attribute("id") == "username"
    keys.send_keys("m.mueller", Keys.TAB, "falsch-geraten", Keys.ENTER).perform()
    tab.wait_for("Anmeldename oder Passwort ist falsch.")
    # The error summary takes the focus, and its link leads to the field.
    assert driver.switch_to.active_element.get_attribute("class") == "error-summary"
    tab.check_accessibility()
    assert driver.find_element(By.ID, "username").get_attribute("value") == "m.mueller"
    driver.find_element(By.CSS_SELECTOR, ".error-summary a").send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("id") == "password"
    ActionChains(driver).send_keys(PASSWORD, Keys.ENTER).perform()
    tab.wait_for("Guten Tag, m.mueller")
    tab.check_accessibility()


def test_the_refusal_and_not_found_pages_pass_axe(tab: Browser) -> None:
    tab.site.add_account("m.mueller", "referat")
    tab.sign_in("m.mueller", PASSWORD)
    tab.open("/accounts")
    assert "Keine Berechtigung" in tab.text()
    tab.check_accessibility()
    tab.open("/gibt-es-nicht")
    assert "Seite nicht gefunden" in tab.text()
    tab.check_accessibility()


def test_the_axe_check_itself_finds_a_violation(tab: Browser) -> None:
    tab.driver.get("data:text/html,<html><body><img src='x.png'></body></html>")
    try:
        tab.check_accessibility()
    except AssertionError as found:
        assert "image-alt" in str(found) and "html-has-lang" in str(found)
    else:
        raise AssertionError("axe-core found nothing on a page without lang and alt text")
