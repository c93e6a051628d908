"""What the service layer needs from the outside; adapters implement it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import TracebackType
from typing import Any, NamedTuple, Protocol, Self
from zoneinfo import ZoneInfo

from deliberation.domain.accounts import Account
from deliberation.domain.calendar_feed import CalendarFeed
from deliberation.domain.consultations import RouteStep
from deliberation.domain.engine import WorkflowEngine
from deliberation.domain.implementation import FeedbackReport
from deliberation.domain.invitations import CalendarEntry, Invitation
from deliberation.domain.model import (
    AgendaTopic,
    Body,
    Cycle,
    Meeting,
    Municipality,
    Need,
    Notification,
    Recommendation,
    Round,
    Stateful,
    SubjectKind,
    TransitionRecord,
    WorkingGroup,
)
from deliberation.domain.need_submissions import NeedSubmission, SubmissionStatus
from deliberation.domain.outbox import MailContent, OutboxMessage, Outcome
from deliberation.domain.participants import Participant
from deliberation.domain.rules import ChildFacts
from deliberation.domain.scheduling import DueWork
from deliberation.service_layer.oparl_rows import PublishedRows

#: One line of the secretaries' tracker as the database hands it out, in this order:
#: id, title, group name, conference title, round label, workflow, workflow version, state,
#: responsible office, due date. A plain row: no domain objects, no copies.
TrackerRow = tuple[int, str, str, str, str, str, int, str, str, date | None]

#: One outbox message without its body, in this order: id, recipient, subject, status,
#: attempts, created at, next attempt at, sent at, the server's last answer.
OutboxLine = tuple[int, str, str, str, int, datetime, datetime, datetime | None, str]


@dataclass(frozen=True)
class TrackerFilters:
    """The tracker's filters, resolved: technical state, keys of municipality and body."""

    state: str | None = None
    group_id: int | None = None
    round_label: str | None = None
    conference_id: int | None = None
    municipality_key: str | None = None
    body_key: str | None = None
    office: str | None = None
    overdue_on: date | None = None
    #: the states counted as being implemented (``counts_as``), for ``overdue_on``
    implementing_states: frozenset[str] = frozenset()


#: A tracker line for the files: ``TrackerRow`` and then commission statement, resolution
#: text, last change, reported not feasible since.
ExportRow = tuple[
    int, str, str, str, str, str, int, str, str, date | None, str, str, datetime, datetime | None
]


@dataclass(frozen=True)
class TrackerExportRows:
    """Everything the tracker files show, in three set-wise reads: the lines, the needs each
    answers (recommendation, need, municipality name) and the consultations in the order
    they were placed (recommendation, meeting title, role, result)."""

    lines: list[ExportRow]
    needs: list[tuple[int, int, str]]
    stages: list[tuple[int, str | None, str, str]]


class TrackerSort(StrEnum):
    """The columns the tracker can be sorted by (nothing else reaches ORDER BY)."""

    NUMBER = "nr"
    TITLE = "titel"
    GROUP = "arbeitsgruppe"
    ROUND = "durchgang"
    STATE = "zustand"
    OFFICE = "stelle"
    DUE = "frist"


@dataclass(frozen=True)
class TrackerOrder:
    """Sorting and the slice of one page; ``state_order`` ranks states as the workflow
    lists them, so "Zustand" sorts along the route rather than alphabetically."""

    sort: TrackerSort = TrackerSort.NUMBER
    descending: bool = False
    limit: int = 50
    offset: int = 0
    state_order: tuple[str, ...] = ()


class WorkflowUsage(NamedTuple):
    """How many records of a kind run on one workflow version and fingerprint, in one state."""

    kind: SubjectKind
    workflow: str
    version: int
    fingerprint: str | None
    state: str
    records: int


class CycleRepository(Protocol):
    """Cycles and the rounds they belong to (with the reports mirrored back into a round)."""

    def add(self, cycle: Cycle) -> None: ...

    def cycle(self, cycle_id: int, lock: bool = False) -> Cycle | None: ...

    def cycles(
        self, round_label: str | None = None, workflow: str | None = None, state: str | None = None
    ) -> list[Cycle]: ...

    def cycle_ids_without_groups(self, workflow: str, state: str) -> list[int]: ...

    def round(self, label: str) -> Round | None: ...

    def rounds(self) -> list[Round]: ...

    def add_feedback_report(self, report: FeedbackReport) -> None: ...

    def feedback_reports(self, round_label: str) -> list[FeedbackReport]: ...


