"""The port the OParl server reads through: lean rows of published objects, page by page.

A list page is chosen on one table (ids in a stable order, the filters on indexed
columns, tombstones of deleted objects merged in where the client asks for changes),
then only that page's rows are read. Kept apart from ``ports.py`` so that it imports
nothing of the service layer (the repository protocol derives from it).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class TombstoneKind(StrEnum):
    """Which kind of published object a tombstone stands for."""

    PERSON = "person"
    MEMBERSHIP = "membership"
    PAPER = "paper"
    MEETING = "meeting"
    CONSULTATION = "consultation"


@dataclass(frozen=True)
class Window:
    """The filters of an OParl list (``created_since`` … ``modified_until``), all inclusive."""

    created_since: datetime | None = None
    created_until: datetime | None = None
    modified_since: datetime | None = None
    modified_until: datetime | None = None

    @property
    def with_deleted(self) -> bool:
        """Deleted objects are listed when a client asks what changed since a time."""
        return self.modified_since is not None

    def admits(self, created: datetime | None, modified: datetime) -> bool:
        """The same filter in memory (for the short lists: organizations, memberships)."""
        created = created or modified
        return (
            (self.created_since is None or created >= self.created_since)
            and (self.created_until is None or created <= self.created_until)
            and (self.modified_since is None or modified >= self.modified_since)
            and (self.modified_until is None or modified <= self.modified_until)
        )


@dataclass(frozen=True)
class PageKeys:
    """The ids on one page (``gone``: a tombstone's), and how many the whole list has."""

    ids: tuple[tuple[int, bool], ...]
    total: int


@dataclass(frozen=True)
class GoneRow:
    kind: TombstoneKind
    key: str
    created: datetime | None
    deleted: datetime


@dataclass(frozen=True)
class PaperRow:
    id: int
    title: str
    round_label: str
    group_id: int
    workflow: str
    workflow_version: int
    state: str
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class ConsultationRow:
    id: int
    recommendation_id: int
    recommendation_title: str
    meeting_id: int
    meeting_public: bool
    body_key: str
    role: str
    authoritative: bool
    result: str
    resolution_text: str
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class MeetingRow:
    id: int
    title: str
    body_key: str
    starts_at: datetime
    duration_minutes: int
    location: str
    public: bool
    cancelled: bool
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    body_keys: frozenset[str]
    created: datetime
    modified: datetime


class PublishedRows(Protocol):
    """What the repository reads for the OParl server (``adapters/oparl_store.py``)."""

    def published_page(
        self,
        kind: TombstoneKind,
        window: Window,
        offset: int,
        limit: int,
        hidden_states: Collection[str] = (),
        at_meetings: bool = False,
    ) -> PageKeys:
        """One page of ``kind``'s ids by id: objects that pass ``window`` (papers in
        ``hidden_states`` only as deleted ones), and with ``window.with_deleted`` the
        tombstones in it. ``at_meetings``: consultations held in a meeting only (the
        agenda items; a statement given without a meeting has none)."""
        ...

    def tombstones(self, kind: TombstoneKind, keys: Collection[str]) -> list[GoneRow]: ...

    def tombstones_in(self, kind: TombstoneKind, window: Window) -> list[GoneRow]: ...

    def paper_rows(self, ids: Collection[int]) -> list[PaperRow]: ...

    def consultation_rows(
        self,
        ids: Collection[int] = (),
        *,
        papers: Collection[int] = (),
        meetings: Collection[int] = (),
    ) -> list[ConsultationRow]: ...

    def meeting_rows(self, ids: Collection[int]) -> list[MeetingRow]: ...

    def person_rows(self, ids: Collection[int] | None = None) -> list[PersonRow]:
        """Published people (consent to publication, not withdrawn); ``None``: all of them."""
        ...
