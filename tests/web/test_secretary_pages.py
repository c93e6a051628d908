"""The Geschäftsstelle's pages over HTTP: the tracker with filters, sorting, pages and
downloads; a recommendation placed, decided and implemented through its forms; the
backward plan, the trace and the implementation report. Roles, CSRF, form errors that keep
what was typed, and stale pages are checked on the way."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from live_server import Site, StaffClient, csrf_of
from openpyxl import load_workbook

from deliberation.domain.consultations import ConsultationResult as R
from deliberation.service_layer import body_meetings, consultations, recommendations

BERLIN = ZoneInfo("Europe/Berlin")
EVIL = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://x","klick")'


@pytest.fixture
def rec_id(walker: object) -> int:
    record = walker.walk()  # type: ignore[attr-defined]
    [rec] = record.recommendations
    return int(rec)


def _meeting(site: Site, body: str, day: date, hour: int = 17) -> int:
    at = datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)
    return body_meetings.add(site.app.deps, body, at, "Kreishaus Peine", confirmed=True).id


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the page has no form with a version"
    return found[1]


def _form(client: httpx.Client, path: str) -> tuple[str, str]:
    page = client.get(path).text
    return csrf_of(page), _version(page)


def _draft_many(site: Site, rec_id: int, count: int) -> None:
    group = recommendations.show(site.app.deps, rec_id).group_id
    for n in range(count):
        title = {0: EVIL, 1: FORMULA}.get(n, f"Empfehlung Nummer {n:02d}")
        recommendations.draft(site.app.deps, group, title, "Text", "AG")


def test_tracker_filters_sorts_pages_and_escapes_titles(
    site: Site, staff: StaffClient, rec_id: int
) -> None:
    _draft_many(site, rec_id, 55)
    secretary = staff("geschaeftsstelle")
    first = secretary.get("/tracker")
    assert first.status_code == 200
    assert "56 Empfehlungen, Zeilen 1 bis 50" in first.text
    assert "Seite 1 von 2" in first.text and 'rel="next"' in first.text
    assert "<script>alert" not in first.text and "&lt;script&gt;alert" in first.text

    by_title = secretary.get("/tracker", params={"sort": "titel", "desc": "1", "per_page": "25"})
    links = re.findall(r'<td><a href="/recommendations/\d+">([^<]+)</a></td>', by_title.text)
    titles = [text for text in links if not text.isdigit()]
    numbered = [t for t in titles if t.startswith("Empfehlung Nummer")]
    assert numbered[0] == "Empfehlung Nummer 54" and numbered == sorted(numbered, reverse=True)
    assert len(titles) == 25
    assert 'aria-sort="descending"' in by_title.text and "Seite 1 von 3" in by_title.text
    last = secretary.get("/tracker", params={"per_page": "25", "page": "3"})
    assert "Zeilen 51 bis 56" in last.text

    drafts = secretary.get("/tracker", params={"state": "draft", "per_page": "100"})
    assert "56 Empfehlungen" in drafts.text  # the walker's own is a draft too
    assert "Keine Empfehlung passt" in secretary.get("/tracker", params={"overdue": "1"}).text

    wrong = secretary.get("/tracker", params={"per_page": "7", "office": "FD X"})
    assert wrong.status_code == 400 and "Zeilen je Seite" in wrong.text
    unknown = secretary.get("/tracker", params={"body": "stadtrat"})
    assert unknown.status_code == 400
    assert 'Gremium "stadtrat" ist unbekannt' in html.unescape(unknown.text)


def test_tracker_downloads_are_for_the_geschaeftsstelle(
    site: Site, staff: StaffClient, rec_id: int
) -> None:
    _draft_many(site, rec_id, 3)
    referat = staff("referat")
    assert referat.get("/tracker").status_code == 200
    assert "tracker.csv" not in referat.get("/tracker").text
    refused = referat.get("/tracker.csv")
    assert refused.status_code == 403 and "Geschäftsstelle" in refused.text

    secretary = staff("geschaeftsstelle")
    csv_file = secretary.get("/tracker.csv", params={"state": "draft"})
    assert csv_file.status_code == 200
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert 'filename="empfehlungen.csv"' in csv_file.headers["content-disposition"]
    assert csv_file.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Nr.", "Titel"] and len(rows) == 5  # the walker's and three drafts
    assert rows[2][1] == EVIL and rows[3][1] == "'" + FORMULA  # text, never a formula

    xlsx = secretary.get("/tracker.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert len(cells) == 5 and cells[0][0] == "Nr." and cells[3][1] == "'" + FORMULA
    assert {row[5] for row in cells[1:]} == {"Entwurf"}


def test_a_secretary_places_decides_and_implements_through_the_forms(
    site: Site, staff: StaffClient, rec_id: int, clock: object
) -> None:
    deps = site.app.deps
    recommendations.advance(deps, rec_id, "adopt_in_group", "AG Sprachkurse")
    close = _meeting(site, "kommission", date(2026, 3, 10))
    possible = _meeting(site, "kommission", date(2026, 3, 24))
    path = f"/recommendations/{rec_id}"
    secretary, referat = staff("geschaeftsstelle"), staff("referat")

    page = secretary.get(path).text
    assert "frühestmöglich" in page and "innerhalb der Ladungsfrist" in page
    assert f'id="meeting-{possible}" name="meeting" value="{possible}" checked' in page
    assert f'id="meeting-{close}" name="meeting" value="{close}" disabled' in page
    token, version = csrf_of(page), _version(page)

    no_csrf = secretary.post(f"{path}/place", data={"meeting": possible, "version": version})
    assert no_csrf.status_code == 403 and "Formular abgelehnt" in no_csrf.text
    referat_page = referat.get(path).text
    assert "Auf die Sitzung setzen" not in referat_page
    refused = referat.post(
        f"{path}/place",
        data={"csrf_token": csrf_of(referat_page), "meeting": possible, "version": version},
    )
    assert refused.status_code == 403 and "Geschäftsstelle" in refused.text

    too_close = secretary.post(
        f"{path}/place", data={"csrf_token": token, "meeting": close, "version": version}
    )
    assert too_close.status_code == 409 and "innerhalb der Ladungsfrist" in too_close.text
    clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    placed = secretary.post(
        f"{path}/place", data={"csrf_token": token, "meeting": possible, "version": version}
    )
    assert placed.status_code == 303 and placed.headers["location"] == f"{path}?ok=placed"
    stale = secretary.post(
        f"{path}/place", data={"csrf_token": token, "meeting": possible, "version": version}
    )
    assert stale.status_code == 409 and "inzwischen von jemand anderem geändert" in stale.text
    assert "liegt auf der Tagesordnung" in stale.text  # the fresh state is shown

    token, version = _form(secretary, path)
    early = secretary.post(
        f"{path}/result",
        data={"csrf_token": token, "version": version, "result": "noted", "result_text": "Gut."},
    )
    assert early.status_code == 409 and "findet erst am 24.03.2026 statt" in early.text
    assert "Gut.</textarea>" in early.text  # what was typed stays
    clock.advance(timedelta(days=23))  # type: ignore[attr-defined]
    secretary = staff("geschaeftsstelle", "nach-der-sitzung")  # sessions expire by the clock
    token, version = _form(secretary, path)
    missing = secretary.post(
        f"{path}/result",
        data={"csrf_token": token, "version": version, "result": "noted", "result_text": ""},
    )
    assert missing.status_code == 400  # bad input, shown at the text field
    assert (
        'id="result_text-error"><span class="visually-hidden">Fehler:</span> '
        "Für die Anhörung fehlt die Stellungnahme.</p>"
    ) in missing.text
    assert "(--text)" not in missing.text
    assert 'value="noted" checked' in missing.text
    bad = secretary.post(
        f"{path}/result", data={"csrf_token": token, "version": version, "result": "vielleicht"}
    )
    assert bad.status_code == 400 and "angebotenen Möglichkeiten" in bad.text
    done = secretary.post(
        f"{path}/result",
        data={
            "csrf_token": token,
            "version": version,
            "result": "noted",
            "result_text": "Die Kommission unterstützt die Empfehlung.",
        },
    )
    assert done.status_code == 303
    assert "Stellungnahme der Kommission liegt vor" in secretary.get(path).text

    for body in ("ausschuss-soziales", "kreisausschuss", "kreistag"):
        meeting = body_meetings.add(
            deps,
            body,
            clock.now + timedelta(days=21),
            "Kreishaus",
            confirmed=True,  # type: ignore[attr-defined]
        ).id
        consultations.place(deps, rec_id, meeting, "Sitzungsdienst")
        clock.advance(timedelta(days=22))  # type: ignore[attr-defined]
        consultations.record_result(
            deps, rec_id, R.ADOPTED if body == "kreistag" else R.APPROVED, "Sitzungsdienst"
        )

    secretary, referat = staff("geschaeftsstelle", "im-sommer"), staff("referat", "r-sommer")
    token, version = _form(secretary, path)
    wrong_date = secretary.post(
        f"{path}/assign",
        data={
            "csrf_token": token,
            "version": version,
            "office": "FD Soziales",
            "due": "31.02.2027",
        },
    )
    assert wrong_date.status_code == 400 and "TT.MM.JJJJ" in wrong_date.text
    assert 'value="FD Soziales"' in wrong_date.text and 'value="31.02.2027"' in wrong_date.text
    assigned = secretary.post(
        f"{path}/assign",
        data={
            "csrf_token": token,
            "version": version,
            "office": "FD Soziales",
            "due": "30.06.2027",
        },
    )
    assert assigned.status_code == 303
    token, version = _form(secretary, path)
    red = secretary.post(
        f"{path}/progress",
        data={
            "csrf_token": token,
            "version": version,
            "note": "Kein Träger gefunden.",
            "feasibility": "not_feasible",
        },
    )
    assert red.status_code == 303
    page = secretary.get(f"{path}?ok=progress").text
    assert "Der Vermerk ist gespeichert." in page
    assert "rot: nicht umsetzbar" in page and "Nicht umsetzbar: Kein Träger gefunden." in page

    report = secretary.get("/implementation-report", params={"committee": "kreisausschuss"})
    assert report.status_code == 200 and "1 nicht umsetzbar (rot)" in report.text
    printable = secretary.get("/implementation-report/print").text
    assert "Umsetzung der Empfehlungen" in printable and "Kein Träger gefunden." in printable
    sheet = load_workbook(io.BytesIO(secretary.get("/implementation-report.xlsx").content)).active
    assert sheet is not None
    assert list(sheet.iter_rows(values_only=True))[1][3] == "rot – nicht umsetzbar"
    assert referat.get("/implementation-report.xlsx").status_code == 403
    assert referat.get("/implementation-report").status_code == 200


def test_the_plan_the_trace_and_the_beschlussvorlage(
    site: Site, staff: StaffClient, rec_id: int
) -> None:
    _meeting(site, "kommission", date(2026, 4, 20))
    _meeting(site, "ausschuss-soziales", date(2026, 5, 11))
    _meeting(site, "kreisausschuss", date(2026, 6, 2), 15)
    kreistag = _meeting(site, "kreistag", date(2026, 6, 17), 16)
    reader = staff("referat")
    path = f"/recommendations/{rec_id}"
    page = reader.get(path).text
    assert f'<option value="{kreistag}"' in page
    plan = reader.get(f"{path}/plan", params={"meeting": kreistag})
    assert plan.status_code == 200
    assert "spätestens am 02.04.2026" in plan.text and "10.06.2026" in plan.text
    missing = reader.get(f"{path}/plan")
    assert missing.status_code == 400 and "Bitte eine Sitzung des Kreistags wählen" in missing.text

    need = re.search(r'href="/trace/needs/(\d+)"', page)
    assert need is not None
    back = reader.get(f"/trace/needs/{need[1]}")
    assert back.status_code == 200 and f'href="/recommendations/{rec_id}"' in back.text
    draft = reader.get(f"{path}/beschlussvorlage")
    assert draft.status_code == 200 and "<h1>Beschlussvorlage</h1>" in draft.text

    unknown = reader.get("/recommendations/9999")
    assert unknown.status_code == 404 and "Empfehlung 9999 gibt es nicht" in unknown.text
    assert reader.get("/trace/needs/9999").status_code == 404
