"""Use case: the scheduler's tick. Every due item runs once, in its own transaction.

One item at a time: claim it (``FOR UPDATE SKIP LOCKED``), do its work, mark
it done, commit. The work's effects (a fired transition, queued messages,
launched cycles) and the "done" mark are one transaction: if the process dies
in the middle, nothing of the item is kept and it runs again after the
restart; once committed, it never runs again. Work that fell due while the
scheduler was down runs on its first tick, marked late.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.errors import DeliberationError, GuardRejected
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Meeting
from deliberation.domain.outbox import OutboxMessage, compose_mail
from deliberation.domain.participants import Participant, may_write_to
from deliberation.domain.rules import undocumented_workshops
from deliberation.domain.scheduling import (
    KIND_TITLES,
    DueKind,
    DueStatus,
    DueWork,
    SchedulePolicy,
    day_passed,
    is_late,
    planned_day,
)
from deliberation.service_layer import (
    audit,
    cycle_invitations,
    cycles,
    meetings,
    notifications,
    outbox,
    planning,
    retention,
    round_meetings,
    stepping,
)
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork
from deliberation.service_layer.retention import RetentionPolicy, RetentionReport
from deliberation.translations import ngettext


@dataclass(frozen=True)
class SchedulerTools:
    """What the tick needs beside the dependencies: the policy and message rendering."""

    policy: SchedulePolicy
    sender: str
    mailing: Mailing  # every message: per recipient, in their language (German fallback)
    #: where the staff's web pages are (``[web] base_url``); escalations link to them if set
    web_base_url: str = ""
    #: the retention periods the tick applies (None: the tick keeps everything)
    retention: RetentionPolicy | None = None
    #: how the tick stores a fan-out of invitations (``[rendering]``)
    fan_out: notifications.FanOut = field(default_factory=notifications.FanOut)

    def page(self, path: str) -> str:
        """The address of a staff page, or "" while no web application is configured."""
        return f"{self.web_base_url.rstrip('/')}/{path}" if self.web_base_url else ""


@dataclass(frozen=True)
class DueView:
    """One finished item, as the scheduler's log shows it."""

    key: str
    kind: str
    title: str
    local_time: str
    status: str
    late: bool
    note: str
    finished_at: datetime | None


@dataclass
class TickReport:
    items: list[DueView] = field(default_factory=list)
    messages: int = 0
    retention: RetentionReport | None = None


Outcome = tuple[DueStatus, str]

#: a workflow's dated step counted from the start of the notice period (``at = "notice"``)
NOTICE_ANCHOR = "notice"
STALE_TEMPLATE = "scheduling/stale_items"
Handler = Callable[[Dependencies, SchedulerTools, UnitOfWork, DueWork], Outcome]


def start(deps: Dependencies, tools: SchedulerTools) -> bool:
    """Plan the current month if nothing is planned yet; True if it did."""
    with deps.unit_of_work() as uow:
        now = deps.clock()
        month = planning.month_start(now.astimezone(tools.policy.tz).date())
        first = planning.plan_item(month, tools.policy, now)
        # The very first planning runs at once, also in the half hour after midnight on
        # the 1st, before the month's regular planning time.
        first.due_at = min(first.due_at, now)
        added = uow.due_work.add_due_work([first])
        uow.commit()
        return added > 0


def tick(
    deps: Dependencies,
    tools: SchedulerTools,
    on_item: Callable[[DueView], None] | None = None,
    plan_escalations: bool = True,
) -> TickReport:
    """Plan escalations, run every due item, render the messages the steps asked for.

    ``plan_escalations`` False skips looking for new working groups and
    recommendations (the simulator looks once per simulated day).
    """
    report = TickReport()
    if plan_escalations:
        with deps.unit_of_work() as uow:
            planning.escalation_items(uow, deps.engine, tools.policy, deps.clock())
            uow.commit()
    while (view := run_next(deps, tools)) is not None:
        report.items.append(view)
        if on_item is not None:
            on_item(view)
    _report_stale(deps, tools, [v for v in report.items if v.status == DueStatus.STALE])
    report.messages = notifications.render_pending(deps, tools.mailing, tools.fan_out)
    if tools.retention is not None:
        report.retention = retention.apply(deps, tools.retention)
    return report


def run_next(deps: Dependencies, tools: SchedulerTools) -> DueView | None:
    """Claim, do and finish the oldest due item; None when nothing is due."""
    with deps.unit_of_work() as uow:
        now = deps.clock()
        item = uow.due_work.claim_next_due(now)
        if item is None:
            return None
        item.attempts += 1
        item.started_at = now
        item.late = is_late(item, now, tools.policy.late_after)
        try:
            status, note = HANDLERS[DueKind(item.kind)](deps, tools, uow, item)
        except Exception as exc:
            # One broken item must not block the ones behind it: its effects are
            # rolled back, the attempt is counted, and it is tried again later.
            uow.rollback()
            return _record_failure(deps, tools, item.id or 0, _describe(exc))
        item.status = status
        item.note = note
        item.finished_at = now
        uow.commit()
        return view_of(item)


