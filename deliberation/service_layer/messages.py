"""One personal email to one participant: rendered in their language, with their links.

Every message to someone invited by consent carries an unsubscribe link in
the text and the ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers
(RFC 2369, RFC 8058), so mail programs offer a one-click unsubscribe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from deliberation.domain.invitations import CalendarEntry
from deliberation.domain.outbox import OutboxMessage, compose_mail
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer.ports import Dependencies, Mailing

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"
RSVP = "rsvp"


def person_token(person: Participant) -> list[int | str]:
    """Id and address: a token stays bound to the person even if an id is reused."""
    assert person.id is not None, "the participant must be stored before links are signed"
    return [person.id, person.email]


def unsubscribe_url(mailing: Mailing, person: Participant) -> str:
    return mailing.links.url(UNSUBSCRIBE, person_token(person))


def personal_message(
    deps: Dependencies,
    mailing: Mailing,
    person: Participant,
    template: str,
    context: Mapping[str, object],
    entry: CalendarEntry | None = None,
) -> OutboxMessage:
    """The message ``template`` for ``person``, ready for the outbox."""
    unsubscribe = ""
    if person.legal_basis == LegalBasis.CONSENT:
        unsubscribe = unsubscribe_url(mailing, person)
    content = mailing.renderer.render_mail(
        template,
        person.language,
        {
            **context,
            "person": person,
            "county": deps.county_name,
            "organiser": deps.organiser,
            "unsubscribe_url": unsubscribe,
        },
    )
    headers: dict[str, str] = {}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    content = replace(content, headers=headers)
    if entry is not None:
        content = replace(content, calendar=mailing.calendar(entry), calendar_method=entry.method)
    return compose_mail(mailing.sender, person.email, content, deps.clock())
