"""Executes workflow definitions with ``transitions``.

One ``Machine`` per workflow definition, shared by every record of that
workflow: the record is passed to the event as its model, so loading
100,000 cycles builds no machine at all. Guards and actions are plain
functions; callbacks only change the record in memory. Persisting the
change, the log row and any requested messages is the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from transitions import EventData, Machine

from deliberation.domain.errors import (
    FieldKey,
    GuardRejected,
    InvalidTrigger,
    MissingParameter,
    NextStep,
    NotFound,
    hint,
)
from deliberation.domain.model import Stateful, SubjectKind, TransitionRecord
from deliberation.domain.rules import RULES, Refusal, RuleBook, TransitionContext
from deliberation.domain.workflow import TransitionSpec, WorkflowDefinition, comparable

#: Log labels that are no workflow step: how a record came to be, or was moved.
LOG_LABEL_TITLES = {
    "launch": "gestartet",
    "form": "gebildet",
    "draft": "entworfen",
    "workflow_migration": "auf eine neue Version des Ablaufs umgestellt",
}


@dataclass(frozen=True)
class MessagesRequested:
    """A transition asked for the messages of ``template`` about ``subject``."""

    template: str
    subject: Stateful


@dataclass(frozen=True)
class TransitionOutcome:
    record: TransitionRecord
    messages: tuple[MessagesRequested, ...]


class WorkflowEngine:
    """Holds the loaded definitions and fires triggers on records."""

    def __init__(self, definitions: Iterable[WorkflowDefinition], rules: RuleBook = RULES) -> None:
        self._rules = rules
        self._definitions: dict[tuple[str, int], WorkflowDefinition] = {}
        self._latest: dict[str, WorkflowDefinition] = {}
        self._machines: dict[tuple[str, int], Machine] = {}
        self._reads: dict[tuple[str, int, str, str], frozenset[str] | None] = {}
        for definition in definitions:
            key = (definition.name, definition.version)
            self._definitions[key] = definition
            self._machines[key] = self._build_machine(definition)
            latest = self._latest.get(definition.name)
            if latest is None or latest.version < definition.version:
                self._latest[definition.name] = definition

    @property
    def machine_count(self) -> int:
        return len(self._machines)

    def latest(self, name: str) -> WorkflowDefinition:
        try:
            return self._latest[name]
        except KeyError:
            known = ", ".join(sorted(self._latest)) or "keine"
            raise NotFound(f'Workflow "{name}" ist nicht geladen (geladen: {known}).') from None

    def definitions(self) -> list[WorkflowDefinition]:
        return sorted(self._latest.values(), key=lambda d: d.name)

    def all_definitions(self) -> list[WorkflowDefinition]:
        """Every loaded definition, older versions included (records may still follow them)."""
        return list(self._definitions.values())

    def find_workflow(self, text: str) -> WorkflowDefinition:
        """The latest version of the workflow ``text`` names, by name or German title."""
        wanted = comparable(text)
        for definition in self.definitions():
            if text == definition.name or wanted == comparable(definition.title):
                return definition
        known = ", ".join(f'"{d.title}" ({d.name})' for d in self.definitions())
        raise NotFound(f'Einen Ablauf "{text}" gibt es nicht (bekannt: {known}).')

    def state_title(self, workflow: str, state: str | None) -> str:
        """The German title of ``state`` in any loaded version of ``workflow``, newest first;
        the name itself for a state no loaded version has."""
        if state is None:
            return ""
        for definition in self._versions_newest_first(workflow):
            if state in definition.states:
                return definition.states[state].title
        return state

    def step_title(self, workflow: str, trigger: str) -> str:
        """The German title of a logged step (or of how the record came to be)."""
        for definition in self._versions_newest_first(workflow):
            title = definition.step_title(trigger)
            if title:
                return title
        return LOG_LABEL_TITLES.get(trigger, trigger)

    def _versions_newest_first(self, workflow: str) -> list[WorkflowDefinition]:
        versions = [d for (name, _), d in self._definitions.items() if name == workflow]
        return sorted(versions, key=lambda d: -d.version)

    def resolve_trigger(self, subject: Stateful, text: str) -> str:
        """The trigger a person meant by key or German title (unchanged if none matches:
        ``fire`` then lists the allowed steps)."""
        definition = self._checked_definition(subject)
        return definition.find_trigger(text, subject.state) or text

    def resolve_state(self, kind: SubjectKind, text: str, workflow: str | None = None) -> str:
        """The state a person meant by key or German title, among the workflows of ``kind``
        (or only ``workflow``); a clear error listing the titles if none or several fit."""
        definitions = [
            d for d in self.definitions() if d.subject == kind and workflow in (None, d.name)
        ]
        wanted = comparable(text)
        found = {
            name
            for d in definitions
            for name, state in d.states.items()
            if text == name or wanted == comparable(state.title)
        }
        if len(found) == 1:
            return found.pop()
        titles = ", ".join(
            dict.fromkeys(f'"{s.title}"' for d in definitions for s in d.states.values())
        )
        if not found:
            raise NotFound(f'Einen Zustand "{text}" gibt es nicht (möglich: {titles}).')
        meant = ", ".join(
            f'"{d.state(name).title}" in "{d.title}"'
            for d in definitions
            for name in sorted(found)
            if name in d.states
        )
        raise NotFound(
            f'Der Zustand "{text}" ist nicht eindeutig ({meant}); bitte den Ablauf mit '
            "--workflow angeben."
        )

    def for_subject(self, kind: SubjectKind) -> WorkflowDefinition:
        """The latest version of the one workflow that new records of ``kind`` follow."""
        found = [d for d in self.definitions() if d.subject == kind]
        if not found:
            raise NotFound(
                f'Kein geladener Workflow ist für "{kind.value}" (subject) bestimmt; '
                "bitte im Ordner workflows/ ergänzen."
            )
        return found[0]

    def conference(self) -> WorkflowDefinition | None:
        """The workflow declared as the conference of a round (``[round] conference``)."""
        return next((d for d in self.definitions() if d.round.conference), None)

    def feeders(self) -> list[WorkflowDefinition]:
        """The workflows launched before the conference, one cycle per municipality."""
        conference = self.conference()
        return [] if conference is None else [self.latest(n) for n in conference.round.feeders]

    def marks(self, subject: Stateful) -> frozenset[str]:
        """What the subject's state counts as (``counts_as`` in its workflow)."""
        return self._checked_definition(subject).state(subject.state).marks

    def marked(self, subject: Stateful, mark: str) -> bool:
        """Whether the subject's state counts as ``mark`` (``counts_as`` in its workflow)."""
        return mark in self._checked_definition(subject).state(subject.state).marks

    def marked_states(self, kind: SubjectKind, mark: str) -> frozenset[str]:
        """Every state of any version of ``kind``'s workflows that counts as ``mark``."""
        return frozenset(
            name for d in self._definitions.values() if d.subject == kind for name in d.marked(mark)
        )

    def definition(self, name: str, version: int) -> WorkflowDefinition:
        """A loaded definition by name and version (for records read without their objects)."""
        try:
            return self._definitions[(name, version)]
        except KeyError:
            raise NotFound(f'Workflow "{name}" Version {version} ist nicht geladen.') from None

    def definition_of(self, subject: Stateful) -> WorkflowDefinition:
        try:
            return self._definitions[(subject.workflow, subject.workflow_version)]
        except KeyError:
            raise NotFound(
                f'{subject.subject_label()} folgt Workflow "{subject.workflow}" in Version '
                f"{subject.workflow_version}, die nicht geladen ist."
            ) from None

    def _checked_definition(self, subject: Stateful) -> WorkflowDefinition:
        """The subject's definition, refusing a state the definition does not declare."""
        definition = self.definition_of(subject)
        if subject.state not in definition.states:
            raise vanished_state(subject.subject_label(), subject.state, definition)
        return definition

    def allowed_triggers(self, subject: Stateful) -> list[str]:
        return self._checked_definition(subject).triggers_from(subject.state)

    def is_final(self, subject: Stateful) -> bool:
        return self._checked_definition(subject).is_final(subject.state)

    def is_initial(self, subject: Stateful) -> bool:
        return self.definition_of(subject).initial == subject.state

    def allows(self, subject: Stateful, capability: str) -> bool:
        return self._checked_definition(subject).allows(subject.state, capability)

    def reads(self, subject: Stateful, trigger: str) -> frozenset[str] | None:
        """The relationships of ``subject`` that the guards and actions of ``trigger`` walk.

        Empty: the step needs only the record's own columns (and ``ctx``), so it can
        run on a record loaded without its relationships. ``None``: a rule did not
        declare what it reads.
        """
        key = (subject.workflow, subject.workflow_version, subject.state, trigger)
        if key not in self._reads:
            self._reads[key] = self._rule_reads(self._checked_definition(subject), key[2], trigger)
        return self._reads[key]

    def _rule_reads(
        self, definition: WorkflowDefinition, state: str, trigger: str
    ) -> frozenset[str] | None:
        names: set[str] = set()
        for spec in definition.transitions_from(state):
            if spec.trigger != trigger:
                continue
            rules = [self._rules.guards[g] for g in spec.guards]
            rules += [self._rules.actions[a] for a in spec.actions]
            for rule in rules:
                if rule.reads is None:
                    return None
                names |= rule.reads
        return frozenset(names)

    def fire(self, subject: Stateful, trigger: str, ctx: TransitionContext) -> TransitionOutcome:
        """Run ``trigger`` on ``subject``; raise a clear error if it is not possible now."""
        definition = self._checked_definition(subject)
        candidates = [t for t in definition.transitions_from(subject.state) if t.trigger == trigger]
        if not candidates:
            raise self._invalid_trigger(definition, subject, trigger)
        _check_parameters(candidates[0], ctx)
        before = subject.state
        machine = self._machines[(definition.name, definition.version)]
        if not machine.events[trigger].trigger(subject, ctx=ctx):
            reasons = ctx.refusals or ["Keine Bedingung erfüllt."]
            raise GuardRejected(
                f'"{candidates[0].title}" ist für {subject.subject_label()} jetzt nicht '
                "möglich: " + " ".join(reasons),
                reasons,
                ctx.next_steps,
            )
        subject.updated_at = ctx.now
        taken = next(t for t in candidates if t.dest == subject.state)
        messages = tuple(MessagesRequested(template, subject) for template in taken.send)
        return TransitionOutcome(log_record(subject, trigger, before, ctx), messages)

    def _invalid_trigger(
        self, definition: WorkflowDefinition, subject: Stateful, trigger: str
    ) -> InvalidTrigger:
        allowed = definition.triggers_from(subject.state)
        state = f'"{definition.state(subject.state).title}"'
        title = definition.step_title(trigger)
        if title:
            label = subject.subject_label()
            problem = f'"{title}" ist für {label} im Zustand {state} nicht möglich'
        else:
            problem = (
                f'Den Schritt "{trigger}" gibt es im Ablauf "{definition.title}" nicht; '
                f"{subject.subject_label()} steht im Zustand {state}"
            )
        if allowed:
            titles = ", ".join(f'"{definition.step_title(t)}"' for t in allowed)
            return InvalidTrigger(f"{problem}. Möglich sind: {titles}.", allowed)
        return InvalidTrigger(f"{problem}. Das ist ein Endzustand: kein Schritt mehr möglich.", [])

    def _build_machine(self, definition: WorkflowDefinition) -> Machine:
        machine = Machine(
            model=None,
            states=list(definition.states),
            initial=definition.initial,
            auto_transitions=False,
            send_event=True,
            name=definition.name,
        )
        for spec in definition.transitions:
            machine.add_transition(
                spec.trigger,
                list(spec.sources),
                spec.dest,
                conditions=[self._guard_check(spec)],
                after=[self._action_runner(spec)],
            )
        return machine

    def _guard_check(self, spec: TransitionSpec) -> Any:
        guards = [self._rules.guards[name].function for name in spec.guards]

        def check(event: EventData) -> bool:
            ctx: TransitionContext = event.kwargs["ctx"]
            refusals = [r for r in (guard(event.model, ctx) for guard in guards) if r]
            for refusal in refusals:
                if isinstance(refusal, Refusal):
                    ctx.refusals.append(refusal.text)
                    ctx.next_steps.append(refusal.next_step)
                else:
                    ctx.refusals.append(refusal)
            return not refusals

        return check

    def _action_runner(self, spec: TransitionSpec) -> Any:
        actions = [self._rules.actions[name].function for name in spec.actions]

        def run(event: EventData) -> None:
            for action in actions:
                action(event.model, event.kwargs["ctx"])

        return run


