"""Firing a trigger inside a unit of work: the one path every state change takes."""

from __future__ import annotations

from datetime import datetime, timedelta

from deliberation.domain import text_rules
from deliberation.domain.engine import TransitionOutcome, log_record
from deliberation.domain.errors import ConcurrencyConflict, FieldKey, NotAllowedInState
from deliberation.domain.model import Cycle, Notification, Stateful, TransitionRecord
from deliberation.domain.rules import TransitionContext
from deliberation.service_layer import cycle_invitations
from deliberation.service_layer.ports import Dependencies, UnitOfWork
from deliberation.service_layer.views import LogView, log_view

#: how the person acting is named in messages
ACTOR_LABEL = "Wer handelt"


def context(deps: Dependencies, actor: str, reason: str = "", text: str = "") -> TransitionContext:
    """What a step records: who (one line, required), why and the text, checked as typed."""
    return TransitionContext(
        actor=text_rules.single_line(
            actor, ACTOR_LABEL, text_rules.ACTOR_LENGTH, field=FieldKey.ACTOR
        ),
        reason=text_rules.multi_line(reason, "Die Begründung", field=FieldKey.REASON),
        now=deps.clock(),
        facts=deps.engine,
        text=text_rules.multi_line(text, "Der Text", field=FieldKey.TEXT),
        standing_topic_fields=deps.topic_fields,
    )


def fire(
    deps: Dependencies,
    uow: UnitOfWork,
    subject: Stateful,
    trigger: str,
    ctx: TransitionContext,
) -> TransitionRecord:
    """Run ``trigger``, write the log row and requested messages, commit; all or nothing."""
    record = apply(deps, uow, subject, trigger, ctx)
    uow.commit()
    return record


def apply(
    deps: Dependencies,
    uow: UnitOfWork,
    subject: Stateful,
    trigger: str,
    ctx: TransitionContext,
) -> TransitionRecord:
    """``fire`` without the commit: for callers that commit more in the same transaction.

    The record is loaded whole, so guards read its collections in memory (``ctx.children``
    stays ``IN_MEMORY``): a query here would flush the change half made by the step. A
    step that sends invitations is refused while its cycle has no confirmed meeting with
    a place (``cycle_invitations``; checked before the step changes anything).
    """
    if cycle_invitations.sends_messages(deps, subject, trigger):
        cycle_invitations.require_meeting_with_place(deps, uow, subject)
    outcome = deps.engine.fire(subject, trigger, ctx)
    uow.log.append_to_log(outcome.record)
    for notification in _notifications(outcome, ctx):
        uow.outbox.add_notification(notification)
    return outcome.record


#: relationships the fast path reads with a query of their own when a step's rules walk them
FAST_PATH_READS = frozenset({"needs"})


def fire_detached(
    deps: Dependencies, uow: UnitOfWork, cycle: Cycle, trigger: str, ctx: TransitionContext
) -> TransitionRecord:
    """``fire`` on a cycle read by ``repo.detached_cycle``: the fast path of a single step.

    The same engine and rules; the needs are read by one query if the step's rules
    walk them; the change, the log row and the messages are written by one
    version-checked UPDATE and plain INSERTs, committed together.
    """
    if cycle_invitations.sends_messages(deps, cycle, trigger):
        cycle_invitations.require_meeting_with_place(deps, uow, cycle)
    if deps.engine.reads(cycle, trigger):  # FAST_PATH_READS: the needs
        uow.fast_path.load_needs(cycle)
    ctx.children = uow.fast_path
    outcome = deps.engine.fire(cycle, trigger, ctx)
    uow.fast_path.save_detached(cycle, outcome.record, _notifications(outcome, ctx))
    uow.commit()
    return outcome.record


def fast_path_fits(deps: Dependencies, subject: Stateful, trigger: str) -> bool:
    """Whether ``trigger`` can run on a detached record (its rules read only what it loads)."""
    reads = deps.engine.reads(subject, trigger)
    return reads is not None and reads <= FAST_PATH_READS


def _notifications(outcome: TransitionOutcome, ctx: TransitionContext) -> list[Notification]:
    return [
        Notification(
            template=message.template,
            subject_kind=message.subject.kind.value,
            subject_id=message.subject.id or 0,
            created_at=ctx.now,
        )
        for message in outcome.messages
    ]


def step(
    deps: Dependencies,
    uow: UnitOfWork,
    subject: Stateful,
    trigger: str,
    actor: str,
    reason: str = "",
    text: str = "",
) -> LogView:
    """``fire`` with a fresh context; the log entry as the caller shows it.

    ``trigger`` is a step's key or its German title ("Einladungen versenden").
    """
    trigger = deps.engine.resolve_trigger(subject, trigger)
    record = fire(deps, uow, subject, trigger, context(deps, actor, reason, text))
    return log_view(deps.engine, record)


def record_creation(
    uow: UnitOfWork, subject: Stateful, trigger: str, ctx: TransitionContext
) -> TransitionRecord:
    """Log the birth of a record (from nothing into its initial state)."""
    uow.flush()
    record = log_record(subject, trigger, None, ctx)
    uow.log.append_to_log(record)
    return record


def require_capability(deps: Dependencies, subject: Stateful, capability: str, what: str) -> None:
    """Refuse ``what`` unless the subject's current state allows ``capability``."""
    if deps.engine.allows(subject, capability):
        return
    definition = deps.engine.definition_of(subject)
    states = [s.title for s in definition.states.values() if capability in s.allows]
    current = definition.state(subject.state).title
    where = " oder ".join(f'"{s}"' for s in states) or "keinem Zustand"
    raise NotAllowedInState(
        f'{what} ist bei {subject.subject_label()} im Zustand "{current}" nicht möglich, '
        f"nur im Zustand {where}."
    )


def touch(subject: Stateful, now: datetime) -> None:
    """Mark ``subject`` changed so its version check covers a change to its children.

    Adding a need to a workshop is only allowed in one phase; bumping the
    workshop's version makes a concurrent phase change and this addition
    conflict instead of leaving a need in a phase that no longer takes any.
    Two changes within the same instant (a clock that stands still, a coarse one)
    still each move the version on.
    """
    subject.updated_at = max(now, subject.updated_at + timedelta(microseconds=1))


def require_version(subject: Stateful, seen: int | None) -> None:
    """Refuse a change made on a stale page: ``seen`` is the version the person looked at
    (None: the caller does not know one, as on the command line)."""
    if seen is None or seen == subject.version:
        return
    raise ConcurrencyConflict(
        f"{subject.subject_label()} wurde inzwischen von jemand anderem geändert; Ihre "
        "Änderung wurde nicht gespeichert. Bitte den aktuellen Stand ansehen und die "
        "Eingabe erneut absenden."
    )
