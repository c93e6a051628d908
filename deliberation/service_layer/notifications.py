"""Use case: turn the notifications transitions asked for into outbox messages.

A transition with ``send = [...]`` (e.g. ``future_workshop/invitation``) only
writes a pending ``Notification``. ``render_pending`` turns it into one
message per person in its audience (see there); the outbox sender delivers
them later.
"""

from __future__ import annotations

from collections.abc import Callable

from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import DeliberationError
from deliberation.domain.model import Cycle, Notification, NotificationStatus, SubjectKind
from deliberation.domain.participants import Participant, may_write_to
from deliberation.service_layer import meetings, outbox
from deliberation.service_layer.messages import personal_message
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork


def _municipality_audience(uow: UnitOfWork, cycle: Cycle) -> list[Participant]:
    """Everyone registered in the cycle's municipality."""
    if cycle.municipality is None:
        raise DeliberationError(f"{cycle.subject_label()} gehört zu keiner Gemeinde.")
    return uow.repo.participants(municipality_key=cycle.municipality.key)


def _county_audience(uow: UnitOfWork, cycle: Cycle) -> list[Participant]:
    """Everyone in the registry: a county-wide cycle."""
    return uow.repo.participants()


#: Who is invited, per ``audience`` a workflow's transition declares.
AUDIENCES: dict[str, Callable[[UnitOfWork, Cycle], list[Participant]]] = {
    "municipality": _municipality_audience,
    "county": _county_audience,
}


def cycle_audience(uow: UnitOfWork, engine: WorkflowEngine, cycle: Cycle) -> list[Participant]:
    """Whoever the cycle's workflow invites (the audience of its sending transition)."""
    definition = engine.definition_of(cycle)
    audiences = {t.audience for t in definition.transitions if t.send}
    if not audiences:
        return []
    return AUDIENCES[sorted(audiences)[0]](uow, cycle)


def render_pending(deps: Dependencies, mailing: Mailing) -> int:
    """Queue one message per eligible recipient of every pending notification.

    This is the entry point from a state change to the outbox. If the cycle
    has a planned meeting, its audience is invited to that meeting (calendar
    entry, answer links, see ``meetings``); otherwise each person gets the
    notification's own template. Every message is rendered per person, in
    their language (German if there is no template in it). Everything happens
    in one unit of work: if one template cannot be rendered
    (``TemplateRenderError``) or an audience cannot be determined, nothing is
    queued and every notification stays pending. People whose legal basis is
    consent are skipped unless they confirmed it and did not withdraw.
    Returns the number of messages queued.
    """
    queued = 0
    with deps.unit_of_work() as uow:
        for notification in uow.repo.notifications(NotificationStatus.PENDING, lock=True):
            cycle = _subject(uow, notification)
            audience = _audience(uow, deps.engine, notification, cycle)
            assert cycle.id is not None
            meeting = uow.repo.meeting_of_cycle(cycle.id)
            if meeting is not None:
                report = meetings.invite_people(uow, deps, mailing, meeting, audience)
                queued += report.invited
            else:
                queued += _notify(uow, deps, mailing, notification, cycle, audience)
            notification.status = NotificationStatus.RENDERED
        uow.commit()
    return queued


def _notify(
    uow: UnitOfWork,
    deps: Dependencies,
    mailing: Mailing,
    notification: Notification,
    cycle: Cycle,
    audience: list[Participant],
) -> int:
    recipients = [p for p in audience if may_write_to(p)]
    context = {"cycle": cycle}
    outbox.enqueue_all(
        uow,
        [
            personal_message(deps, mailing, person, notification.template, context)
            for person in recipients
        ],
    )
    return len(recipients)


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


def _audience(
    uow: UnitOfWork, engine: WorkflowEngine, notification: Notification, cycle: Cycle
) -> list[Participant]:
    definition = engine.definition_of(cycle)
    audience = AUDIENCES.get(definition.audience_of(notification.template))
    if audience is None:
        raise DeliberationError(
            f'Benachrichtigung {notification.id} ("{notification.template}"): im Ablauf '
            f'"{definition.title}" ({definition.source}) ist nicht festgelegt, wer eingeladen '
            'wird ("audience" beim Übergang mit "send").'
        )
    return audience(uow, cycle)

