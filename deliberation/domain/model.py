"""Domain objects of the deliberation process.

Plain classes: the ORM adapter maps them onto tables from the outside
(``deliberation.adapters.orm``), so nothing here knows about SQLAlchemy.
Collections such as ``Cycle.needs`` are ordinary lists to the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deliberation.domain.consultations import Consultation
    from deliberation.domain.implementation import FeedbackReport, ProgressNote


class SubjectKind(StrEnum):
    """The kinds of record a workflow can drive."""

    CYCLE = "cycle"
    WORKING_GROUP = "working_group"
    RECOMMENDATION = "recommendation"


SUBJECT_LABELS = {
    SubjectKind.CYCLE: "Zyklus",
    SubjectKind.WORKING_GROUP: "Arbeitsgruppe",
    SubjectKind.RECOMMENDATION: "Empfehlung",
}


class NeedScope(StrEnum):
    """Where a need is handled: in the municipality or at county level."""

    LOCAL = "local"
    COUNTY = "county"


class NeedStatus(StrEnum):
    """What became of a need."""

    OPEN = "open"
    HANDLED_LOCALLY = "handled_locally"
    FORWARDED = "forwarded"


class Municipality:
    """A town or municipality of the county (Gemeinde, Stadt)."""

    def __init__(self, key: str, name: str) -> None:
        self.key = key
        self.name = name


class Body:
    """A standing body (Gremium): Kreistag, Kommission, Koordinierungsstab …"""

    def __init__(
        self,
        key: str,
        name: str,
        kind: str,
        notice_days: int,
        interval_months: int,
        public: bool = True,
        notice_counting: str = "calendar_days",
    ) -> None:
        self.key = key
        self.name = name
        self.kind = kind
        self.notice_days = notice_days
        self.interval_months = interval_months
        self.public = public
        #: which days count towards the notice period (``domain.notice.NoticeCounting``)
        self.notice_counting = notice_counting


class Round:
    """One pass of the whole process (Durchgang), e.g. "2027": workshops, then the conference."""

    cycles: list[Cycle]
    #: implementation reports of earlier rounds mirrored back into this one (Rückspiegelung)
    feedback_reports: list[FeedbackReport]

    def __init__(self, label: str, created_at: datetime) -> None:
        self.label = label
        self.created_at = created_at
        self.cycles = []
        self.feedback_reports = []

    def county_wide_needs(self) -> list[Need]:
        """County-wide needs from all of this round's cycles that collect needs, oldest first."""
        needs = [
            need for cycle in self.cycles for need in cycle.needs if need.scope == NeedScope.COUNTY
        ]
        return sorted(needs, key=lambda n: (n.created_at, n.id or 0))


class Stateful:
    """A record driven by a workflow: its ``state`` and an optimistic-lock ``version``."""

    kind: SubjectKind
    id: int | None
    workflow: str
    workflow_version: int
    #: the content fingerprint of the definition the record runs on (None: recorded before
    #: fingerprints were kept, until ``deliberation init`` stamps it)
    workflow_fingerprint: str | None
    state: str
    version: int
    updated_at: datetime

    def _begin_workflow(
        self, workflow: str, workflow_version: int, state: str, created_at: datetime
    ) -> None:
        """Start a new, not yet stored record in ``state`` of the given workflow version."""
        self.id = None
        self.workflow = workflow
        self.workflow_version = workflow_version
        self.workflow_fingerprint = None
        self.state = state
        self.version = 1
        self.created_at = created_at
        self.updated_at = created_at

    def subject_label(self) -> str:
        """How users call this record in messages, e.g. "Zyklus 8"."""
        return f"{SUBJECT_LABELS[self.kind]} {self.id}"


class Cycle(Stateful):
    """One run of a cycle workflow: a future workshop or an integration conference."""

    kind = SubjectKind.CYCLE
    needs: list[Need]
    agenda_topics: list[AgendaTopic]
    working_groups: list[WorkingGroup]

    def __init__(
        self,
        round: Round,
        workflow: str,
        workflow_version: int,
        state: str,
        title: str,
        created_at: datetime,
        municipality: Municipality | None = None,
    ) -> None:
        self._begin_workflow(workflow, workflow_version, state, created_at)
        self.round = round
        self.title = title
        self.municipality = municipality
        self.needs = []
        self.agenda_topics = []
        self.working_groups = []
        #: how many people came (recorded by staff after the event); None: not recorded
        self.attendees: int | None = None


