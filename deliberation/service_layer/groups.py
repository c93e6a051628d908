"""Use cases for ad-hoc working groups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from deliberation.domain import text_rules
from deliberation.domain.errors import (
    DeliberationError,
    FieldKey,
    GuardRejected,
    NextStep,
    NotFound,
    hint,
)
from deliberation.domain.model import AgendaTopic, GroupMember, SubjectKind, WorkingGroup
from deliberation.domain.rules import has_agenda
from deliberation.service_layer import audit, cycles, stepping
from deliberation.service_layer.ports import Dependencies, UnitOfWork
from deliberation.service_layer.views import GroupView, LogView, group_view
from deliberation.translations import ngettext


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
    name = text_rules.single_line(name, "Der Name der Arbeitsgruppe", field=FieldKey.NAME)
    mandate = text_rules.multi_line(mandate, "Der Auftrag", field=FieldKey.MANDATE)
    members = [
        text_rules.single_line(m, "Ein Mitglied", required=False, field=FieldKey.MEMBER)
        for m in members
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
        _check_due(deps, due_date)
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
        group.members.extend(members_from(uow, members))
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


def _check_due(deps: Dependencies, due_date: date) -> None:
    if due_date <= deps.today():
        raise DeliberationError(
            f"Die Frist {due_date:%d.%m.%Y} liegt nicht in der Zukunft.", field=FieldKey.DUE_DATE
        )


def members_from(uow: UnitOfWork, entries: Sequence[str]) -> list[GroupMember]:
    """Members from entries: an e-mail address of a person in the directory, or free text
    "Name / Organisation". An address nobody in the directory has is refused."""
    members = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        if "@" in entry and "/" not in entry:
            person = uow.participants.participant(entry)
            if person is None:
                raise NotFound(
                    f'"{entry}" steht nicht im Personenverzeichnis; Mitglieder ohne Eintrag '
                    'als "Name / Organisation" angeben.',
                    field=FieldKey.MEMBER,
                )
            members.append(GroupMember(person.name, "", person.id))
            continue
        name, _, organisation = entry.partition("/")
        if len(name.strip()) > 300 or len(organisation.strip()) > 300:
            raise DeliberationError(
                "Name und Organisation eines Mitglieds: je höchstens 300 Zeichen.",
                field=FieldKey.MEMBER,
            )
        members.append(GroupMember(name.strip(), organisation.strip()))
    return members


def member_entries(deps: Dependencies, group_id: int) -> tuple[str, ...]:
    """The members as ``change`` takes them back: addresses of directory people, else text."""
    with deps.unit_of_work() as uow:
        group = get(uow, group_id)
        ids = {m.participant_id for m in group.members if m.participant_id is not None}
        people = uow.participants.participants_by_id(ids)
        return tuple(
            people[m.participant_id].email
            if m.participant_id in people
            else (f"{m.name} / {m.organisation}" if m.organisation else m.name)
            for m in group.members
        )


def change(
    deps: Dependencies,
    group_id: int,
    mandate: str,
    due_date: date,
    members: Sequence[str],
    actor: str,
    expected_version: int | None = None,
) -> GroupView:
    """New mandate, due date and members of a group that is still at work."""
    if not mandate.strip():
        raise DeliberationError("Eine Arbeitsgruppe braucht einen Auftrag.", field=FieldKey.MANDATE)
    with deps.unit_of_work() as uow:
        group = get(uow, group_id, lock=True)
        stepping.require_version(group, expected_version)
        _require_open(deps, group)
        if due_date != group.due_date:
            _check_due(deps, due_date)
        new_members = members_from(uow, members)
        before = _terms(group)
        group.mandate, group.due_date = mandate.strip(), due_date
        group.members.clear()
        group.members.extend(new_members)
        stepping.touch(group, deps.clock())
        uow.flush()
        view = group_view(deps.engine, group)
        audit.record(
            uow,
            deps.clock(),
            actor,
            "group_changed",
            (SubjectKind.WORKING_GROUP.value, group_id),
            before=before,
            after=_terms(group),
        )
        uow.commit()
        return view


def write_report(
    deps: Dependencies,
    group_id: int,
    text: str,
    actor: str,
    expected_version: int | None = None,
) -> GroupView:
    """The group's report text (before or when it delivers its report)."""
    if len(text) > 200_000:
        raise DeliberationError("Der Bericht hat höchstens 200.000 Zeichen.")
    with deps.unit_of_work() as uow:
        group = get(uow, group_id, lock=True)
        stepping.require_version(group, expected_version)
        _require_open(deps, group)
        before = f"{len(group.report)} Zeichen" if group.report else "kein Bericht"
        group.report = text.strip()
        stepping.touch(group, deps.clock())
        uow.flush()
        view = group_view(deps.engine, group)
        audit.record(
            uow,
            deps.clock(),
            actor,
            "group_report_saved",
            (SubjectKind.WORKING_GROUP.value, group_id),
            before=before,
            after=f"{len(group.report)} Zeichen",
        )
        uow.commit()
        return view


def _terms(group: WorkingGroup) -> str:
    """Mandate, due date and how many members, for the log (members are people: no names)."""
    return f"Auftrag: {group.mandate}; fällig am {group.due_date:%d.%m.%Y}; " + ngettext(
        "%(num)d Mitglied", "%(num)d Mitglieder", len(group.members)
    )


def _require_open(deps: Dependencies, group: WorkingGroup) -> None:
    if deps.engine.is_final(group):
        state = deps.engine.definition_of(group).state(group.state).title
        raise DeliberationError(
            f'{group.subject_label()} ist abgeschlossen ("{state}") und kann nicht mehr geändert '
            "werden."
        )


def advance(
    deps: Dependencies,
    group_id: int,
    trigger: str,
    actor: str,
    reason: str = "",
    expected_version: int | None = None,
) -> LogView:
    with deps.unit_of_work() as uow:
        group = get(uow, group_id)
        stepping.require_version(group, expected_version)
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
    group = uow.groups.working_group(group_id, lock)
    if group is None:
        raise NotFound(
            f"Arbeitsgruppe {group_id} gibt es nicht.", next_steps=[hint(NextStep.LIST_GROUPS)]
        )
    return group


def list_groups(deps: Dependencies, conference_id: int | None = None) -> list[GroupView]:
    with deps.unit_of_work() as uow:
        return [group_view(deps.engine, g) for g in uow.groups.working_groups(conference_id)]


def show(deps: Dependencies, group_id: int) -> GroupView:
    with deps.unit_of_work() as uow:
        group = get(uow, group_id)
        return group_view(deps.engine, group, uow.log.log(SubjectKind.WORKING_GROUP, group_id))
