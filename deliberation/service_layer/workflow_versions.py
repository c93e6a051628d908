"""Published workflow versions: never changed in place, and how running records move on.

Every record keeps the fingerprint (content digest) of the definition it was
started on. A version whose running records carry another fingerprint than the
file now loaded was edited in place: start-up and ``deliberation workflows
check`` refuse it, naming file, workflow and version, and the records whose
state the file no longer has. A change goes into a new version
(``workflows/NAME.vN.toml``); ``migrate`` moves the running records onto it,
one log row per record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from deliberation.domain.errors import DeliberationError, NotFound
from deliberation.domain.model import SUBJECT_LABELS, Stateful, SubjectKind, TransitionRecord
from deliberation.domain.workflow import WorkflowDefinition
from deliberation.service_layer.ports import Dependencies, UnitOfWork, WorkflowUsage

#: the log's label of a record moved onto another version (not a workflow trigger)
MIGRATION = "workflow_migration"
PLURALS = {
    SubjectKind.CYCLE: "Zyklen",
    SubjectKind.WORKING_GROUP: "Arbeitsgruppen",
    SubjectKind.RECOMMENDATION: "Empfehlungen",
}
#: how many records a refusal names per state
NAMED = 5


@dataclass(frozen=True)
class MigrationReport:
    workflow: str
    version: int
    moved: tuple[str, ...]
    refused: tuple[str, ...]


def published_problems(deps: Dependencies) -> list[str]:
    """One German paragraph per published version that running records no longer match."""
    with deps.unit_of_work() as uow:
        grouped: dict[tuple[SubjectKind, str, int], list[WorkflowUsage]] = defaultdict(list)
        for row in uow.workflow_records.workflow_usage():
            grouped[row.kind, row.workflow, row.version].append(row)
        return [
            problem
            for (kind, name, version), rows in sorted(grouped.items())
            if (problem := _problem(deps, uow, kind, name, version, rows))
        ]


def require_unchanged(deps: Dependencies) -> None:
    """Refuse to start while a published version in use was changed in place."""
    problems = published_problems(deps)
    if problems:
        raise DeliberationError("\n".join(problems))


def _problem(
    deps: Dependencies,
    uow: UnitOfWork,
    kind: SubjectKind,
    name: str,
    version: int,
    rows: list[WorkflowUsage],
) -> str:
    try:
        definition = deps.engine.definition(name, version)
    except NotFound:
        started = sum(r.records for r in rows)
        return (
            f'Workflow "{name}" Version {version} ist im Ordner workflows/ nicht (mehr) '
            f"vorhanden, aber {PLURALS[kind]} wurden darauf gestartet ({started}). "
            "Die Datei dieser Fassung bitte wiederherstellen."
        )
    running = [r for r in rows if r.state not in definition.states or not _final(definition, r)]
    changed = [r for r in running if r.fingerprint not in (None, definition.fingerprint)]
    vanished = [r for r in running if r.state not in definition.states]
    if not changed and not vanished:
        return ""
    lines = [
        f'{definition.source}: Workflow "{name}" Version {version} wurde verändert, obwohl '
        f"laufende {PLURALS[kind]} ({sum(r.records for r in running)}) darauf "
        "gestartet wurden. Eine veröffentlichte Fassung bleibt, wie sie ist: bitte die "
        "Datei wiederherstellen, die Änderung als neue Fassung (eigene Datei, "
        f'version = {_next_version(deps, name)}) anlegen und die Vorgänge mit "deliberation '
        f'workflows migrate {name} --to {_next_version(deps, name)}" umstellen.'
    ]
    for row in vanished:
        ids = uow.workflow_records.record_ids(kind, name, version, row.state, NAMED)
        more = f" und {row.records - len(ids)} weitere" if row.records > len(ids) else ""
        listing = ", ".join(f"{SUBJECT_LABELS[kind]} {i}" for i in ids)
        lines.append(
            f'  - {listing}{more}: Zustand "{row.state}" gibt es in {definition.source} nicht mehr.'
        )
    return "\n".join(lines)


def _final(definition: WorkflowDefinition, row: WorkflowUsage) -> bool:
    return definition.is_final(row.state)


def _next_version(deps: Dependencies, name: str) -> int:
    return deps.engine.latest(name).version + 1


def stamp_unfingerprinted(deps: Dependencies) -> int:
    """Records stored before fingerprints were kept get their loaded definition's."""
    stamped = 0
    with deps.unit_of_work() as uow:
        for row in uow.workflow_records.workflow_usage():
            if row.fingerprint is not None:
                continue
            try:
                definition = deps.engine.definition(row.workflow, row.version)
            except NotFound:
                continue
            stamped += uow.workflow_records.stamp_fingerprints(
                row.kind, row.workflow, row.version, definition.fingerprint
            )
        uow.commit()
    return stamped


def migrate(deps: Dependencies, workflow: str, version: int, actor: str) -> MigrationReport:
    """Move the running records of ``workflow`` onto ``version`` where their state exists.

    Finished records stay on the version they ended on. Records whose state the
    target version does not have are left alone and listed. Each move is one row in
    the transition log (same state, reason "Version 1 → 2").
    """
    if not actor.strip():
        raise DeliberationError("Wer stellt um? Bitte --actor angeben.")
    target = deps.engine.definition(workflow, version)
    moved: list[str] = []
    refused: list[str] = []
    with deps.unit_of_work() as uow:
        now = deps.clock()
        for record in uow.workflow_records.records_of_workflow(target.subject, workflow):
            if _current(record, target) or _finished(deps, record):
                continue
            if record.state not in target.states:
                known = ", ".join(f'"{s.title}"' for s in target.states.values())
                refused.append(
                    f'{record.subject_label()}: Zustand "{record.state}" gibt es in Version '
                    f"{version} ({target.source}) nicht (dort: {known})."
                )
                continue
            moved.append(_move(uow, record, target, actor.strip(), now))
        uow.commit()
    return MigrationReport(workflow, version, tuple(moved), tuple(refused))


def _move(
    uow: UnitOfWork, record: Stateful, target: WorkflowDefinition, actor: str, now: datetime
) -> str:
    """Put ``record`` on ``target`` and log it; returns the line the report shows."""
    before = record.workflow_version
    record.workflow_version = target.version
    record.workflow_fingerprint = target.fingerprint
    record.updated_at = now
    uow.log.append_to_log(
        TransitionRecord(
            subject_kind=record.kind.value,
            subject_id=record.id or 0,
            workflow=target.name,
            trigger=MIGRATION,
            from_state=record.state,
            to_state=record.state,
            actor=actor,
            reason=f"Workflow {target.title}: Version {before} → {target.version}",
            at=now,
        )
    )
    state = target.state(record.state).title
    return f'{record.subject_label()} ("{state}"): Version {before} → {target.version}'


def _current(record: Stateful, target: WorkflowDefinition) -> bool:
    return (
        record.workflow_version == target.version
        and record.workflow_fingerprint == target.fingerprint
    )


def _finished(deps: Dependencies, record: Stateful) -> bool:
    try:
        definition = deps.engine.definition(record.workflow, record.workflow_version)
    except NotFound:
        return False
    return record.state in definition.states and definition.is_final(record.state)
