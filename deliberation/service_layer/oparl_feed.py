"""Queries of the live OParl server: one page of a list, or one object, as publication items.

Each list page is chosen by ``uow.publication.published_page`` (ids in a stable order, the
filters on indexed columns) and only that page's rows are read. Deleted objects come
back as ``Removed``: a tombstone's, a paper whose recommendation was withdrawn (the
states its workflow reaches by the step with role ``withdrawal``), a person who no
longer consents to the publication of their name. Items of meetings in closed session
carry only what ``[oparl] closed_session_publishes`` allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from deliberation.domain.consultations import RESULT_TITLES, ConsultationResult
from deliberation.domain.errors import NotFound
from deliberation.service_layer import documents
from deliberation.service_layer.documents import ResolutionDraft, reference
from deliberation.service_layer.oparl_rows import (
    ConsultationRow,
    GoneRow,
    MeetingRow,
    PaperRow,
    PersonRow,
    TombstoneKind,
    Window,
)
from deliberation.service_layer.ports import Dependencies, UnitOfWork
from deliberation.service_layer.publication import (
    AgendaEntry,
    BodyItem,
    GroupItem,
    MeetingItem,
    PaperItem,
    PersonItem,
    Removed,
    withdrawn_states,
    withheld,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a list: its objects (or what is left of deleted ones) and the count."""

    items: tuple[T | Removed, ...]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


@dataclass(frozen=True)
class Feed:
    """What the server publishes of agenda items in closed session (``[oparl]``)."""

    closed_session_publishes: frozenset[str] = frozenset()


# --- papers (and their files) ---------------------------------------------------------------


def papers(
    deps: Dependencies, feed: Feed, window: Window, page: int, size: int
) -> Listing[PaperItem]:
    hidden = withdrawn_states(deps)
    with deps.unit_of_work() as uow:
        keys = uow.publication.published_page(
            TombstoneKind.PAPER, window, (page - 1) * size, size, hidden_states=hidden
        )
        live = [i for i, gone in keys.ids if not gone]
        found = _papers(uow, feed, live, hidden)
        gone = _gone(uow, TombstoneKind.PAPER, [i for i, g in keys.ids if g])
        items = [found.get(i) or gone[i] for i, _ in keys.ids if i in found or i in gone]
        return Listing(tuple(items), keys.total, page, size)


def paper(deps: Dependencies, feed: Feed, paper_id: int) -> PaperItem | Removed:
    with deps.unit_of_work() as uow:
        found = _papers(uow, feed, [paper_id], withdrawn_states(deps))
        if paper_id in found:
            return found[paper_id]
        return _one_gone(uow, TombstoneKind.PAPER, paper_id, f"Die Drucksache {paper_id}")


def _papers(
    uow: UnitOfWork, feed: Feed, ids: Sequence[int], hidden: frozenset[str]
) -> dict[int, PaperItem | Removed]:
    rows = uow.publication.paper_rows(ids)
    entries: dict[int, list[AgendaEntry]] = {}
    for c in uow.publication.consultation_rows(
        papers=[r.id for r in rows if r.state not in hidden]
    ):
        entries.setdefault(c.recommendation_id, []).append(_entry(c, feed))
    return {r.id: _paper(r, entries.get(r.id, []), hidden) for r in rows}


def _paper(
    row: PaperRow, entries: list[AgendaEntry], hidden: frozenset[str]
) -> PaperItem | Removed:
    if row.state in hidden:
        return Removed(TombstoneKind.PAPER.value, str(row.id), row.created, row.modified)
    return PaperItem(
        row.id,
        row.title,
        "",
        reference(row.id, row.round_label),
        row.group_id,
        row.created,
        max(row.created, row.modified),
        tuple(entries),
    )


# --- consultations (and their agenda items) -------------------------------------------------


def consultations(
    deps: Dependencies,
    feed: Feed,
    window: Window,
    page: int,
    size: int,
    *,
    at_meetings: bool = False,
) -> Listing[AgendaEntry]:
    """One page of consultations; ``at_meetings``: only those held in a meeting (the
    agenda items), leaving out statements given without one."""
    with deps.unit_of_work() as uow:
        keys = uow.publication.published_page(
            TombstoneKind.CONSULTATION, window, (page - 1) * size, size, at_meetings=at_meetings
        )
        live = {
            c.id: _entry(c, feed)
            for c in uow.publication.consultation_rows([i for i, g in keys.ids if not g])
        }
        gone = _gone(uow, TombstoneKind.CONSULTATION, [i for i, g in keys.ids if g])
        items = [live.get(i) or gone[i] for i, _ in keys.ids if i in live or i in gone]
        return Listing(tuple(items), keys.total, page, size)


