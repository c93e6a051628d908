"""Hand-written in-memory fakes of the ports: a use case runs on them without a database.

``FakeStore`` plays the database: every ``FakeUnitOfWork`` opened on it sees the same
records, as every unit of work sees the same tables. Like SQLAlchemy at a flush, the
unit of work gives new records their ids and links what the domain appended to a
collection back to its owner (a need to its cycle, a group to its conference), so the
service layer sees the same object graph as on the real database.

The fakes keep only what the use cases read; what the database adds beyond that
(row locks, the version check of concurrent writers, set-wise tracker and outbox
pages) is tested on SQLite and PostgreSQL in ``tests/integration``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from deliberation.bootstrap import reference_records
from deliberation.config import load_settings
from deliberation.domain.accounts import Account
from deliberation.domain.implementation import FeedbackReport
from deliberation.domain.invitations import Invitation
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
    TransitionRecord,
    WorkingGroup,
)
from deliberation.domain.need_submissions import NeedSubmission, SubmissionStatus
from deliberation.domain.outbox import OutboxMessage, OutboxStatus
from deliberation.domain.participants import Participant
from deliberation.domain.rules import GraphFacts
from deliberation.domain.scheduling import DueStatus, DueWork
from deliberation.service_layer import reference_data
from deliberation.service_layer.ports import Dependencies
from tests.unit.domain_builders import STANDING_FIELDS, real_engine

CONFIG = Path(__file__).resolve().parents[2] / "config.toml"

WAITING = (OutboxStatus.QUEUED, OutboxStatus.RETRY)


@dataclass
class FakeStore:
    """The records of every fake unit of work opened on it."""

    rounds: list[Round] = field(default_factory=list)
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    log: list[TransitionRecord] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    outbox: list[OutboxMessage] = field(default_factory=list)
    due_work: list[DueWork] = field(default_factory=list)
    feedback_reports: list[FeedbackReport] = field(default_factory=list)
    submissions: list[NeedSubmission] = field(default_factory=list)
    commits: int = 0

    def cycles(self) -> list[Cycle]:
        return sorted((c for r in self.rounds for c in r.cycles), key=lambda c: c.id or 0)

    def needs(self) -> list[Need]:
        return [n for c in self.cycles() for n in c.needs]

    def groups(self) -> list[WorkingGroup]:
        return [g for c in self.cycles() for g in c.working_groups]

    def recommendations(self) -> list[Recommendation]:
        return [r for g in self.groups() for r in g.recommendations]

    def settle(self) -> None:
        """What a flush does: ids for new records, owners for appended children."""
        topics: list[AgendaTopic] = []
        for cycle in self.cycles():
            topics += cycle.agenda_topics
            for need in cycle.needs:
                need.cycle = cycle
            for group in cycle.working_groups:
                group.conference = cycle
                for rec in group.recommendations:
                    rec.working_group = group
        tables: list[Sequence[object]] = [
            self.cycles(),
            self.needs(),
            topics,
            self.groups(),
            self.recommendations(),
            self.meetings,
            self.invitations,
            self.participants,
            self.accounts,
            self.log,
            self.notifications,
            self.outbox,
            self.due_work,
            self.feedback_reports,
        ]
        for rows in tables:
            _number(rows)

    def snapshot(self) -> tuple[int, int, int]:
        """How many cycles, log rows and queued messages there are (to show nothing changed)."""
        return len(self.cycles()), len(self.log), len(self.outbox)


def _number(rows: Sequence[object]) -> None:
    """Ids per table, as a database sequence gives them: one more than the highest so far."""
    ids = [getattr(row, "id", None) for row in rows]
    last = max((i for i in ids if i is not None), default=0)
    for row in rows:
        if getattr(row, "id", None) is None:
            last += 1
            row.id = last  # type: ignore[attr-defined]


class FakeCycles:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def add(self, cycle: Cycle) -> None:
        if cycle.round not in self.store.rounds:
            self.store.rounds.append(cycle.round)
        if cycle not in cycle.round.cycles:
            cycle.round.cycles.append(cycle)

    def cycle(self, cycle_id: int, lock: bool = False) -> Cycle | None:
        return next((c for c in self.store.cycles() if c.id == cycle_id), None)

    def cycles(
        self, round_label: str | None = None, workflow: str | None = None, state: str | None = None
    ) -> list[Cycle]:
        return [
            c
            for c in self.store.cycles()
            if round_label in (None, c.round.label)
            and workflow in (None, c.workflow)
            and state in (None, c.state)
        ]

    def cycle_ids_without_groups(self, workflow: str, state: str) -> list[int]:
        return [c.id or 0 for c in self.cycles(None, workflow, state) if not c.working_groups]

    def round(self, label: str) -> Round | None:
        return next((r for r in self.store.rounds if r.label == label), None)

    def rounds(self) -> list[Round]:
        return sorted(self.store.rounds, key=lambda r: r.label)

    def add_feedback_report(self, report: FeedbackReport) -> None:
        self.store.feedback_reports.append(report)
        if report not in report.round.feedback_reports:
            report.round.feedback_reports.append(report)

    def feedback_reports(self, round_label: str) -> list[FeedbackReport]:
        return [r for r in self.store.feedback_reports if r.round.label == round_label]


class FakeFastPath(GraphFacts):
    """The fast path on the in-memory graph: a "detached" cycle is the cycle itself."""

    def __init__(self, store: FakeStore, cycles: FakeCycles, needs: FakeNeeds) -> None:
        self.store, self._cycles, self._needs = store, cycles, needs

    def detached_cycle(self, cycle_id: int, lock: bool = False) -> Cycle | None:
        return self._cycles.cycle(cycle_id)

    def detached_cycle_of_need(self, need_id: int) -> Cycle | None:
        need = self._needs.need(need_id)
        return None if need is None else need.cycle

    def load_needs(self, cycle: Cycle) -> None:
        """Nothing to read: the cycle holds its needs."""

    def save_detached(
        self,
        subject: Cycle,
        record: TransitionRecord | None = None,
        notifications: Sequence[Notification] = (),
    ) -> None:
        subject.version += 1
        if record is not None:
            self.store.log.append(record)
        self.store.notifications.extend(notifications)

    def add_need_row(self, need: Need, cycle: Cycle) -> int:
        cycle.needs.append(need)
        self.store.settle()
        return need.id or 0


class FakeNeeds:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def need(self, need_id: int) -> Need | None:
        return next((n for n in self.store.needs() if n.id == need_id), None)

    def needs(
        self, cycle_id: int | None = None, round_label: str | None = None, scope: str | None = None
    ) -> list[Need]:
        return sorted(
            (
                n
                for n in self.store.needs()
                if cycle_id in (None, n.cycle.id)
                and round_label in (None, n.cycle.round.label)
                and scope in (None, n.scope)
            ),
            key=lambda n: n.id or 0,
        )

    def add_votes(self, need_id: int, dots: int) -> int:
        need = self.need(need_id)
        assert need is not None
        need.votes += dots
        return need.votes

    def remove(self, need: Need) -> None:
        need.cycle.needs.remove(need)

    def topics_with_need(self, need_id: int) -> list[tuple[Cycle, AgendaTopic]]:
        return [
            (cycle, topic)
            for cycle in self.store.cycles()
            for topic in cycle.agenda_topics
            if any(n.id == need_id for n in topic.needs)
        ]


class FakeGroups:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def working_group(self, group_id: int, lock: bool = False) -> WorkingGroup | None:
        return next((g for g in self.store.groups() if g.id == group_id), None)

    def working_groups(
        self, conference_id: int | None = None, topic_ids: Collection[int] | None = None
    ) -> list[WorkingGroup]:
        return [
            g
            for g in self.store.groups()
            if conference_id in (None, g.conference.id)
            and (topic_ids is None or g.topic.id in topic_ids)
        ]


class FakeRecommendations:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def recommendation(self, recommendation_id: int) -> Recommendation | None:
        return next((r for r in self.store.recommendations() if r.id == recommendation_id), None)

    def recommendations(
        self, state: str | None = None, group_id: int | None = None, **filters: object
    ) -> list[Recommendation]:
        if any(value not in (None, frozenset()) for value in filters.values()):
            raise NotImplementedError("the tracker's filters are tested on the databases")
        return [
            r
            for r in self.store.recommendations()
            if state in (None, r.state) and group_id in (None, r.working_group.id)
        ]

    def recommendations_for_need(self, need_id: int) -> list[Recommendation]:
        return [r for r in self.store.recommendations() if any(n.id == need_id for n in r.needs)]

    def waiting_for_meeting(
        self, states: Collection[str], route_length: int, limit: int
    ) -> tuple[list[tuple[int, str, str]], int]:
        found = [
            (r.id or 0, r.title, r.state)
            for r in sorted(self.store.recommendations(), key=lambda r: r.id or 0)
            if r.state in states
            and not any(c.pending for c in r.consultations)
            and len({c.position for c in r.consultations if c.concluded}) < route_length
        ]
        return found[:limit], len(found)

    def recommendation_counts_by_body(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for rec in self.store.recommendations():
            for key in {c.body_key for c in rec.consultations}:
                counts[key] = counts.get(key, 0) + 1
        return counts

    def responsible_offices(self) -> list[str]:
        offices = {r.responsible_office for r in self.store.recommendations()}
        return sorted(offices - {""})


class FakeMeetings:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def add(self, meeting: Meeting) -> None:
        self.store.meetings.append(meeting)

    def meeting(self, meeting_id: int, lock: bool = False) -> Meeting | None:
        return next((m for m in self.store.meetings if m.id == meeting_id), None)

    def meetings(
        self,
        body_key: str | None = None,
        *,
        series: str | None = None,
        status: str | None = None,
        starts_from: datetime | None = None,
        starts_before: datetime | None = None,
    ) -> list[Meeting]:
        return sorted(
            (
                m
                for m in self.store.meetings
                if body_key in (None, m.body_key)
                and series in (None, m.series)
                and status in (None, m.status)
                and (starts_from is None or m.starts_at >= starts_from)
                and (starts_before is None or m.starts_at < starts_before)
            ),
            key=lambda m: (m.starts_at, m.id or 0),
        )

    def meeting_of_cycle(self, cycle_id: int) -> Meeting | None:
        planned = [m for m in self._of_cycle(cycle_id) if m.status == "planned"]
        return planned[0] if planned else None

    def meetings_of_cycle(self, cycle_id: int) -> list[Meeting]:
        return [m for m in self._of_cycle(cycle_id) if m.status != "cancelled"]

    def invitable_meeting_exists(self, cycle_id: int) -> bool:
        return any(m.status == "planned" and m.location.strip() for m in self._of_cycle(cycle_id))

    def _of_cycle(self, cycle_id: int) -> list[Meeting]:
        return [m for m in self.meetings() if m.cycle is not None and m.cycle.id == cycle_id]

    def planned_periods(self, series: str, first: date, last: date) -> set[date]:
        return {
            m.period_start
            for m in self.meetings(series=series)
            if m.period_start is not None and first <= m.period_start <= last
        }

    def meeting_in_period(self, series: str, period_start: date) -> Meeting | None:
        found = [m for m in self.meetings(series=series) if m.period_start == period_start]
        return found[0] if found else None

    def invitations(
        self, meeting_id: int | None = None, participant_id: int | None = None
    ) -> list[Invitation]:
        return [
            i
            for i in self.store.invitations
            if meeting_id in (None, i.meeting_id) and participant_id in (None, i.participant_id)
        ]

    def invitations_of_cycle(self, cycle_id: int) -> list[Invitation]:
        ids = {m.id for m in self._of_cycle(cycle_id)}
        return [i for i in self.store.invitations if i.meeting_id in ids]

    def claim_meeting_uid(self, meeting_id: int, candidate: str) -> str:
        meeting = self.meeting(meeting_id)
        assert meeting is not None
        meeting.uid = meeting.uid or candidate
        return meeting.uid

    def invited_ids(self, meeting_id: int, among: Collection[int]) -> set[int]:
        wanted = set(among)
        return {
            i.participant_id
            for i in self.store.invitations
            if i.meeting_id == meeting_id and i.participant_id in wanted
        }

    def add_invitations(self, invitations: Sequence[Invitation]) -> None:
        self.store.invitations.extend(invitations)
        self.store.settle()

    def remove_invitation(self, invitation: Invitation) -> None:
        self.store.invitations.remove(invitation)


class FakeParticipants:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def add(self, participant: Participant) -> None:
        self.store.participants.append(participant)

    def remove(self, participant: Participant) -> None:
        self.store.participants.remove(participant)

    def participant(self, email: str) -> Participant | None:
        wanted = email.lower()
        return next((p for p in self.store.participants if p.email == wanted), None)

    def participant_by_id(self, participant_id: int) -> Participant | None:
        return next((p for p in self.store.participants if p.id == participant_id), None)

    def participants_by_id(self, ids: Collection[int]) -> dict[int, Participant]:
        return {p.id: p for p in self.store.participants if p.id is not None and p.id in ids}

    def participants(
        self, municipality_key: str | None = None, role: str | None = None
    ) -> list[Participant]:
        return sorted(
            (
                p
                for p in self.store.participants
                if municipality_key in (None, p.municipality_key) and (role in (None, *p.roles))
            ),
            key=lambda p: (p.name, p.email),
        )

    def registered_emails(self, emails: Collection[str]) -> set[str]:
        return {p.email for p in self.store.participants} & set(emails)

    def body_members(self, body_key: str) -> list[Participant]:
        return [p for p in self.participants() if body_key in p.body_keys]


class FakeReference:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def add_municipality(self, municipality: Municipality) -> None:
        self.store.municipalities[municipality.key] = municipality

    def municipality(self, key: str) -> Municipality | None:
        return self.store.municipalities.get(key)

    def municipalities(self) -> list[Municipality]:
        return sorted(self.store.municipalities.values(), key=lambda m: m.name)

    def add_body(self, body: Body) -> None:
        self.store.bodies[body.key] = body

    def body(self, key: str) -> Body | None:
        return self.store.bodies.get(key)

    def bodies(self) -> list[Body]:
        return sorted(self.store.bodies.values(), key=lambda b: b.name)


class FakeAccounts:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def add(self, account: Account) -> None:
        self.store.accounts.append(account)

    def account(self, name: str, lock: bool = False) -> Account | None:
        return next((a for a in self.store.accounts if a.name == name), None)

    def account_by_id(self, account_id: int) -> Account | None:
        return next((a for a in self.store.accounts if a.id == account_id), None)

    def accounts(self) -> list[Account]:
        return sorted(self.store.accounts, key=lambda a: a.name)


class FakeOutbox:
    """The outbox in a list; a claim is one process's, so there is no stale owner to find."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def add_notification(self, notification: Notification) -> None:
        self.store.notifications.append(notification)

    def notification(self, notification_id: int, lock: bool = False) -> Notification | None:
        return next((n for n in self.store.notifications if n.id == notification_id), None)

    def notifications(self, status: str | None = None, lock: bool = False) -> list[Notification]:
        return [n for n in self.store.notifications if status in (None, n.status)]

    def enqueue(self, message: OutboxMessage) -> None:
        self.store.outbox.append(message)

    def enqueue_many(self, messages: Sequence[OutboxMessage]) -> None:
        self.store.outbox.extend(messages)

    def _due(self, now: datetime, stale_before: datetime) -> list[OutboxMessage]:
        return [
            m
            for m in self.store.outbox
            if (m.status in WAITING and m.next_attempt_at <= now)
            or (
                m.status == OutboxStatus.SENDING
                and m.claimed_at is not None
                and m.claimed_at < stale_before
            )
        ]

    def claim_due(self, now: datetime, limit: int, stale_before: datetime) -> list[OutboxMessage]:
        batch = sorted(self._due(now, stale_before), key=lambda m: (m.next_attempt_at, m.id or 0))
        for message in batch[:limit]:
            message.status, message.claimed_at = OutboxStatus.SENDING, now
            message.attempts += 1
        return batch[:limit]

    def count_due(self, now: datetime, stale_before: datetime) -> int:
        return len(self._due(now, stale_before))

    def _get(self, outbox_id: int) -> OutboxMessage:
        return next(m for m in self.store.outbox if m.id == outbox_id)

    def mark_sent_many(self, deliveries: Sequence[tuple[int, str, datetime]]) -> None:
        for outbox_id, answer, at in deliveries:
            message = self._get(outbox_id)
            message.status, message.sent_at, message.last_error = OutboxStatus.SENT, at, answer
            message.claimed_at = None

    def mark_retry(self, outbox_id: int, error: str, next_at: datetime) -> None:
        message = self._get(outbox_id)
        message.status, message.last_error = OutboxStatus.RETRY, error
        message.next_attempt_at, message.claimed_at = next_at, None

    def release(self, outbox_id: int, error: str, next_at: datetime) -> None:
        self.mark_retry(outbox_id, error, next_at)
        self._get(outbox_id).attempts -= 1

    def mark_failed(self, outbox_id: int, error: str) -> None:
        message = self._get(outbox_id)
        message.status, message.last_error, message.claimed_at = OutboxStatus.FAILED, error, None

    def outbox_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message in self.store.outbox:
            counts[message.status] = counts.get(message.status, 0) + 1
        return counts

    def outbox_messages(self, status: str | None = None) -> list[OutboxMessage]:
        return [m for m in self.store.outbox if status in (None, m.status)]

    def withdraw_waiting(self, recipient: str, reason: str) -> int:
        waiting = [m for m in self.store.outbox if m.recipient == recipient and m.status in WAITING]
        for message in waiting:
            message.status, message.last_error = OutboxStatus.WITHDRAWN, reason
        return len(waiting)

    def requeue_failed(self, ids: Collection[int] | None, now: datetime) -> list[int]:
        failed = [
            m for m in self.outbox_messages(OutboxStatus.FAILED) if ids is None or m.id in ids
        ]
        for message in failed:
            message.status, message.attempts, message.next_attempt_at = OutboxStatus.QUEUED, 0, now
        return [m.id or 0 for m in failed]

    def mail_history(self, recipient: str) -> list[tuple[str, datetime, datetime | None, str]]:
        return [
            (m.subject, m.created_at, m.sent_at, m.status)
            for m in self.store.outbox
            if m.recipient == recipient
        ]

    def forget_recipient(self, recipient: str) -> int:
        mine = [m for m in self.store.outbox if m.recipient == recipient]
        for message in mine:
            self.store.outbox.remove(message)
        return len(mine)


