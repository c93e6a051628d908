"""A line break in a title or name never reaches a mail header, and the mail stays whole."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest

from deliberation.domain.outbox import MailContent, compose, compose_for_each, compose_mail

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
SENDER = "Referat <migration@landkreis-peine.de>"
SUBJECTS = ["Einladung: Sitzung\rNacht", "Einladung: Sitzung\nBcc: alle@example.org", "Ä\r\nÖ\x00"]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_every_composer_keeps_the_subject_on_one_line(subject: str) -> None:
    messages = [
        compose(SENDER, "a@example.org", subject, "Hallo", NOW),
        compose_mail(SENDER, "a@example.org", MailContent(subject=subject, text="Hallo"), NOW),
        *compose_for_each(SENDER, ["a@example.org"], subject, "Hallo", NOW),
    ]
    for message in messages:
        parsed = message_from_bytes(message.body, policy=default)
        assert "\r" not in str(parsed["Subject"]) and "\n" not in str(parsed["Subject"])
        assert parsed["Bcc"] is None
        assert parsed.get_body(("plain",)).get_content().strip() == "Hallo"  # type: ignore[union-attr]
        assert "\n" not in message.subject and "\r" not in message.subject
