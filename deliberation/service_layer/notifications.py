"""Use case: turn the notifications transitions asked for into outbox messages.

A transition with ``send = [...]`` (e.g. ``future_workshop/invitation``) only
writes a pending ``Notification``. ``render_for`` (a step fired by hand) and
``render_pending`` (the scheduler's tick) turn it into one invitation per
person in its audience to the cycle's meeting; the outbox sender delivers
them later.
"""

from __future__ import annotations

from collections.abc import Callable

from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import DeliberationError
from deliberation.domain.model import Cycle, Notification, NotificationStatus, SubjectKind
from deliberation.domain.participants import Participant
from deliberation.service_layer import meetings
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork


def _municipality_audience(uow: UnitOfWork, cycle: Cycle) -> list[Participant]:
    """Everyone registered in the cycle's municipality."""
    if cycle.municipality is None:
        raise DeliberationError(f"{cycle.subject_label()} gehört zu keiner Gemeinde.")
    return uow.participants.participants(municipality_key=cycle.municipality.key)


def _county_audience(uow: UnitOfWork, cycle: Cycle) -> list[Participant]:
    """Everyone in the registry: a county-wide cycle."""
    return uow.participants.participants()


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

    This is the entry point from a state change to the outbox. The cycle's
    audience is invited to its planned meeting: each person gets a message of
    their own, in their language, with a calendar entry and answer links (see
    ``meetings``). Everything happens in one unit of work: if one template
    cannot be rendered (``TemplateRenderError``) or an audience cannot be
    determined, nothing is queued and every notification stays pending. A
    notification whose cycle has no planned meeting (any more: it was
    cancelled after the step) stays pending too: an invitation never goes out
    without date and place. People whose legal basis is consent are skipped
    unless they confirmed it and did not withdraw. Returns the number of
    messages queued.
    """
    with deps.unit_of_work() as uow:
        pending = uow.outbox.notifications(NotificationStatus.PENDING, lock=True)
        queued = sum(render(uow, deps, mailing, n) for n in pending)
        uow.commit()
    return queued


def render_for(uow: UnitOfWork, deps: Dependencies, mailing: Mailing, subject: Cycle) -> int:
    """Render the subject's pending notifications now, in the caller's unit of work."""
    pending = uow.outbox.notifications(NotificationStatus.PENDING, lock=True)
    return sum(
        render(uow, deps, mailing, n)
        for n in pending
        if n.subject_kind == subject.kind.value and n.subject_id == subject.id
    )


def render(
    uow: UnitOfWork, deps: Dependencies, mailing: Mailing, notification: Notification
) -> int:
    """Invite the audience of one notification to its cycle's meeting; messages queued."""
    cycle = _subject(uow, notification)
    assert cycle.id is not None
    meeting = uow.meetings.meeting_of_cycle(cycle.id)
    if meeting is None or not meeting.location.strip():
        return 0
    audience = _audience(uow, deps.engine, notification, cycle)
    report = meetings.invite_people(uow, deps, mailing, meeting, audience)
    notification.status = NotificationStatus.RENDERED
    return report.invited


def _subject(uow: UnitOfWork, notification: Notification) -> Cycle:
    if notification.subject_kind != SubjectKind.CYCLE:
        raise DeliberationError(
            f'Benachrichtigung {notification.id} ("{notification.template}"): Nachrichten zu '
            f'"{notification.subject_kind}" können noch nicht versandt werden.'
        )
    cycle = uow.cycles.cycle(notification.subject_id)
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
