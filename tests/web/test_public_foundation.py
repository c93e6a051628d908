"""The public side's foundation over real HTTP: language, error pages, link pages, form guards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import Depends, Request
from fastapi.responses import PlainTextResponse
from live_server import PASSWORDS, Site, StaffClient, serving
from pydantic import Field

from deliberation.bootstrap import Application
from deliberation.domain.clock import Clock
from deliberation.entrypoints.web import create_app
from deliberation.entrypoints.web.forms import PageForm
from deliberation.entrypoints.web.public.protection import PublicForm, RateLimited, validate
from deliberation.entrypoints.web.security import CONTENT_SECURITY_POLICY
from deliberation.service_layer import consent, participants
from deliberation.service_layer.messages import CONFIRM, RSVP, fingerprint

SAMIRA = "samira.nasser@example.org"


@pytest.fixture
def people(app: Application) -> None:
    rows = [
        (
            2,
            {
                "name": "Samira Nasser",
                "email": SAMIRA,
                "municipality": "Hohenhameln",
                "roles": "Verein",
                "bodies": "",
                "language": "ar",
            },
        )
    ]
    participants.import_participants(app.deps, rows)
    consent.request_confirmations(app.deps, app.mailing())


def _confirm_path(app: Application) -> str:
    with app.deps.unit_of_work() as uow:
        person = uow.participants.participant(SAMIRA)
        assert person is not None and person.id is not None
        payload: list[int | str] = [person.id, fingerprint(SAMIRA)]
    return "/confirm/" + app.mailing().links.url(CONFIRM, payload).rpartition("/")[2]


def _confirmed(app: Application) -> bool:
    return participants.export(app.deps, SAMIRA)["consent_confirmed_at"] is not None


@pytest.mark.parametrize(
    ("header", "lang", "direction", "title"),
    [
        ("", "de", "ltr", "Seite nicht gefunden"),
        ("en-GB,en;q=0.9", "en", "ltr", "Page not found"),
        ("tr-TR, de;q=0.5", "tr", "ltr", "Sayfa bulunamadı"),
        ("fr-FR, ar;q=0.8, de;q=0.7", "ar", "rtl", "الصفحة غير موجودة"),
        ("uk;q=0.9, tr;q=0.4", "uk", "ltr", "Сторінку не знайдено"),
        ("fr, es", "de", "ltr", "Seite nicht gefunden"),
    ],
)
def test_a_404_speaks_the_browsers_language_on_the_public_look(
    visitor: httpx.Client, header: str, lang: str, direction: str, title: str
) -> None:
    response = visitor.get("/public/gibt-es-nicht", headers={"accept-language": header})
    assert response.status_code == 404
    assert f'<html lang="{lang}" dir="{direction}">' in response.text
    assert title in response.text and response.headers["content-language"] == lang
    assert 'aria-label="' in response.text and 'hreflang="ar"' in response.text  # switcher
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_the_switcher_keeps_the_page_and_its_query_and_the_choice_is_remembered(
    visitor: httpx.Client,
) -> None:
    page = visitor.get("/public/?x=1", headers={"accept-language": "tr"}).text
    assert 'href="/public/?x=1&amp;lang=uk"' in page and 'lang="uk"' in page
    assert 'aria-current="true">Türkçe' in page
    chosen = visitor.get("/public/?x=1&lang=uk", headers={"accept-language": "tr"})
    assert '<html lang="uk"' in chosen.text and "Участь" in chosen.text
    assert chosen.cookies.get("deliberation_lang") == "uk"
    later = visitor.get("/gibt-es-nicht", headers={"accept-language": "tr"})  # cookie kept
    assert '<html lang="uk"' in later.text and "Сторінку не знайдено" in later.text
    unknown = visitor.get("/public/?lang=xx", headers={"accept-language": "en"})
    assert '<html lang="uk"' in unknown.text  # an unknown choice changes nothing


def test_a_wrong_method_and_a_500_are_in_the_visitors_language_without_traceback(
    site: Site, visitor: httpx.Client
) -> None:
    wrong = visitor.put("/public/", headers={"accept-language": "ar"})
    assert wrong.status_code == 405 and "لا يقبل هذا العنوان" in wrong.text

    def broken() -> None:
        raise RuntimeError("geheimes Detail")

    site.asgi.add_api_route("/public/broken", broken)
    failed = visitor.get("/public/broken", headers={"accept-language": "uk"})
    assert failed.status_code == 500
    assert '<html lang="uk" dir="ltr">' in failed.text and "Внутрішня помилка" in failed.text
    assert "Номер помилки" in failed.text and 'class="reference">' in failed.text
    assert "geheimes Detail" not in failed.text and "Traceback" not in failed.text
    assert failed.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_staff_still_get_german_error_pages_whatever_their_browser_says(
    staff: StaffClient,
) -> None:
    client = staff("referat")
    response = client.get("/gibt-es-nicht", headers={"accept-language": "en"})
    assert response.status_code == 404 and "Seite nicht gefunden" in response.text
    assert "Abmelden" in response.text  # the staff look


def test_a_tampered_link_is_a_page_in_the_visitors_language(visitor: httpx.Client) -> None:
    for path in ("/confirm/abc.def", "/unsubscribe/x", f"/{RSVP}/WzEsImZmIl0.abc.def"):
        response = visitor.get(path, headers={"accept-language": "tr"})
        assert response.status_code == 400, path
        assert "Geçersiz bağlantı" in response.text and "Bu bağlantı geçersiz" in response.text
        assert "Traceback" not in response.text


def test_an_expired_link_says_so_in_the_visitors_language(
    app: Application, clock: Clock, people: None, visitor: httpx.Client
) -> None:
    path = _confirm_path(app)
    clock.advance(timedelta(days=8))  # confirm_valid_days = 7
    response = visitor.get(path, headers={"accept-language": "en"})
    assert response.status_code == 400
    assert "This link has expired" in response.text and '<html lang="en"' in response.text


def test_link_pages_have_the_public_look_the_persons_language_and_can_switch(
    app: Application, people: None, visitor: httpx.Client
) -> None:
    path = _confirm_path(app)
    own = visitor.get(path, headers={"accept-language": "de"})  # Samira's language: Arabic
    assert '<html lang="ar" dir="rtl">' in own.text and "Samira Nasser" in own.text
    assert 'name="leave_empty"' in own.text and 'hreflang="uk"' in own.text
    switched = visitor.get(path + "?lang=en")
    assert '<html lang="en" dir="ltr">' in switched.text and "Yes, I agree" in switched.text
    done = visitor.post(path, data={"leave_empty": ""})
    assert done.status_code == 200 and "Thank you" in done.text and _confirmed(app)


def test_a_filled_honeypot_is_refused_and_changes_nothing(
    app: Application, people: None, visitor: httpx.Client
) -> None:
    path = _confirm_path(app)
    response = visitor.post(
        path, data={"leave_empty": "http://spam.example"}, headers={"accept-language": "ar"}
    )
    assert response.status_code == 400 and "يُرجى ترك هذا الحقل فارغًا" in response.text
    assert not _confirmed(app)


def test_a_form_over_the_size_limit_is_refused_also_without_a_length(
    app: Application, people: None, visitor: httpx.Client
) -> None:
    path = _confirm_path(app)
    big = "x=" + "a" * 40_000
    declared = visitor.post(
        path,
        content=big,
        headers={"content-type": "application/x-www-form-urlencoded", "accept-language": "en"},
    )
    assert declared.status_code == 413 and "too large" in declared.text

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"a" * 1000

    streamed = visitor.post(
        path,
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded", "accept-language": "uk"},
    )
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413 and "Форма завелика" in streamed.text
    assert not _confirmed(app)
    other = visitor.post(path, content=b'{"a": 1}', headers={"content-type": "application/json"})
    assert other.status_code == 400 and not _confirmed(app)


class _NoteForm(PageForm):
    note: str = Field(min_length=1, max_length=40, title="Notiz")


def _add_note_form(site: Site) -> None:
    def note(request: Request, form: PublicForm) -> PlainTextResponse:
        data, errors = validate(_NoteForm, form, request.headers.get("accept-language", "de"))
        if data is None:
            return PlainTextResponse(repr(errors.summary()), status_code=400)
        return PlainTextResponse("ok:" + data.note)

    site.asgi.add_api_route(
        "/public/note", note, methods=["POST"], dependencies=[Depends(RateLimited("note"))]
    )


def test_html_in_a_field_is_refused_with_a_clear_message_plain_text_is_taken(
    site: Site, visitor: httpx.Client
) -> None:
    _add_note_form(site)
    refused = visitor.post(
        "/public/note", data={"note": "<b>fett</b>"}, headers={"accept-language": "en"}
    )
    assert refused.status_code == 400 and "without HTML" in refused.text
    for harmless in ("3 < 4 und 5 > 2", "a<3", "<= 5"):
        assert visitor.post("/public/note", data={"note": harmless}).text == "ok:" + harmless
    too_long = visitor.post(
        "/public/note", data={"note": "x" * 41}, headers={"accept-language": "tr"}
    )
    assert too_long.status_code == 400 and "En fazla 40 karakter" in too_long.text


def test_the_rate_limit_counts_per_address_in_the_database_across_two_servers(
    app: Application, site: Site, visitor: httpx.Client, clock: Clock
) -> None:
    """Two apps (as two uvicorn workers) on one database share the count."""
    _add_note_form(site)
    second = create_app(app, PASSWORDS)
    _add_note_form(Site("", app, second))
    limit = app.settings.public.posts_per_window
    with serving(second) as other_url, httpx.Client(base_url=other_url, timeout=30) as other:
        statuses = [
            (visitor if n % 2 else other).post("/public/note", data={"note": "hallo"}).status_code
            for n in range(limit + 2)
        ]
        assert statuses == [200] * limit + [429, 429]
        refused = other.post(
            "/public/note", data={"note": "hallo"}, headers={"accept-language": "ar"}
        )
        assert refused.status_code == 429 and "يُرجى الانتظار" in refused.text
        clock.advance(timedelta(minutes=app.settings.public.window_minutes))
        assert other.post("/public/note", data={"note": "hallo"}).status_code == 200
