"""Loads workflow definitions from ``workflows/*.toml`` and validates them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from deliberation.domain.dot_voting import DEFAULT_DOT_BUDGET
from deliberation.domain.errors import WorkflowDefinitionError
from deliberation.domain.model import SubjectKind
from deliberation.domain.rules import RULES, RuleBook
from deliberation.domain.workflow import (
    PhaseStep,
    RoundRole,
    StateSpec,
    TransitionSpec,
    WorkflowDefinition,
    validate_definition,
    validate_together,
)
from deliberation.toml_files import Section, display_name, read_toml

ARTICLES = ("der", "die", "das")
_TRANSITION_KEYS = (
    "trigger",
    "title",
    "from",
    "to",
    "guards",
    "actions",
    "send",
    "requires",
    "role",
    "audience",
)


def load_workflows(
    folder: Path, template_exists: Callable[[str], bool], rules: RuleBook = RULES
) -> list[WorkflowDefinition]:
    """Every ``*.toml`` in ``folder``, parsed and validated; the first bad file raises."""
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise WorkflowDefinitionError(
            f"Im Ordner {folder.name}/ liegen keine Workflow-Definitionen (*.toml)."
        )
    definitions = [load_workflow(path, template_exists, rules) for path in files]
    _check_unique(definitions)
    validate_together(definitions)
    return definitions


def load_workflow(
    path: Path, template_exists: Callable[[str], bool], rules: RuleBook = RULES
) -> WorkflowDefinition:
    where = display_name(path)
    data = read_toml(path, WorkflowDefinitionError)
    root = Section(data, where, "", WorkflowDefinitionError)
    root.only(("workflow", "states", "transitions", "schedule", "round"))
    definition = replace(_parse(root, where), fingerprint=fingerprint(data))
    validate_definition(definition, rules.names(), template_exists)
    return definition


def fingerprint(data: dict[str, Any]) -> str:
    """SHA-256 of the parsed content: comments, order of keys and layout do not count."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _article(head: Section) -> str:
    article = head.optional_text("article").strip()
    if article and article not in ARTICLES:
        raise head.fail("article", f'"{article}" ist kein Artikel (erlaubt: der, die, das).')
    return article


def _parse(root: Section, where: str) -> WorkflowDefinition:
    head = root.table("workflow")
    head.only(
        (
            "name",
            "version",
            "title",
            "article",
            "subject",
            "initial",
            "per_municipality",
            "dot_budget",
        )
    )
    subject_name = head.text("subject")
    try:
        subject = SubjectKind(subject_name)
    except ValueError:
        kinds = ", ".join(k.value for k in SubjectKind)
        raise head.fail("subject", f'"{subject_name}" ist unbekannt (erlaubt: {kinds}).') from None
    return WorkflowDefinition(
        name=head.text("name"),
        version=head.integer("version", minimum=1),
        title=head.text("title"),
        article=_article(head),
        subject=subject,
        initial=head.text("initial"),
        states=_parse_states(root.table("states")),
        transitions=tuple(_parse_transition(t) for t in root.tables("transitions")),
        per_municipality=head.flag("per_municipality", False),
        dot_budget=head.integer("dot_budget", DEFAULT_DOT_BUDGET, minimum=1),
        source=where,
        schedule=_parse_schedule(root),
        round=_parse_round(root),
    )


def _parse_round(root: Section) -> RoundRole:
    """``[round]``: the round's conference and the workflows that feed it (optional)."""
    if "round" not in root.data:
        return RoundRole()
    section = root.table("round")
    section.only(("conference", "feeders"))
    return RoundRole(
        conference=section.flag("conference", False), feeders=section.texts("feeders", ())
    )


def _parse_schedule(root: Section) -> tuple[PhaseStep, ...]:
    """``[[schedule]]``: transitions the scheduler fires by date (optional)."""
    if "schedule" not in root.data:
        return ()
    steps = []
    for step in root.tables("schedule"):
        step.only(("trigger", "at", "days"))
        steps.append(
            PhaseStep(
                trigger=step.text("trigger"),
                anchor=step.text("at"),
                days=step.integer("days", 0),
            )
        )
    return tuple(steps)


def _parse_states(states: Section) -> dict[str, StateSpec]:
    if not states.data:
        raise states.error(f'{states.where}: "states" enthält keinen Zustand.')
    parsed = {}
    for name in states.data:
        spec = states.table(name)
        spec.only(("title", "final", "allows", "counts_as"))
        parsed[name] = StateSpec(
            name=name,
            title=spec.text("title"),
            final=spec.flag("final", False),
            allows=frozenset(spec.texts("allows", ())),
            marks=frozenset(spec.texts("counts_as", ())),
        )
    return parsed


def _parse_transition(t: Section) -> TransitionSpec:
    t.only(_TRANSITION_KEYS)
    return TransitionSpec(
        trigger=t.text("trigger"),
        title=t.text("title"),
        sources=t.texts("from"),
        dest=t.text("to"),
        guards=t.texts("guards", ()),
        actions=t.texts("actions", ()),
        send=t.texts("send", ()),
        requires=t.texts("requires", ()),
        role=t.optional_text("role"),
        audience=t.optional_text("audience"),
    )


def _check_unique(definitions: list[WorkflowDefinition]) -> None:
    seen: dict[tuple[str, int], str] = {}
    for d in definitions:
        key = (d.name, d.version)
        if key in seen:
            raise WorkflowDefinitionError(
                f'{d.source}: Workflow "{d.name}" Version {d.version} ist schon in '
                f"{seen[key]} definiert. Neue Fassungen bekommen eine neue Versionsnummer."
            )
        seen[key] = d.source
