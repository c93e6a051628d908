"""Use cases: double opt-in, withdrawal, and removing addresses never confirmed.

People invited by consent first get a confirmation email with a signed link
that expires; ``consent_requested_at`` and ``consent_confirmed_at`` are the
proof. Until they confirm they get no invitations, and after a configurable
period unconfirmed entries are removed. Withdrawing (the unsubscribe link in
every email) takes effect for every later message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from deliberation.domain.errors import LinkInvalid
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer import audit, outbox
from deliberation.service_layer.messages import (
    CONFIRM,
    UNSUBSCRIBE,
    holds,
    person_token,
    personal_message,
    read_token,
)
from deliberation.service_layer.participants import remove_participant
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork

CONFIRMATION = "consent/confirmation"
#: Who the log names: the system asking or removing, the person through their signed link.
SENDER_ACTOR = "Einwilligungsverwaltung"
PERSON_ACTOR = "betroffene Person (Link)"


@dataclass(frozen=True)
class ConsentView:
    """A consent link as its page shows it, in the person's language."""

    name: str
    language: str
    confirmed: bool
    withdrawn: bool


def request_confirmations(deps: Dependencies, mailing: Mailing) -> int:
    """Send the confirmation email to everyone by consent who was never asked; returns how many."""
    with deps.unit_of_work() as uow:
        now = deps.clock()
        asked = 0
        for person in uow.participants.participants():
            if person.legal_basis != LegalBasis.CONSENT or person.consent_requested_at:
                continue
            if person.consent_confirmed_at is not None:
                continue
            person.consent_requested_at = now
            link = mailing.links.url(CONFIRM, person_token(person))
            context = {"confirm_url": link, "valid_until": now + mailing.confirm_valid}
            outbox.enqueue(uow, personal_message(deps, mailing, person, CONFIRMATION, context))
            audit.record(
                uow,
                now,
                SENDER_ACTOR,
                "consent_requested",
                ("participant", person.id or 0),
                after="Bestätigungslink gesendet",
                person_id=person.id,
            )
            asked += 1
        uow.commit()
        return asked


def show(deps: Dependencies, mailing: Mailing, purpose: str, token: str) -> ConsentView:
    """Who a confirmation or unsubscribe link belongs to, for the page asking to confirm."""
    with deps.unit_of_work() as uow:
        return _view(_holder(uow, mailing, purpose, token))


def confirm(deps: Dependencies, mailing: Mailing, token: str) -> ConsentView:
    """Record the confirmation (the proof of consent); confirming twice changes nothing."""
    with deps.unit_of_work() as uow:
        person = _holder(uow, mailing, CONFIRM, token)
        if person.consent_confirmed_at is None or person.consent_withdrawn_at is not None:
            was = _state(person)
            person.consent_confirmed_at = deps.clock()
            person.consent_withdrawn_at = None
            audit.record(
                uow,
                deps.clock(),
                PERSON_ACTOR,
                "consent_confirmed",
                ("participant", person.id or 0),
                before=was,
                after=_state(person),
                person_id=person.id,
            )
        uow.commit()
        return _view(person)


def withdraw(deps: Dependencies, mailing: Mailing, token: str) -> ConsentView:
    """Unsubscribe: no further messages to this person (until they confirm again)."""
    with deps.unit_of_work() as uow:
        person = _holder(uow, mailing, UNSUBSCRIBE, token)
        if person.consent_withdrawn_at is None:
            was = _state(person)
            person.consent_withdrawn_at = deps.clock()
            audit.record(
                uow,
                deps.clock(),
                PERSON_ACTOR,
                "consent_withdrawn",
                ("participant", person.id or 0),
                before=was,
                after=_state(person),
                person_id=person.id,
            )
        uow.outbox.withdraw_waiting(person.email, "Einwilligung widerrufen")
        uow.commit()
        return _view(person)


def remove_unconfirmed(deps: Dependencies, after: timedelta) -> list[str]:
    """Delete people by consent who were asked more than ``after`` ago and never confirmed.

    Returns their addresses (for the report); people never asked are kept.
    """
    with deps.unit_of_work() as uow:
        removed = []
        for person in unconfirmed_people(uow, deps.clock() - after):
            remove_participant(uow, person, deps.clock(), SENDER_ACTOR, "Frist abgelaufen")
            removed.append(person.email)
        uow.commit()
        return removed


def unconfirmed_people(uow: UnitOfWork, limit: datetime) -> list[Participant]:
    """People by consent who were asked before ``limit`` and never confirmed."""
    return [
        person
        for person in uow.participants.participants()
        if person.legal_basis == LegalBasis.CONSENT
        and person.consent_confirmed_at is None
        and person.consent_requested_at is not None
        and person.consent_requested_at <= limit
    ]


def _state(person: Participant) -> str:
    if person.consent_withdrawn_at is not None:
        return "widerrufen"
    return "bestätigt" if person.consent_confirmed_at is not None else "unbestätigt"


def _holder(uow: UnitOfWork, mailing: Mailing, purpose: str, token: str) -> Participant:
    max_age = mailing.confirm_valid if purpose == CONFIRM else None
    payload = mailing.links.read(purpose, token, max_age)
    [person_id], digest = read_token(payload, 1)
    person = uow.participants.participant_by_id(person_id)
    if person is None or not holds(person, digest):
        raise LinkInvalid("Diese Adresse ist nicht (mehr) im Verzeichnis.")
    return person


def _view(person: Participant) -> ConsentView:
    return ConsentView(
        person.name,
        person.language,
        person.consent_confirmed_at is not None,
        person.consent_withdrawn_at is not None,
    )
