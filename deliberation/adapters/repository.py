"""The SQLAlchemy repository: loads and stores domain objects."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.domain.model import (
    Body,
    Cycle,
    Municipality,
    Need,
    Notification,
    Recommendation,
    Round,
    TransitionRecord,
    WorkingGroup,
)


class SqlRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item: object) -> None:
        self.session.add(item)

    def round(self, label: str) -> Round | None:
        return self.session.scalars(select(Round).where(orm.rounds.c.label == label)).first()

    def cycle(self, cycle_id: int) -> Cycle | None:
        return self.session.get(Cycle, cycle_id)

    def cycles(
        self, round_label: str | None = None, workflow: str | None = None, state: str | None = None
    ) -> list[Cycle]:
        query = select(Cycle).order_by(orm.cycles.c.id)
        if round_label is not None:
            query = query.join(orm.rounds).where(orm.rounds.c.label == round_label)
        query = _filter(query, orm.cycles.c.workflow, workflow)
        query = _filter(query, orm.cycles.c.state, state)
        return list(self.session.scalars(query))

    def need(self, need_id: int) -> Need | None:
        return self.session.get(Need, need_id)

    def needs(
        self, cycle_id: int | None = None, round_label: str | None = None, scope: str | None = None
    ) -> list[Need]:
        query = select(Need).order_by(orm.needs.c.id)
        if round_label is not None:
            query = query.join(orm.cycles).join(orm.rounds).where(orm.rounds.c.label == round_label)
        query = _filter(query, orm.needs.c.cycle_id, cycle_id)
        query = _filter(query, orm.needs.c.scope, scope)
        return list(self.session.scalars(query))

    def add_votes(self, need_id: int, dots: int) -> None:
        # One UPDATE with an expression: concurrent voters add up instead of overwriting.
        self.session.execute(
            update(orm.needs)
            .where(orm.needs.c.id == need_id)
            .values(votes=orm.needs.c.votes + dots)
        )
        self.session.expire_all()

    def working_group(self, group_id: int) -> WorkingGroup | None:
        return self.session.get(WorkingGroup, group_id)

    def working_groups(self, conference_id: int | None = None) -> list[WorkingGroup]:
        query = select(WorkingGroup).order_by(orm.working_groups.c.id)
        query = _filter(query, orm.working_groups.c.conference_id, conference_id)
        return list(self.session.scalars(query))

    def recommendation(self, recommendation_id: int) -> Recommendation | None:
        return self.session.get(Recommendation, recommendation_id)

    def recommendations(
        self, state: str | None = None, group_id: int | None = None
    ) -> list[Recommendation]:
        query = select(Recommendation).order_by(orm.recommendations.c.id)
        query = _filter(query, orm.recommendations.c.state, state)
        query = _filter(query, orm.recommendations.c.working_group_id, group_id)
        return list(self.session.scalars(query))

    def municipality(self, key: str) -> Municipality | None:
        return self.session.get(Municipality, key)

    def municipalities(self) -> list[Municipality]:
        return list(self.session.scalars(select(Municipality).order_by(orm.municipalities.c.name)))

    def body(self, key: str) -> Body | None:
        return self.session.get(Body, key)

    def bodies(self) -> list[Body]:
        return list(self.session.scalars(select(Body).order_by(orm.bodies.c.name)))

    def log(self, subject_kind: str, subject_id: int) -> list[TransitionRecord]:
        query = (
            select(TransitionRecord)
            .where(orm.transition_log.c.subject_kind == subject_kind)
            .where(orm.transition_log.c.subject_id == subject_id)
            .order_by(orm.transition_log.c.id)
        )
        return list(self.session.scalars(query))

    def notifications(self, status: str | None = None) -> list[Notification]:
        query = select(Notification).order_by(orm.notifications.c.id)
        return list(self.session.scalars(_filter(query, orm.notifications.c.status, status)))


def _filter(query: Any, column: Any, value: object) -> Any:
    return query if value is None else query.where(column == value)
