"""Who is invited to a meeting, what they answered, and who gets a seat.

An ``Invitation`` ties one participant to one meeting. Answers come through
signed links (yes, no, maybe). A meeting with a capacity seats "yes" answers
in the order they came; later ones wait, and the first one waiting moves up
when a seated person withdraws their "yes".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from deliberation.domain.participants import Participant


class Response(StrEnum):
    PENDING = "pending"
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


RESPONSE_TITLES = {
    Response.PENDING: "keine Antwort",
    Response.YES: "Zusage",
    Response.NO: "Absage",
    Response.MAYBE: "vielleicht",
}


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"  # generated from a cadence rule, not yet confirmed by staff
    PLANNED = "planned"  # confirmed, or scheduled by staff
    CANCELLED = "cancelled"


class Invitation:
    """One participant invited to one meeting, with their answer."""

    id: int | None

    def __init__(self, meeting_id: int, participant_id: int, invited_at: datetime) -> None:
        self.id = None
        self.meeting_id = meeting_id
        self.participant_id = participant_id
        self.invited_at = invited_at
        self.response = str(Response.PENDING)
        self.waitlisted = False
        self.responded_at: datetime | None = None

    @property
    def seated(self) -> bool:
        return self.response == Response.YES and not self.waitlisted


@dataclass(frozen=True)
class Audience:
    """Who a meeting is for; an empty set means "any" (all of them empty: everyone)."""

    bodies: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    municipalities: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()

    def includes(self, person: Participant) -> bool:
        return (
            (not self.bodies or bool(self.bodies & person.body_keys))
            and (not self.roles or bool(self.roles & person.roles))
            and (not self.municipalities or person.municipality_key in self.municipalities)
            and (not self.languages or person.language in self.languages)
        )


def answer(
    invitation: Invitation,
    response: Response,
    others: Sequence[Invitation],
    capacity: int | None,
    now: datetime,
) -> Invitation | None:
    """Record ``response``; returns the invitation that moved up from the waiting list, if any.

    ``others`` are the meeting's other invitations. A "yes" takes a seat if one
    is free, otherwise it waits; when a seated "yes" becomes "no" or "maybe",
    the longest-waiting "yes" takes the seat.
    """
    was_seated = invitation.seated
    invitation.responded_at = now
    if response == Response.YES and invitation.response == Response.YES:
        return None  # answering "yes" again keeps one's seat or place in the queue
    invitation.response = str(response)
    invitation.waitlisted = False
    if response == Response.YES:
        seated = sum(1 for other in others if other.seated)
        invitation.waitlisted = capacity is not None and seated >= capacity
        return None
    if was_seated:
        return _promote(others)
    return None


def _promote(others: Iterable[Invitation]) -> Invitation | None:
    waiting = [o for o in others if o.response == Response.YES and o.waitlisted]
    if not waiting:
        return None
    first = min(waiting, key=lambda o: (o.responded_at or o.invited_at, o.id or 0))
    first.waitlisted = False
    return first


def waiting_position(invitation: Invitation, others: Iterable[Invitation]) -> int:
    """1 for the first one waiting, and so on; 0 if ``invitation`` is not waiting."""
    if not invitation.waitlisted:
        return 0
    mine = (invitation.responded_at or invitation.invited_at, invitation.id or 0)
    ahead = [
        o for o in others if o.waitlisted and (o.responded_at or o.invited_at, o.id or 0) < mine
    ]
    return len(ahead) + 1


@dataclass(frozen=True)
class CalendarEntry:
    """One meeting as one attendee's calendar sees it (RFC 5545/5546).

    ``method`` is REQUEST (invitation or change) or CANCEL; ``uid`` stays the
    same for the meeting's whole life and ``sequence`` grows with every change
    of time or place, so calendars update the entry instead of adding one.
    """

    method: str
    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    organiser_name: str
    organiser_email: str
    attendee_name: str
    attendee_email: str
    stamp: datetime
    timezone: str = "Europe/Berlin"
