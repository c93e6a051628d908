"""A planned meeting that is over is listed as held, not as still planned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.scheduling import meeting_status_title

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_a_planned_meeting_is_planned_until_it_ends_then_held() -> None:
    assert meeting_status_title(MeetingStatus.PLANNED, NOW + timedelta(minutes=1), NOW) == "geplant"
    assert meeting_status_title(MeetingStatus.PLANNED, NOW, NOW) == "stattgefunden"


def test_proposed_and_cancelled_meetings_keep_their_state_when_past() -> None:
    past = NOW - timedelta(days=30)
    assert meeting_status_title(MeetingStatus.PROPOSED, past, NOW) == "vorgeschlagen"
    assert meeting_status_title(MeetingStatus.CANCELLED, past, NOW) == "abgesagt"
