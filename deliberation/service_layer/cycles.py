"""Use cases for cycles: launch a round's workshops or its conference, advance them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from deliberation.domain import text_rules
from deliberation.domain.errors import (
    DeliberationError,
    FieldKey,
    NextStep,
    NotFound,
    TemplateRenderError,
    hint,
)
from deliberation.domain.model import Cycle, Municipality, Round, SubjectKind
from deliberation.domain.rules import build_agenda, undocumented_workshops
from deliberation.domain.scheduling import SchedulePolicy
from deliberation.domain.workflow import WorkflowDefinition
from deliberation.service_layer import (
    cycle_invitations,
    notifications,
    round_meetings,
    stepping,
)
from deliberation.service_layer.meetings import Progress
from deliberation.service_layer.ports import Dependencies, Mailing, UnitOfWork
from deliberation.service_layer.views import (
    CycleView,
    FeedbackLine,
    LogView,
    cycle_detail,
    cycle_summary,
    feedback_lines,
    log_view,
)

#: the rule (``actions = [...]``) that builds a conference agenda from the round's workshops
AGENDA_ACTION = build_agenda.__name__


class DuplicateCycle(DeliberationError):
    """A round already has this cycle."""


def launch(
    deps: Dependencies,
    workflow: str,
    round_label: str,
    actor: str,
    municipality_keys: list[str] | None = None,
    reason: str = "",
    schedule: SchedulePolicy | None = None,
) -> list[int]:
    """Start cycles of ``workflow`` in round ``round_label``; returns their ids.

    A per-municipality workflow starts one cycle for each named municipality
    (all of them when none is named); others start one county-wide cycle.
    With the county's ``schedule`` the cycles get their meetings as if the
    scheduler had launched them (see ``round_meetings``).
    """
    with deps.unit_of_work() as uow:
        cycles = start_cycles(deps, uow, workflow, round_label, actor, municipality_keys, reason)
        if schedule is not None:
            # a German title ("Bürgerforum") is accepted as well as the key
            workflow = deps.engine.find_workflow(workflow).name
            uow.flush()
            round_meetings.give_meetings(
                uow, deps, schedule, workflow, round_label, cycles, deps.clock()
            )
        uow.commit()
        return [c.id or 0 for c in cycles]


def start_cycles(
    deps: Dependencies,
    uow: UnitOfWork,
    workflow: str,
    round_label: str,
    actor: str,
    municipality_keys: list[str] | None = None,
    reason: str = "",
) -> list[Cycle]:
    """``launch`` in the caller's unit of work, without the commit; the cycles have ids.

    ``workflow`` is a workflow's name or its German title ("Bürgerforum").
    """
    round_label = text_rules.single_line(
        round_label, "Der Durchgang", text_rules.ROUND_LENGTH, field=FieldKey.ROUND
    )
    definition = deps.engine.find_workflow(workflow)
    if definition.subject != SubjectKind.CYCLE:
        raise DeliberationError(
            f'"{workflow}" ist kein Zyklus-Workflow; Arbeitsgruppen und Empfehlungen entstehen '
            "mit 'group form' und 'recommendation draft'."
        )
    ctx = stepping.context(deps, actor, reason)
    round_ = uow.cycles.round(round_label) or Round(round_label, ctx.now)
    places = _places(uow, definition, municipality_keys)
    cycles = [_new_cycle(round_, definition, place, ctx.now) for place in places]
    for cycle in cycles:
        uow.cycles.add(cycle)
    for cycle in cycles:
        stepping.record_creation(uow, cycle, "launch", ctx)
    return cycles


def _places(
    uow: UnitOfWork, definition: WorkflowDefinition, keys: list[str] | None
) -> list[Municipality | None]:
    if not definition.per_municipality:
        if keys:
            raise DeliberationError(
                f'"{definition.name}" ist kreisweit; --municipality passt nicht dazu.'
            )
        return [None]
    if not keys:
        return list(uow.reference.municipalities())
    places: list[Municipality | None] = []
    for key in keys:
        municipality = uow.reference.municipality(key)
        if municipality is None:
            known = ", ".join(m.key for m in uow.reference.municipalities())
            raise NotFound(f'Gemeinde "{key}" ist unbekannt (bekannt: {known}).')
        places.append(municipality)
    return places


def _new_cycle(
    round_: Round, definition: WorkflowDefinition, place: Municipality | None, now: datetime
) -> Cycle:
    for existing in round_.cycles:
        if existing.workflow == definition.name and existing.municipality is place:
            where = f" für {place.name}" if place else ""
            raise DuplicateCycle(
                f"Im Durchgang {round_.label} gibt es{where} bereits {definition.some()} "
                f"(Zyklus {existing.id})."
            )
    suffix = f" {place.name}" if place else ""
    cycle = Cycle(
        round=round_,
        workflow=definition.name,
        workflow_version=definition.version,
        state=definition.initial,
        title=f"{definition.title}{suffix} {round_.label}",
        created_at=now,
        municipality=place,
    )
    cycle.workflow_fingerprint = definition.fingerprint
    return cycle


def advance(
    deps: Dependencies,
    cycle_id: int,
    trigger: str,
    actor: str,
    reason: str = "",
    text: str = "",
    expected_version: int | None = None,
    mailing: Mailing | None = None,
    fan_out: notifications.FanOut | None = None,
    progress: Progress | None = None,
) -> LogView:
    """Fire ``trigger`` (a step's key or German title); with ``mailing``, the invitations
    it asks for are queued right after the step is committed, in parts as ``fan_out``
    says (``notifications.render_pending``; ``progress`` follows them).

    Without ``mailing`` they wait for the scheduler's next tick. Either way a
    step that invites is refused while the cycle has no confirmed meeting
    with a place (see ``cycle_invitations``). If the invitations cannot be
    rendered (a broken template), the step stays done, its invitations stay
    pending for the scheduler, and the view's ``warning`` says why. The fast path
    unless the step's rules walk more of the cycle's relationships than its needs
    (a conference's agenda, its groups); a step that sends takes it too, since its
    invitations are rendered after its commit.
    """
    with deps.unit_of_work() as uow:
        detached = get_detached(uow, cycle_id)
        stepping.require_version(detached, expected_version)
        trigger = deps.engine.resolve_trigger(detached, trigger)
        ctx = stepping.context(deps, actor, reason, text)  # the clock is read after loading
        warn = builds_agenda(deps, detached, trigger)
        if not warn and stepping.fast_path_fits(deps, detached, trigger):
            view = log_view(deps.engine, stepping.fire_detached(deps, uow, detached, trigger, ctx))
        else:
            cycle = get(uow, cycle_id)
            record = stepping.apply(deps, uow, cycle, trigger, ctx)
            warning = (undocumented_workshops(cycle, deps.engine) or "") if warn else ""
            view = replace(log_view(deps.engine, record), warning=warning)
            uow.commit()
    if mailing is None:
        return view
    try:
        queued = notifications.render_pending(
            deps, mailing, fan_out or notifications.FanOut(), progress, cycle_id=cycle_id
        )
    except TemplateRenderError as exc:
        return replace(view, warning=" ".join(filter(None, (view.warning, _not_rendered(exc)))))
    return replace(view, messages=queued)


def _not_rendered(exc: TemplateRenderError) -> str:
    return (
        f"Der Schritt ist getan, aber die Einladungen ließen sich nicht erstellen: {exc} "
        "Sie bleiben offen; der Terminplaner versucht es bei jedem Lauf wieder, sobald die "
        "Vorlage stimmt."
    )


def builds_agenda(deps: Dependencies, cycle: Cycle, trigger: str) -> bool:
    """Whether ``trigger`` in the cycle's state builds the conference agenda."""
    transitions = deps.engine.definition_of(cycle).transitions_from(cycle.state)
    return any(AGENDA_ACTION in t.actions for t in transitions if t.trigger == trigger)


def get(uow: UnitOfWork, cycle_id: int, lock: bool = False) -> Cycle:
    """The cycle; ``lock`` holds its row until commit where the database can (PostgreSQL)."""
    cycle = uow.cycles.cycle(cycle_id, lock)
    if cycle is None:
        raise _missing(cycle_id)
    return cycle


def get_detached(uow: UnitOfWork, cycle_id: int, lock: bool = False) -> Cycle:
    """The cycle's row alone (``repo.detached_cycle``), for steps that need nothing more."""
    cycle = uow.fast_path.detached_cycle(cycle_id, lock)
    if cycle is None:
        raise _missing(cycle_id)
    return cycle


def _missing(cycle_id: int) -> NotFound:
    return NotFound(f"Zyklus {cycle_id} gibt es nicht.", next_steps=[hint(NextStep.LIST_CYCLES)])


def list_cycles(
    deps: Dependencies,
    round_label: str | None = None,
    workflow: str | None = None,
    state: str | None = None,
) -> list[CycleView]:
    """Cycles, optionally of one round, workflow (name or title) and state (key or title)."""
    if workflow is not None:
        workflow = deps.engine.find_workflow(workflow).name
    if state is not None:
        state = deps.engine.resolve_state(SubjectKind.CYCLE, state, workflow)
    with deps.unit_of_work() as uow:
        return [
            cycle_summary(deps.engine, c) for c in uow.cycles.cycles(round_label, workflow, state)
        ]


def round_feedback(deps: Dependencies, round_label: str) -> tuple[FeedbackLine, ...]:
    """The Rückspiegelung a round received (none for a round that does not exist)."""
    with deps.unit_of_work() as uow:
        round_ = uow.cycles.round(round_label)
        return () if round_ is None else feedback_lines(round_)


def show(deps: Dependencies, cycle_id: int) -> CycleView:
    with deps.unit_of_work() as uow:
        cycle = get(uow, cycle_id)
        found = uow.meetings.meetings_of_cycle(cycle_id)
        view = cycle_detail(deps.engine, cycle, uow.log.log("cycle", cycle_id), found)
        problem = cycle_invitations.missing(deps, found) or ""
        return replace(view, invitation_problem=problem)
