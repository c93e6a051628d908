"""Browser tests: Debian's Chromium driven by Selenium, axe-core checking every page.

Nothing is downloaded: chromedriver and Chromium are passed by path (Selenium
Manager stays out of it) and axe-core comes from ``npm ci`` in this folder
(``.ci/run`` does that). With ``CI=true`` a missing browser fails the run
instead of skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import Site
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
)
#: WCAG 2.1 A and AA (what BITV 2.0 asks for), and axe's best practices on top.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: die Browser-Tests dürfen nicht übersprungen werden)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[WebDriver]:
    for needed in (CHROMIUM, CHROMEDRIVER):
        if not needed.exists():
            _missing(f"{needed} fehlt (Debian: apt-get install chromium chromium-driver)")
    if not AXE.exists():
        _missing(f"{AXE} fehlt (npm ci in tests/web/browser)")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch anything
    profile = tempfile.mkdtemp(prefix="deliberation-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Browser:
    """One Chromium tab on one served site, with axe-core at hand."""

    def __init__(self, driver: WebDriver, site: Site) -> None:
        self.driver = driver
        self.site = site
        self.checked: list[str] = []

    def open(self, path: str) -> None:
        self.driver.get(self.site.url + path)

    @property
    def path(self) -> str:
        return str(self.driver.current_url).removeprefix(self.site.url)

    def text(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "main").text)

    def wait_for(self, text: str) -> None:
        """Until the page (maybe a new one, after a key press) shows ``text`` in its main."""

        def shown(driver: WebDriver) -> bool:
            return text in str(driver.find_element(By.TAG_NAME, "main").text)

        WebDriverWait(self.driver, 20, ignored_exceptions=[StaleElementReferenceException]).until(
            shown, f"{text!r} did not appear on {self.path}"
        )

    def check_accessibility(self) -> None:
        """axe-core on the page as it is now; fails with every violation listed."""
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        violations = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(r => done(r.violations), e => done([{id: 'axe-error', help: String(e)}]));",
            AXE_TAGS,
        )
        self.checked.append(self.path)
        summary = [
            {
                "id": v["id"],
                "help": v.get("help"),
                "nodes": [n.get("html") for n in v.get("nodes", [])][:5],
            }
            for v in violations
        ]
        assert not summary, f"axe-core on {self.path}:\n{json.dumps(summary, indent=1)}"

    def sign_in(self, name: str, password: str) -> None:
        self.open("/")
        self.driver.find_element(By.ID, "username").send_keys(name)
        field = self.driver.find_element(By.ID, "password")
        field.send_keys(password)
        field.submit()
        self.wait_for("Guten Tag")


@pytest.fixture
def tab(browser: WebDriver, site: Site) -> Iterator[Browser]:
    browser.delete_all_cookies()
    yield Browser(browser, site)
    browser.delete_all_cookies()
