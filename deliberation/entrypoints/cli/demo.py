"""A complete sample round for Landkreis Peine, played through the use cases.

Seven future workshops collect needs, the integration conference builds its
agenda from the county-wide ones and forms working groups, and their
recommendations travel through the Kommission and the Kreistag committees to
a decision. The sample data (people, needs, groups, recommendations, texts)
come from ``demo_sample.toml``; the dates from the county's own schedule (see
``demo_calendar``): the demo plays the latest round that is over by today, and
its clock walks from date to date, so every step is recorded when it happened.

Before the round starts, a small participant list is imported and asked for
consent; the invitations the workshops and the conference send are rendered,
queued in the outbox and delivered with the real SMTP sender to a local mail
sink started for the purpose, which keeps them as ``.eml`` files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.text import Text

from deliberation.bootstrap import local_delivery
from deliberation.domain.clock import Clock
from deliberation.domain.consultations import ConsultationResult as R
from deliberation.domain.consultations import ConsultationRole, RouteStep
from deliberation.domain.errors import DeliberationError
from deliberation.domain.scheduling import SchedulePolicy
from deliberation.entrypoints.cli import demo_invitations
from deliberation.entrypoints.cli.demo_calendar import DemoCalendar, RoundDates, months_later
from deliberation.entrypoints.cli.demo_sample import (
    CARRIED_OUT,
    DEFERRED_THEN_AMENDED,
    IN_PROGRESS,
    PULLED_BACK,
    TURNED_DOWN,
    Proposal,
    Sample,
    Step,
    load_sample,
)
from deliberation.entrypoints.cli.overview import print_overview
from deliberation.service_layer import (
    body_meetings,
    consultations,
    cycles,
    groups,
    implementation,
    meetings,
    needs,
    outbox,
    participants,
    recommendations,
)
from deliberation.service_layer.outbox import SendOptions
from deliberation.service_layer.ports import Dependencies, Mailing, TemplateRenderer
from deliberation.service_layer.views import TopicView

#: The local mail sink accepts as fast as we send; the relay's limit does not apply.
SINK_RATE_PER_MINUTE = 60_000
#: a workshop evening: the needs collection opens as it begins, phases follow
PHASE = timedelta(minutes=50)


@dataclass(frozen=True)
class DemoMail:
    """Where the demo's invitations go: rendered with ``mailing``, kept as .eml in ``folder``."""

    mailing: Mailing
    folder: Path


@dataclass(frozen=True)
class FormedGroup:
    """A working group and the agenda topic it works on."""

    id: int
    topic: TopicView


@dataclass(frozen=True)
class Drafted:
    """A recommendation as drafted (its text is the base of an amended resolution)."""

    id: int
    title: str
    text: str


@dataclass
class DemoRun:
    """What every stage of the demo needs."""

    deps: Dependencies
    console: Console
    clock: Clock
    sample: Sample
    dates: RoundDates
    calendar: DemoCalendar
    mail: DemoMail
    renderer: TemplateRenderer | None = None
    venues: dict[str, str] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)

    @property
    def actor(self) -> str:
        return self.sample.actor

    @property
    def round_label(self) -> str:
        return self.dates.label

    def at(self, moment: datetime) -> None:
        """Set the clock forward to ``moment``; it never runs backwards."""
        self.clock.set(max(self.clock(), moment))

    def say(self, message: str) -> None:
        self.console.print(Text.assemble(("✓ ", "green"), message))


