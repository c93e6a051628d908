"""Back-off for temporary failures, the composed message, and the [smtp] delivery limits."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from domain_builders import ROOT

from deliberation.config import load_settings
from deliberation.domain.errors import ConfigError
from deliberation.domain.outbox import OutboxStatus, RetryPolicy, compose, compose_for_each
from deliberation.entrypoints.cli.outbox_commands import send_options

CONFIG_TEXT = (ROOT / "config.toml").read_text(encoding="utf-8")


def test_back_off_doubles_from_the_base_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=10, base=timedelta(minutes=1), cap=timedelta(minutes=10))

    delays = [policy.delay(attempt) for attempt in range(1, 7)]

    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 10, 10)]
    assert not policy.gives_up(9) and policy.gives_up(10)


def test_a_composed_message_carries_its_message_id_in_the_sender_domain() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first = compose("referat@landkreis-peine.de", "a@example.org", "Einladung", "Hallo", now)
    second = compose("referat@landkreis-peine.de", "a@example.org", "Einladung", "Hallo", now)

    parsed = email.message_from_bytes(first.body, policy=email.policy.default)

    assert str(parsed["Message-ID"]) == first.message_id
    assert first.message_id.endswith("@landkreis-peine.de>")
    assert first.message_id != second.message_id
    assert (first.status, first.attempts, first.next_attempt_at) == (OutboxStatus.QUEUED, 0, now)


def test_one_text_for_many_recipients_gives_each_a_complete_message_of_their_own() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    sender, subject, text = "referat@landkreis-peine.de", "Einladung – Größe", "Grüße\nan alle\n"
    recipients = ["a@example.org", "b@example.org", "zoë@bücher.example"]

    messages = compose_for_each(sender, recipients, subject, text, now)
    single = email.message_from_bytes(
        compose(sender, "a@example.org", subject, text, now).body, policy=email.policy.default
    )

    assert [m.recipient for m in messages] == recipients
    assert len({m.message_id for m in messages}) == 3
    for message in messages:
        parsed = email.message_from_bytes(message.body, policy=email.policy.default)
        assert parsed.defects == []
        assert str(parsed["Message-ID"]) == message.message_id
        assert parsed["To"].addresses[0].addr_spec == message.recipient
        assert parsed.get_all("To") == [parsed["To"]]
        for header in ("From", "Subject", "Date", "Content-Type"):
            assert str(parsed[header]) == str(single[header]), header
        assert parsed.get_content() == single.get_content()
        assert parsed.get_content().replace("\r\n", "\n") == text
        assert message.body.count(b"\r\n") == message.body.count(b"\n")


def test_a_slow_relay_gets_claims_small_enough_to_go_out_within_the_claim_timeout() -> None:
    smtp = load_settings(ROOT / "config.toml", environ={}).smtp
    fast = send_options(dataclasses.replace(smtp, rate_per_minute=600, claim_timeout_minutes=15))
    slow = send_options(dataclasses.replace(smtp, rate_per_minute=2, claim_timeout_minutes=15))
    slowest = send_options(dataclasses.replace(smtp, rate_per_minute=1, claim_timeout_minutes=1))

    assert fast.batch_size == 100
    # Two batches may be claimed at once (one being sent, one ahead); at 2 messages a minute
    # both are out within half of the 15-minute claim timeout.
    assert slow.batch_size == 7
    minutes_for_two_batches = 2 * slow.batch_size / 2
    assert minutes_for_two_batches <= 15 / 2
    assert slowest.batch_size == 1
    assert (fast.claim_timeout, fast.take_over) == (timedelta(minutes=15), False)
    assert send_options(smtp, take_over=True).take_over


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(text.replace('workflows = "workflows"', f'workflows = "{ROOT}/workflows"'))
    return load_settings(path, environ={})


def test_the_delivery_limits_default_sensibly() -> None:
    smtp = load_settings(ROOT / "config.toml", environ={}).smtp

    assert (smtp.connections, smtp.rate_per_minute, smtp.max_attempts) == (4, 600, 8)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("connections = 4", "connections = 0", ['"smtp.connections"', "mindestens 1"]),
        ("rate_per_minute = 600", 'rate_per_minute = "viel"', ['"smtp.rate_per_minute"']),
        ("max_attempts = 8", "max_attempts = 1000", ['"smtp.max_attempts"', "höchstens 100"]),
        (
            "retry_max_seconds = 7200",
            "retry_max_seconds = 10",
            ['"smtp.retry_max_seconds"', "kleiner als retry_base_seconds"],
        ),
    ],
)
def test_wrong_delivery_limits_are_refused_naming_the_key(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    assert old in CONFIG_TEXT
    with pytest.raises(ConfigError) as refused:
        _load(tmp_path, CONFIG_TEXT.replace(old, new, 1))

    for fragment in expected:
        assert fragment in str(refused.value)