def _record_failure(deps: Dependencies, tools: SchedulerTools, item_id: int, error: str) -> DueView:
    """Count the failed attempt in a transaction of its own; retry later or give up."""
    policy = tools.policy
    with deps.unit_of_work() as uow:
        now = deps.clock()
        item = uow.due_work.due_work_item(item_id)
        if item is None:
            raise DeliberationError(f"Aufgabe {item_id} gibt es nicht mehr.")
        item.attempts += 1
        item.note = error
        if item.attempts >= policy.max_attempts:
            item.status = DueStatus.FAILED
            item.finished_at = now
        else:
            item.due_at = now + policy.retry_after
        uow.commit()
        return view_of(item)


def _report_stale(deps: Dependencies, tools: SchedulerTools, stale: list[DueView]) -> None:
    """One mail to staff listing what this tick skipped as stale (after an outage)."""
    recipient = tools.policy.escalation_to
    if not stale or not recipient:
        return
    with deps.unit_of_work() as uow:
        outbox.enqueue(uow, staff_mail(deps, tools, recipient, STALE_TEMPLATE, {"items": stale}))
        uow.commit()


def stale_items(deps: Dependencies, limit: int = 50) -> list[DueView]:
    """The latest items skipped as stale, newest first: for the scheduler's status."""
    with deps.unit_of_work() as uow:
        items = uow.due_work.due_work(status=DueStatus.STALE)
        items.sort(key=lambda i: (i.finished_at or i.due_at, i.id or 0), reverse=True)
        return [view_of(i) for i in items[:limit]]


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, DeliberationError) else f"{type(exc).__name__}: {exc}"


def troubles(deps: Dependencies, limit: int = 200) -> list[DueView]:
    """What the scheduler's log in the database says went wrong: failed, retried, late."""
    with deps.unit_of_work() as uow:
        return [view_of(item) for item in uow.due_work.troubled_due_work(limit)]


def view_of(item: DueWork) -> DueView:
    return DueView(
        key=item.key,
        kind=item.kind,
        title=KIND_TITLES[DueKind(item.kind)],
        local_time=item.local_time,
        status=item.status,
        late=item.late,
        note=item.note,
        finished_at=item.finished_at,
    )


# --- the work of each kind -------------------------------------------------------------------


def _plan(deps: Dependencies, tools: SchedulerTools, uow: UnitOfWork, item: DueWork) -> Outcome:
    month = item.due_at.astimezone(tools.policy.tz).date().replace(day=1)
    return DueStatus.DONE, planning.plan_month(uow, tools.policy, month, deps.clock())


def _invitation(
    deps: Dependencies, tools: SchedulerTools, uow: UnitOfWork, item: DueWork
) -> Outcome:
    meeting = _meeting(uow, item)
    if meeting.status == MeetingStatus.CANCELLED:
        return DueStatus.CANCELLED, "Sitzung abgesagt"
    stale = _stale_invitation(deps, tools, meeting, item)
    if stale is not None:
        return DueStatus.STALE, stale
    report = meetings.invite_people(
        uow, deps, tools.mailing, meeting, audience(uow, deps.engine, meeting)
    )
    confirmed = ""
    if meeting.status == MeetingStatus.PROPOSED:
        if report.invited + report.already_invited == 0:
            # a meeting nobody was invited to is not confirmed by its invitation day
            return DueStatus.DONE, "niemand einzuladen; Termin bleibt vorgeschlagen"
        confirmed = _confirm_at_notice(deps, tools, uow, meeting)
    invited = ngettext("%(num)d Einladung", "%(num)d Einladungen", report.invited)
    return DueStatus.DONE, f"{invited}{confirmed}"


def _stale_invitation(
    deps: Dependencies, tools: SchedulerTools, meeting: Meeting, item: DueWork
) -> str | None:
    """Why an invitation must not go out any more (the scheduler was down), or None."""
    now = deps.clock()
    kept = "bleibt vorgeschlagen" if meeting.status == MeetingStatus.PROPOSED else "bleibt"
    if meeting.starts_at <= now:
        return (
            f"Sitzung vom {_local(meeting, tools)} hat schon begonnen; keine Einladung verschickt"
        )
    if day_passed(item, now, tools.policy.tz):
        return (
            f"Ladungsfrist von {meeting.notice_days} Tagen für die Sitzung am "
            f"{_local(meeting, tools)} nicht mehr einzuhalten (Einladung war am "
            f"{planned_day(item):%d.%m.%Y} fällig); keine Einladung verschickt, der Termin "
            f"{kept}. Termin verlegen (meeting move) oder von Hand einladen (meeting invite)."
        )
    return None


