"""Workflow definitions as data, and the rules that make a definition sound.

A definition is read from a TOML file by an adapter; this module only holds
its shape and checks it: every state reachable, no dead ends, every guard,
action and template known.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from deliberation.domain.dot_voting import DEFAULT_DOT_BUDGET
from deliberation.domain.errors import WorkflowDefinitionError
from deliberation.domain.model import SubjectKind

#: Operations a state can permit on its record (``allows = [...]`` in a definition).
CAPABILITIES = frozenset({"add_needs", "vote_needs", "form_groups", "draft_recommendations"})

#: Values a transition can ask for (``requires = [...]``); the CLI offers them as options.
PARAMETERS = frozenset({"text"})

#: What a state can count as for the engine (``counts_as = [...]``): the Kreistag has
#: decided (no more reminders, the needs it answers are "decided"), the recommendation
#: is being implemented (it can be overdue), or it is done.
MARKS = {
    "decided": "entschieden",
    "implementing": "in Umsetzung",
    "reported": "Umsetzungsbericht liegt vor, noch nicht erledigt",
    "completed": "erledigt",
}

#: What a transition means to the engine (``role = "..."``): the use cases look the
#: trigger up by its role, never by its name. At most one transition per role.
ROLES = {
    "statement": "Stellungnahme eines beratenden Gremiums (Anhörung)",
    "decision_adopted": "Entscheidung: unverändert beschlossen",
    "decision_amended": "Entscheidung: geändert beschlossen",
    "decision_rejected": "Entscheidung: abgelehnt",
    "deferral": "Entscheidung vertagt",
    "withdrawal": "zurückgezogen",
    "back_on_agenda": "nach einer Vertagung erneut auf die Tagesordnung",
    "implementation_start": "Umsetzung beginnt (Zuständigkeit festgelegt)",
    "implementation_report": "Umsetzungsbericht (Rückspiegelung)",
    "report_delivery": "Bericht der Arbeitsgruppe abgegeben",
    "dissolution": "Arbeitsgruppe aufgelöst",
}
#: Roles whose destination is a Kreistag decision (the trace names it).
DECISION_ROLES = ("decision_adopted", "decision_amended", "decision_rejected")

#: Who gets the messages of a transition's ``send`` (``audience = "..."``).
AUDIENCES = {
    "municipality": "alle Registrierten der Gemeinde des Zyklus",
    "county": "alle Registrierten im Landkreis",
}


@dataclass(frozen=True)
class StateSpec:
    name: str
    title: str
    final: bool = False
    allows: frozenset[str] = frozenset()
    marks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TransitionSpec:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    title: str
    guards: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    send: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    role: str = ""
    audience: str = ""


#: What a dated step is relative to: the start of the notice period, or the meeting day.
PHASE_ANCHORS = ("notice", "meeting")


@dataclass(frozen=True)
class PhaseStep:
    """A transition the scheduler fires by date, relative to the cycle's meeting.

    Declared in a workflow file as ``[[schedule]]`` with ``trigger``, ``at``
    ("notice" or "meeting") and ``days`` (negative: earlier).
    """

    trigger: str
    anchor: str
    days: int = 0


#: "gibt es bereits …": the indefinite article of a title by its definite one
INDEFINITE_ACCUSATIVE = {"der": "einen", "die": "eine", "das": "ein"}


@dataclass(frozen=True)
class RoundRole:
    """A cycle workflow's place in a round (``[round]``): the round's conference, and the
    workflows the scheduler launches before it, one cycle per municipality (its feeders)."""

    conference: bool = False
    feeders: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkflowDefinition:
    name: str
    version: int
    title: str
    subject: SubjectKind
    initial: str
    states: dict[str, StateSpec]
    transitions: tuple[TransitionSpec, ...]
    per_municipality: bool = False
    source: str = field(default="", compare=False)
    schedule: tuple[PhaseStep, ...] = ()
    round: RoundRole = RoundRole()
    #: digest of the file's content (comments and layout aside): a published version
    #: whose records are running must keep it (see ``workflow_versions``)
    fingerprint: str = field(default="", compare=False)
    #: the title's definite article ("die Integrationskonferenz"), for German sentences
    article: str = ""
    #: dots each invited person may give out online while a state allows "vote_needs"
    dot_budget: int = DEFAULT_DOT_BUDGET

    def state(self, name: str) -> StateSpec:
        return self.states[name]

    def some(self) -> str:
        """The title with its indefinite article in the accusative: "eine Integrationskonferenz"."""
        indefinite = INDEFINITE_ACCUSATIVE.get(self.article, "")
        return f"{indefinite} {self.title}".strip() if indefinite else f"„{self.title}“"

    def transitions_from(self, state: str) -> list[TransitionSpec]:
        return [t for t in self.transitions if state in t.sources]

    def triggers_from(self, state: str) -> list[str]:
        """Triggers allowed in ``state``, in definition order, without duplicates."""
        return list(dict.fromkeys(t.trigger for t in self.transitions_from(state)))

    def is_final(self, state: str) -> bool:
        return self.states[state].final

    def final_states(self) -> frozenset[str]:
        return frozenset(name for name, state in self.states.items() if state.final)

    def allows(self, state: str, capability: str) -> bool:
        return capability in self.states[state].allows

    @property
    def takes_votes(self) -> bool:
        """Some state takes dots (``allows = ["vote_needs"]``): invitations carry a vote link."""
        return any("vote_needs" in s.allows for s in self.states.values())

    @property
    def collects_needs(self) -> bool:
        """Some state takes needs (``allows = ["add_needs"]``), with or without municipality."""
        return any("add_needs" in s.allows for s in self.states.values())

    def marked(self, mark: str) -> frozenset[str]:
        """The states that count as ``mark`` (see ``MARKS``)."""
        return frozenset(s.name for s in self.states.values() if mark in s.marks)

    def trigger_for(self, role: str) -> str:
        """The trigger of the transition with ``role``; "" when the workflow has none."""
        return next((t.trigger for t in self.transitions if t.role == role), "")

    def decision_states(self) -> frozenset[str]:
        """The states a Kreistag decision leads to."""
        return frozenset(t.dest for t in self.transitions if t.role in DECISION_ROLES)

    def audience_of(self, template: str) -> str:
        """Who receives the messages of ``template`` (see ``AUDIENCES``); "" if none sends it."""
        return next((t.audience for t in self.transitions if template in t.send), "")

    def step_title(self, trigger: str) -> str:
        """The German title of ``trigger`` ("" if the workflow has no such step)."""
        return next((t.title for t in self.transitions if t.trigger == trigger), "")

    def find_trigger(self, text: str, state: str) -> str | None:
        """The trigger ``text`` names, by key or by title (case and spacing aside);
        a step possible in ``state`` wins over one of the same title elsewhere."""
        if any(t.trigger == text for t in self.transitions):
            return text
        wanted = comparable(text)
        matching = [t for t in self.transitions if comparable(t.title) == wanted]
        here = [t for t in matching if state in t.sources]
        found = here or matching
        return found[0].trigger if found else None

    def sending_triggers(self) -> frozenset[str]:
        """Triggers that send messages (a cycle's invitation is one of them)."""
        return frozenset(t.trigger for t in self.transitions if t.send)


def comparable(text: str) -> str:
    """A title as typed: case and runs of spaces do not matter."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class RuleNames:
    """What a definition may refer to, per subject kind."""

    guards: dict[str, frozenset[SubjectKind]]
    actions: dict[str, frozenset[SubjectKind]]


def validate_definition(
    definition: WorkflowDefinition,
    rules: RuleNames,
    template_exists: Callable[[str], bool],
) -> None:
    """Raise ``WorkflowDefinitionError`` listing every problem of ``definition``."""
    problems = [
        *_reference_problems(definition, rules, template_exists),
        *_graph_problems(definition),
    ]
    if problems:
        where = definition.source or definition.name
        listing = "\n".join(f"  - {p}" for p in problems)
        raise WorkflowDefinitionError(f"{where}: Workflow-Definition ist fehlerhaft:\n{listing}")


def _reference_problems(
    d: WorkflowDefinition, rules: RuleNames, template_exists: Callable[[str], bool]
) -> Iterable[str]:
    known_states = ", ".join(d.states)
    if d.initial not in d.states:
        yield f'Startzustand "{d.initial}" ist kein deklarierter Zustand (bekannt: {known_states})'
    for state in d.states.values():
        for capability in sorted(state.allows - CAPABILITIES):
            yield (
                f'Zustand "{state.name}": unbekannte Erlaubnis "{capability}" '
                f"(bekannt: {', '.join(sorted(CAPABILITIES))})"
            )
        for mark in sorted(state.marks - MARKS.keys()):
            yield (
                f'Zustand "{state.name}": unbekanntes "counts_as" "{mark}" '
                f"(bekannt: {', '.join(MARKS)})"
            )
    for index, t in enumerate(d.transitions, start=1):
        label = f'Übergang {index} ("{t.trigger}")'
        for source in t.sources:
            if source not in d.states:
                yield f'{label}: unbekannter Zustand "{source}" in "from" (bekannt: {known_states})'
        if t.dest not in d.states:
            yield f'{label}: unbekannter Zustand "{t.dest}" in "to" (bekannt: {known_states})'
        yield from _named_rule_problems(label, "Guard", t.guards, rules.guards, d.subject)
        yield from _named_rule_problems(label, "Aktion", t.actions, rules.actions, d.subject)
        for parameter in t.requires:
            if parameter not in PARAMETERS:
                yield f'{label}: unbekannter Parameter "{parameter}" in "requires"'
        for template in t.send:
            if not template_exists(template):
                yield f'{label}: Vorlage "{template}" fehlt im Ordner templates/'
        yield from _role_problems(label, d, t)
    yield from _duplicate_trigger_problems(d)
    yield from _schedule_problems(d)


def _role_problems(label: str, d: WorkflowDefinition, t: TransitionSpec) -> Iterable[str]:
    if t.role and t.role not in ROLES:
        yield f'{label}: unbekannte Rolle "{t.role}" (bekannt: {", ".join(ROLES)})'
    if t.role and sum(1 for other in d.transitions if other.role == t.role) > 1:
        first = d.trigger_for(t.role)
        if first != t.trigger:
            yield f'{label}: die Rolle "{t.role}" hat schon der Übergang "{first}"'
    if t.audience and t.audience not in AUDIENCES:
        yield f'{label}: unbekannte Zielgruppe "{t.audience}" (bekannt: {", ".join(AUDIENCES)})'
    if t.send and d.subject == SubjectKind.CYCLE and not t.audience:
        yield f'{label}: "send" ohne "audience": wer soll die Nachricht bekommen?'
    if t.audience and not t.send:
        yield f'{label}: "audience" ohne "send": es wird nichts versandt'
    if t.audience == "municipality" and not d.per_municipality:
        yield (
            f'{label}: Zielgruppe "municipality" passt nur zu einem Workflow mit '
            '"per_municipality = true"'
        )


def _schedule_problems(d: WorkflowDefinition) -> Iterable[str]:
    triggers = {t.trigger for t in d.transitions}
    for index, step in enumerate(d.schedule, start=1):
        label = f'Termin {index} ("{step.trigger}")'
        if step.trigger not in triggers:
            yield f"{label}: unbekannter Auslöser (bekannt: {', '.join(sorted(triggers))})"
        if step.anchor not in PHASE_ANCHORS:
            yield f'{label}: "at" muss "notice" oder "meeting" sein, nicht "{step.anchor}"'


def _named_rule_problems(
    label: str,
    what: str,
    names: tuple[str, ...],
    known: dict[str, frozenset[SubjectKind]],
    subject: SubjectKind,
) -> Iterable[str]:
    for name in names:
        if name not in known:
            yield f'{label}: unbekannte(r) {what} "{name}" (bekannt: {", ".join(sorted(known))})'
        elif subject not in known[name]:
            yield f'{label}: {what} "{name}" passt nicht zu Datensätzen vom Typ "{subject.value}"'


def _duplicate_trigger_problems(d: WorkflowDefinition) -> Iterable[str]:
    # transitions tries same-trigger transitions in order; one without guards always
    # wins, so anything after it for the same state and trigger is dead.
    unguarded: set[tuple[str, str]] = set()
    for t in d.transitions:
        for source in t.sources:
            if (source, t.trigger) in unguarded:
                yield (
                    f'Auslöser "{t.trigger}" ist im Zustand "{source}" schon ohne Guard '
                    "definiert; dieser spätere Übergang wäre nie erreichbar"
                )
            if not t.guards:
                unguarded.add((source, t.trigger))


#: Records of these kinds are created by their own use cases (group form,
#: recommendation draft), so each kind has exactly one workflow.
SINGLE_WORKFLOW_SUBJECTS = (SubjectKind.WORKING_GROUP, SubjectKind.RECOMMENDATION)


def validate_together(definitions: list[WorkflowDefinition]) -> None:
    """Raise ``WorkflowDefinitionError`` for what only the set of definitions can get wrong:
    feeders that are no per-municipality cycle workflow, two conferences, two workflows for
    working groups or recommendations."""
    problems = list(_set_problems(definitions))
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise WorkflowDefinitionError(
            f"Die Workflow-Definitionen passen nicht zusammen:\n{listing}"
        )


def _set_problems(definitions: list[WorkflowDefinition]) -> Iterable[str]:
    by_name = {d.name: d for d in definitions}
    conferences = sorted({d.name for d in definitions if d.round.conference})
    if len(conferences) > 1:
        yield f"mehr als ein Workflow ist die Konferenz eines Durchgangs: {', '.join(conferences)}"
    for d in definitions:
        if (d.round.conference or d.round.feeders) and d.subject != SubjectKind.CYCLE:
            yield f'{d.source}: "[round]" passt nur zu einem Zyklus-Workflow (subject = "cycle")'
        if d.round.feeders and not d.round.conference:
            yield f'{d.source}: "round.feeders" ohne "round.conference = true"'
        for feeder in d.round.feeders:
            fed = by_name.get(feeder)
            if fed is None:
                yield f'{d.source}: "round.feeders": Workflow "{feeder}" gibt es nicht'
            elif fed.subject != SubjectKind.CYCLE or not fed.per_municipality:
                yield (
                    f'{d.source}: "round.feeders": "{feeder}" ({fed.source}) ist kein Zyklus je '
                    'Gemeinde ("per_municipality = true")'
                )
    for kind in SINGLE_WORKFLOW_SUBJECTS:
        names = sorted({d.name for d in definitions if d.subject == kind})
        if len(names) > 1:
            yield (
                f'für "{kind.value}" gibt es mehrere Workflows ({", ".join(names)}); '
                "erlaubt ist einer"
            )


def _graph_problems(d: WorkflowDefinition) -> Iterable[str]:
    if d.initial not in d.states:
        return
    reachable = _reachable_states(d)
    for name in d.states:
        if name not in reachable:
            yield f'Zustand "{name}" ist vom Startzustand "{d.initial}" aus nicht erreichbar'
    for name, state in d.states.items():
        outgoing = d.transitions_from(name)
        if not state.final and not outgoing:
            yield (
                f'Zustand "{name}" ist eine Sackgasse: kein Übergang führt hinaus, '
                'und er ist nicht als "final = true" markiert'
            )
        if state.final and outgoing:
            triggers = ", ".join(t.trigger for t in outgoing)
            yield f'Endzustand "{name}" hat ausgehende Übergänge ({triggers})'
    if not any(s.final for s in d.states.values()):
        yield 'kein Zustand ist als Endzustand ("final = true") markiert'


def _reachable_states(d: WorkflowDefinition) -> set[str]:
    reachable = {d.initial}
    queue = deque([d.initial])
    while queue:
        current = queue.popleft()
        for t in d.transitions_from(current):
            if t.dest in d.states and t.dest not in reachable:
                reachable.add(t.dest)
                queue.append(t.dest)
    return reachable