class FakeDueWork:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def add_due_work(self, items: Collection[DueWork]) -> int:
        known = self.existing_due_keys([item.key for item in items])
        fresh = [item for item in items if item.key not in known]
        self.store.due_work.extend(fresh)
        return len(fresh)

    def existing_due_keys(self, keys: Collection[str]) -> set[str]:
        return {item.key for item in self.store.due_work} & set(keys)

    def claim_next_due(self, now: datetime) -> DueWork | None:
        due = [w for w in self.store.due_work if w.status == DueStatus.PENDING and w.due_at <= now]
        if not due:
            return None
        item = min(due, key=lambda w: (w.due_at, w.id or 0))
        item.attempts += 1
        item.started_at = now
        return item

    def due_work_item(self, item_id: int) -> DueWork | None:
        return next((w for w in self.store.due_work if w.id == item_id), None)

    def next_due_at(self) -> datetime | None:
        pending = [w.due_at for w in self.store.due_work if w.status == DueStatus.PENDING]
        return min(pending, default=None)

    def due_work_of(self, subject_kind: str, subject_id: int) -> list[DueWork]:
        return [
            w
            for w in self.store.due_work
            if (w.subject_kind, w.subject_id) == (subject_kind, subject_id)
        ]

    def due_work(
        self, status: str | None = None, kind: str | None = None, limit: int | None = None
    ) -> list[DueWork]:
        found = [
            w for w in self.store.due_work if status in (None, w.status) and kind in (None, w.kind)
        ]
        return found[:limit]

    def troubled_due_work(self, limit: int) -> list[DueWork]:
        troubled = (DueStatus.STALE, DueStatus.FAILED)
        return [w for w in self.store.due_work if w.status in troubled][:limit]

    def open_groups_without(
        self, due_kind: str, closed: Mapping[tuple[str, int], Collection[str]]
    ) -> list[tuple[int, date]]:
        return [
            (g.id or 0, g.due_date)
            for g in self.store.groups()
            if g.state not in closed.get((g.workflow, g.workflow_version), ())
            and not any(w.kind == due_kind for w in self.due_work_of(g.kind, g.id or 0))
        ]

    def open_recommendations_without(
        self, due_kind: str, closed: Mapping[tuple[str, int], Collection[str]]
    ) -> list[tuple[int, datetime]]:
        return [
            (r.id or 0, r.updated_at)
            for r in self.store.recommendations()
            if r.state not in closed.get((r.workflow, r.workflow_version), ())
            and not any(w.kind == due_kind for w in self.due_work_of(r.kind, r.id or 0))
        ]


