"""Browser tests: Debian's Chromium driven by Selenium, axe-core checking every page.

Nothing is downloaded: chromedriver and Chromium are passed by path (Selenium
Manager stays out of it) and axe-core comes from ``npm ci`` in this folder
(``.ci/run`` does that). With ``CI=true`` a missing browser fails the run
instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import AXE, Browser
from live_server import Site
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
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


@pytest.fixture
def tab(browser: WebDriver, site: Site) -> Iterator[Browser]:
    browser.delete_all_cookies()
    yield Browser(browser, site)
    browser.delete_all_cookies()