def _confirm_at_notice(
    deps: Dependencies, tools: SchedulerTools, uow: UnitOfWork, meeting: Meeting
) -> str:
    """A proposed date becomes the planned one when its invitation goes out; logged."""
    if meeting.status != MeetingStatus.PROPOSED:
        return ""
    meeting.status = MeetingStatus.PLANNED
    audit.record(
        uow,
        deps.clock(),
        tools.policy.actor,
        "meeting_confirmed",
        ("meeting", meeting.id or 0),
        before="vorgeschlagen",
        after="geplant",
        reason="Einladung zu Beginn der Ladungsfrist",
    )
    return "; Termin damit bestätigt"


def _reminder(deps: Dependencies, tools: SchedulerTools, uow: UnitOfWork, item: DueWork) -> Outcome:
    meeting = _meeting(uow, item)
    if meeting.status == MeetingStatus.CANCELLED:
        return DueStatus.CANCELLED, "Sitzung abgesagt"
    now = deps.clock()
    if meeting.starts_at <= now:
        return DueStatus.STALE, (
            f"Sitzung vom {_local(meeting, tools)} hat schon begonnen; keine Erinnerung verschickt"
        )
    if day_passed(item, now, tools.policy.tz):
        return DueStatus.STALE, (
            ngettext(
                "Erinnerung %(num)d Tag vor der Sitzung",
                "Erinnerung %(num)d Tage vor der Sitzung",
                int(item.argument),
            )
            + f" war am {planned_day(item):%d.%m.%Y} fällig; veraltet, nicht verschickt"
        )
    # to those invited who have not declined, each in their language
    sent = meetings.remind(uow, deps, tools.mailing, meeting, int(item.argument))
    return DueStatus.DONE, ngettext("%(num)d Erinnerung", "%(num)d Erinnerungen", sent)


def _local(meeting: Meeting, tools: SchedulerTools) -> str:
    return f"{meeting.starts_at.astimezone(tools.policy.tz):%d.%m.%Y %H:%M}"


def _phase(deps: Dependencies, tools: SchedulerTools, uow: UnitOfWork, item: DueWork) -> Outcome:
    meeting = _meeting(uow, item)
    cycle = meeting.cycle
    if cycle is None:
        return DueStatus.SKIPPED, "Die Sitzung gehört zu keinem Zyklus."
    if meeting.status == MeetingStatus.CANCELLED:
        return DueStatus.CANCELLED, "Sitzung abgesagt"
    trigger = item.argument
    stale = _stale_phase(deps, tools, meeting, item)
    if stale is not None:
        return DueStatus.STALE, stale
    if trigger not in deps.engine.allowed_triggers(cycle):
        state = deps.engine.definition_of(cycle).state(cycle.state).title
        return DueStatus.SKIPPED, f'{cycle.subject_label()} steht schon in "{state}".'
    confirmed = ""
    if cycle_invitations.sends_messages(deps, cycle, trigger):
        # inviting at the start of the notice period confirms the date, as for a body's meeting
        confirmed = _confirm_at_notice(deps, tools, uow, meeting)
    ctx = stepping.context(deps, tools.policy.actor, reason="nach Terminplan")
    warn = cycles.builds_agenda(deps, cycle, trigger)
    try:
        stepping.apply(deps, uow, cycle, trigger, ctx)
    except GuardRejected as exc:
        return DueStatus.SKIPPED, f"nicht möglich: {exc}"
    if warn and (warning := undocumented_workshops(cycle, deps.engine)):
        confirmed += f"; Achtung: {warning}"
    late = ""
    if day_passed(item, deps.clock(), tools.policy.tz):
        late = f" (verspätet: war am {planned_day(item):%d.%m.%Y} fällig)"
    title = deps.engine.definition_of(cycle).step_title(trigger)
    return DueStatus.DONE, f"{cycle.subject_label()}: {title}{confirmed}{late}"


def _stale_phase(
    deps: Dependencies, tools: SchedulerTools, meeting: Meeting, item: DueWork
) -> str | None:
    """A step that prepares a meeting (dated from its notice period) is stale once it began."""
    assert meeting.cycle is not None
    steps = deps.engine.definition_of(meeting.cycle).schedule
    step = next((s for s in steps if s.trigger == item.argument), None)
    if step is None or step.anchor != NOTICE_ANCHOR or meeting.starts_at > deps.clock():
        return None
    return (
        f"Sitzung vom {_local(meeting, tools)} hat schon begonnen; "
        f'"{item.argument}" (Vorbereitung) nicht mehr ausgelöst'
    )