def run_demo(
    deps: Dependencies,
    console: Console,
    clock: Clock,
    policy: SchedulePolicy,
    mail: DemoMail,
    renderer: TemplateRenderer | None = None,
    venues: dict[str, str] | None = None,
) -> RoundDates:
    """Play the latest finished round of the county, then print where everything stands.

    ``clock`` must be the clock ``deps`` uses: the demo sets it to each date of the
    round and leaves it at the later of the round's end and ``clock``'s start (today).
    ``venues`` gives every municipality's workshop venue by its name ("" for none).
    With ``renderer``, an implementation report is rendered and reported back to the
    next round. Returns the dates the round was played on.
    """
    sample = load_sample()
    today = clock()
    calendar = DemoCalendar(policy, deps.consultation_route)
    venues = venues or {}
    dates = calendar.latest_round(today, len(venues), sample.group_months)
    clock.set(dates.start)
    run = DemoRun(
        deps,
        console,
        clock,
        sample,
        dates,
        calendar,
        mail,
        renderer,
        venues,
        random.Random(sample.seed),
    )
    register_participants(run)
    conference_id = launch_cycles(run)
    workshop_list = workshops(run)
    conference_meeting = schedule_meetings(run, workshop_list, conference_id)
    invite_workshops(run, workshop_list)
    for (cycle_id, municipality), evening in zip(workshop_list, dates.workshops, strict=True):
        run_workshop(run, cycle_id, municipality, evening)
    agenda = hold_conference(run, conference_id, conference_meeting)
    formed = form_groups(run, conference_id, agenda)
    drafted = [
        d
        for group, count in zip(formed, sample.recommendations_per_group, strict=False)
        for d in work_in_group(run, group, count)
    ]
    decide(run, drafted)
    close_conference(run, conference_id)
    clock.set(max(clock(), today))
    console.print()
    print_overview(deps, console, dates.label)
    return dates


def register_participants(run: DemoRun) -> None:
    """Import the sample registry; those invited by consent confirm it by the emailed link,
    all but one (who never clicks it and so gets no invitation)."""
    rows = [
        (
            line,
            {
                "name": p.name,
                "email": p.email,
                "municipality": p.municipality,
                "roles": p.roles,
                "bodies": p.bodies,
                "language": p.language,
            },
        )
        for line, p in enumerate(run.sample.people, start=2)
    ]
    report = participants.import_participants(run.deps, rows, run.actor, "Beispielverzeichnis")
    hesitant = {p.email for p in run.sample.people if p.hesitant}
    asked, confirmed = demo_invitations.opt_in(run.deps, run.mail.mailing, hesitant)
    for person in run.sample.people:
        if person.publish:
            participants.set_publication_consent(run.deps, person.email, True)
    run.say(
        f"{report.imported} Personen im Verzeichnis "
        f"({report.imported - asked} aus Gremien, {confirmed} mit Einwilligung)"
    )


def launch_cycles(run: DemoRun) -> int:
    """Launch the round's workshops and its conference; returns the conference id."""
    feeders = run.deps.engine.feeders()
    conference = run.deps.engine.conference()
    if conference is None or not feeders:
        raise DeliberationError(
            "Die Demo braucht eine Konferenz mit Zukunftswerkstätten ([round] in workflows/)."
        )
    workshop_ids = cycles.launch(run.deps, feeders[0].name, run.round_label, run.actor)
    (conference_id,) = cycles.launch(run.deps, conference.name, run.round_label, run.actor)
    run.say(
        f"Durchgang {run.round_label}: {len(workshop_ids)} Zukunftswerkstätten und "
        f"{conference.title} angelegt ({run.clock():%d.%m.%Y})"
    )
    return conference_id


def workshops(run: DemoRun) -> list[tuple[int, str]]:
    """The round's workshops as (cycle id, municipality name)."""
    views = cycles.list_cycles(run.deps, run.round_label)
    return [(v.status.id, v.municipality) for v in views if v.municipality]