class Need:
    """One card of a future workshop or forum (Bedarf): what is missing, where, in which field.

    ``municipality`` is None for a need collected by a county-wide cycle (a Bürgerforum).
    """

    id: int | None
    cycle: Cycle

    def __init__(
        self,
        text: str,
        municipality: Municipality | None,
        topic_field: str,
        scope: NeedScope,
        created_at: datetime,
        votes: int = 0,
    ) -> None:
        self.id = None
        self.text = text
        self.municipality = municipality
        self.topic_field = topic_field
        self.scope = scope
        #: dots counted on site by staff …
        self.votes = votes
        #: … and given online through personal links (the sum of the ``DotVote`` rows)
        self.online_votes = 0
        self.status = NeedStatus.OPEN
        self.created_at = created_at

    @property
    def total_votes(self) -> int:
        """On-site and online dots together: what ranks the need."""
        return self.votes + self.online_votes


class AgendaTopic:
    """A topic on a conference agenda, built from county-wide needs or a standing topic field."""

    id: int | None
    needs: list[Need]

    def __init__(self, title: str, topic_field: str, position: int) -> None:
        self.id = None
        self.title = title
        self.topic_field = topic_field
        self.position = position
        self.needs = []


class GroupMember:
    """A member of a working group (name and, optionally, the organisation they come from);
    ``participant_id`` links a member who is a person of the directory."""

    def __init__(
        self, name: str, organisation: str = "", participant_id: int | None = None
    ) -> None:
        self.name = name
        self.organisation = organisation
        self.participant_id = participant_id

    def label(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class WorkingGroup(Stateful):
    """An ad-hoc working group (AG) formed by a conference on one topic."""

    kind = SubjectKind.WORKING_GROUP
    members: list[GroupMember]
    recommendations: list[Recommendation]
    conference: Cycle

    def __init__(
        self,
        name: str,
        topic: AgendaTopic,
        mandate: str,
        due_date: date,
        workflow: str,
        workflow_version: int,
        state: str,
        created_at: datetime,
    ) -> None:
        self._begin_workflow(workflow, workflow_version, state, created_at)
        self.name = name
        self.topic = topic
        self.mandate = mandate
        self.due_date = due_date
        self.report = ""
        self.members = []
        self.recommendations = []


class Recommendation(Stateful):
    """A recommendation (Empfehlung) of a working group on its way to a Kreistag decision."""

    kind = SubjectKind.RECOMMENDATION
    working_group: WorkingGroup
    needs: list[Need]
    consultations: list[Consultation]
    progress_notes: list[ProgressNote]

    def __init__(
        self,
        title: str,
        text: str,
        workflow: str,
        workflow_version: int,
        state: str,
        created_at: datetime,
    ) -> None:
        self._begin_workflow(workflow, workflow_version, state, created_at)
        self.title = title
        self.text = text
        self.commission_statement = ""
        self.resolution_text = ""
        self.implementation_report = ""
        self.needs = []
        self.responsible_office = ""
        self.due_date: date | None = None
        self.consultations = []
        self.progress_notes = []
        #: when the implementation was reported not feasible (None: feasible as far as known)
        self.not_feasible_since: datetime | None = None


class Meeting:
    """A meeting of a body or of a cycle (a workshop evening, the conference day)."""

    id: int | None

    def __init__(
        self,
        title: str,
        starts_at: datetime,
        location: str,
        body_key: str | None = None,
        cycle: Cycle | None = None,
        status: str = "planned",
        duration_minutes: int = 120,
        capacity: int | None = None,
        uid: str = "",
        public: bool = True,
        created_at: datetime | None = None,
        series: str | None = None,
        period_start: date | None = None,
        notice_days: int = 0,
    ) -> None:
        self.id = None
        self.public = public
        self.created_at = created_at
        self.title = title
        self.starts_at = starts_at
        self.location = location
        self.body_key = body_key
        self.cycle = cycle
        self.status = status
        # For the calendar entry: one UID for the meeting's whole life, and a
        # SEQUENCE raised on every change of time or place (RFC 5545/5546).
        self.duration_minutes = duration_minutes
        self.capacity = capacity
        self.uid = uid
        self.sequence = 0
        # A generated meeting belongs to one period of its series (a body or a
        # cycle type); the pair is unique, so planning twice proposes it once.
        self.series = series
        self.period_start = period_start
        self.notice_days = notice_days
        # How many were invited and accepted, kept once the answers went (retention).
        self.invited_count: int | None = None
        self.accepted_count: int | None = None


@dataclass
class TransitionRecord:
    """One row of the append-only transition log."""

    subject_kind: str
    subject_id: int
    workflow: str
    trigger: str
    from_state: str | None
    to_state: str
    actor: str
    reason: str
    at: datetime
    id: int | None = None
    before: str = ""  # audit rows: the changed value before …
    after: str = ""  # … and after the change
    person_id: int | None = None  # the participant the row concerns, if any


class NotificationStatus(StrEnum):
    """How far a notification has come: asked for, or turned into outbox messages."""

    PENDING = "pending"
    RENDERED = "rendered"


@dataclass
class Notification:
    """A message a transition asked to send; rendered and delivered by the outbox."""

    template: str
    subject_kind: str
    subject_id: int
    created_at: datetime
    status: str = NotificationStatus.PENDING
    id: int | None = None
