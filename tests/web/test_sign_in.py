"""Logging in and out, lock-out, sessions that end, cookies, role refusals (real HTTP)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
from live_server import PASSWORD, PASSWORDS, Site, StaffClient, csrf_of, serving, sign_in

from deliberation.bootstrap import Application
from deliberation.domain.clock import Clock
from deliberation.entrypoints.web import create_app
from deliberation.service_layer import accounts


def test_the_start_page_without_a_session_leads_to_the_login_form(visitor: httpx.Client) -> None:
    response = visitor.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"
    page = visitor.get("/login").text
    assert '<html lang="de"' in page
    assert 'name="username"' in page and 'name="password"' in page
    assert '<label class="label" for="username">Anmeldename</label>' in page
    assert 'href="#main"' in page and page.count("<main") == 1


def test_a_wrong_password_is_refused_at_its_field_and_keeps_the_name(
    site: Site, visitor: httpx.Client
) -> None:
    site.add_account("m.mueller", "referat")
    response = sign_in(visitor, "M.Mueller", "falsch-geraten")
    assert response.status_code == 400
    page = response.text
    assert "Anmeldename oder Passwort ist falsch." in page
    assert '<a href="#password">' in page  # the error summary links to the field
    assert 'value="M.Mueller"' in page
    assert "falsch-geraten" not in page  # a password is never sent back

    response = sign_in(visitor, "m.mueller", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "Guten Tag, m.mueller" in visitor.get("/").text


def test_repeated_failures_lock_the_account_for_every_worker(
    app: Application, site: Site, clock: Clock
) -> None:
    site.add_account("m.mueller", "referat")
    # A second app on the same database stands for a second uvicorn worker.
    with serving(create_app(app, PASSWORDS)) as other_worker:
        urls = [site.url, other_worker]
        for attempt in range(5):
            with httpx.Client(base_url=urls[attempt % 2]) as client:
                assert sign_in(client, "m.mueller", "falsch").status_code == 400
    with site.client() as client:
        response = sign_in(client, "m.mueller", PASSWORD)
        assert response.status_code == 400
        assert "vorübergehend gesperrt" in response.text
        clock.advance(timedelta(minutes=16))
        assert sign_in(client, "m.mueller", PASSWORD).status_code == 303


def test_a_form_without_the_sessions_token_is_refused(site: Site, visitor: httpx.Client) -> None:
    site.add_account("m.mueller", "referat")
    visitor.get("/login")
    response = visitor.post("/login", data={"username": "m.mueller", "password": PASSWORD})
    assert response.status_code == 403
    assert "Formular abgelehnt" in response.text
    response = visitor.post(
        "/login", data={"username": "m.mueller", "password": PASSWORD, "csrf_token": "erfunden"}
    )
    assert response.status_code == 403
    # Another visitor's token does not fit this session either.
    with site.client() as other:
        foreign = csrf_of(other.get("/login").text)
    response = visitor.post(
        "/login", data={"username": "m.mueller", "password": PASSWORD, "csrf_token": foreign}
    )
    assert response.status_code == 403
    assert visitor.get("/").status_code == 303  # not signed in


def test_logging_out_ends_the_session_even_for_a_copied_cookie(
    staff: StaffClient, site: Site
) -> None:
    client = staff("referat")
    copied = dict(client.cookies)
    page = client.get("/").text
    response = client.post("/logout", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert client.get("/").status_code == 303
    with httpx.Client(base_url=site.url, cookies=copied) as replay:
        assert replay.get("/").status_code == 303


def test_a_changed_password_or_a_disabled_account_ends_open_sessions(
    staff: StaffClient, site: Site
) -> None:
    first, second = staff("referat", "a.alt"), staff("referat", "b.berg")
    assert first.get("/").status_code == 200
    accounts.set_password(site.app.deps, site.passwords, "a.alt", "ganz-neues-passwort")
    assert first.get("/").status_code == 303
    accounts.disable(site.app.deps, "b.berg")
    assert second.get("/").status_code == 303
    with site.client() as client:
        response = sign_in(client, "b.berg", PASSWORD)
        assert response.status_code == 400 and "gesperrt" in response.text


def test_a_session_expires_after_the_configured_hours(staff: StaffClient, clock: Clock) -> None:
    client = staff("referat")
    clock.advance(timedelta(hours=7, minutes=59))
    assert client.get("/").status_code == 200
    clock.advance(timedelta(minutes=2))
    assert client.get("/").status_code == 303


def test_the_session_cookie_is_httponly_lax_and_secure_under_https(
    app: Application, site: Site, visitor: httpx.Client
) -> None:
    cookie = visitor.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    https = replace(app.settings, web=replace(app.settings.web, base_url="https://b.example.de"))
    with serving(create_app(replace(app, settings=https), PASSWORDS)) as url:
        cookie = httpx.get(url + "/login").headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie


def test_after_login_only_paths_of_this_site_are_followed(
    site: Site, visitor: httpx.Client
) -> None:
    site.add_account("m.mueller", "referat")
    page = visitor.get("/login?next=//evil.example/").text
    assert 'name="next" value="/"' in page
    token = csrf_of(page)
    data = {"username": "m.mueller", "password": PASSWORD, "csrf_token": token}
    response = visitor.post("/login", data={**data, "next": "https://evil.example/"})
    assert response.headers["location"] == "/"


def test_a_page_for_another_role_is_a_german_refusal_naming_who_may(staff: StaffClient) -> None:
    client = staff("referat")
    response = client.get("/accounts")
    assert response.status_code == 403
    assert "Zugänge verwalten darf nur, wer die Rolle „Verwaltung der Zugänge“" in response.text
    assert "Sie sind mit der Rolle „Referat“ angemeldet." in response.text
    admin = staff("admin")
    page = admin.get("/accounts")
    assert page.status_code == 200 and "test-referat" in page.text


def test_an_admin_disables_an_account_and_its_session_ends(staff: StaffClient) -> None:
    referat, admin = staff("referat"), staff("admin")
    page = admin.get("/accounts").text
    response = admin.post("/accounts/test-referat/disable", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert "ist gesperrt" in admin.get(response.headers["location"]).text
    assert referat.get("/").status_code == 303