def schedule_meetings(
    run: DemoRun, workshop_list: list[tuple[int, str]], conference_id: int
) -> int:
    """A workshop evening per municipality at its venue, and the conference day.

    The days come from the county's schedule (open days, the conference's rhythm);
    returns the conference's meeting.
    """
    domain = run.mail.mailing.sender.rpartition("@")[2]
    plan = run.calendar.policy.workshops
    for (cycle_id, municipality), evening in zip(workshop_list, run.dates.workshops, strict=True):
        venue = run.venues.get(municipality) or f"Rathaus {municipality.removeprefix('Stadt ')}"
        meeting = meetings.MeetingPlan(
            f"Zukunftswerkstatt {municipality}",
            evening,
            venue,
            duration_minutes=plan.duration_minutes,
            cycle_id=cycle_id,
        )
        meetings.schedule(run.deps, meeting, domain, actor=run.actor)
    series = run.calendar.conference_series
    conference = meetings.MeetingPlan(
        series.title,
        run.dates.conference,
        run.sample.conference.venue,
        duration_minutes=series.rule.duration_minutes,
        cycle_id=conference_id,
        capacity=run.sample.conference_seats,
    )
    day = run.dates.conference
    run.say(
        f"Termine: Zukunftswerkstätten {run.dates.workshops[0]:%d.%m.} bis "
        f"{run.dates.workshops[-1]:%d.%m.%Y}, {series.title} am {day:%d.%m.%Y}"
    )
    return meetings.schedule(run.deps, conference, domain, actor=run.actor)


def invite_workshops(run: DemoRun, workshop_list: list[tuple[int, str]]) -> None:
    """Each workshop invites at the start of its notice period (three weeks ahead)."""
    step = run.sample.workshop.invite
    for (cycle_id, _), notice in zip(workshop_list, run.dates.workshop_notice, strict=True):
        run.at(notice)
        _cycle(run, cycle_id, step, mail=True)


def run_workshop(run: DemoRun, cycle_id: int, municipality: str, evening: datetime) -> None:
    """One future workshop evening, from the critique to the documented, closed result."""
    script = run.sample.workshop
    cards = run.sample.cards(municipality)
    run.at(evening)
    _cycle(run, cycle_id, script.open)
    need_ids = [needs.add(run.deps, cycle_id, c.text, c.topic, c.scope, run.actor) for c in cards]
    for step in script.after_cards:
        run.at(run.clock() + PHASE)
        _cycle(run, cycle_id, step, place=municipality)
    dots = dot_vote(run, need_ids)
    for step in script.after_votes:
        run.at(run.clock() + PHASE)
        _cycle(run, cycle_id, step, place=municipality)
    county = sum(c.scope == "kreisweit" for c in cards)
    run.say(
        f"Zukunftswerkstatt {municipality} am {evening:%d.%m.%Y}: {len(need_ids)} Bedarfe "
        f"({county} kreisweit), {dots} Punkte"
    )


def _cycle(run: DemoRun, cycle_id: int, step: Step, place: str = "", mail: bool = False) -> None:
    reason = step.reason.replace("{place}", place)
    mailing = run.mail.mailing if mail else None
    cycles.advance(run.deps, cycle_id, step.trigger, run.actor, reason, mailing=mailing)


def dot_vote(run: DemoRun, need_ids: list[int]) -> int:
    """Each participant sticks 1 to 3 dots on one card; returns the dots given."""
    given = 0
    for _ in range(run.rng.randint(*run.sample.voters)):
        dots = run.rng.randint(1, 3)
        needs.vote(run.deps, run.rng.choice(need_ids), dots)
        given += dots
    return given


def hold_conference(run: DemoRun, conference_id: int, meeting_id: int) -> tuple[TopicView, ...]:
    """Build the agenda once the workshops are documented, invite, hear answers, hold it."""
    script = run.sample.conference
    run.at(run.clock() + timedelta(days=1))
    for step in script.prepare:
        _cycle(run, conference_id, step)
    run.at(run.dates.conference_notice)
    _cycle(run, conference_id, script.invite, mail=True)
    run.at(run.dates.conference_notice + timedelta(days=2))
    run.say(
        demo_invitations.answer_conference(run.deps, run.mail.mailing, meeting_id, script.answers)
    )
    deliver_invitations(run)
    series = run.calendar.conference_series
    run.at(run.dates.conference + timedelta(minutes=series.rule.duration_minutes))
    _cycle(run, conference_id, script.hold)
    agenda = cycles.show(run.deps, conference_id).agenda
    top = ", ".join(t.title for t in agenda[: run.sample.group_count])
    run.say(f"{series.title} am {run.dates.conference:%d.%m.%Y}: {len(agenda)} Themen, vorn {top}")
    return agenda


