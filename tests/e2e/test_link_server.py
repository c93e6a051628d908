"""The pages behind the links in emails, over real HTTP (the web application under uvicorn)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from live_server import PASSWORDS, serving

from deliberation.bootstrap import Application
from deliberation.domain.invitations import Audience
from deliberation.entrypoints.web import create_app
from deliberation.service_layer import consent, meetings, participants
from deliberation.service_layer.messages import CONFIRM, RSVP, UNSUBSCRIBE, fingerprint
from deliberation.service_layer.ports import Mailing

PEOPLE = [
    ("Heike Brandes", "heike.brandes@example.org", "Stadt Peine", "", "Kreistag", ""),
    ("Samira Nasser", "samira.nasser@example.org", "Hohenhameln", "Verein", "", "ar"),
    ("Murat Çelik", "murat.celik@example.org", "Stadt Peine", "Bürger", "", "tr"),
]


@pytest.fixture
def site(app: Application) -> Iterator[tuple[str, Mailing]]:
    rows = [
        (
            line,
            {"name": n, "email": e, "municipality": m, "roles": r, "bodies": b, "language": lang},
        )
        for line, (n, e, m, r, b, lang) in enumerate(PEOPLE, start=2)
    ]
    participants.import_participants(app.deps, rows)
    mailing = app.mailing()
    with serving(create_app(app, PASSWORDS)) as url:
        yield url, mailing


def fetch(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def who(app: Application, address: str) -> list[int | str]:
    """The payload of a person's confirmation and unsubscribe links."""
    with app.deps.unit_of_work() as uow:
        person = uow.participants.participant(address)
        assert person is not None and person.id is not None
        return [person.id, fingerprint(address)]


def path(mailing: Mailing, purpose: str, payload: list[int | str]) -> str:
    return "/" + purpose + "/" + mailing.links.url(purpose, payload).rpartition("/")[2]


def test_confirming_consent_shows_a_button_and_only_the_post_confirms(
    app: Application, site: tuple[str, Mailing]
) -> None:
    base, mailing = site
    consent.request_confirmations(app.deps, mailing)
    link = base + path(mailing, CONFIRM, who(app, "samira.nasser@example.org"))

    status, page = fetch(link)
    assert status == 200
    assert '<html lang="ar" dir="rtl">' in page
    assert "Samira Nasser" in page and 'method="post"' in page
    assert (
        participants.export(app.deps, "samira.nasser@example.org")["consent_confirmed_at"] is None
    )

    status, page = fetch(link, b"")
    assert status == 200 and "شكرًا لكم" in page
    assert participants.export(app.deps, "samira.nasser@example.org")["consent_confirmed_at"]


def test_one_click_unsubscribe_by_post_as_rfc_8058_sends_it(
    app: Application, site: tuple[str, Mailing]
) -> None:
    base, mailing = site
    address = "murat.celik@example.org"
    link = base + path(mailing, UNSUBSCRIBE, who(app, address))

    status, page = fetch(link)
    assert status == 200 and "Abonelikten çık" in page
    assert participants.export(app.deps, address)["consent_withdrawn_at"] is None

    status, page = fetch(link, b"List-Unsubscribe=One-Click")
    assert status == 200 and "Abonelikten çıktınız" in page
    assert participants.export(app.deps, address)["consent_withdrawn_at"]


def test_answering_an_invitation_through_the_page(
    app: Application, site: tuple[str, Mailing]
) -> None:
    base, mailing = site
    plan = meetings.MeetingPlan(
        "Sitzung der Kommission",
        datetime(2026, 5, 7, 16, tzinfo=UTC),
        "Kreishaus Peine",
        capacity=1,
    )
    meeting_id = meetings.schedule(app.deps, plan, "landkreis-peine.de")
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    heike = base + path(
        mailing,
        RSVP,
        [*who(app, "heike.brandes@example.org"), meeting_id],
    )

    status, page = fetch(heike + "?answer=yes")
    assert status == 200
    assert "Donnerstag, 7. Mai 2026, 18:00" in page
    assert 'value="yes" checked' in page
    assert meetings.answers(app.deps, meeting_id).counts["yes"] == 0

    status, page = fetch(heike, b"answer=yes")
    assert status == 200 and "Ja, ich komme" in page
    assert meetings.answers(app.deps, meeting_id).counts["yes"] == 1

    # A second "yes" for the only seat lands on the waiting list, and the page says so.
    consent.request_confirmations(app.deps, mailing)
    samira = "samira.nasser@example.org"
    fetch(base + path(mailing, CONFIRM, who(app, samira)), b"")
    meetings.invite(app.deps, mailing, meeting_id, Audience())
    status, page = fetch(base + path(mailing, RSVP, [*who(app, samira), meeting_id]), b"answer=yes")
    assert status == 200 and "قائمة الانتظار (المركز 1)" in page

    status, page = fetch(heike, b"answer=perhaps")
    assert status == 400


def test_broken_links_and_unknown_pages_get_german_errors(
    app: Application, site: tuple[str, Mailing]
) -> None:
    base, mailing = site
    address = "murat.celik@example.org"
    good = path(mailing, UNSUBSCRIBE, who(app, address))

    status, page = fetch(base + good[:-3] + "abc")
    assert status == 400 and "Der Link ist ungültig" in page
    status, page = fetch(base + "/confirm" + good.removeprefix("/unsubscribe"))
    assert status == 400  # an unsubscribe token does not confirm
    status, page = fetch(base + "/admin")
    assert status == 404 and "Diese Seite gibt es nicht" in page


@pytest.mark.parametrize(
    ("purpose", "payload"),
    [
        (UNSUBSCRIBE, ["1"]),
        (UNSUBSCRIBE, [[1], "abc"]),
        (CONFIRM, [10**30, "abc"]),
        (RSVP, [1, "abc"]),
        (RSVP, [1, 2, 3]),
        (RSVP, [True, "abc", 1]),
    ],
)
def test_a_correctly_signed_link_with_malformed_content_is_a_400_page(
    site: tuple[str, Mailing], purpose: str, payload: list[int | str]
) -> None:
    base, mailing = site
    link = base + path(mailing, purpose, payload)
    for data in (None, b"answer=yes"):
        status, page = fetch(link, data)
        assert status == 400 and "Der Link ist ungültig" in page
