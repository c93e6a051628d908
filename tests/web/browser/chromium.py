"""One Chromium tab on one served site, with axe-core at hand (the ``tab`` fixture's type).

Its own module, not the conftest: test modules import it by name.
"""

from __future__ import annotations

import json
from pathlib import Path

from live_server import Site
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.1 A and AA (what BITV 2.0 asks for), and axe's best practices on top.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


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