def _launch(deps: Dependencies, tools: SchedulerTools, uow: UnitOfWork, item: DueWork) -> Outcome:
    conference = _meeting(uow, item)
    if conference.status == MeetingStatus.CANCELLED:
        return DueStatus.CANCELLED, "Konferenz abgesagt"
    policy = tools.policy
    label = planning.round_label(conference, policy)
    workflow = item.argument
    round_ = uow.cycles.round(label)
    if round_ is not None and any(c.workflow == workflow for c in round_.cycles):
        return (
            DueStatus.SKIPPED,
            f"Durchgang {label} hat schon {deps.engine.latest(workflow).some()}.",
        )
    started = cycles.start_cycles(
        deps, uow, workflow, label, policy.actor, reason="nach Terminplan"
    )
    uow.flush()
    round_meetings.give_meetings(uow, deps, policy, workflow, label, started, deps.clock())
    launched = ngettext("%(num)d Zyklus gestartet", "%(num)d Zyklen gestartet", len(started))
    return DueStatus.DONE, f"Durchgang {label}: {launched}"


def _group_overdue(
    deps: Dependencies, tools: SchedulerTools, uow: UnitOfWork, item: DueWork
) -> Outcome:
    group = uow.groups.working_group(item.subject_id)
    if group is None or deps.engine.is_final(group):
        return DueStatus.SKIPPED, "Bericht liegt vor oder Gruppe aufgelöst"
    state = deps.engine.definition_of(group).state(group.state).title
    context = {
        "group": group,
        "due": f"{group.due_date:%d.%m.%Y}",
        "state": state,
        "link": tools.page(f"arbeitsgruppen/{group.id}"),
    }
    return _escalate(deps, tools, uow, "scheduling/escalation_group", context)


def _decision_overdue(
    deps: Dependencies, tools: SchedulerTools, uow: UnitOfWork, item: DueWork
) -> Outcome:
    rec = uow.recommendations.recommendation(item.subject_id)
    if rec is None or deps.engine.marked(rec, "decided") or deps.engine.is_final(rec):
        return DueStatus.SKIPPED, "Entscheidung gefallen"
    state = deps.engine.definition_of(rec).state(rec.state).title
    due = item.due_at.astimezone(tools.policy.tz)
    context = {
        "recommendation": rec,
        "due": f"{due:%d.%m.%Y}",
        "state": state,
        "link": tools.page(f"empfehlungen/{rec.id}"),
    }
    return _escalate(deps, tools, uow, "scheduling/escalation_decision", context)


def _escalate(
    deps: Dependencies,
    tools: SchedulerTools,
    uow: UnitOfWork,
    template: str,
    context: dict[str, object],
) -> Outcome:
    recipient = tools.policy.escalation_to
    if not recipient:
        return DueStatus.SKIPPED, "kein Empfänger für Mahnungen ([scheduler] escalation_to)"
    outbox.enqueue(uow, staff_mail(deps, tools, recipient, template, context))
    return DueStatus.DONE, f"Mahnung an {recipient}"


def staff_mail(
    deps: Dependencies,
    tools: SchedulerTools,
    recipient: str,
    template: str,
    context: dict[str, object],
) -> OutboxMessage:
    """A mail to the Referat, by the one renderer, in the county's language."""
    full = {
        "county": deps.county_name,
        "organiser": deps.organiser,
        "unsubscribe_url": "",
        **context,
    }
    content = tools.mailing.renderer.render_mail(template, deps.language, full)
    return compose_mail(tools.sender, recipient, content, deps.clock())


HANDLERS: dict[DueKind, Handler] = {
    DueKind.PLAN: _plan,
    DueKind.INVITATION: _invitation,
    DueKind.REMINDER: _reminder,
    DueKind.PHASE: _phase,
    DueKind.LAUNCH: _launch,
    DueKind.GROUP_OVERDUE: _group_overdue,
    DueKind.DECISION_OVERDUE: _decision_overdue,
}


# --- messages --------------------------------------------------------------------------------


def _meeting(uow: UnitOfWork, item: DueWork) -> Meeting:
    meeting = uow.meetings.meeting(item.subject_id)
    if meeting is None:
        raise DeliberationError(f"{item.key}: Sitzung {item.subject_id} gibt es nicht.")
    return meeting


def audience(uow: UnitOfWork, engine: WorkflowEngine, meeting: Meeting) -> list[Participant]:
    """A body's members, or whoever the cycle's workflow invites; only those we may write to."""
    people: list[Participant]
    if meeting.cycle is not None:
        people = notifications.cycle_audience(uow, engine, meeting.cycle)
    elif meeting.body_key is not None:
        people = uow.participants.body_members(meeting.body_key)
    else:
        people = []
    return [p for p in people if may_write_to(p)]