def log_record(
    subject: Stateful, trigger: str, from_state: str | None, ctx: TransitionContext
) -> TransitionRecord:
    """The log row for ``subject`` having just reached its current state by ``trigger``."""
    return TransitionRecord(
        subject_kind=subject.kind.value,
        subject_id=subject.id or 0,
        workflow=subject.workflow,
        trigger=trigger,
        from_state=from_state,
        to_state=subject.state,
        actor=ctx.actor,
        reason=ctx.reason,
        at=ctx.now,
    )


def vanished_state(label: str, state: str, definition: WorkflowDefinition) -> NotFound:
    """The record stands in a state its workflow file no longer has (edited in place)."""
    return NotFound(
        f'{label} steht im Zustand "{state}", den {definition.source} (Workflow '
        f'"{definition.name}" Version {definition.version}) nicht mehr kennt: die '
        "veröffentlichte Fassung wurde verändert. Bitte die Datei wiederherstellen und die "
        "Änderung als neue Version anlegen.",
        next_steps=[hint(NextStep.CHECK_WORKFLOWS)],
    )


def _check_parameters(spec: TransitionSpec, ctx: TransitionContext) -> None:
    if "text" in spec.requires and not ctx.text.strip():
        raise MissingParameter(
            f'Der Schritt "{spec.title}" braucht einen Text.', field=FieldKey.TEXT
        )
