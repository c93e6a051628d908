"""What may be published about the way recommendations take through the bodies.

A plain snapshot for exports such as OParl: bodies, working groups, meetings,
recommendations with their consultations, and only those people who agreed to
the publication of their name. Nothing here knows the export format.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from deliberation.domain.consultations import Consultation
from deliberation.domain.errors import DeliberationError
from deliberation.domain.model import Meeting, SubjectKind
from deliberation.service_layer import participants as registry
from deliberation.service_layer.documents import reference
from deliberation.service_layer.ports import Dependencies


@dataclass(frozen=True)
class BodyItem:
    key: str
    name: str
    kind: str
    public: bool


@dataclass(frozen=True)
class GroupItem:
    id: int
    name: str
    conference: str
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class AgendaEntry:
    """A recommendation on a meeting: consultation and agenda item in one."""

    consultation_id: int
    recommendation_id: int
    recommendation_title: str
    #: 0 for a statement given without a meeting (no agenda item then)
    meeting_id: int
    body_key: str
    role: str
    authoritative: bool
    public: bool
    result: str
    resolution_text: str
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class MeetingItem:
    id: int
    title: str
    body_key: str
    starts_at: datetime
    location: str
    public: bool
    cancelled: bool
    created: datetime
    modified: datetime
    agenda: tuple[AgendaEntry, ...]
    ends_at: datetime | None = None
    #: it took place (its start lies in the past and it was not cancelled)
    held: bool = False


@dataclass(frozen=True)
class PaperItem:
    id: int
    title: str
    text: str
    reference: str
    group_id: int
    created: datetime
    modified: datetime
    consultations: tuple[AgendaEntry, ...]


@dataclass(frozen=True)
class PersonItem:
    id: int
    name: str
    body_keys: tuple[str, ...]
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class Removed:
    """A published object that is gone (OParl: ``deleted: true``); ``key`` as in its id."""

    kind: str
    key: str
    created: datetime | None
    modified: datetime


@dataclass(frozen=True)
class Publication:
    county: str
    organiser: str
    #: when the published data began, and its latest change: stable across re-exports
    created: datetime
    modified: datetime
    bodies: tuple[BodyItem, ...]
    groups: tuple[GroupItem, ...]
    meetings: tuple[MeetingItem, ...]
    papers: tuple[PaperItem, ...]
    persons: tuple[PersonItem, ...]


def withheld(entry: AgendaEntry, allowed: Collection[str]) -> AgendaEntry:
    """An agenda entry of a closed session with only what may be published of it
    (``[oparl] closed_session_publishes``: "name", "result", "resolutionText")."""
    if entry.public:
        return entry
    return replace(
        entry,
        recommendation_title=entry.recommendation_title if "name" in allowed else "",
        result=entry.result if "result" in allowed else "",
        resolution_text=entry.resolution_text if "resolutionText" in allowed else "",
    )


#: the workflow role of the step that withdraws a recommendation (its paper is then deleted)
WITHDRAWAL_ROLE = "withdrawal"


def withdrawn_states(deps: Dependencies) -> frozenset[str]:
    """Every state any recommendation workflow reaches by its withdrawal step."""
    return frozenset(
        t.dest
        for d in deps.engine.definitions()
        if d.subject == SubjectKind.RECOMMENDATION
        for t in d.transitions
        if t.role == WITHDRAWAL_ROLE
    )


def publication(deps: Dependencies, closed_session_publishes: Collection[str] = ()) -> Publication:
    """Everything published, at once (the static export); closed sessions' agenda items
    with only what ``closed_session_publishes`` allows."""
    now = deps.clock()
    withdrawn = withdrawn_states(deps)
    with deps.unit_of_work() as uow:
        recs = [r for r in uow.recommendations.recommendations() if r.state not in withdrawn]
        if not recs and not uow.meetings.meetings():
            raise DeliberationError(
                "Es gibt weder Empfehlungen noch Sitzungen; nichts zu veröffentlichen."
            )
        public_bodies = {b.key for b in uow.reference.bodies() if b.public}
        entries = {
            c.id or 0: withheld(
                _entry(rec.id or 0, rec.title, c, public_bodies), closed_session_publishes
            )
            for rec in recs
            for c in rec.consultations
        }
        meetings = tuple(
            _meeting(m, [e for e in entries.values() if e.meeting_id == m.id], now)
            for m in uow.meetings.meetings()
            if m.body_key is not None
        )
        papers = tuple(
            PaperItem(
                rec.id or 0,
                rec.title,
                rec.text,
                reference(rec.id or 0, rec.working_group.conference.round.label),
                rec.working_group.id or 0,
                rec.created_at,
                rec.updated_at,
                tuple(entries[c.id or 0] for c in rec.consultations),
            )
            for rec in recs
        )
        groups = {
            g.id: GroupItem(g.id or 0, g.name, g.conference.title, g.created_at, g.updated_at)
            for g in uow.groups.working_groups()
        }
        persons = tuple(
            PersonItem(
                p.id or 0,
                p.name,
                tuple(sorted(p.body_keys)),
                p.publication_consent_at or p.created_at,
                p.publication_consent_at or p.created_at,
            )
            for p in uow.participants.participants()
            if registry.may_publish(p)
        )
        items: list[PaperItem | MeetingItem | GroupItem | PersonItem] = [
            *papers,
            *meetings,
            *groups.values(),
            *persons,
        ]
        stamps = [x.created for x in items]
        changes = [x.modified for x in items]
        return Publication(
            county=deps.county_name,
            organiser=deps.organiser,
            created=min(stamps, default=deps.clock()),
            modified=max(changes, default=deps.clock()),
            bodies=tuple(BodyItem(b.key, b.name, b.kind, b.public) for b in uow.reference.bodies()),
            groups=tuple(sorted(groups.values(), key=lambda g: g.id)),
            meetings=meetings,
            papers=papers,
            persons=persons,
        )


def _entry(rec_id: int, title: str, c: Consultation, public_bodies: set[str]) -> AgendaEntry:
    """``public``: the meeting's, or for a statement without a meeting its body's (as the
    live server reads it, ``adapters/oparl_store.consultation_rows``)."""
    modified = c.decided_at or c.placed_at
    return AgendaEntry(
        consultation_id=c.id or 0,
        recommendation_id=rec_id,
        recommendation_title=title,
        meeting_id=(c.meeting.id or 0) if c.meeting is not None else 0,
        body_key=c.body_key,
        role=c.role,
        authoritative=c.authoritative,
        public=c.public if c.meeting is not None else c.body_key in public_bodies,
        result=c.result_title() if c.result else "",
        resolution_text=c.resolution_text,
        created=c.placed_at,
        modified=modified,
    )


def _meeting(m: Meeting, agenda: list[AgendaEntry], now: datetime) -> MeetingItem:
    created = m.created_at or m.starts_at
    modified = max([created, *(e.modified for e in agenda)])
    return MeetingItem(
        id=m.id or 0,
        title=m.title,
        body_key=m.body_key or "",
        starts_at=m.starts_at,
        location=m.location,
        public=m.public,
        cancelled=m.status == "cancelled",
        created=created,
        modified=modified,
        agenda=tuple(sorted(agenda, key=lambda e: e.consultation_id)),
        ends_at=m.starts_at + timedelta(minutes=m.duration_minutes),
        held=m.status != "cancelled" and m.starts_at <= now,
    )
