"""Use case: run the calendar years ahead with a simulated clock, then check it.

The clock jumps from one due item to the next (it never sleeps), and every
jump runs the same tick the real scheduler runs. A simulated member of staff
forms a working group after each conference and lets its report and its
recommendation's decision run overdue, so escalations happen too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from deliberation.domain.cadence import closed_reason, period_starts, preferred_day
from deliberation.domain.errors import DeliberationError
from deliberation.domain.invitations import MeetingStatus
from deliberation.domain.model import Meeting, SubjectKind
from deliberation.domain.participants import LegalBasis, Participant
from deliberation.domain.scheduling import (
    DueKind,
    DueStatus,
    DueWork,
    Series,
)
from deliberation.service_layer import due_work, groups, recommendations
from deliberation.service_layer.due_work import SchedulerTools
from deliberation.service_layer.outbox import SendOptions, send_due
from deliberation.service_layer.ports import Dependencies, MailTransport

STAFF = "Simulation (Referat)"


@dataclass
class YearRow:
    year: int
    counts: Counter[str] = field(default_factory=Counter)


@dataclass
class TimelineEntry:
    """One meeting or one done item, for the timeline picture."""

    lane: str
    at: datetime
    kind: str
    label: str


@dataclass
class SimulationResult:
    ticks: int = 0
    items: int = 0
    messages: int = 0
    late: int = 0
    years: list[YearRow] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def seed_participants(deps: Dependencies, per_municipality: int, per_body: int) -> int:
    """Synthetic people: citizens with confirmed consent per municipality, members per body."""
    with deps.unit_of_work() as uow:
        now = deps.clock()
        people: list[Participant] = []
        for m in uow.reference.municipalities():
            for n in range(per_municipality):
                person = Participant(
                    f"Bürgerin {n + 1} {m.name}",
                    f"buerger{n + 1}.{m.key}@example.org",
                    "de",
                    LegalBasis.CONSENT,
                    now,
                    municipality_key=m.key,
                    roles=frozenset({"citizen"}),
                )
                person.consent_requested_at = person.consent_confirmed_at = now
                people.append(person)
        for b in uow.reference.bodies():
            for n in range(per_body):
                people.append(
                    Participant(
                        f"Mitglied {n + 1} {b.name}",
                        f"mitglied{n + 1}.{b.key}@example.org",
                        "de",
                        LegalBasis.DUTY,
                        now,
                        body_keys=frozenset({b.key}),
                    )
                )
        for person in people:
            uow.participants.add(person)
        uow.commit()
        return len(people)


def run(
    deps: Dependencies,
    tools: SchedulerTools,
    set_clock: Callable[[datetime], None],
    end: datetime,
    transport: MailTransport | None = None,
    on_progress: Callable[[datetime], None] | None = None,
) -> SimulationResult:
    """Tick at every due time before ``end``; deliver messages through ``transport``."""
    result = SimulationResult()
    due_work.start(deps, tools)
    last_day = None
    while True:
        with deps.unit_of_work() as uow:
            next_at = uow.due_work.next_due_at()
        if next_at is None or next_at >= end:
            break
        set_clock(max(next_at, deps.clock()))
        new_day = deps.today() != last_day
        last_day = deps.today()
        if new_day:
            # staff act at most once a day; their groups' deadlines are planned the same day
            _simulated_staff(deps)
        report = due_work.tick(deps, tools, plan_escalations=new_day)
        result.ticks += 1
        result.items += len(report.items)
        result.late += sum(v.late for v in report.items)
        if transport is not None:
            result.messages += send_due(deps, transport, SendOptions(batch_size=200)).sent
        if on_progress is not None:
            on_progress(deps.clock())
    return result


def _simulated_staff(deps: Dependencies) -> None:
    """After a conference is held: form a working group that never reports."""
    workflow = deps.engine.conference()
    forming = [s for s in workflow.states.values() if "form_groups" in s.allows] if workflow else []
    if workflow is None or not forming:
        return
    with deps.unit_of_work() as uow:  # asked by one query, not by building views
        conferences = uow.cycles.cycle_ids_without_groups(workflow.name, forming[0].name)
    for conference in conferences:
        group = groups.form(
            deps,
            conference,
            "1",
            name="AG Sprachkurse (Simulation)",
            mandate="Konzept für Sprachkurse mit Kinderbetreuung",
            due_date=deps.today() + timedelta(days=120),
            members=["Simulation"],
            actor=STAFF,
        )
        groups.advance(deps, group, _work_start(deps), STAFF)
        recommendations.draft(
            deps,
            group,
            "Sprachkurse mit Kinderbetreuung (Simulation)",
            "Der Kreis finanziert Sprachkurse mit Kinderbetreuung.",
            STAFF,
        )


def _work_start(deps: Dependencies) -> str:
    """The working group's first step into a state in which it drafts recommendations."""
    workflow = deps.engine.for_subject(SubjectKind.WORKING_GROUP)
    return next(
        t.trigger
        for t in workflow.transitions_from(workflow.initial)
        if "draft_recommendations" in workflow.state(t.dest).allows
    )


