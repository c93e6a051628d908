"""Use case: turn the notifications transitions asked for into outbox messages.

A transition with ``send = [...]`` (e.g. ``future_workshop/invitation``) only
writes a pending ``Notification``. ``render_pending`` (the scheduler's tick, and
a step fired by hand right after it is committed) turns it into one invitation
per person in its audience to the cycle's meeting, stored in parts; the outbox
sender delivers them, from the first part on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import Invitation
from deliberation.domain.model import Cycle, Notification, NotificationStatus, SubjectKind
from deliberation.domain.participants import Participant, may_write_to
from deliberation.service_layer import meetings, outbox
from deliberation.service_layer.meetings import Progress
from deliberation.service_layer.ports import (
    Dependencies,
    InvitationRenderer,
    Mailing,
    RenderedInvitation,
    UnitOfWork,
)


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


@dataclass(frozen=True)
class FanOut:
    """How ``render_pending`` stores its messages (``[rendering]``): in parts of at most
    ``chunk_size`` invitations; a run of at least ``processes_from`` messages is rendered
    by ``workers`` (None: in this process)."""

    chunk_size: int = 500
    processes_from: int = 2000
    workers: InvitationRenderer | None = None


@dataclass(frozen=True)
class _Plan:
    """One pending notification: its meeting and whom it still has to invite."""

    notification_id: int
    meeting_id: int
    people: tuple[int, ...]


@dataclass(frozen=True)
class _Part:
    """Up to ``chunk_size`` people of one plan, stored in one transaction."""

    plan: _Plan
    people: tuple[int, ...]
    last: bool  # the plan's last part: it marks the notification rendered


def render_pending(
    deps: Dependencies,
    mailing: Mailing,
    fan_out: FanOut = FanOut(),
    progress: Progress | None = None,
    cycle_id: int | None = None,
) -> int:
    """Queue one message per eligible recipient of every pending notification.

    This is the entry point from a state change to the outbox. The cycle's
    audience is invited to its planned meeting: each person gets a message of
    their own, in their language, with a calendar entry and answer links (see
    ``meetings``). A notification whose cycle has no planned meeting (any more:
    it was cancelled after the step) stays pending: an invitation never goes out
    without date and place. People whose legal basis is consent are skipped
    unless they confirmed it and did not withdraw.

    First one unit of work finds every notification's recipients and renders one
    message per language and legal basis: if a template cannot be rendered
    (``TemplateRenderError``) or an audience cannot be determined, nothing is
    queued and every notification stays pending. Then the messages are stored in
    parts of ``fan_out.chunk_size``, each part with its invitations in one
    transaction, so a sender delivers the first part while the rest is being
    rendered. A notification is marked rendered with its last part; if the run
    stops before (a crash, the database away), the notification stays pending
    and the next run invites only those not invited yet: nobody gets it twice,
    nobody is left out. ``progress(done, total)`` follows the stored parts. With
    ``cycle_id``, only that cycle's notifications (a step fired by hand). Returns the
    number of messages queued.
    """
    parts = _parts(_plans(deps, mailing, cycle_id), fan_out.chunk_size)
    total = sum(len(part.people) for part in parts)
    jobs = [(part.plan.meeting_id, part.people) for part in parts]
    rendered: Iterator[list[RenderedInvitation]]
    if fan_out.workers is not None and total >= fan_out.processes_from:
        rendered = fan_out.workers.render(jobs, deps.clock())
    else:
        rendered = (render_part(deps, mailing, *job) for job in jobs)
    queued = done = 0
    for part, invitations in zip(parts, rendered, strict=True):
        # Rendered before the transaction that stores it: its lock is held only to write.
        queued += _store(deps, part, invitations)
        done += len(part.people)
        if progress is not None:
            progress(done, total)
    return queued


def _parts(plans: Sequence[_Plan], size: int) -> list[_Part]:
    parts: list[_Part] = []
    for plan in plans:
        starts = range(0, len(plan.people), size)
        parts.extend(
            _Part(plan, plan.people[start : start + size], start == starts[-1]) for start in starts
        )
    return parts


def _plans(deps: Dependencies, mailing: Mailing, cycle_id: int | None) -> list[_Plan]:
    """Whom each pending notification invites, its templates tried in every language."""
    plans = []
    with deps.unit_of_work() as uow:
        for notification in uow.outbox.notifications(NotificationStatus.PENDING, lock=True):
            if not _asked_for(notification, cycle_id):
                continue
            cycle = _subject(uow, notification)
            assert cycle.id is not None and notification.id is not None
            meeting = uow.meetings.meeting_of_cycle(cycle.id)
            if meeting is None or not meeting.location.strip():
                continue
            assert meeting.id is not None
            audience = _audience(uow, deps.engine, notification, cycle)
            invited = uow.meetings.invited_ids(meeting.id, [p.id for p in audience if p.id])
            people = [p for p in audience if p.id not in invited and may_write_to(p)]
            # Fails here, before anything is stored; gives the meeting its UID for the parts.
            meetings.try_invitations(deps, mailing, meeting, people)
            if people:
                ids = tuple(p.id for p in people if p.id is not None)
                plans.append(_Plan(notification.id, meeting.id, ids))
            else:
                notification.status = NotificationStatus.RENDERED
        uow.commit()
    return plans


def _asked_for(notification: Notification, cycle_id: int | None) -> bool:
    """Whether this run renders ``notification``: every one, or only the cycle's."""
    if cycle_id is None:
        return True
    return notification.subject_kind == SubjectKind.CYCLE and notification.subject_id == cycle_id


def _store(deps: Dependencies, part: _Part, rendered: list[RenderedInvitation]) -> int:
    """Store one part's invitations and messages; the plan's last part marks it rendered.
    Nothing when another run has meanwhile stored the plan; people another run invited
    meanwhile are left out."""
    plan = part.plan
    with deps.unit_of_work() as uow:
        notification = uow.outbox.notification(plan.notification_id, lock=True)
        if notification is None or notification.status != NotificationStatus.PENDING:
            return 0
        invited = uow.meetings.invited_ids(plan.meeting_id, part.people)
        fresh = [(person, message) for person, message in rendered if person not in invited]
        now = deps.clock()
        uow.meetings.add_invitations([Invitation(plan.meeting_id, p, now) for p, _ in fresh])
        outbox.enqueue_all(uow, [message for _, message in fresh])
        if part.last:
            notification.status = NotificationStatus.RENDERED
        uow.commit()
    return len(fresh)


def render_part(
    deps: Dependencies, mailing: Mailing, meeting_id: int, participant_ids: Sequence[int]
) -> list[RenderedInvitation]:
    """The invitations of ``meeting_id`` for one part of a fan-out, read in a unit of work
    of their own (in this process, or in a worker process of ``InvitationRenderer``)."""
    with deps.unit_of_work() as uow:
        meeting = meetings.get_meeting(uow, meeting_id)
        people = uow.participants.participants_by_id(participant_ids)
        invitations = meetings.Invitations(deps, mailing, meeting, changed=False)
        return [
            (person_id, invitations.message(people[person_id]))
            for person_id in participant_ids
            if person_id in people and may_write_to(people[person_id])
        ]


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