def deliver_invitations(run: DemoRun) -> None:
    """Deliver everything queued so far (confirmations, invitations) to a local mail sink."""
    mail = run.mail
    queued = outbox.overview(run.deps).counts.get("queued", 0)
    sink, transport = local_delivery(mail.folder, mail.mailing.sender, SINK_RATE_PER_MINUTE)
    with sink:
        summary = outbox.send_due(run.deps, transport, SendOptions())
    if summary.retried or summary.failed:
        raise DeliberationError(
            f"Die lokale Mail-Senke hat nur {summary.sent} von {queued} Einladungen "
            "angenommen (Details: deliberation outbox status)."
        )
    run.say(
        f"{summary.sent} E-Mails (Bestätigungen, Einladungen mit Kalendereintrag) an die "
        f"lokale Mail-Senke zugestellt: {mail.folder}/ (.eml, mit jedem Mailprogramm zu öffnen)"
    )


def form_groups(
    run: DemoRun, conference_id: int, agenda: tuple[TopicView, ...]
) -> list[FormedGroup]:
    """One working group on each of the top agenda topics, due a few months later."""
    due = run.dates.groups_due
    formed: list[FormedGroup] = []
    for topic in agenda[: run.sample.group_count]:
        sample = run.sample.groups[topic.title]
        group_id = groups.form(
            run.deps,
            conference_id,
            str(topic.position),
            sample.name,
            sample.mandate,
            due,
            list(sample.members),
            run.actor,
        )
        formed.append(FormedGroup(group_id, topic))
    run.say(f"{len(formed)} Arbeitsgruppen gebildet, Frist {due:%d.%m.%Y}")
    return formed


def work_in_group(run: DemoRun, group: FormedGroup, count: int) -> list[Drafted]:
    """The group starts work, later drafts and adopts its recommendations and reports."""
    sample = run.sample
    run.at(run.dates.group_start)
    groups.advance(
        run.deps, group.id, sample.start_work.trigger, run.actor, sample.start_work.reason
    )
    run.at(run.dates.group_report - timedelta(days=7))
    proposals = sample.groups[group.topic.title].recommendations[:count]
    drafted = [_draft(run, group, proposal) for proposal in proposals]
    for recommendation in drafted:
        _advance(run, recommendation.id, sample.adopt)
    run.at(run.dates.group_report)
    groups.advance(
        run.deps, group.id, sample.deliver_report.trigger, run.actor, sample.deliver_report.reason
    )
    plural = "" if len(drafted) == 1 else "en"
    name = sample.groups[group.topic.title].name
    run.say(f"{name}: Bericht mit {len(drafted)} Empfehlung{plural}")
    return drafted


def _draft(run: DemoRun, group: FormedGroup, proposal: Proposal) -> Drafted:
    """Draft one recommendation, linked to the needs behind the group's agenda topic."""
    need_ids = list(group.topic.need_ids)
    return Drafted(
        recommendations.draft(
            run.deps, group.id, proposal.title, proposal.text, run.actor, need_ids
        ),
        proposal.title,
        proposal.text,
    )


def _advance(run: DemoRun, recommendation_id: int, step: Step) -> None:
    recommendations.advance(run.deps, recommendation_id, step.trigger, run.actor, step.reason)