class StepFastPath(ChildFacts, Protocol):
    """The step fast path: a cycle read without the ORM's unit of work, written back by one
    version-checked UPDATE (``ConcurrencyConflict`` when the version moved); answers guards'
    questions about its children with one query each (``ChildFacts``)."""

    def detached_cycle(self, cycle_id: int, lock: bool = False) -> Cycle | None: ...

    def detached_cycle_of_need(self, need_id: int) -> Cycle | None: ...

    def load_needs(self, cycle: Cycle) -> None: ...

    def save_detached(
        self,
        subject: Cycle,
        record: TransitionRecord | None = None,
        notifications: Sequence[Notification] = (),
    ) -> None: ...

    def add_need_row(self, need: Need, cycle: Cycle) -> int: ...


class NeedRepository(Protocol):
    """Needs (Bedarfe) of the cycles and the agenda topics that took them up."""

    def need(self, need_id: int) -> Need | None: ...

    def needs(
        self, cycle_id: int | None = None, round_label: str | None = None, scope: str | None = None
    ) -> list[Need]: ...

    def add_votes(self, need_id: int, dots: int) -> int: ...

    def dot_votes_of(self, participant_id: int, cycle_id: int) -> dict[int, int]: ...

    def replace_dot_votes(
        self, participant_id: int, cycle_id: int, distribution: Mapping[int, int], at: datetime
    ) -> None: ...

    def dot_votes_of_person(self, participant_id: int) -> list[tuple[int, int, datetime]]: ...

    def anonymise_dot_votes(self, participant_id: int) -> int: ...

    def remove(self, need: Need) -> None: ...

    def topics_with_need(self, need_id: int) -> list[tuple[Cycle, AgendaTopic]]: ...


class GroupRepository(Protocol):
    """Working groups of the conferences."""

    def working_group(self, group_id: int, lock: bool = False) -> WorkingGroup | None: ...

    def working_groups(
        self, conference_id: int | None = None, topic_ids: Collection[int] | None = None
    ) -> list[WorkingGroup]: ...


class RecommendationRepository(Protocol):
    """Recommendations of the working groups on their way through the bodies."""

    def recommendation(self, recommendation_id: int) -> Recommendation | None: ...

    def recommendations(
        self,
        state: str | None = None,
        group_id: int | None = None,
        *,
        round_label: str | None = None,
        conference_id: int | None = None,
        municipality_key: str | None = None,
        body_key: str | None = None,
        office: str | None = None,
        overdue_on: date | None = None,
        implementing_states: frozenset[str] = frozenset(),
    ) -> list[Recommendation]: ...

    def recommendations_for_need(self, need_id: int) -> list[Recommendation]: ...

    def recommendation_counts_by_body(self) -> dict[str, int]: ...

    def waiting_for_meeting(
        self, states: Collection[str], route_length: int, limit: int
    ) -> tuple[list[tuple[int, str, str]], int]:
        """(id, title, state) of the first ``limit`` recommendations in ``states`` that lie
        on no meeting and have a body of the route still ahead, oldest first; and how many
        there are in all. Plain rows, read set-wise."""
        ...

    def responsible_offices(self) -> list[str]: ...


class TrackerQueries(Protocol):
    """The secretaries' tracker: plain rows of many recommendations, read set-wise."""

    def tracker_rows(
        self,
        state: str | None = None,
        group_id: int | None = None,
        *,
        round_label: str | None = None,
        conference_id: int | None = None,
        municipality_key: str | None = None,
        body_key: str | None = None,
        office: str | None = None,
        overdue_on: date | None = None,
        implementing_states: frozenset[str] = frozenset(),
    ) -> list[TrackerRow]: ...

    def tracker_slice(self, filters: TrackerFilters, order: TrackerOrder) -> list[TrackerRow]: ...

    def tracker_count(self, filters: TrackerFilters) -> int: ...

    def tracker_export(self, filters: TrackerFilters) -> TrackerExportRows: ...


