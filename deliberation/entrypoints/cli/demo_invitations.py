"""The demo's participants at work: they confirm their consent and answer invitations.

Where a participant would click a link in an email, the demo signs the same
link and hands its token to the use case the web page (``deliberation web``)
calls: nothing is written around the use cases.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import Response
from deliberation.service_layer import consent, meetings, participants
from deliberation.service_layer.messages import CONFIRM, RSVP, token_payload
from deliberation.service_layer.ports import Dependencies, Mailing

#: the answers the sample data may give, as a participant's answer page offers them
ANSWERS = {"ja": Response.YES, "nein": Response.NO, "vielleicht": Response.MAYBE}


def opt_in(deps: Dependencies, mailing: Mailing, hesitant: Collection[str]) -> tuple[int, int]:
    """Ask everyone by consent to confirm; all but the ``hesitant`` addresses click the link.

    Returns how many were asked and how many confirmed.
    """
    asked = consent.request_confirmations(deps, mailing)
    waiting = [
        p
        for p in participants.list_participants(deps)
        if p.consent_requested_at is not None and p.consent_confirmed_at is None
    ]
    confirmed = 0
    for person in waiting:
        if person.email in hesitant:
            continue
        consent.confirm(
            deps, mailing, _token(mailing, CONFIRM, token_payload(person.id, person.email))
        )
        confirmed += 1
    return asked, confirmed


def answer_conference(
    deps: Dependencies, mailing: Mailing, meeting_id: int, answers: Sequence[tuple[str, str]]
) -> str:
    """Play the sample answers through the answer links; returns a German summary."""
    ids = {p.email: p.id for p in participants.list_participants(deps)}
    for email, answer in answers:
        if email not in ids or answer not in ANSWERS:
            raise DeliberationError(
                f'Beispieldaten: Antwort "{answer}" von {email} passt nicht (Personen aus '
                f"[[people]], Antworten: {', '.join(ANSWERS)})."
            )
        payload = [*token_payload(ids[email], email), meeting_id]
        meetings.respond(deps, mailing, _token(mailing, RSVP, payload), ANSWERS[answer])
    view = meetings.answers(deps, meeting_id)
    return (
        f"Antworten zur {view.title} ({view.capacity} Plätze): "
        f"Zusagen {view.counts['yes']}, Absagen {view.counts['no']}, "
        f"vielleicht {view.counts['maybe']}, Warteliste {view.waiting}"
    )


def _token(mailing: Mailing, purpose: str, payload: list[int | str]) -> str:
    """The token of the link the participant received (its last path segment)."""
    return mailing.links.url(purpose, payload).rpartition("/")[2]