# --- what came out ---------------------------------------------------------------------------


def summarise(
    deps: Dependencies,
    tools: SchedulerTools,
    start: datetime,
    end: datetime,
    result: SimulationResult,
) -> SimulationResult:
    """Per-year counts, the timeline, and the invariant checks."""
    tz = tools.policy.tz
    with deps.unit_of_work() as uow:
        meetings = uow.meetings.meetings(starts_from=start, starts_before=end)
        items = [i for i in uow.due_work.due_work() if i.due_at < end]
        rows = {y: YearRow(y) for y in range(start.astimezone(tz).year, end.astimezone(tz).year)}
        for meeting in meetings:
            row = rows.get(meeting.starts_at.astimezone(tz).year)
            if row is not None and meeting.status != MeetingStatus.CANCELLED:
                row.counts[_meeting_column(meeting, tools)] += 1
            result.timeline.append(
                TimelineEntry(
                    _lane(deps, meeting, tools), meeting.starts_at, "meeting", meeting.title
                )
            )
        for item in items:
            row = rows.get(item.due_at.astimezone(tz).year)
            if row is not None and item.status == DueStatus.DONE:
                row.counts[item.kind] += 1
            if item.kind in (DueKind.LAUNCH, DueKind.GROUP_OVERDUE, DueKind.DECISION_OVERDUE):
                result.timeline.append(
                    TimelineEntry("Durchgänge und Mahnungen", item.due_at, item.kind, item.note)
                )
        result.years = list(rows.values())
        sending = frozenset(t for d in deps.engine.definitions() for t in d.sending_triggers())
        _check(tools, start, end, meetings, items, uow.due_work.due_work_of, result, sending)
    return result


def _meeting_column(meeting: Meeting, tools: SchedulerTools) -> str:
    if meeting.series == tools.policy.conference_series:
        return "conference"
    if meeting.cycle is not None:
        return "workshop"
    return f"body:{meeting.series}"


def _feeder_of(meeting: Meeting, tools: SchedulerTools) -> str:
    """The feeder workflow whose generated meeting this is ("" for any other)."""
    series = meeting.series or ""
    return next((w for w in tools.policy.feeder_workflows if series.startswith(f"{w}:")), "")


def _lane(deps: Dependencies, meeting: Meeting, tools: SchedulerTools) -> str:
    feeder = _feeder_of(meeting, tools)
    if feeder:
        return f"{deps.engine.latest(feeder).title} (je Gemeinde)"
    return meeting.title if meeting.cycle is None else meeting.title.rsplit(" ", 1)[0]