class MeetingRepository(Protocol):
    """Meetings of bodies and cycles, and the invitations to them."""

    def add(self, meeting: Meeting) -> None: ...

    def meeting(self, meeting_id: int, lock: bool = False) -> Meeting | None: ...

    def meetings(
        self,
        body_key: str | None = None,
        *,
        series: str | None = None,
        status: str | None = None,
        starts_from: datetime | None = None,
        starts_before: datetime | None = None,
    ) -> list[Meeting]: ...

    def meeting_of_cycle(self, cycle_id: int) -> Meeting | None: ...

    def meetings_of_cycle(self, cycle_id: int) -> list[Meeting]: ...

    def invitable_meeting_exists(self, cycle_id: int) -> bool: ...

    def planned_periods(self, series: str, first: date, last: date) -> set[date]: ...

    def meeting_in_period(self, series: str, period_start: date) -> Meeting | None: ...

    def invitations(
        self, meeting_id: int | None = None, participant_id: int | None = None
    ) -> list[Invitation]: ...

    def invitations_of_cycle(self, cycle_id: int) -> list[Invitation]: ...

    def invited_ids(self, meeting_id: int, among: Collection[int]) -> set[int]: ...

    def claim_meeting_uid(self, meeting_id: int, candidate: str) -> str: ...

    def add_invitations(self, invitations: Sequence[Invitation]) -> None: ...

    def remove_invitation(self, invitation: Invitation) -> None: ...

    def meetings_with_invitations(self, starts_before: datetime) -> list[Meeting]: ...


class ParticipantRepository(Protocol):
    """The participant registry (citizens, members of bodies, administration)."""

    def add(self, participant: Participant) -> None: ...

    def remove(self, participant: Participant) -> None: ...

    def participant(self, email: str) -> Participant | None: ...

    def participant_by_id(self, participant_id: int) -> Participant | None: ...

    def participants_by_id(self, ids: Collection[int]) -> dict[int, Participant]: ...

    def participants(
        self, municipality_key: str | None = None, role: str | None = None
    ) -> list[Participant]: ...

    def registered_emails(self, emails: Collection[str]) -> set[str]: ...

    def body_members(self, body_key: str) -> list[Participant]: ...


class ReferenceRepository(Protocol):
    """The county's municipalities and standing bodies (loaded from the configuration)."""

    def add_municipality(self, municipality: Municipality) -> None: ...

    def municipality(self, key: str) -> Municipality | None: ...

    def municipalities(self) -> list[Municipality]: ...

    def add_body(self, body: Body) -> None: ...

    def body(self, key: str) -> Body | None: ...

    def bodies(self) -> list[Body]: ...


class AccountRepository(Protocol):
    """Staff accounts of the web application."""

    def add(self, account: Account) -> None: ...

    def account(self, name: str, lock: bool = False) -> Account | None: ...

    def account_by_id(self, account_id: int) -> Account | None: ...

    def accounts(self) -> list[Account]: ...


class Outbox(Protocol):
    """Messages asked for by workflow steps (notifications) and queued mails, with their
    claims and delivery results."""

    def add_notification(self, notification: Notification) -> None: ...

    def notification(self, notification_id: int, lock: bool = False) -> Notification | None: ...

    def notifications(
        self, status: str | None = None, lock: bool = False
    ) -> list[Notification]: ...

    def enqueue(self, message: OutboxMessage) -> None: ...

    def enqueue_many(self, messages: Sequence[OutboxMessage]) -> None: ...

    def claim_due(
        self, now: datetime, limit: int, stale_before: datetime
    ) -> list[OutboxMessage]: ...

    def count_due(self, now: datetime, stale_before: datetime) -> int: ...

    def mark_sent_many(self, deliveries: Sequence[tuple[int, str, datetime]]) -> None: ...

    def mark_retry(self, outbox_id: int, error: str, next_at: datetime) -> None: ...

    def release(self, outbox_id: int, error: str, next_at: datetime) -> None: ...

    def mark_failed(self, outbox_id: int, error: str) -> None: ...

    def outbox_counts(self) -> dict[str, int]: ...

    def outbox_messages(self, status: str | None = None) -> list[OutboxMessage]: ...

    def withdraw_waiting(self, recipient: str, reason: str) -> int: ...

    def outbox_lines(
        self, statuses: Collection[str], limit: int, offset: int
    ) -> tuple[list[OutboxLine], int]: ...

    def requeue_failed(self, ids: Collection[int] | None, now: datetime) -> list[int]: ...

    def mail_history(self, recipient: str) -> list[tuple[str, datetime, datetime | None, str]]: ...

    def forget_recipient(self, recipient: str) -> int: ...

    # retention: the text of delivered messages goes, their headers stay
    def texts_to_remove(self, before: datetime) -> list[int]: ...

    def remove_texts(self, ids: Collection[int], at: datetime) -> int: ...


