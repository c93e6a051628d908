"""Addresses of the public pages that mails point to (no account, no token needed)."""

from __future__ import annotations

from deliberation.domain.model import Cycle
from deliberation.domain.participants import Participant
from deliberation.service_layer.messages import person_token
from deliberation.service_layer.ports import Links, Mailing

#: "What became of our needs": ``<base>/public/feedback/<round>/<municipality key>``
FEEDBACK_PATH = "/public/feedback"
#: The bodies and their public meetings, with the calendars to subscribe to
BODIES_PATH = "/public/bodies"
#: The purpose (salt) of personal calendar links: ``<base>/calendar/<token>/invitations.ics``
CALENDAR = "calendar"


def personal_feed_url(mailing: Mailing, person: Participant) -> str:
    """The person's signed link to the calendar of their invitations."""
    return f"{mailing.links.url(CALENDAR, person_token(person))}/invitations.ics"


def feedback_url(links: Links, round_label: str = "", municipality_key: str = "") -> str:
    """The trace page of a round in a municipality; the overview of all without them."""
    path = FEEDBACK_PATH
    if round_label and municipality_key:
        path = f"{FEEDBACK_PATH}/{round_label}/{municipality_key}"
    return f"{links.base_url}{path}"


def invitation_feedback_url(links: Links, cycle: Cycle | None, person: Participant) -> str:
    """What an invitation to a meeting of ``cycle`` links to beside its Rückspiegelung: the
    trace of the round the reports come from, in the cycle's municipality (else the
    person's); "" when the cycle received no Rückspiegelung."""
    if cycle is None or not cycle.round.feedback_reports:
        return ""
    source = max(
        r.recommendation.working_group.conference.round.label for r in cycle.round.feedback_reports
    )
    key = cycle.municipality.key if cycle.municipality else (person.municipality_key or "")
    return feedback_url(links, source, key) if key else feedback_url(links)
