"""Signed links: bound to their purpose, expiring on the application's clock, secret kept."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deliberation.adapters.links import SignedLinks, secret_from
from deliberation.domain.clock import Clock as DomainClock
from deliberation.domain.errors import LinkInvalid


def Clock() -> DomainClock:
    return DomainClock.standing_at(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))


def test_a_link_carries_its_payload_for_its_purpose_only() -> None:
    links = SignedLinks("https://beteiligung.example.de/", lambda: "s" * 32, Clock())

    url = links.url("confirm", [7, "a@example.org"])
    token = url.removeprefix("https://beteiligung.example.de/confirm/")

    assert token != url and "/" not in token
    assert links.read("confirm", token, timedelta(days=1)) == [7, "a@example.org"]
    with pytest.raises(LinkInvalid, match="ungültig"):
        links.read("unsubscribe", token, None)
    with pytest.raises(LinkInvalid, match="ungültig"):
        SignedLinks("https://x", lambda: "t" * 32, Clock()).read("confirm", token, None)


def test_a_link_expires_by_the_clock_and_none_means_never() -> None:
    clock = Clock()
    links = SignedLinks("https://x", lambda: "s" * 32, clock)
    token = links.url("confirm", [1, "a@example.org"]).rpartition("/")[2]

    clock.now += timedelta(days=7)
    assert links.read("confirm", token, timedelta(days=7)) == [1, "a@example.org"]
    clock.now += timedelta(seconds=2)
    with pytest.raises(LinkInvalid, match="abgelaufen"):
        links.read("confirm", token, timedelta(days=7))
    assert links.read("confirm", token, None) == [1, "a@example.org"]


def test_the_secret_file_is_created_once_readable_only_by_its_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_LINK_SECRET", raising=False)
    file = tmp_path / "data" / "link-secret"

    first = secret_from("TEST_LINK_SECRET", file)()

    assert len(first) >= 32
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert secret_from("TEST_LINK_SECRET", file)() == first
    monkeypatch.setenv("TEST_LINK_SECRET", "from-the-environment-1234")
    assert secret_from("TEST_LINK_SECRET", file)() == "from-the-environment-1234"
