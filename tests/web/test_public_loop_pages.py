"""The loop's public pages over HTTP, on SQLite and PostgreSQL: the vote behind a person's
link (over the budget refused, nothing typed lost), what became of our needs (no personal
data), the bodies with their calendars."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
from feedback_scenario import (
    HIDDEN_EMAIL,
    HIDDEN_NAME,
    NEXT_ROUND,
    OTHER_PEOPLE,
    PROGRESS,
    RESOLUTION,
    SPRACHKURSE,
    closed_loop,
    voting_link,
)
from live_server import Site

from deliberation.service_layer import body_meetings, needs


def _value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def test_a_vote_over_the_budget_is_refused_and_keeps_what_was_typed(
    site: Site, visitor: httpx.Client, walker: Any
) -> None:
    path, (language, lighting), workshop = voting_link(site.app, walker, "de")
    page = visitor.get(path)
    assert page.status_code == 200
    assert SPRACHKURSE in page.text and "5 Punkte" in page.text

    refused = visitor.post(path, data={f"dots-{language}": "4", f"dots-{lighting}": "3"})
    assert refused.status_code == 400
    assert "Sie haben 7 Punkte verteilt, es stehen Ihnen aber nur 5 zur Verfügung" in refused.text
    assert (_value(refused.text, f"dots-{language}"), _value(refused.text, f"dots-{lighting}")) == (
        "4",
        "3",
    )
    assert {n.id: n.online_votes for n in needs.list_needs(site.app.deps, workshop)} == {
        language: 0,
        lighting: 0,
    }

    wrong = visitor.post(path, data={f"dots-{language}": "zwei"})
    assert wrong.status_code == 400 and "ganze Zahl von 0 bis 5" in wrong.text
    assert _value(wrong.text, f"dots-{language}") == "zwei"

    stored = visitor.post(path, data={f"dots-{language}": "3", f"dots-{lighting}": "2"})
    assert stored.status_code == 303
    again = visitor.get(stored.headers["location"])
    assert "Ihre Punkte sind gespeichert" in again.text
    assert _value(again.text, f"dots-{language}") == "3"
    # she changes her mind
    assert visitor.post(path, data={f"dots-{lighting}": "5"}).status_code == 303
    tally = {n.id: n.online_votes for n in needs.list_needs(site.app.deps, workshop)}
    assert tally == {language: 0, lighting: 5}


def test_the_vote_page_speaks_the_persons_language_and_refuses_a_tampered_link(
    site: Site, visitor: httpx.Client, walker: Any
) -> None:
    path, (language, lighting), _workshop = voting_link(site.app, walker, "tr")
    page = visitor.get(path)
    assert '<html lang="tr"' in page.text
    refused = visitor.post(path, data={f"dots-{language}": "9"})
    assert refused.status_code == 400 and '<html lang="tr"' in refused.text
    assert "Lütfen 0 ile 5 arasında bir tam sayı girin." in refused.text
    over = visitor.post(path, data={f"dots-{language}": "3", f"dots-{lighting}": "3"})
    assert over.status_code == 400
    assert "6 puan dağıttınız, ancak yalnızca 5 puanınız var" in over.text
    tampered = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
    # a tampered link names no one: the page follows the browser's language
    bad = visitor.get(tampered, headers={"accept-language": "tr-TR,tr;q=0.9"})
    assert bad.status_code == 400 and '<html lang="tr"' in bad.text
    assert "Traceback" not in bad.text


def test_what_became_of_our_needs_names_nobody(
    site: Site, visitor: httpx.Client, walker: Any, clock: Any
) -> None:
    closed_loop(site.app, walker, clock)
    index = visitor.get("/public/feedback")
    assert index.status_code == 200 and "/public/feedback/2026/stadt-peine" in index.text
    page = visitor.get("/public/feedback/2026/stadt-peine")
    assert page.status_code == 200
    text = page.text
    for shown in (SPRACHKURSE, "AG Sprachkurse", RESOLUTION, PROGRESS, "Fachdienst Soziales"):
        assert shown in text, shown
    assert f"Durchgang {NEXT_ROUND}" in text  # the Rückspiegelung
    assert "nichtöffentliche Sitzung" in text  # the Kreisausschuss's result is withheld
    for hidden in (HIDDEN_NAME, HIDDEN_EMAIL, *OTHER_PEOPLE, "@"):
        assert hidden not in text, hidden
    english = visitor.get("/public/feedback/2026/stadt-peine?lang=en")
    assert "What became of our needs" in english.text and HIDDEN_NAME not in english.text
    assert visitor.get("/public/feedback/1999/stadt-peine").status_code == 404


def test_the_bodies_page_offers_the_public_calendars(site: Site, visitor: httpx.Client) -> None:
    deps = site.app.deps
    when = datetime(2026, 6, 18, 15, 0, tzinfo=UTC)
    body_meetings.add(deps, "kreistag", when, "Kreishaus Peine", "Kreistag Juni", confirmed=True)
    body_meetings.add(deps, "kreisausschuss", when, "Raum 101", "Geheime Runde", confirmed=True)
    page = visitor.get("/public/bodies")
    assert page.status_code == 200
    assert 'href="/calendar/bodies/kreistag.ics"' in page.text and "Kreistag Juni" in page.text
    assert "Geheime Runde" not in page.text
    assert 'href="/calendar/bodies/kreisausschuss.ics"' not in page.text


def test_staff_see_on_site_and_online_dots_apart_and_ranked_by_both(
    site: Site, visitor: httpx.Client, staff: Any, walker: Any
) -> None:
    path, (language, lighting), workshop = voting_link(site.app, walker, "de")
    assert visitor.post(path, data={f"dots-{lighting}": "5"}).status_code == 303
    needs.vote(site.app.deps, language, 2)  # counted on the board
    page = staff("referat").get(f"/cycles/{workshop}/needs").text
    ranked = page[page.index('id="ranked"') :]
    assert "Punkte vor Ort" in ranked and "Punkte online" in ranked
    # the lighting has 5 online dots and ranks before the courses with 2 on site
    assert ranked.index("Beleuchtung am Bahnhof") < ranked.index(SPRACHKURSE)
    row = ranked[ranked.index("Beleuchtung am Bahnhof") :].split("</tr>")[0]
    assert re.findall(r'<td class="number">(\d+)</td>', row) == ["0", "5", "5"]
