"""Named guards and actions a workflow definition can refer to.

Guards answer ``None`` when a transition may happen, or a German sentence
saying why not. Actions change the record they are given and nothing else:
no I/O, no clock, no database. Counties that need a new rule add it here and
name it in their workflow file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from deliberation.domain.errors import Hint, NextStep, hint
from deliberation.domain.model import (
    AgendaTopic,
    Cycle,
    NeedScope,
    NeedStatus,
    Recommendation,
    Stateful,
    SubjectKind,
    WorkingGroup,
)
from deliberation.domain.workflow import RuleNames


class WorkflowFacts(Protocol):
    """What a rule may ask about other records' workflows."""

    def is_final(self, subject: Stateful) -> bool: ...

    def is_initial(self, subject: Stateful) -> bool: ...


class ChildFacts(Protocol):
    """Whether a record has children of a kind: what guards ask instead of walking collections.

    The service layer answers each with one query (an EXISTS), so a guard costs the
    same with one need as with a thousand and the record need not be loaded with them.
    """

    def any_need(self, cycle: Cycle, voted: bool = False) -> bool: ...

    def any_agenda_topic(self, conference: Cycle) -> bool: ...

    def any_working_group(self, conference: Cycle) -> bool: ...

    def any_recommendation(self, conference: Cycle) -> bool: ...


class GraphFacts:
    """``ChildFacts`` read from the records' collections in memory (domain use and tests)."""

    def any_need(self, cycle: Cycle, voted: bool = False) -> bool:
        return any(not voted or need.total_votes > 0 for need in cycle.needs)

    def any_agenda_topic(self, conference: Cycle) -> bool:
        return bool(conference.agenda_topics)

    def any_working_group(self, conference: Cycle) -> bool:
        return bool(conference.working_groups)

    def any_recommendation(self, conference: Cycle) -> bool:
        return any(group.recommendations for group in conference.working_groups)


IN_MEMORY = GraphFacts()


@dataclass
class TransitionContext:
    """Everything a guard or action may look at besides the record itself."""

    actor: str
    reason: str
    now: datetime
    facts: WorkflowFacts
    text: str = ""
    standing_topic_fields: tuple[str, ...] = ()
    refusals: list[str] = field(default_factory=list)
    next_steps: list[Hint] = field(default_factory=list)  # what the refusals suggest
    children: ChildFacts = IN_MEMORY


@dataclass(frozen=True)
class Refusal:
    """A guard's refusal that suggests a next step (a plain ``str`` suggests none)."""

    text: str
    next_step: Hint


Guard = Callable[[Any, TransitionContext], str | Refusal | None]
GuardT = TypeVar("GuardT", bound=Guard)
Action = Callable[[Any, TransitionContext], None]


@dataclass(frozen=True)
class Rule:
    """A guard or action; ``reads`` names the relationships of the record it walks.

    Empty: the rule reads nothing but the record's own columns and ``ctx``, so it can
    run on a record loaded without its relationships (the step fast path). ``None``
    (not declared): it may walk anything, and the record is loaded whole.
    """

    function: Callable[[Any, TransitionContext], Any]
    kinds: frozenset[SubjectKind]
    description: str
    reads: frozenset[str] | None = None


@dataclass
class RuleBook:
    """The registry of guards and actions; a test can build its own."""

    guards: dict[str, Rule] = field(default_factory=dict)
    actions: dict[str, Rule] = field(default_factory=dict)

    def guard(
        self, kinds: set[SubjectKind], description: str, reads: tuple[str, ...] | None = None
    ) -> Callable[[GuardT], GuardT]:
        def register(function: GuardT) -> GuardT:
            walks = None if reads is None else frozenset(reads)
            rule = Rule(function, frozenset(kinds), description, walks)
            self.guards[function.__name__] = rule
            return function

        return register

    def action(
        self, kinds: set[SubjectKind], description: str, reads: tuple[str, ...] | None = None
    ) -> Callable[[Action], Action]:
        def register(function: Action) -> Action:
            walks = None if reads is None else frozenset(reads)
            rule = Rule(function, frozenset(kinds), description, walks)
            self.actions[function.__name__] = rule
            return function

        return register

    def names(self) -> RuleNames:
        return RuleNames(
            guards={name: rule.kinds for name, rule in self.guards.items()},
            actions={name: rule.kinds for name, rule in self.actions.items()},
        )


