"""Path 2 in a real Chromium, with axe-core on every page it visits: a secretary places a
recommendation on the earliest possible meeting, records the results and the
implementation, looks at the backward plan and the report, and downloads the tracker."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from chromium import Browser
from live_server import PASSWORD
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from deliberation.domain.consultations import ConsultationResult as R
from deliberation.service_layer import body_meetings, consultations, recommendations

BERLIN = ZoneInfo("Europe/Berlin")


def _meeting(tab: Browser, body: str, day: date, hour: int = 17) -> int:
    at = datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)
    return body_meetings.add(tab.site.app.deps, body, at, "Kreishaus Peine", confirmed=True).id


def _sign_in_again(tab: Browser, login: str) -> None:
    """After the test clock jumped weeks ahead the session has expired, as it would."""
    tab.driver.delete_all_cookies()
    tab.sign_in(login, PASSWORD)


def _press(tab: Browser, selector: str) -> None:
    tab.driver.find_element(By.CSS_SELECTOR, selector).send_keys(Keys.ENTER)


def _checked(tab: Browser, path: str, text: str) -> None:
    tab.open(path)
    tab.wait_for(text)
    tab.check_accessibility()


def _downloaded(folder: Path, name: str) -> bytes:
    target = folder / name
    for _ in range(200):
        if target.exists() and not list(folder.glob("*.crdownload")):
            return target.read_bytes()
        time.sleep(0.05)
    raise AssertionError(f"{name} was not downloaded into {folder}")


def test_path_2_a_secretary_takes_a_recommendation_to_its_implementation(
    tab: Browser, walker: Any, clock: Any, tmp_path: Path
) -> None:
    deps = tab.site.app.deps
    [rec] = walker.walk().recommendations
    recommendations.advance(deps, rec, "adopt_in_group", "AG Sprachkurse")
    _meeting(tab, "kommission", date(2026, 3, 10))  # inside the 14-day notice period
    commission = _meeting(tab, "kommission", date(2026, 3, 24))
    kreistag = _meeting(tab, "kreistag", date(2026, 6, 17), 16)
    tab.site.add_account("g.sekretariat", "geschaeftsstelle")
    tab.sign_in("g.sekretariat", PASSWORD)
    page = f"/recommendations/{rec}"

    _checked(tab, "/tracker", "Empfehlung 1")
    tab.driver.find_element(By.LINK_TEXT, "Empfehlung 1").send_keys(Keys.ENTER)
    tab.wait_for("Auf eine Sitzung setzen")
    tab.check_accessibility()
    earliest = tab.driver.find_element(By.ID, f"meeting-{commission}")
    assert earliest.is_selected()  # the earliest possible meeting is offered
    _press(tab, "form[action$='/place'] button[type=submit]")
    tab.wait_for("Die Empfehlung liegt jetzt auf der gewählten Sitzung.")
    tab.check_accessibility()

    tab.driver.find_element(By.ID, "meeting").send_keys(Keys.END)  # the Kreistag's meeting
    _press(tab, "form[action$='/plan'] button[type=submit]")
    tab.wait_for("Sitzungen, die die Empfehlung noch durchlaufen muss")
    tab.check_accessibility()

    clock.advance(timedelta(days=23))
    _sign_in_again(tab, "g.sekretariat")
    tab.open(page)
    tab.wait_for("Stellungnahme der Sitzung")  # the Kommission advises, it does not decide
    tab.driver.find_element(By.CSS_SELECTOR, "input[name=result][value=noted]").send_keys(
        Keys.SPACE
    )
    _press(tab, "form[action$='/result'] button[type=submit]")
    tab.wait_for("fehlt die Stellungnahme")  # the hearing needs its statement
    tab.check_accessibility()
    statement = tab.driver.find_element(By.ID, "result_text")
    statement.send_keys("Die Kommission unterstützt die Empfehlung.")
    _press(tab, "form[action$='/result'] button[type=submit]")
    tab.wait_for("Das Ergebnis ist festgehalten.")
    tab.check_accessibility()

    for body in ("ausschuss-soziales", "kreisausschuss"):
        meeting = body_meetings.add(
            deps, body, clock.now + timedelta(days=21), "Kreishaus", confirmed=True
        ).id
        consultations.place(deps, rec, meeting, "Sitzungsdienst")
        clock.advance(timedelta(days=22))
        consultations.record_result(deps, rec, R.APPROVED, "Sitzungsdienst")
    _sign_in_again(tab, "g.sekretariat")
    tab.open(page)
    tab.wait_for("Auf eine Sitzung setzen: Kreistag")
    assert tab.driver.find_element(By.ID, f"meeting-{kreistag}").is_selected()
    _press(tab, "form[action$='/place'] button[type=submit]")
    tab.wait_for("Die Empfehlung liegt jetzt auf der gewählten Sitzung.")
    clock.now = datetime(2026, 6, 18, 9, tzinfo=BERLIN)
    _sign_in_again(tab, "g.sekretariat")
    tab.open(page)
    tab.wait_for("Entscheidung der Sitzung")  # the Kreistag decides
    tab.driver.find_element(By.CSS_SELECTOR, "input[name=result][value=adopted]").send_keys(
        Keys.SPACE
    )
    _press(tab, "form[action$='/result'] button[type=submit]")
    tab.wait_for("Vom Kreistag unverändert beschlossen")
    tab.check_accessibility()

    tab.driver.find_element(By.ID, "office").send_keys("Fachdienst Soziales")
    due = tab.driver.find_element(By.ID, "due")
    due.send_keys("30.02.2027")
    _press(tab, "form[action$='/assign'] button[type=submit]")
    tab.wait_for("TT.MM.JJJJ")  # refused at its field, the office typed stays
    tab.check_accessibility()
    assert tab.driver.find_element(By.ID, "office").get_attribute("value") == "Fachdienst Soziales"
    due = tab.driver.find_element(By.ID, "due")
    due.clear()
    due.send_keys("30.06.2027", Keys.ENTER)
    tab.wait_for("Zuständigkeit und Frist sind gespeichert.")
    tab.driver.find_element(By.ID, "note").send_keys("Träger angefragt, Räume gefunden.")
    _press(tab, "form[action$='/progress'] button[type=submit]")
    tab.wait_for("Der Vermerk ist gespeichert.")
    tab.check_accessibility()
    assert "grün: im Plan" in tab.text()

    _checked(tab, "/implementation-report", "Träger angefragt, Räume gefunden.")
    _checked(tab, "/tracker?state=in_implementation", "1 Empfehlung")
    tab.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    tab.driver.find_element(By.PARTIAL_LINK_TEXT, "Als CSV herunterladen").send_keys(Keys.ENTER)
    content = _downloaded(tmp_path, "empfehlungen.csv").decode("utf-8-sig")
    lines = content.strip().splitlines()
    assert lines[0].startswith("Nr.;Titel;") and len(lines) == 2
    assert "In Umsetzung" in lines[1] and "Fachdienst Soziales" in lines[1]
    assert "grün – im Plan" in lines[1]
