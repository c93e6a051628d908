"""Use case: turn the notifications transitions asked for into outbox messages.

A transition with ``send = [...]`` (e.g. ``future_workshop/invitation``) only
writes a pending ``Notification``. ``render_pending`` fills its German text
template once and queues one message per person in its audience; the outbox
sender delivers them later.
"""

from __future__ import annotations

from collections.abc import Callable

from deliberation.domain.errors import DeliberationError
from deliberation.domain.model import Cycle, Notification, NotificationStatus, SubjectKind
from deliberation.domain.outbox import compose
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.service_layer import outbox
from deliberation.service_layer.ports import Dependencies, TemplateRenderer, UnitOfWork

LANGUAGE = "de"


def _workshop_audience(uow: UnitOfWork, cycle: Cycle) -> list[Participant]:
    """Everyone registered in the workshop's municipality."""
    if cycle.municipality is None:
        raise DeliberationError(f"{cycle.subject_label()} gehört zu keiner Gemeinde.")
    return uow.repo.participants(municipality_key=cycle.municipality.key)


def _conference_audience(uow: UnitOfWork, cycle: Cycle) -> list[Participant]:
    """Everyone in the registry: the conference is county-wide."""
    return uow.repo.participants()


#: Who is invited, per cycle workflow.
AUDIENCES: dict[str, Callable[[UnitOfWork, Cycle], list[Participant]]] = {
    "future_workshop": _workshop_audience,
    "integration_conference": _conference_audience,
}


def may_write_to(participant: Participant) -> bool:
    """Duty, or consent the person has confirmed.

    Consent is only proven by ``consent_confirmed_at``; asking for it (double
    opt-in) is not built yet, so people with unconfirmed consent are skipped
    until then rather than written to without proof.
    """
    if participant.legal_basis == LegalBasis.CONSENT:
        return participant.consent_confirmed_at is not None
    return True


def render_pending(deps: Dependencies, renderer: TemplateRenderer, sender_address: str) -> int:
    """Queue one message per eligible recipient of every pending notification.

    Everything happens in one unit of work: if one template cannot be
    rendered (``TemplateRenderError``) or an audience cannot be determined,
    nothing is queued and every notification stays pending. People whose
    legal basis is consent are skipped unless they confirmed it (see
    ``may_write_to``: double opt-in comes later). Returns the number of
    messages queued.
    """
    queued = 0
    with deps.unit_of_work() as uow:
        now = deps.clock()
        for notification in uow.repo.notifications(NotificationStatus.PENDING, lock=True):
            cycle = _subject(uow, notification)
            recipients = [p for p in _audience(uow, notification, cycle) if may_write_to(p)]
            text = renderer.render(
                notification.template,
                language=LANGUAGE,
                context={"cycle": cycle, "county": deps.county_name, "organiser": deps.organiser},
            )
            subject, body = _split(text, notification.template)
            for participant in recipients:
                outbox.enqueue(uow, compose(sender_address, participant.email, subject, body, now))
            queued += len(recipients)
            notification.status = NotificationStatus.RENDERED
        uow.commit()
    return queued


def _subject(uow: UnitOfWork, notification: Notification) -> Cycle:
    if notification.subject_kind != SubjectKind.CYCLE:
        raise DeliberationError(
            f'Benachrichtigung {notification.id} ("{notification.template}"): Nachrichten zu '
            f'"{notification.subject_kind}" können noch nicht versandt werden.'
        )
    cycle = uow.repo.cycle(notification.subject_id)
    if cycle is None:
        raise DeliberationError(
            f"Benachrichtigung {notification.id}: Zyklus {notification.subject_id} gibt es nicht."
        )
    return cycle


def _audience(uow: UnitOfWork, notification: Notification, cycle: Cycle) -> list[Participant]:
    audience = AUDIENCES.get(cycle.workflow)
    if audience is None:
        raise DeliberationError(
            f'Benachrichtigung {notification.id} ("{notification.template}"): für den Ablauf '
            f'"{cycle.workflow}" ist nicht festgelegt, wer eingeladen wird.'
        )
    return audience(uow, cycle)


def split_subject(text: str, template: str) -> tuple[str, str]:
    """Subject and body of a rendered text template (see ``_split``)."""
    return _split(text, template)


def _split(text: str, template: str) -> tuple[str, str]:
    """Subject (the first line) and body (the rest, without the blank lines before it)."""
    first, _, rest = text.lstrip("\n").partition("\n")
    subject = first.strip()
    if not subject:
        raise DeliberationError(
            f"Die Vorlage {template} ergibt keinen Betreff (die erste Zeile ist leer)."
        )
    return subject, rest.lstrip("\n")