def consultation(deps: Dependencies, feed: Feed, consultation_id: int) -> AgendaEntry | Removed:
    with deps.unit_of_work() as uow:
        rows = uow.publication.consultation_rows([consultation_id])
        if rows:
            return _entry(rows[0], feed)
        return _one_gone(
            uow, TombstoneKind.CONSULTATION, consultation_id, f"Die Beratung {consultation_id}"
        )


def _entry(row: ConsultationRow, feed: Feed) -> AgendaEntry:
    entry = AgendaEntry(
        consultation_id=row.id,
        recommendation_id=row.recommendation_id,
        recommendation_title=row.recommendation_title,
        meeting_id=row.meeting_id,
        body_key=row.body_key,
        role=row.role,
        authoritative=row.authoritative,
        public=row.meeting_public,
        result=RESULT_TITLES[ConsultationResult(row.result)] if row.result else "",
        resolution_text=row.resolution_text,
        created=row.created,
        modified=max(row.created, row.modified),
    )
    return withheld(entry, feed.closed_session_publishes)


# --- meetings (and their locations) ---------------------------------------------------------


def meetings(
    deps: Dependencies, feed: Feed, window: Window, page: int, size: int
) -> Listing[MeetingItem]:
    with deps.unit_of_work() as uow:
        keys = uow.publication.published_page(
            TombstoneKind.MEETING, window, (page - 1) * size, size
        )
        live = _meetings(uow, feed, [i for i, g in keys.ids if not g], deps.clock())
        gone = _gone(uow, TombstoneKind.MEETING, [i for i, g in keys.ids if g])
        items = [live.get(i) or gone[i] for i, _ in keys.ids if i in live or i in gone]
        return Listing(tuple(items), keys.total, page, size)


def meeting(deps: Dependencies, feed: Feed, meeting_id: int) -> MeetingItem | Removed:
    with deps.unit_of_work() as uow:
        found = _meetings(uow, feed, [meeting_id], deps.clock())
        if meeting_id in found:
            return found[meeting_id]
        return _one_gone(uow, TombstoneKind.MEETING, meeting_id, f"Die Sitzung {meeting_id}")


def _meetings(
    uow: UnitOfWork, feed: Feed, ids: Sequence[int], now: datetime
) -> dict[int, MeetingItem]:
    rows = uow.publication.meeting_rows(ids)
    agenda: dict[int, list[AgendaEntry]] = {}
    for c in uow.publication.consultation_rows(meetings=[r.id for r in rows]):
        agenda.setdefault(c.meeting_id, []).append(_entry(c, feed))
    return {r.id: _meeting(r, agenda.get(r.id, []), now) for r in rows}


def _meeting(row: MeetingRow, agenda: list[AgendaEntry], now: datetime) -> MeetingItem:
    return MeetingItem(
        id=row.id,
        title=row.title,
        body_key=row.body_key,
        starts_at=row.starts_at,
        location=row.location,
        public=row.public,
        cancelled=row.cancelled,
        created=row.created,
        modified=max([row.created, row.modified, *(e.modified for e in agenda)]),
        agenda=tuple(agenda),
        ends_at=row.starts_at + timedelta(minutes=row.duration_minutes),
        held=not row.cancelled and row.starts_at <= now,
    )


# --- people and their memberships -----------------------------------------------------------


def persons(deps: Dependencies, window: Window, page: int, size: int) -> Listing[PersonItem]:
    with deps.unit_of_work() as uow:
        keys = uow.publication.published_page(TombstoneKind.PERSON, window, (page - 1) * size, size)
        live = {
            p.id: _person(p) for p in uow.publication.person_rows([i for i, g in keys.ids if not g])
        }
        gone = _gone(uow, TombstoneKind.PERSON, [i for i, g in keys.ids if g])
        items = [live.get(i) or gone[i] for i, _ in keys.ids if i in live or i in gone]
        return Listing(tuple(items), keys.total, page, size)


def person(deps: Dependencies, person_id: int) -> PersonItem | Removed:
    with deps.unit_of_work() as uow:
        rows = uow.publication.person_rows([person_id])
        if rows:
            return _person(rows[0])
        return _one_gone(uow, TombstoneKind.PERSON, person_id, f"Die Person {person_id}")


@dataclass(frozen=True)
class MembershipItem:
    person_id: int
    body_key: str
    created: datetime
    modified: datetime

    @property
    def key(self) -> str:
        return f"{self.person_id}-{self.body_key}"