class FakeLog:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def append_to_log(self, record: TransitionRecord) -> None:
        self.store.log.append(record)

    def log(self, subject_kind: str, subject_id: int) -> list[TransitionRecord]:
        return [
            r
            for r in self.store.log
            if (r.subject_kind, r.subject_id) == (subject_kind, subject_id) and r.workflow
        ]

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
    ) -> list[TransitionRecord]:
        found = [
            r
            for r in sorted(self.store.log, key=lambda r: (r.at, r.id or 0))
            if subject_kind in (None, r.subject_kind)
            and subject_id in (None, r.subject_id)
            and person_id in (None, r.person_id)
            and (since is None or r.at >= since)
            and (until is None or r.at < until)
            and (not actor or actor.casefold() in r.actor.casefold())
        ]
        return found[:limit]


class FakeSubmissions:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def add_submission(
        self,
        cycle_id: int,
        text: str,
        topic_field: str,
        scope: str,
        language: str,
        email: str | None,
        now: datetime,
    ) -> int:
        submission = NeedSubmission(
            id=len(self.store.submissions) + 1,
            cycle_id=cycle_id,
            text=text,
            topic_field=topic_field,
            scope=scope,
            language=language,
            email=email,
            email_confirmed_at=None,
            email_requested_at=now if email is not None else None,
            status=SubmissionStatus.PENDING,
            reason="",
            need_id=None,
            created_at=now,
            decided_at=None,
            decided_by="",
        )
        self.store.submissions.append(submission)
        return submission.id

    def submission(self, submission_id: int, lock: bool = False) -> NeedSubmission | None:
        return next((s for s in self.store.submissions if s.id == submission_id), None)

    def submissions(
        self, status: SubmissionStatus | None = None, email: str | None = None
    ) -> list[NeedSubmission]:
        return [
            s
            for s in self.store.submissions
            if status in (None, s.status)
            and (email is None or (s.email or "").lower() == email.lower())
        ]

    def unconfirmed_addresses(self, requested_before: datetime) -> list[int]:
        return [
            s.id
            for s in self.store.submissions
            if s.email is not None
            and s.email_confirmed_at is None
            and s.email_requested_at is not None
            and s.email_requested_at <= requested_before
        ]

    def change_submission(self, submission_id: int, **values: Any) -> None:
        rows = self.store.submissions
        [index] = [i for i, s in enumerate(rows) if s.id == submission_id]
        rows[index] = replace(rows[index], **values)