RULES = RuleBook()
CYCLE = {SubjectKind.CYCLE}
GROUP = {SubjectKind.WORKING_GROUP}
RECOMMENDATION = {SubjectKind.RECOMMENDATION}


@RULES.guard(CYCLE, "Die Werkstatt hat mindestens einen Bedarf gesammelt.", reads=())
def has_needs(cycle: Cycle, ctx: TransitionContext) -> str | Refusal | None:
    if ctx.children.any_need(cycle):
        return None
    return Refusal("Es wurden noch keine Bedarfe gesammelt.", hint(NextStep.ADD_NEEDS))


@RULES.guard(CYCLE, "Mindestens ein Bedarf hat Punkte aus der Priorisierung erhalten.", reads=())
def needs_prioritised(cycle: Cycle, ctx: TransitionContext) -> str | Refusal | None:
    if ctx.children.any_need(cycle, voted=True):
        return None
    return Refusal(
        "Die Bedarfe wurden noch nicht mit Punkten priorisiert.", hint(NextStep.VOTE_NEEDS)
    )


@RULES.guard(
    CYCLE,
    "Es gibt weitergeleitete kreisweite Bedarfe oder ständige Themenfelder.",
    reads=("round",),
)
def agenda_sources_available(cycle: Cycle, ctx: TransitionContext) -> str | None:
    if _forwarded_needs(cycle) or ctx.standing_topic_fields:
        return None
    return (
        "Für die Tagesordnung fehlen Quellen: keine Werkstatt dieses Durchgangs hat "
        "kreisweite Bedarfe weitergeleitet, und es sind keine Themenfelder konfiguriert."
    )


@RULES.guard(
    CYCLE, "Für den Durchgang liegt eine Rückspiegelung (Umsetzungsbericht) vor.", reads=("round",)
)
def round_has_feedback(cycle: Cycle, ctx: TransitionContext) -> str | Refusal | None:
    if cycle.round.feedback_reports:
        return None
    return Refusal(
        f"In den Durchgang {cycle.round.label} wurde noch kein Umsetzungsbericht zurückgespiegelt.",
        hint(NextStep.REPORT_IMPLEMENTATION, round=cycle.round.label),
    )


def undocumented_workshops(cycle: Cycle, facts: WorkflowFacts) -> str | None:
    """A warning when an agenda is built while workshops of the round still run, or None.

    Not a guard: the scheduler builds the agenda by date, and a conference without
    agenda would invite no one; staff are told which workshops the agenda lacks.
    """
    running = [
        workshop
        for workshop in cycle.round.cycles
        if workshop.municipality is not None  # a cycle of one municipality: a workshop
        and not facts.is_final(workshop)
        and (not workshop.needs or any(n.status == NeedStatus.OPEN for n in workshop.needs))
    ]
    if not running:
        return None
    names = ", ".join(f"{w.title} (Zyklus {w.id})" for w in running)
    return (
        "Die Tagesordnung entsteht aus den Ergebnissen aller Zukunftswerkstätten des "
        f"Durchgangs; noch nicht dokumentiert: {names}. Ihre kreisweiten Bedarfe fehlen "
        "auf dieser Tagesordnung."
    )


@RULES.guard(CYCLE, "Die Konferenz hat eine Tagesordnung.", reads=())
def has_agenda(cycle: Cycle, ctx: TransitionContext) -> str | None:
    if ctx.children.any_agenda_topic(cycle):
        return None
    return "Die Konferenz hat noch keine Tagesordnung."


@RULES.guard(CYCLE, "Die Konferenz hat mindestens eine Arbeitsgruppe gebildet.", reads=())
def has_working_groups(cycle: Cycle, ctx: TransitionContext) -> str | Refusal | None:
    if ctx.children.any_working_group(cycle):
        return None
    return Refusal("Es wurde noch keine Arbeitsgruppe gebildet.", hint(NextStep.FORM_GROUP))


@RULES.guard(CYCLE, "Mindestens eine Arbeitsgruppe hat eine Empfehlung vorgelegt.", reads=())
def has_recommendations(cycle: Cycle, ctx: TransitionContext) -> str | None:
    if ctx.children.any_recommendation(cycle):
        return None
    return "Keine Arbeitsgruppe hat bisher eine Empfehlung vorgelegt."