class DueWorkQueue(Protocol):
    """Due work (reminders, escalations, phase changes by date) and what still lacks it."""

    def add_due_work(self, items: Collection[DueWork]) -> int: ...

    def existing_due_keys(self, keys: Collection[str]) -> set[str]: ...

    def claim_next_due(self, now: datetime) -> DueWork | None: ...

    def due_work_item(self, item_id: int) -> DueWork | None: ...

    def next_due_at(self) -> datetime | None: ...

    def due_work_of(self, subject_kind: str, subject_id: int) -> list[DueWork]: ...

    def due_work(
        self, status: str | None = None, kind: str | None = None, limit: int | None = None
    ) -> list[DueWork]: ...

    def troubled_due_work(self, limit: int) -> list[DueWork]: ...

    def open_groups_without(
        self, due_kind: str, closed: Mapping[tuple[str, int], Collection[str]]
    ) -> list[tuple[int, date]]: ...

    def open_recommendations_without(
        self, due_kind: str, closed: Mapping[tuple[str, int], Collection[str]]
    ) -> list[tuple[int, datetime]]: ...


class TransitionLog(Protocol):
    """The append-only log: workflow steps and audited changes."""

    def append_to_log(self, record: TransitionRecord) -> None: ...

    def log(self, subject_kind: str, subject_id: int) -> list[TransitionRecord]: ...

    def log_entries(
        self,
        *,
        subject_kind: str | None = None,
        subject_id: int | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        person_id: int | None = None,
        limit: int | None = None,
    ) -> list[TransitionRecord]: ...

    # retention: a row's personal details go once, the row stays (the retention migration)
    def rows_to_pseudonymise(
        self,
        *,
        before: datetime | None = None,
        subject: tuple[str, int] | None = None,
        change: str | None = None,
    ) -> list[int]: ...

    def pseudonymise(self, ids: Collection[int], at: datetime, pseudonym: str) -> int: ...


class WorkflowRecords(Protocol):
    """Which workflow versions the stored records run on (published-version check, migration)."""

    def workflow_usage(self) -> list[WorkflowUsage]: ...

    def record_ids(
        self, kind: SubjectKind, workflow: str, version: int, state: str, limit: int
    ) -> list[int]: ...

    def records_of_workflow(self, kind: SubjectKind, workflow: str) -> list[Stateful]: ...

    def stamp_fingerprints(
        self, kind: SubjectKind, workflow: str, version: int, fingerprint: str
    ) -> int: ...


class RateLimits(Protocol):
    """Posts to public forms per address and window (the rate limit all workers share)."""

    def count_post(self, key: str, window_start: datetime, expired_before: datetime) -> int:
        """Count a post to a public form; the window's count so far."""


class NeedSubmissions(Protocol):
    """Needs brought in on the public page, waiting for moderation."""

    def add_submission(
        self,
        cycle_id: int,
        text: str,
        topic_field: str,
        scope: str,
        language: str,
        email: str | None,
        now: datetime,
    ) -> int: ...

    def submission(self, submission_id: int, lock: bool = False) -> NeedSubmission | None: ...

    def submissions(
        self, status: SubmissionStatus | None = None, email: str | None = None
    ) -> list[NeedSubmission]: ...

    # retention: addresses never confirmed go, the submissions stay
    def unconfirmed_addresses(self, requested_before: datetime) -> list[int]: ...

    def change_submission(self, submission_id: int, **values: Any) -> None: ...