class FakeUnitOfWork:
    """One "transaction" on a ``FakeStore``: ``commit`` counts, ``flush`` settles ids and
    links. Nothing is undone on rollback (as in cosmicpython's fake): what a failed use
    case leaves behind is tested on the real databases."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.committed = False
        self.cycles = FakeCycles(store)
        self.needs = FakeNeeds(store)
        self.fast_path = FakeFastPath(store, self.cycles, self.needs)
        self.groups = FakeGroups(store)
        self.recommendations = FakeRecommendations(store)
        self.meetings = FakeMeetings(store)
        self.participants = FakeParticipants(store)
        self.reference = FakeReference(store)
        self.accounts = FakeAccounts(store)
        self.outbox = FakeOutbox(store)
        self.due_work = FakeDueWork(store)
        self.log = FakeLog(store)
        self.submissions = FakeSubmissions(store)

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def flush(self) -> None:
        self.store.settle()

    def commit(self) -> None:
        self.store.settle()
        self.store.commits += 1
        self.committed = True

    def rollback(self) -> None:
        """Nothing to undo in memory (see the class's docstring)."""


def fake_dependencies(
    store: FakeStore, clock: Callable[[], datetime], **options: Any
) -> Dependencies:
    """The use cases' dependencies on ``store``: the repository's real workflows and
    consultation route, the standing topic fields, the county's time zone."""
    route = load_settings(CONFIG).consultation_route
    values: dict[str, Any] = {
        "topic_fields": STANDING_FIELDS,
        "consultation_route": route,
        "county_name": "Landkreis Peine",
    }
    values.update(options)
    return Dependencies(
        unit_of_work=lambda: FakeUnitOfWork(store),
        engine=real_engine(),
        clock=clock,
        **values,
    )


def county_store(clock: Callable[[], datetime]) -> FakeStore:
    """A store with config.toml's municipalities and bodies, loaded as ``deliberation init``
    loads them (``reference_data.synchronise``)."""
    store = FakeStore()
    reference_data.synchronise(
        fake_dependencies(store, clock), *reference_records(load_settings(CONFIG))
    )
    return store