def decide(run: DemoRun, drafted: list[Drafted]) -> None:
    """Send the recommendations along the configured route, meeting by meeting.

    For each body of the route the recommendations still on their way are placed on
    its next regular meeting outside the notice period; the clock moves past the
    meeting and each gets its own result. Deferred ones go to the body's next meeting.
    """
    outcomes = run.sample.outcomes
    plans = [outcomes[i % len(outcomes)].plan for i in range(len(drafted))]
    route = run.deps.consultation_route
    withdraw_at = next((s for s in route if s.role == ConsultationRole.PRELIMINARY), None)
    active = dict(enumerate(drafted))
    for step in route:
        attempt = 0
        while waiting := [i for i in active if _result(plans[i], step, attempt, withdraw_at)]:
            meeting = _meeting(run, step.body_key)
            for i in waiting:
                consultations.place(run.deps, active[i].id, meeting.id, run.actor)
            run.at(meeting.starts_at + timedelta(hours=3))
            for i in waiting:
                result = _result(plans[i], step, attempt, withdraw_at) or R.APPROVED
                text = _text(run, step.role, result, i, active[i])
                consultations.record_result(run.deps, active[i].id, result, run.actor, text)
                if result == R.WITHDRAWN:
                    del active[i]
            attempt += 1
    for i, recommendation in enumerate(drafted):
        mirrored = implement(run, recommendation, plans[i])
        title = outcomes[i % len(outcomes)].title
        back = f" (Rückspiegelung an Durchgang {run.dates.next_label})" if mirrored else ""
        run.say(f"{title}: „{recommendation.title}“{back}")


def _result(plan: str, step: RouteStep, attempt: int, withdraw_at: RouteStep | None) -> R | None:
    """The result the ``attempt``-th meeting of a route body records for a recommendation
    with this plan, or None when it does not (or no longer) come before that body."""
    if plan == PULLED_BACK:
        if attempt or step.authoritative:
            return None
        return R.WITHDRAWN if step == withdraw_at else R.APPROVED
    if attempt and not (step.authoritative and plan == DEFERRED_THEN_AMENDED and attempt == 1):
        return None
    if not step.authoritative:
        return R.APPROVED
    if plan == DEFERRED_THEN_AMENDED:
        return R.DEFERRED if attempt == 0 else R.ADOPTED_AMENDED
    return R.REJECTED if plan == TURNED_DOWN else R.ADOPTED


def _text(run: DemoRun, role: str, result: R, index: int, recommendation: Drafted) -> str:
    statements = run.sample.statements
    if role == ConsultationRole.HEARING and result != R.WITHDRAWN:
        return statements[index % len(statements)]
    if result == R.ADOPTED_AMENDED:
        return f"{recommendation.text} {run.sample.amendment}"
    return ""


def _meeting(run: DemoRun, body_key: str) -> body_meetings.MeetingView:
    """The body's next regular meeting the recommendations can still be placed on."""
    starts = run.calendar.body_meeting(body_key, run.clock())
    # the county's own rhythm gives the day; confirmed as the scheduler's proposals are
    return body_meetings.add(
        run.deps, body_key, starts, run.sample.route_venue, confirmed=True, actor=run.actor
    )


def implement(run: DemoRun, recommendation: Drafted, plan: str) -> bool:
    """Adopted recommendations get an office and a due date; a completed one is reported
    back to the next round (True then)."""
    if plan not in (CARRIED_OUT, IN_PROGRESS):
        return False
    sample = run.sample
    due = months_later(run.deps.today(), sample.implementation_months)
    implementation.assign(run.deps, recommendation.id, sample.office, due, run.actor)
    implementation.note_progress(run.deps, recommendation.id, sample.progress_note, run.actor)
    if plan == CARRIED_OUT and run.renderer is not None:
        run.at(run.dates.end - timedelta(days=1))
        implementation.report_back(
            run.deps, run.renderer, recommendation.id, run.actor, run.dates.next_label
        )
        _advance(run, recommendation.id, sample.complete)
        return True
    return False


def close_conference(run: DemoRun, conference_id: int) -> None:
    """Record the groups as formed, collect their recommendations, close the conference."""
    for step in run.sample.conference.close:
        _cycle(run, conference_id, step)
    run.say(f"{run.calendar.conference_series.title} abgeschlossen")