class UnitOfWork(Protocol):
    """One transaction over one port per aggregate: commit explicitly, everything else rolls
    back. A use case names the port it reads or writes (``uow.cycles.cycle(3)``,
    ``uow.outbox.enqueue(message)``), so what it touches shows at the call."""

    @property
    def cycles(self) -> CycleRepository: ...

    @property
    def fast_path(self) -> StepFastPath: ...

    @property
    def needs(self) -> NeedRepository: ...

    @property
    def groups(self) -> GroupRepository: ...

    @property
    def recommendations(self) -> RecommendationRepository: ...

    @property
    def tracker(self) -> TrackerQueries: ...

    @property
    def meetings(self) -> MeetingRepository: ...

    @property
    def participants(self) -> ParticipantRepository: ...

    @property
    def reference(self) -> ReferenceRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def due_work(self) -> DueWorkQueue: ...

    @property
    def log(self) -> TransitionLog: ...

    @property
    def workflow_records(self) -> WorkflowRecords: ...

    @property
    def rate_limits(self) -> RateLimits: ...

    @property
    def submissions(self) -> NeedSubmissions: ...

    @property
    def publication(self) -> PublishedRows:
        """What the OParl server reads (``oparl_rows``)."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def flush(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


Clock = Callable[[], datetime]

#: Hands the sender the next claimed messages; an empty batch means the outbox is drained.
ClaimBatch = Callable[[], Sequence[OutboxMessage]]
#: Called once per delivery attempt with its outcome and the server's answer (or the error);
#: returns once the outcome is recorded (a database commit: call it off an event loop).
ReportOutcome = Callable[[OutboxMessage, Outcome, str], None]


class MailTransport(Protocol):
    """Delivers outbox messages to the mail relay."""

    def deliver(self, claim: ClaimBatch, report: ReportOutcome) -> None:
        """Send every message ``claim`` hands out until it hands out none; report each."""


#: One rendered invitation: whom it invites (the participant's id) and the message.
RenderedInvitation = tuple[int, OutboxMessage]


class InvitationRenderer(Protocol):
    """Renders invitations elsewhere than in the calling process (in worker processes),
    part by part, in the order of ``parts`` (each a meeting's id and participant ids): for
    each, what ``notifications.render_part`` gives, read and rendered at ``now``."""

    def render(
        self, parts: Sequence[tuple[int, Sequence[int]]], now: datetime
    ) -> Iterator[list[RenderedInvitation]]: ...


class TemplateRenderer(Protocol):
    """Renders the message templates in ``templates/``."""

    def render(self, name: str, language: str, context: Mapping[str, object]) -> str:
        """The text of template ``name`` (e.g. "future_workshop/invitation") in ``language``.

        Raises ``TemplateRenderError`` if the template is missing or cannot be rendered.
        """


class MailRenderer(Protocol):
    """Renders one email from ``templates/`` in a recipient's language (German fallback)."""

    def render_mail(self, name: str, language: str, context: Mapping[str, object]) -> MailContent:
        """Subject, text and HTML part; ``TemplateRenderError`` if it cannot be rendered."""


class Documents(Protocol):
    """Printable HTML documents from ``templates/`` (autoescaped): reports, Beschlussvorlagen."""

    def render(self, name: str, context: Mapping[str, object], language: str = "de") -> str:
        """Template ``name`` filled with ``context``; ``TemplateRenderError`` if it cannot be."""


class HolidayNames(Protocol):
    """The county's public holidays and configured school holidays, by German name."""

    def public_holiday(self, day: date) -> str | None: ...

    def school_holiday(self, day: date) -> str | None: ...


class PasswordHasher(Protocol):
    """Hashes staff passwords (argon2 in production, something fast in unit tests)."""

    def hash(self, password: str) -> str: ...

    def verify(self, hashed: str, password: str) -> bool: ...

    def verify_nothing(self, password: str) -> None:
        """Spend the time of one check, for a name that has no account."""

    def needs_rehash(self, hashed: str) -> bool: ...


class Links(Protocol):
    """Signed, expiring links for answers from emails (no account needed)."""

    #: the application's address, e.g. "https://beteiligung.landkreis-peine.de"
    base_url: str

    def url(self, purpose: str, payload: Sequence[int | str]) -> str: ...

    def read(self, purpose: str, token: str, max_age: timedelta | None) -> list[int | str]:
        """The payload; raises ``LinkInvalid`` if the token was altered or has expired."""


@dataclass(frozen=True)
class Mailing:
    """What rendering messages to participants needs (built by the composition root)."""

    renderer: MailRenderer
    calendar: Callable[[CalendarEntry], str]
    #: writes a calendar to subscribe to (a body's meetings, a person's invitations)
    calendar_feed: Callable[[CalendarFeed], str]
    links: Links
    sender: str
    confirm_valid: timedelta = timedelta(days=7)
    answer_valid: timedelta = timedelta(days=365)


@dataclass(frozen=True)
class Dependencies:
    """What every use case gets from the composition root."""

    unit_of_work: Callable[[], UnitOfWork]
    engine: WorkflowEngine
    clock: Clock
    topic_fields: tuple[str, ...] = ()
    timezone: str = "Europe/Berlin"
    county_name: str = ""
    organiser: str = ""
    language: str = "de"  # the county's own language: staff mails and reports
    consultation_route: tuple[RouteStep, ...] = ()
    #: Holidays that meetings added by hand are warned about; None: no such warnings.
    holidays: HolidayNames | None = None

    def today(self) -> date:
        """Today's date where the county is (not in UTC)."""
        return self.clock().astimezone(ZoneInfo(self.timezone)).date()
