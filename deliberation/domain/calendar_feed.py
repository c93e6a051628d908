"""A calendar to subscribe to (RFC 5545): the meetings of a body, or a person's invitations.

Calendar programs poll the feed and match its events by UID: each meeting keeps
the UID of its invitation mails for its whole life, SEQUENCE grows with every
change of time or place, and a cancelled meeting stays in the feed marked as
cancelled, so a subscriber's entry is updated or struck out instead of doubled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    cancelled: bool
    description: str = ""


@dataclass(frozen=True)
class CalendarFeed:
    #: what calendar programs show as the subscription's name (X-WR-CALNAME)
    name: str
    events: tuple[FeedEvent, ...]
    #: when the feed was produced (every event's DTSTAMP)
    stamp: datetime
    timezone: str = "Europe/Berlin"
