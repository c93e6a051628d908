"""One personal email to one participant: rendered in their language, with their links.

Every message to someone invited by consent carries an unsubscribe link in
the text and the ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers
(RFC 2369, RFC 8058), so mail programs offer a one-click unsubscribe.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import replace

from deliberation.domain.errors import LinkInvalid
from deliberation.domain.invitations import CalendarEntry
from deliberation.domain.outbox import OutboxMessage, compose_mail
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer.ports import Dependencies, Mailing

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"
RSVP = "rsvp"


def fingerprint(email: str) -> str:
    """A short digest of the address: binds a token to it without showing it in the URL."""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:16]


def person_token(person: Participant) -> list[int | str]:
    """Id and address digest: the token stays bound to the person even if an id is reused.

    Signed tokens are readable (not encrypted), so the address itself is not in them.
    """
    assert person.id is not None, "the participant must be stored before links are signed"
    return [person.id, fingerprint(person.email)]


def answer_token(person: Participant, meeting_id: int) -> list[int | str]:
    return [*person_token(person), meeting_id]


def read_token(payload: list[int | str], ids: int) -> tuple[list[int], str]:
    """The ids and the address digest of a signed payload ``[id, digest, id…]``.

    A payload that is signed correctly but has another shape (from an older
    version, or crafted with a leaked secret) is ``LinkInvalid``, never a crash.
    """
    if len(payload) != ids + 1 or not isinstance(payload[1], str):
        raise LinkInvalid("Der Link ist ungültig.")
    numbers = [payload[0], *payload[2:]]
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 < n < 2**31 for n in numbers):
        raise LinkInvalid("Der Link ist ungültig.")
    return [int(n) for n in numbers], payload[1]


def holds(person: Participant | None, digest: str) -> bool:
    """Whether ``person`` is the one a token with ``digest`` was signed for."""
    return person is not None and hmac.compare_digest(fingerprint(person.email), digest)


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
