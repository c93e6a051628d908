"""Small builders for domain objects in unit tests: plain objects, no database.

Every builder links objects both ways the way the ORM would (a need knows its
cycle and the cycle lists the need), and gives each record an id so messages
such as "Zyklus 3" are stable.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from deliberation.adapters.templates import TemplateCatalog
from deliberation.adapters.workflow_files import load_workflows
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.implementation import FeedbackReport
from deliberation.domain.model import (
    AgendaTopic,
    Cycle,
    Municipality,
    Need,
    NeedScope,
    NeedStatus,
    Recommendation,
    Round,
    Stateful,
    WorkingGroup,
)
from deliberation.domain.rules import TransitionContext
from deliberation.domain.workflow import WorkflowDefinition

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS_DIR = ROOT / "workflows"
TEMPLATES_DIR = ROOT / "templates"
NOW = datetime(2027, 3, 4, 18, 30, tzinfo=ZoneInfo("Europe/Berlin"))
STANDING_FIELDS = ("Arbeit", "Bildung", "Sicherheit", "Wohnen", "Sprache", "Gesundheit")
ACTOR = "referat.mut"
REASON = "laut Protokoll"

PEINE = Municipality("stadt-peine", "Stadt Peine")
ILSEDE = Municipality("ilsede", "Ilsede")

_ids = itertools.count(1)


@functools.cache
def real_definitions() -> tuple[WorkflowDefinition, ...]:
    """The workflow files of the repository, loaded and validated like the app does."""
    return tuple(load_workflows(WORKFLOWS_DIR, TemplateCatalog(TEMPLATES_DIR).exists))


def definition(name: str) -> WorkflowDefinition:
    return next(d for d in real_definitions() if d.name == name)


def real_engine() -> WorkflowEngine:
    return WorkflowEngine(real_definitions())


def context(
    engine: WorkflowEngine,
    text: str = "",
    standing_topic_fields: tuple[str, ...] = (),
    actor: str = ACTOR,
    reason: str = REASON,
) -> TransitionContext:
    return TransitionContext(
        actor=actor,
        reason=reason,
        now=NOW,
        facts=engine,
        text=text,
        standing_topic_fields=standing_topic_fields,
    )


def new_round(label: str = "2027") -> Round:
    return Round(label, NOW)


def workshop(round: Round, state: str = "planned", municipality: Municipality = PEINE) -> Cycle:
    spec = definition("future_workshop")
    cycle = Cycle(
        round,
        spec.name,
        spec.version,
        state,
        f"Zukunftswerkstatt {municipality.name}",
        NOW,
        municipality=municipality,
    )
    cycle.id = next(_ids)
    round.cycles.append(cycle)
    return cycle


def forum(round: Round, state: str = "planned", feedback: bool = True) -> Cycle:
    """A county-wide Bürgerforum; with ``feedback`` its round has an implementation report
    mirrored back into it."""
    spec = definition("buergerforum")
    cycle = Cycle(round, spec.name, spec.version, state, f"Bürgerforum {round.label}", NOW)
    cycle.id = next(_ids)
    round.cycles.append(cycle)
    if feedback:
        earlier = ready_recommendation("reported_back")
        round.feedback_reports.append(FeedbackReport(round, earlier, "Bericht", NOW))
    return cycle


def conference(round: Round, state: str = "planned") -> Cycle:
    spec = definition("integration_conference")
    title = f"Integrationskonferenz {round.label}"
    cycle = Cycle(round, spec.name, spec.version, state, title, NOW)
    cycle.id = next(_ids)
    round.cycles.append(cycle)
    return cycle


def need(
    cycle: Cycle,
    topic_field: str,
    scope: NeedScope = NeedScope.COUNTY,
    votes: int = 0,
    status: NeedStatus = NeedStatus.OPEN,
    text: str = "",
) -> Need:
    card = Need(
        text or f"Bedarf zu {topic_field}", cycle.municipality, topic_field, scope, NOW, votes
    )
    card.id = next(_ids)
    card.status = status
    card.cycle = cycle
    cycle.needs.append(card)
    return card


def agenda_topic(conference: Cycle, topic_field: str = "Wohnen") -> AgendaTopic:
    topic = AgendaTopic(topic_field, topic_field, len(conference.agenda_topics) + 1)
    topic.id = next(_ids)
    conference.agenda_topics.append(topic)
    return topic


def working_group(
    conference: Cycle, state: str = "working", name: str = "AG Wohnen"
) -> WorkingGroup:
    spec = definition("working_group")
    topics = conference.agenda_topics
    topic = topics[0] if topics else AgendaTopic("Wohnen", "Wohnen", 1)
    group = WorkingGroup(
        name,
        topic,
        "Bezahlbaren Wohnraum sichern",
        date(2027, 12, 31),
        spec.name,
        spec.version,
        state,
        NOW,
    )
    group.id = next(_ids)
    group.conference = conference
    conference.working_groups.append(group)
    return group


def recommendation(
    group: WorkingGroup,
    state: str = "draft",
    title: str = "Wohnraumbörse",
    commission_statement: str = "",
) -> Recommendation:
    spec = definition("recommendation")
    paper = Recommendation(
        title, "Der Landkreis richtet eine Wohnraumbörse ein.", spec.name, spec.version, state, NOW
    )
    paper.id = next(_ids)
    paper.commission_statement = commission_statement
    paper.working_group = group
    group.recommendations.append(paper)
    return paper


# --- one "satisfy every guard" builder per workflow --------------------------------------


def ready_workshop(state: str) -> Cycle:
    """A workshop whose needs are collected and prioritised."""
    cycle = workshop(new_round(), state)
    need(cycle, "Wohnen", NeedScope.COUNTY, votes=4)
    need(cycle, "Sprache", NeedScope.LOCAL, votes=2)
    return cycle


def ready_conference(state: str) -> Cycle:
    """A conference of a round with a documented workshop that forwarded a county-wide need,
    with an agenda and working groups that are finished and delivered recommendations."""
    round = new_round()
    documented = workshop(round, "documented")
    need(documented, "Wohnen", NeedScope.COUNTY, votes=5, status=NeedStatus.FORWARDED)
    cycle = conference(round, state)
    agenda_topic(cycle, "Wohnen")
    delivered = working_group(cycle, "report_delivered", "AG Wohnen")
    recommendation(delivered, "adopted_by_group")
    working_group(cycle, "dissolved", "AG Sprache")
    return cycle


def ready_working_group(state: str) -> WorkingGroup:
    """A group with a recommendation that is no longer a draft."""
    cycle = conference(new_round(), "groups_formed")
    agenda_topic(cycle, "Wohnen")
    group = working_group(cycle, state)
    recommendation(group, "adopted_by_group")
    return group


def ready_recommendation(state: str) -> Recommendation:
    """A recommendation of an active group, with the commission's statement."""
    cycle = conference(new_round(), "groups_formed")
    agenda_topic(cycle, "Wohnen")
    group = working_group(cycle, "working")
    return recommendation(
        group, state, commission_statement="Die Kommission empfiehlt die Annahme."
    )


def ready_forum(state: str) -> Cycle:
    """A forum whose round has feedback and whose county-wide needs are weighed."""
    cycle = forum(new_round(), state)
    need(cycle, "Sprache", NeedScope.COUNTY, votes=3)
    return cycle


SATISFYING_BUILDERS: dict[str, Callable[[str], Stateful]] = {
    "buergerforum": ready_forum,
    "future_workshop": ready_workshop,
    "integration_conference": ready_conference,
    "working_group": ready_working_group,
    "recommendation": ready_recommendation,
}
