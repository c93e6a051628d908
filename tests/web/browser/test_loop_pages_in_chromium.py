"""The loop's public pages in a real Chromium, German and Arabic, checked by axe-core:
the vote (also with its error), what became of our needs, the bodies and their calendars."""

from __future__ import annotations

from typing import Any

from chromium import Browser
from feedback_scenario import closed_loop, voting_link
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def _direction(tab: Browser) -> str:
    return str(tab.driver.find_element(By.TAG_NAME, "html").get_attribute("dir"))


def test_the_trace_and_bodies_pages_pass_axe_in_german_and_arabic(
    tab: Browser, walker: Any, clock: Any
) -> None:
    closed_loop(tab.site.app, walker, clock)
    for language, direction in (("de", "ltr"), ("ar", "rtl")):
        for path in ("/public/feedback", "/public/feedback/2026/stadt-peine", "/public/bodies"):
            tab.open(f"{path}?lang={language}")
            assert _direction(tab) == direction, path
            tab.check_accessibility()


def test_voting_with_the_keyboard_passes_axe_in_german_and_arabic(
    tab: Browser, walker: Any
) -> None:
    path, (courses, lighting), _workshop = voting_link(tab.site.app, walker, "ar")
    for language, direction in (("de", "ltr"), ("ar", "rtl")):
        tab.open(f"{path}?lang={language}")
        assert _direction(tab) == direction
        tab.check_accessibility()
        _type(tab, f"dots-{courses}", "3")
        _type(tab, f"dots-{lighting}", "3", Keys.ENTER)  # six of five dots, sent by keyboard
        tab.wait_for("6")
        summary = tab.driver.find_element(By.CSS_SELECTOR, ".error-summary")
        assert "5" in summary.text
        assert tab.driver.switch_to.active_element == summary  # the summary takes the focus
        assert _value(tab, f"dots-{courses}") == "3"  # nothing typed is lost
        tab.check_accessibility()
    _type(tab, f"dots-{courses}", "", Keys.ENTER)
    tab.wait_for("3")  # "3 of 5 dots saved", in Arabic
    assert (_value(tab, f"dots-{courses}"), _value(tab, f"dots-{lighting}")) == ("0", "3")
    tab.check_accessibility()


def _type(tab: Browser, field_id: str, text: str, *keys: str) -> None:
    field = tab.driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text, *keys)


def _value(tab: Browser, field_id: str) -> str:
    return str(tab.driver.find_element(By.ID, field_id).get_attribute("value"))
