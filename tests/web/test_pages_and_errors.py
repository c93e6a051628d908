"""Every response: German error pages, security headers, static files, a slow client."""

from __future__ import annotations

import logging
import socket
from importlib import resources

import httpx
import pytest
from live_server import Site, StaffClient

from deliberation.entrypoints.web.security import CONTENT_SECURITY_POLICY


def _headers_are_safe(response: httpx.Response) -> None:
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "server" not in response.headers


def test_an_unknown_address_is_a_german_404_page_with_safe_headers(
    visitor: httpx.Client, staff: StaffClient
) -> None:
    response = visitor.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text and '<html lang="de"' in response.text
    _headers_are_safe(response)
    signed_in = staff("referat").get("/admin")
    assert signed_in.status_code == 404 and "Seite nicht gefunden" in signed_in.text


def test_a_wrong_method_is_a_german_page(visitor: httpx.Client) -> None:
    response = visitor.put("/login")
    assert response.status_code == 405 and "nimmt so keine Anfrage an" in response.text


def test_an_unexpected_error_is_a_german_500_page_with_a_reference_and_no_traceback(
    site: Site, visitor: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("geheimes Detail aus der Datenbank")

    site.asgi.add_api_route("/kaputt", broken)
    with caplog.at_level(logging.ERROR, logger="deliberation.web"):
        response = visitor.get("/kaputt")
    assert response.status_code == 500
    assert "Interner Fehler" in response.text
    assert "geheimes Detail" not in response.text and "Traceback" not in response.text
    reference = response.text.split('class="reference">')[1].split("<")[0]
    assert len(reference) == 9
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert record.exc_info is not None and "geheimes Detail" in str(record.exc_info[1])
    _headers_are_safe(response)


def test_static_files_come_from_the_installed_package(visitor: httpx.Client) -> None:
    package = resources.files("deliberation.entrypoints.web") / "static"
    assert (package / "htmx.min.js").is_file() and (package / "style.css").is_file()
    response = visitor.get("/static/htmx.min.js")
    assert response.status_code == 200 and response.text.startswith("var htmx=")
    _headers_are_safe(response)
    assert "no-store" not in response.headers.get("cache-control", "")
    css = visitor.get("/static/style.css")
    assert css.status_code == 200 and ":focus" in css.text


def test_pages_load_no_inline_script_and_no_inline_style(visitor: httpx.Client) -> None:
    page = visitor.get("/login").text
    assert '<script src="/static/htmx.min.js" defer></script>' in page
    assert "<script>" not in page and "style=" not in page and "<style" not in page


def test_one_idle_connection_does_not_block_other_clients(site: Site) -> None:
    port = int(site.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as idle:
        idle.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n")  # never finishes its request
        response = httpx.get(site.url + "/login", timeout=10)
        assert response.status_code == 200