def memberships(
    deps: Dependencies, window: Window, page: int, size: int
) -> Listing[MembershipItem]:
    """Every published person's memberships (a county has hundreds), filtered in memory."""
    with deps.unit_of_work() as uow:
        found: list[MembershipItem | Removed] = [
            m
            for p in uow.publication.person_rows()
            for m in _memberships(p)
            if window.admits(m.created, m.modified)
        ]
        if window.with_deleted:
            found += [
                _removed(g) for g in uow.publication.tombstones_in(TombstoneKind.MEMBERSHIP, window)
            ]
    found.sort(key=_membership_order)
    return _sliced(found, page, size)


def membership(deps: Dependencies, key: str) -> MembershipItem | Removed:
    person_id, _, body_key = key.partition("-")
    with deps.unit_of_work() as uow:
        if person_id.isdigit():
            for p in uow.publication.person_rows([int(person_id)]):
                for m in _memberships(p):
                    if m.body_key == body_key:
                        return m
        gone = uow.publication.tombstones(TombstoneKind.MEMBERSHIP, [key])
        if gone:
            return _removed(gone[-1])
    raise NotFound(f"Die Mitgliedschaft {key} gibt es nicht.")


def _membership_order(item: MembershipItem | Removed) -> tuple[int, str]:
    key = item.key
    person_id, _, body_key = key.partition("-")
    return int(person_id) if person_id.isdigit() else 0, body_key


def _memberships(p: PersonRow) -> list[MembershipItem]:
    return [MembershipItem(p.id, key, p.created, p.modified) for key in sorted(p.body_keys)]


def _person(p: PersonRow) -> PersonItem:
    return PersonItem(
        p.id, p.name, tuple(sorted(p.body_keys)), p.created, max(p.created, p.modified)
    )


# --- organizations: the bodies and the working groups ---------------------------------------


@dataclass(frozen=True)
class Organizations:
    bodies: tuple[BodyItem, ...]
    groups: tuple[GroupItem, ...]
    #: when the bodies were last seen changed (they come from config.toml)
    since: datetime


def organizations(deps: Dependencies) -> Organizations:
    with deps.unit_of_work() as uow:
        bodies = tuple(BodyItem(b.key, b.name, b.kind, b.public) for b in uow.reference.bodies())
        groups = tuple(
            GroupItem(g.id or 0, g.name, g.conference.title, g.created_at, g.updated_at)
            for g in uow.groups.working_groups()
        )
    first = min((g.created for g in groups), default=deps.clock())
    return Organizations(bodies, tuple(sorted(groups, key=lambda g: g.id)), first)


# --- helpers ----------------------------------------------------------------------------------


def _gone(uow: UnitOfWork, kind: TombstoneKind, ids: Sequence[int]) -> dict[int, Removed]:
    rows = uow.publication.tombstones(kind, [str(i) for i in ids])
    return {int(r.key): _removed(r) for r in rows}  # the latest tombstone of a key wins


def _one_gone(uow: UnitOfWork, kind: TombstoneKind, object_id: int, what: str) -> Removed:
    rows = uow.publication.tombstones(kind, [str(object_id)])
    if not rows:
        raise NotFound(f"{what} gibt es nicht.")
    return _removed(rows[-1])


def _removed(row: GoneRow) -> Removed:
    return Removed(row.kind.value, row.key, row.created, row.deleted)


def _sliced(items: Sequence[T | Removed], page: int, size: int) -> Listing[T]:
    start = (page - 1) * size
    return Listing(tuple(items[start : start + size]), len(items), page, size)


def beginning(deps: Dependencies) -> datetime:
    """When the published data began (the first round), for objects without a time of their
    own (system, body, the bodies as organizations, legislative terms): stable across calls."""
    with deps.unit_of_work() as uow:
        return min((r.created_at for r in uow.cycles.rounds()), default=deps.clock())


def public_resolution_draft(deps: Dependencies, feed: Feed, paper_id: int) -> ResolutionDraft:
    """The Beschlussvorlage as the public may read it: results of closed sessions only as
    far as ``[oparl] closed_session_publishes`` allows."""
    found = paper(deps, feed, paper_id)
    if isinstance(found, Removed):
        raise NotFound(f"Die Beschlussvorlage {paper_id} ist nicht mehr veröffentlicht.")
    draft = documents.resolution_draft(deps, paper_id)
    if "result" in feed.closed_session_publishes:
        return draft
    route = tuple(row if row.public else replace(row, result="") for row in draft.route)
    return replace(draft, route=route)