def _check(
    tools: SchedulerTools,
    start: datetime,
    end: datetime,
    meetings: list[Meeting],
    items: list[DueWork],
    items_of: Callable[[str, int], list[DueWork]],
    result: SimulationResult,
    sending: frozenset[str],
) -> None:
    policy = tools.policy
    live = [m for m in meetings if m.status != MeetingStatus.CANCELLED]
    for series in policy.series:
        expected = _expected_count(series, start, end)
        got = sum(1 for m in live if m.series == series.key)
        check = f"{series.title}: {got} Sitzungen, erwartet {expected}"
        (result.checks if got == expected else result.violations).append(check)
    closed_days = [m for m in live if _closed(tools, m)]
    _record(
        result,
        not closed_days,
        "keine Sitzung an einem Feiertag, in den Schulferien oder (wo nicht erlaubt) am Wochenende",
        [
            f"{m.title} am {m.starts_at.astimezone(policy.tz):%d.%m.%Y}: {_closed(tools, m)}"
            for m in closed_days
        ],
    )
    late_invitations = [
        problem
        for m in live
        if (problem := _invitation_problem(m, items_of("meeting", m.id or 0), sending)) is not None
    ]
    _record(
        result,
        not late_invitations,
        "jede Einladung ging vor Beginn der Ladungsfrist hinaus",
        late_invitations,
    )
    left = [i.key for i in items if i.status == DueStatus.PENDING]
    _record(result, not left, "keine fällige Arbeit liegengeblieben", left)
    repeated = [i.key for i in items if i.status == DueStatus.DONE and i.attempts != 1]
    _record(result, not repeated, "jede Aufgabe genau einmal ausgeführt", repeated)


def _record(result: SimulationResult, ok: bool, title: str, problems: list[str]) -> None:
    if ok:
        result.checks.append(title)
    else:
        shown = "; ".join(problems[:5]) + (" …" if len(problems) > 5 else "")
        result.violations.append(f"{title}: verletzt ({len(problems)}×: {shown})")


def _expected_count(series: Series, start: datetime, end: datetime) -> int:
    """Periods beginning in the window late enough to invite on time."""
    first = (start + timedelta(days=series.notice_days + 1)).date()
    last = end.date()
    starts = period_starts(series.rule, first.year, last.year)
    return sum(
        1 for p in starts if first <= preferred_day(series.rule, p.year, p.month) and p < last
    )


def _closed(tools: SchedulerTools, meeting: Meeting) -> str | None:
    policy = tools.policy
    key = meeting.series or ""
    if _feeder_of(meeting, tools):
        key = policy.conference_series
        allow_weekend = policy.workshops.allow_weekend
    else:
        allow_weekend = None
    series = policy.series_by_key(key)
    if series is None or series.closed is None:
        return None
    day = meeting.starts_at.astimezone(policy.tz).date()
    rule = series.rule
    if allow_weekend is not None and not allow_weekend and day.weekday() >= 5:
        return "Wochenende"
    return closed_reason(rule, day, series.closed)


def _invitation_problem(
    meeting: Meeting, items: list[DueWork], sending: frozenset[str]
) -> str | None:
    """Why the meeting's invitation did not go out before its notice period, or None."""
    invitations = [
        i
        for i in items
        if i.kind == DueKind.INVITATION or (i.kind == DueKind.PHASE and i.argument in sending)
    ]
    deadline = meeting.starts_at - timedelta(days=meeting.notice_days)
    label = f"{meeting.title} ({meeting.starts_at:%d.%m.%Y})"
    if not invitations:
        return f"{label}: keine Einladung geplant"
    invitation = invitations[0]
    if invitation.status != DueStatus.DONE or invitation.finished_at is None:
        return f"{label}: Einladung {invitation.status}"
    if invitation.finished_at > deadline:
        return f"{label}: Einladung erst {invitation.finished_at:%d.%m.%Y %H:%M} UTC"
    return None


def require_valid_window(years: int) -> None:
    if not 1 <= years <= 50:
        raise DeliberationError(f"--years muss zwischen 1 und 50 liegen, nicht {years}.")
