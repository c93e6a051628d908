"""Which workflow versions the stored records run on (published-version check, migration)."""

from __future__ import annotations

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.domain.model import Cycle, Recommendation, Stateful, SubjectKind, WorkingGroup
from deliberation.service_layer.ports import WorkflowUsage

_TABLES: dict[SubjectKind, tuple[Table, type[Stateful]]] = {
    SubjectKind.CYCLE: (orm.cycles, Cycle),
    SubjectKind.WORKING_GROUP: (orm.working_groups, WorkingGroup),
    SubjectKind.RECOMMENDATION: (orm.recommendations, Recommendation),
}


class WorkflowStore:
    session: Session

    def workflow_usage(self) -> list[WorkflowUsage]:
        """Records per kind, workflow, version, fingerprint and state (one query per table)."""
        usage = []
        for kind, (table, _) in _TABLES.items():
            c = table.c
            columns = (c.workflow, c.workflow_version, c.workflow_fingerprint, c.state)
            query = select(*columns, func.count()).group_by(*columns)
            usage += [WorkflowUsage(kind, *row) for row in self.session.execute(query)]
        return usage

    def record_ids(
        self, kind: SubjectKind, workflow: str, version: int, state: str, limit: int
    ) -> list[int]:
        table = _TABLES[kind][0]
        query = (
            select(table.c.id)
            .where(table.c.workflow == workflow)
            .where(table.c.workflow_version == version)
            .where(table.c.state == state)
            .order_by(table.c.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def records_of_workflow(self, kind: SubjectKind, workflow: str) -> list[Stateful]:
        table, cls = _TABLES[kind]
        query = select(cls).where(table.c.workflow == workflow).order_by(table.c.id)
        return list(self.session.scalars(query))

    def stamp_fingerprints(
        self, kind: SubjectKind, workflow: str, version: int, fingerprint: str
    ) -> int:
        """Give records stored before fingerprints were kept the one of their definition."""
        table = _TABLES[kind][0]
        statement = (
            update(table)
            .where(table.c.workflow == workflow)
            .where(table.c.workflow_version == version)
            .where(table.c.workflow_fingerprint.is_(None))
            .values(workflow_fingerprint=fingerprint)
        )
        result = self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)
