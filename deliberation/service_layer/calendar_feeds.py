"""Calendars to subscribe to: a body's public meetings, and one person's invitations.

A body's feed is public and lists only meetings held in public; the Kreisausschuss's
closed sessions and every other non-public meeting stay out. A person's feed sits
behind a signed link and lists every meeting they are invited to. Both carry the
meeting's own UID, the same as in its invitation mails, and its SEQUENCE, so a
calendar that has the invitation and the subscription shows one entry. Proposed
dates are left out until staff confirm them; cancelled meetings stay in, marked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from deliberation.domain.calendar_feed import CalendarFeed, FeedEvent
from deliberation.domain.errors import LinkInvalid, NotFound
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Meeting
from deliberation.service_layer.meetings import new_uid
from deliberation.service_layer.messages import holds, read_token
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork
from deliberation.service_layer.public_links import CALENDAR

#: How far back a feed reaches: calendars keep what they once showed anyway.
HISTORY = timedelta(days=365)
SHOWN = (MeetingStatus.PLANNED.value, MeetingStatus.CANCELLED.value)
#: meetings a body's public page lists (the feed has them all)
UPCOMING = 5


@dataclass(frozen=True)
class PublicMeeting:
    title: str
    starts_at: datetime
    location: str
    cancelled: bool


@dataclass(frozen=True)
class PublicBody:
    key: str
    name: str
    #: the body meets in public; a closed body (the Kreisausschuss) lists no meetings
    public: bool
    upcoming: tuple[PublicMeeting, ...]


def public_bodies(deps: Dependencies) -> tuple[PublicBody, ...]:
    """Every body with its next public meetings, for the page that offers the feeds."""
    now = deps.clock()
    with deps.unit_of_work() as uow:
        found = []
        for body in uow.reference.bodies():
            meetings = uow.meetings.meetings(body.key, starts_from=now) if body.public else []
            shown = [m for m in meetings if m.public and m.status in SHOWN][:UPCOMING]
            upcoming = tuple(
                PublicMeeting(m.title, m.starts_at, m.location, m.status == MeetingStatus.CANCELLED)
                for m in shown
            )
            found.append(PublicBody(body.key, body.name, body.public, upcoming))
        return tuple(found)


def body_feed(deps: Dependencies, mailing: Mailing, body_key: str) -> CalendarFeed:
    """The public meetings of the body ``body_key``; ``NotFound`` for an unknown body."""
    with deps.unit_of_work() as uow:
        body = uow.reference.body(body_key)
        if body is None:
            raise NotFound(f'Das Gremium "{body_key}" gibt es nicht.')
        found = uow.meetings.meetings(body.key, starts_from=deps.clock() - HISTORY)
        shown = [m for m in found if m.public and m.status in SHOWN]
        events = _events(deps, uow, mailing, shown)
        uow.commit()  # UIDs given to meetings that had none yet
        return CalendarFeed(
            f"{body.name} ({deps.county_name})", events, deps.clock(), deps.timezone
        )


def person_feed(deps: Dependencies, mailing: Mailing, token: str) -> CalendarFeed:
    """The meetings ``token``'s person is invited to; ``LinkInvalid`` if it was altered or
    the address changed since, or if the person withdrew their consent."""
    payload = mailing.links.read(CALENDAR, token, None)  # subscriptions run for years
    [person_id], digest = read_token(payload, 1)
    with deps.unit_of_work() as uow:
        person = uow.participants.participant_by_id(person_id)
        if person is None or not holds(person, digest) or person.consent_withdrawn_at:
            raise LinkInvalid("Zu diesem Link gibt es keinen Kalender (mehr).")
        ids = {i.meeting_id for i in uow.meetings.invitations(participant_id=person_id)}
        starts_from = deps.clock() - HISTORY
        meetings = [
            m
            for m in (uow.meetings.meeting(i) for i in sorted(ids))
            if m is not None and m.status in SHOWN and m.starts_at >= starts_from
        ]
        meetings.sort(key=lambda m: (m.starts_at, m.id or 0))
        events = _events(deps, uow, mailing, meetings)
        uow.commit()
        return CalendarFeed(
            f"{deps.organiser}: Ihre Termine".strip(": "), events, deps.clock(), deps.timezone
        )


def _events(
    deps: Dependencies, uow: UnitOfWork, mailing: Mailing, meetings: Iterable[Meeting]
) -> tuple[FeedEvent, ...]:
    domain = mailing.sender.rpartition("@")[2]
    return tuple(
        FeedEvent(
            uid=m.uid or uow.meetings.claim_meeting_uid(m.id or 0, new_uid(domain)),
            sequence=m.sequence,
            title=m.title,
            starts_at=m.starts_at,
            ends_at=m.starts_at + timedelta(minutes=m.duration_minutes),
            location=m.location,
            cancelled=m.status == MeetingStatus.CANCELLED,
            description=f"{deps.organiser}, {deps.county_name}".strip(", "),
        )
        for m in meetings
    )
