"""Reading published objects for the OParl server: one page of ids, then that page's rows.

The page is chosen on a single table by primary key (a stable order), the filters on
the indexed ``modified_at`` / creation columns; tombstones join the page through
``UNION ALL`` only when the client asks for changes (``modified_since``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from deliberation.adapters import orm
from deliberation.service_layer.oparl_rows import (
    ConsultationRow,
    GoneRow,
    MeetingRow,
    PageKeys,
    PaperRow,
    PersonRow,
    TombstoneKind,
    Window,
)

_r, _c, _m, _p, _t = (
    orm.recommendations.c,
    orm.consultations.c,
    orm.meetings.c,
    orm.participants.c,
    orm.oparl_tombstones.c,
)


def _published_person() -> ColumnElement[bool]:
    # the rule of service_layer.participants.may_publish, in SQL
    return and_(_p.publication_consent_at.is_not(None), _p.consent_withdrawn_at.is_(None))


#: per kind: (id, created, modified) columns and the condition for being published at all
_TABLES: dict[TombstoneKind, tuple[Any, Any, Any, ColumnElement[bool] | None]] = {
    TombstoneKind.PAPER: (_r.id, _r.created_at, _r.modified_at, None),
    TombstoneKind.CONSULTATION: (_c.id, _c.placed_at, _c.modified_at, None),
    TombstoneKind.MEETING: (
        _m.id,
        func.coalesce(_m.created_at, _m.modified_at),
        _m.modified_at,
        _m.body_key.is_not(None),
    ),
    TombstoneKind.PERSON: (_p.id, _p.created_at, _p.modified_at, None),
}


def _within(created: Any, modified: Any, window: Window) -> list[ColumnElement[bool]]:
    bounds = [
        (created, window.created_since, window.created_until),
        (modified, window.modified_since, window.modified_until),
    ]
    found: list[ColumnElement[bool]] = []
    for column, since, until in bounds:
        if since is not None:
            found.append(column >= since)
        if until is not None:
            found.append(column <= until)
    return found


def _gone(row: Any) -> GoneRow:
    return GoneRow(TombstoneKind(row.kind), row.object_key, row.created_at, row.deleted_at)


class OparlStore:
    session: Session

    def published_page(
        self,
        kind: TombstoneKind,
        window: Window,
        offset: int,
        limit: int,
        hidden_states: Collection[str] = (),
        at_meetings: bool = False,
    ) -> PageKeys:
        key, created, modified, condition = _TABLES[kind]
        live: Select[Any] = select(key.label("key"), literal(False).label("gone")).where(
            *_within(created, modified, window)
        )
        if kind is TombstoneKind.PERSON:
            live = live.where(_published_person())
        if condition is not None:
            live = live.where(condition)
        if at_meetings:
            live = live.where(_c.meeting_id.is_not(None))
        if hidden_states and not window.with_deleted:
            live = live.where(_r.state.not_in(list(hidden_states)))
        chosen: Any = live
        if window.with_deleted:
            gone = select(
                cast(_t.object_key, Integer).label("key"), literal(True).label("gone")
            ).where(_t.kind == kind.value, *_within(_t.created_at, _t.deleted_at, window))
            chosen = union_all(live, gone)
        listed = chosen.subquery()
        # one pass: the page and the list's length (a window over the filtered ids)
        page = self.session.execute(
            select(listed.c.key, listed.c.gone, func.count().over())
            .order_by(listed.c.key)
            .offset(offset)
            .limit(limit)
        ).all()
        if page:
            total = page[0][2]
        else:  # a page past the end: count on its own
            total = self.session.execute(select(func.count()).select_from(listed)).scalar_one()
        return PageKeys(tuple((int(k), bool(g)) for k, g, _ in page), int(total))

    def tombstones(self, kind: TombstoneKind, keys: Collection[str]) -> list[GoneRow]:
        if not keys:
            return []
        rows = self.session.execute(
            select(orm.oparl_tombstones)
            .where(_t.kind == kind.value, _t.object_key.in_(list(keys)))
            .order_by(_t.id)
        )
        return [_gone(r) for r in rows]

    def tombstones_in(self, kind: TombstoneKind, window: Window) -> list[GoneRow]:
        rows = self.session.execute(
            select(orm.oparl_tombstones)
            .where(_t.kind == kind.value, *_within(_t.created_at, _t.deleted_at, window))
            .order_by(_t.id)
        )
        return [_gone(r) for r in rows]

    def paper_rows(self, ids: Collection[int]) -> list[PaperRow]:
        if not ids:
            return []
        g, cy, ro = orm.working_groups.c, orm.cycles.c, orm.rounds.c
        query = (
            select(
                _r.id,
                _r.title,
                ro.label,
                _r.working_group_id,
                _r.workflow,
                _r.workflow_version,
                _r.state,
                _r.created_at,
                func.coalesce(_r.modified_at, _r.updated_at).label("modified"),
            )
            .join(orm.working_groups, g.id == _r.working_group_id)
            .join(orm.cycles, cy.id == g.conference_id)
            .join(orm.rounds, ro.id == cy.round_id)
            .where(_r.id.in_(list(ids)))
            .order_by(_r.id)
        )
        return [PaperRow(*row) for row in self.session.execute(query)]

    def consultation_rows(
        self,
        ids: Collection[int] = (),
        *,
        papers: Collection[int] = (),
        meetings: Collection[int] = (),
    ) -> list[ConsultationRow]:
        wanted = [
            column.in_(list(values))
            for column, values in (
                (_c.id, ids),
                (_c.recommendation_id, papers),
                (_c.meeting_id, meetings),
            )
            if values
        ]
        if not wanted:
            return []
        query = (
            select(
                _c.id,
                _c.recommendation_id,
                _r.title,
                func.coalesce(_c.meeting_id, 0),
                func.coalesce(_m.public, orm.bodies.c.public),
                _c.body_key,
                _c.role,
                _c.authoritative,
                _c.result,
                _c.resolution_text,
                _c.placed_at,
                func.coalesce(_c.modified_at, _c.placed_at).label("modified"),
            )
            .join(orm.recommendations, _r.id == _c.recommendation_id)
            .outerjoin(orm.meetings, _m.id == _c.meeting_id)  # none: a statement without one
            .join(orm.bodies, orm.bodies.c.key == _c.body_key)
            .where(*wanted)
            .order_by(_c.id)
        )
        return [ConsultationRow(*tuple(row)) for row in self.session.execute(query)]

    def meeting_rows(self, ids: Collection[int]) -> list[MeetingRow]:
        if not ids:
            return []
        query = (
            select(
                _m.id,
                _m.title,
                _m.body_key,
                _m.starts_at,
                _m.duration_minutes,
                _m.location,
                _m.public,
                _m.status,
                func.coalesce(_m.created_at, _m.modified_at, _m.starts_at).label("created"),
                func.coalesce(_m.modified_at, _m.created_at, _m.starts_at).label("modified"),
            )
            .where(_m.id.in_(list(ids)), _m.body_key.is_not(None))
            .order_by(_m.id)
        )
        return [
            MeetingRow(
                r.id,
                r.title,
                r.body_key,
                r.starts_at,
                r.duration_minutes,
                r.location,
                r.public,
                r.status == "cancelled",
                r.created,
                r.modified,
            )
            for r in self.session.execute(query)
        ]

    def person_rows(self, ids: Collection[int] | None = None) -> list[PersonRow]:
        query = (
            select(
                _p.id,
                _p.name,
                _p.body_keys,
                _p.created_at,
                func.coalesce(_p.modified_at, _p.created_at).label("modified"),
            )
            .where(_published_person())
            .order_by(_p.id)
        )
        if ids is not None:
            query = query.where(_p.id.in_(list(ids)))
        return [PersonRow(*row) for row in self.session.execute(query)]