@RULES.guard(CYCLE, "Keine Arbeitsgruppe der Konferenz arbeitet noch.", reads=("working_groups",))
def no_group_working(cycle: Cycle, ctx: TransitionContext) -> str | None:
    working = [g.name for g in cycle.working_groups if not ctx.facts.is_final(g)]
    if not working:
        return None
    return "Diese Arbeitsgruppen arbeiten noch: " + ", ".join(working) + "."


@RULES.guard(
    GROUP,
    "Die Gruppe hat Empfehlungen, und keine ist mehr ein Entwurf.",
    reads=("recommendations",),
)
def recommendations_adopted(group: WorkingGroup, ctx: TransitionContext) -> str | None:
    if not group.recommendations:
        return "Die Arbeitsgruppe hat noch keine Empfehlung entworfen."
    drafts = [r.title for r in group.recommendations if ctx.facts.is_initial(r)]
    if drafts:
        return "Diese Empfehlungen sind noch Entwürfe: " + ", ".join(drafts) + "."
    return None


@RULES.guard(
    RECOMMENDATION, "Die Arbeitsgruppe der Empfehlung ist noch aktiv.", reads=("working_group",)
)
def group_active(recommendation: Recommendation, ctx: TransitionContext) -> str | None:
    if not ctx.facts.is_final(recommendation.working_group):
        return None
    return f'Die Arbeitsgruppe "{recommendation.working_group.name}" ist bereits abgeschlossen.'


@RULES.guard(RECOMMENDATION, "Die Stellungnahme der Kommission liegt vor.", reads=())
def has_commission_statement(recommendation: Recommendation, ctx: TransitionContext) -> str | None:
    if recommendation.commission_statement.strip():
        return None
    return "Die Stellungnahme der Kommission fehlt; ohne sie geht keine Empfehlung in den Kreistag."


@RULES.action(
    CYCLE,
    "Kreisweite Bedarfe an die Konferenz weiterleiten, lokale bleiben vor Ort.",
    reads=("needs",),
)
def forward_county_needs(cycle: Cycle, ctx: TransitionContext) -> None:
    for need in cycle.needs:
        if need.scope == NeedScope.COUNTY:
            need.status = NeedStatus.FORWARDED
        else:
            need.status = NeedStatus.HANDLED_LOCALLY


@RULES.action(
    CYCLE,
    "Tagesordnung aus weitergeleiteten Bedarfen und Themenfeldern bilden.",
    reads=("round", "agenda_topics"),
)
def build_agenda(cycle: Cycle, ctx: TransitionContext) -> None:
    by_field: dict[str, list[Any]] = defaultdict(list)
    for need in _forwarded_needs(cycle):
        by_field[need.topic_field].append(need)
    ranked = sorted(by_field, key=lambda f: (-sum(n.total_votes for n in by_field[f]), f))
    standing = [f for f in ctx.standing_topic_fields if f not in by_field]
    cycle.agenda_topics.clear()
    for position, topic_field in enumerate([*ranked, *standing], start=1):
        topic = AgendaTopic(title=topic_field, topic_field=topic_field, position=position)
        topic.needs.extend(by_field.get(topic_field, []))
        cycle.agenda_topics.append(topic)


@RULES.action(RECOMMENDATION, "Stellungnahme der Kommission festhalten (Text).", reads=())
def record_statement(recommendation: Recommendation, ctx: TransitionContext) -> None:
    recommendation.commission_statement = ctx.text


@RULES.action(
    RECOMMENDATION, "Beschlusstext festhalten (Text, sonst der Empfehlungstext).", reads=()
)
def record_resolution(recommendation: Recommendation, ctx: TransitionContext) -> None:
    recommendation.resolution_text = ctx.text or recommendation.text


@RULES.action(RECOMMENDATION, "Umsetzungsbericht festhalten (Text).", reads=())
def record_implementation_report(recommendation: Recommendation, ctx: TransitionContext) -> None:
    recommendation.implementation_report = ctx.text


def _forwarded_needs(cycle: Cycle) -> list[Any]:
    return [n for n in cycle.round.county_wide_needs() if n.status == NeedStatus.FORWARDED]
