"""Use cases for ad-hoc working groups."""

from __future__ import annotations

from datetime import date

from deliberation.domain import text_rules
from deliberation.domain.errors import DeliberationError, GuardRejected, NotFound
from deliberation.domain.model import AgendaTopic, GroupMember, SubjectKind, WorkingGroup
from deliberation.domain.rules import has_agenda
from deliberation.service_layer import cycles, stepping
from deliberation.service_layer.ports import Dependencies, UnitOfWork
from deliberation.service_layer.views import GroupView, LogView, group_view


def form(
    deps: Dependencies,
    conference_id: int,
    topic: str,
    name: str,
    mandate: str,
    due_date: date,
    members: list[str],
    actor: str,
) -> int:
    """Form a working group on one agenda topic of a held conference; returns its id."""
    if not name.strip() or not mandate.strip():
        raise DeliberationError("Eine Arbeitsgruppe braucht einen Namen und einen Auftrag.")
    name = text_rules.single_line(name, "Der Name der Arbeitsgruppe (--name)")
    mandate = text_rules.multi_line(mandate, "Der Auftrag (--mandate)")
    members = [
        text_rules.single_line(m, "Ein Mitglied (--member)", required=False) for m in members
    ]
    definition = deps.engine.for_subject(SubjectKind.WORKING_GROUP)
    with deps.unit_of_work() as uow:
        conference = cycles.get(uow, conference_id, lock=True)
        stepping.require_capability(deps, conference, "form_groups", "Arbeitsgruppen bilden")
        ctx = stepping.context(deps, actor)
        stepping.touch(conference, ctx.now)
        refusal = has_agenda(conference, ctx)
        if refusal:
            raise GuardRejected(f"Keine Arbeitsgruppe möglich: {refusal}", [refusal])
        chosen = _topic(conference.agenda_topics, topic)
        if due_date <= deps.today():
            raise DeliberationError(f"Die Frist {due_date:%d.%m.%Y} liegt nicht in der Zukunft.")
        group = WorkingGroup(
            name=name.strip(),
            topic=chosen,
            mandate=mandate.strip(),
            due_date=due_date,
            workflow=definition.name,
            workflow_version=definition.version,
            state=definition.initial,
            created_at=ctx.now,
        )
        group.workflow_fingerprint = definition.fingerprint
        group.members.extend(_member(m) for m in members if m.strip())
        conference.working_groups.append(group)
        stepping.record_creation(uow, group, "form", ctx)
        uow.commit()
        return group.id or 0


def _topic(topics: list[AgendaTopic], wanted: str) -> AgendaTopic:
    """The topic named by its position on the agenda or its title."""
    for topic in topics:
        if wanted.strip().casefold() in (str(topic.position), topic.title.casefold()):
            return topic
    listing = ", ".join(f"{t.position}. {t.title}" for t in topics)
    raise NotFound(f'Thema "{wanted}" steht nicht auf der Tagesordnung ({listing}).')


def _member(entry: str) -> GroupMember:
    name, _, organisation = entry.partition("/")
    return GroupMember(name.strip(), organisation.strip())


def advance(
    deps: Dependencies, group_id: int, trigger: str, actor: str, reason: str = ""
) -> LogView:
    with deps.unit_of_work() as uow:
        group = get(uow, group_id)
        return stepping.step(deps, uow, group, trigger, actor, reason)


def close(
    deps: Dependencies, group_id: int, dissolve: bool, actor: str, reason: str = ""
) -> LogView:
    """Deliver the group's report, or dissolve it (the workflow's steps with these roles)."""
    role = "dissolution" if dissolve else "report_delivery"
    with deps.unit_of_work() as uow:
        group = get(uow, group_id)
        workflow = deps.engine.definition_of(group)
        trigger = workflow.trigger_for(role)
        if not trigger:
            raise DeliberationError(
                f'{workflow.source}: kein Übergang hat role = "{role}"; so kann die '
                "Arbeitsgruppe nicht abgeschlossen werden."
            )
        return stepping.step(deps, uow, group, trigger, actor, reason)


def get(uow: UnitOfWork, group_id: int, lock: bool = False) -> WorkingGroup:
    group = uow.repo.working_group(group_id, lock)
    if group is None:
        raise NotFound(f"Arbeitsgruppe {group_id} gibt es nicht (deliberation group list).")
    return group


def list_groups(deps: Dependencies, conference_id: int | None = None) -> list[GroupView]:
    with deps.unit_of_work() as uow:
        return [group_view(deps.engine, g) for g in uow.repo.working_groups(conference_id)]


def show(deps: Dependencies, group_id: int) -> GroupView:
    with deps.unit_of_work() as uow:
        group = get(uow, group_id)
        return group_view(deps.engine, group, uow.repo.log(SubjectKind.WORKING_GROUP, group_id))
