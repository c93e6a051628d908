"""``demo --serve --port N``: the demo links to where it serves; the configuration stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from domain_builders import ROOT

from deliberation.config import load_settings
from deliberation.entrypoints.cli.commands import demo_settings
from deliberation.entrypoints.web.serving import served_address


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8123"),
        ("demo.example.org", "http://demo.example.org:8123"),
        ("0.0.0.0", "http://localhost:8123"),  # every interface: this machine's browser
        ("::", "http://localhost:8123"),
        ("::1", "http://[::1]:8123"),
    ],
)
def test_the_served_address_is_what_a_browser_opens(host: str, expected: str) -> None:
    assert served_address(host, 8123) == expected


def test_a_served_demo_links_to_its_address_and_keeps_its_secrets_beside_its_data() -> None:
    configured = load_settings(ROOT / "config.toml")
    folder = Path("demo-data")

    served = demo_settings(configured, folder, "http://127.0.0.1:8123")

    assert served.invitations.base_url == "http://127.0.0.1:8123"  # links in its mails
    assert served.web.base_url == "http://127.0.0.1:8123"  # public links, OParl ids
    assert served.invitations.secret_file == folder / "link-secret"
    assert served.web.secret_file == folder / "web-secret"
    assert configured.web.base_url == "http://localhost:8000"  # the configuration is unchanged


def test_a_demo_that_does_not_serve_keeps_the_configured_addresses() -> None:
    configured = load_settings(ROOT / "config.toml")

    kept = demo_settings(configured, Path("demo-data"), None)

    assert kept.invitations.base_url == configured.invitations.base_url
    assert kept.web.base_url == configured.web.base_url
    assert kept.invitations.secret_file == Path("demo-data") / "link-secret"
