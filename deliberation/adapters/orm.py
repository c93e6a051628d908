"""Tables, and the mapping of the plain domain classes onto them.

Mapping is imperative (``registry.map_imperatively``) so the domain never
imports SQLAlchemy. ``start_mappers`` is called once by the composition root.
Stateful records carry a ``version`` column that SQLAlchemy checks on every
UPDATE: a concurrent change makes the second writer fail instead of silently
overwriting the first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    Unicode,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import clear_mappers as sqlalchemy_clear_mappers
from sqlalchemy.orm import registry, relationship

from deliberation.domain import model
from deliberation.domain.accounts import Account
from deliberation.domain.consultations import Consultation
from deliberation.domain.dot_voting import DotVote
from deliberation.domain.implementation import FeedbackReport, ProgressNote
from deliberation.domain.invitations import Invitation
from deliberation.domain.outbox import OutboxMessage
from deliberation.domain.participants import Participant
from deliberation.domain.scheduling import DueWork


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC; returns them aware (UTC) on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the domain works with aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class CodeSet(TypeDecorator[frozenset[str]]):
    """A set of codes as text, ``",a,b,"``: ``LIKE '%,a,%'`` finds members on every backend."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: frozenset[str] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return f",{','.join(sorted(value))}," if value else ""

    def process_result_value(self, value: str | None, dialect: Dialect) -> frozenset[str] | None:
        return None if value is None else frozenset(filter(None, value.split(",")))


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def _workflow_columns() -> list[Column[Any]]:
    return [
        Column("workflow", String(80), nullable=False),
        Column("workflow_version", Integer, nullable=False),
        Column("workflow_fingerprint", String(64), nullable=True),
        Column("state", String(80), nullable=False),
        Column("version", Integer, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
    ]


municipalities = Table(
    "municipalities",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
)

bodies = Table(
    "bodies",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("notice_days", Integer, nullable=False),
    Column("interval_months", Integer, nullable=False),
    Column("public", Boolean, nullable=False),
    Column("notice_counting", String(20), nullable=False, server_default="calendar_days"),
)

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", String(80), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

cycles = Table(
    "cycles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("rounds.id"), nullable=False, index=True),
    Column("municipality_key", ForeignKey("municipalities.key"), nullable=True),
    Column("title", String(300), nullable=False),
    *_workflow_columns(),
    Index("ix_cycles_workflow_state", "workflow", "state"),
    Column("attendees", Integer, nullable=True),
)

needs = Table(
    "needs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cycle_id", ForeignKey("cycles.id"), nullable=False, index=True),
    # None: collected by a county-wide cycle (a Bürgerforum), not in one municipality
    Column("municipality_key", ForeignKey("municipalities.key"), nullable=True),
    Column("text", Text, nullable=False),
    Column("topic_field", String(120), nullable=False),
    Column("scope", String(20), nullable=False),
    Column("votes", Integer, nullable=False, default=0),
    Column("status", String(40), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # the sum of the need's dot_votes, kept with every online vote (see dot_vote_store)
    Column("online_votes", Integer, nullable=False, default=0, server_default="0"),
)

#: Dots given online, one row per need and person (migration 0015).
dot_votes = Table(
    "dot_votes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("need_id", ForeignKey("needs.id"), nullable=False),
    # None once the person's data was deleted: their dots still count, anonymously
    Column(
        "participant_id",
        ForeignKey("participants.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    Column("dots", Integer, nullable=False),
    Column("cast_at", UTCDateTime, nullable=False),
    UniqueConstraint("need_id", "participant_id"),
)

agenda_topics = Table(
    "agenda_topics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conference_id", ForeignKey("cycles.id"), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("topic_field", String(120), nullable=False),
    Column("position", Integer, nullable=False),
)

agenda_topic_needs = Table(
    "agenda_topic_needs",
    metadata,
    Column("topic_id", ForeignKey("agenda_topics.id"), primary_key=True),
    Column("need_id", ForeignKey("needs.id"), primary_key=True, index=True),
)

working_groups = Table(
    "working_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conference_id", ForeignKey("cycles.id"), nullable=False, index=True),
    Column("topic_id", ForeignKey("agenda_topics.id"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("mandate", Text, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("report", Text, nullable=False, server_default=""),
    *_workflow_columns(),
)

working_group_members = Table(
    "working_group_members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("working_groups.id"), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("organisation", String(300), nullable=False),
    Column("participant_id", ForeignKey("participants.id", ondelete="SET NULL"), nullable=True),
)

recommendations = Table(
    "recommendations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("working_group_id", ForeignKey("working_groups.id"), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("text", Text, nullable=False),
    Column("commission_statement", Text, nullable=False),
    Column("resolution_text", Text, nullable=False),
    Column("implementation_report", Text, nullable=False),
    *_workflow_columns(),
    Column("responsible_office", String(300), nullable=False, server_default=""),
    Column("due_date", Date, nullable=True, index=True),
    Column("not_feasible_since", UTCDateTime, nullable=True),
    # the last change the OParl server reports (kept by adapters/publication_stamps.py)
    Column("modified_at", UTCDateTime, nullable=True, index=True),
    Index("ix_recommendations_workflow_state", "workflow", "state"),
    # the tracker sorts by title: an index lets a page walk it instead of sorting all rows
    Index("ix_recommendations_title", "title"),
)

recommendation_needs = Table(
    "recommendation_needs",
    metadata,
    Column("recommendation_id", ForeignKey("recommendations.id"), primary_key=True),
    Column("need_id", ForeignKey("needs.id"), primary_key=True, index=True),
)

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("location", String(300), nullable=False),
    Column("body_key", ForeignKey("bodies.key"), nullable=True, index=True),
    Column("cycle_id", ForeignKey("cycles.id"), nullable=True, index=True),
    Column("status", String(40), nullable=False),
    Column("uid", String(250), nullable=True),
    Column("sequence", Integer, nullable=False, server_default="0"),
    Column("duration_minutes", Integer, nullable=False, server_default="120"),
    Column("capacity", Integer, nullable=True),
    Column("public", Boolean, nullable=False, server_default=true()),
    Column("created_at", UTCDateTime, nullable=True),
    Column("series", String(80), nullable=True),
    Column("period_start", Date, nullable=True),
    Column("notice_days", Integer, nullable=False, server_default="0"),
    # kept when retention removed the answers after the meeting
    Column("invited_count", Integer, nullable=True),
    Column("accepted_count", Integer, nullable=True),
    # the last change the OParl server reports (kept by adapters/publication_stamps.py)
    Column("modified_at", UTCDateTime, nullable=True, index=True),
    UniqueConstraint("series", "period_start", name="uq_meetings_series_period"),
)

transition_log = Table(
    "transition_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subject_kind", String(40), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("workflow", String(80), nullable=False),
    Column("trigger", String(80), nullable=False),
    Column("from_state", String(80), nullable=True),
    Column("to_state", String(80), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    # audit rows (changes beside workflow steps): the value before and after
    Column("before", Text, nullable=False, server_default=""),
    Column("after", Text, nullable=False, server_default=""),
    # the participant a row concerns (never their name or address: see migration 0014)
    Column("person_id", Integer, nullable=True, index=True),
    # set once, when retention removed the row's personal details (retention)
    Column("pseudonymised_at", UTCDateTime, nullable=True),
    Index("ix_transition_log_subject", "subject_kind", "subject_id"),
    Index("ix_transition_log_at", "at"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("template", String(200), nullable=False),
    Column("subject_kind", String(40), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(40), nullable=False, index=True),
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    # Stored normalised and lower-case, so the unique constraint is case-insensitive.
    Column("email", String(320), nullable=False, unique=True),
    Column("language", String(8), nullable=False),
    Column("municipality_key", ForeignKey("municipalities.key"), nullable=True, index=True),
    Column("roles", CodeSet, nullable=False),
    Column("body_keys", CodeSet, nullable=False),
    Column("legal_basis", String(20), nullable=False),
    Column("consent_requested_at", UTCDateTime, nullable=True),
    Column("consent_confirmed_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("consent_withdrawn_at", UTCDateTime, nullable=True),
    Column("publication_consent_at", UTCDateTime, nullable=True),
    # the last change the OParl server reports (kept by adapters/publication_stamps.py)
    Column("modified_at", UTCDateTime, nullable=True, index=True),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id"), nullable=False),
    Column("participant_id", ForeignKey("participants.id"), nullable=False, index=True),
    Column("response", String(20), nullable=False),
    Column("waitlisted", Boolean, nullable=False),
    Column("invited_at", UTCDateTime, nullable=False),
    Column("responded_at", UTCDateTime, nullable=True),
    UniqueConstraint("meeting_id", "participant_id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", String(250), nullable=False, unique=True),
    Column("recipient", String(320), nullable=False),
    Column("sender", String(320), nullable=False),
    Column("subject", String(998), nullable=False),
    # The complete RFC 5322 message, exactly the bytes every attempt sends.
    Column("body", LargeBinary, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime, nullable=True),
    # The sending process (host/boot id/pid/start): a dead owner's claims are taken over at once.
    Column("claimed_by", String(200), nullable=True),
    Column("last_error", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    # when retention removed the text after delivery (the headers stay in ``body``)
    Column("text_removed_at", UTCDateTime, nullable=True),
    Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

consultations = Table(
    "consultations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("recommendation_id", ForeignKey("recommendations.id"), nullable=False, index=True),
    Column("meeting_id", ForeignKey("meetings.id"), nullable=True, index=True),
    Column("body_key", ForeignKey("bodies.key"), nullable=False, index=True),
    Column("role", String(40), nullable=False),
    Column("authoritative", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("result", String(40), nullable=False),
    Column("resolution_text", Text, nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=True),
    # the last change the OParl server reports (kept by adapters/publication_stamps.py)
    Column("modified_at", UTCDateTime, nullable=True, index=True),
)

progress_notes = Table(
    "progress_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("recommendation_id", ForeignKey("recommendations.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

feedback_reports = Table(
    "feedback_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("rounds.id"), nullable=False, index=True),
    Column("recommendation_id", ForeignKey("recommendations.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

due_work = Table(
    "due_work",
    metadata,
    Column("id", Integer, primary_key=True),
    # Unique: the same reminder, invitation or launch can never be planned twice.
    Column("key", String(200), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("subject_kind", String(40), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("argument", String(200), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    # The wall-clock intent due_at was computed from, e.g. "2026-03-03 08:00".
    Column("local_time", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("late", Boolean, nullable=False),
    Column("started_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("note", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_due_work_status_due_at", "status", "due_at"),
    Index("ix_due_work_subject", "subject_kind", "subject_id"),
)

#: Published objects that are gone (a person deleted or no longer consenting, a deleted
#: meeting): the OParl server lists them with ``deleted: true`` under ``modified_since``.
oparl_tombstones = Table(
    "oparl_tombstones",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("object_key", String(120), nullable=False),
    Column("created_at", UTCDateTime, nullable=True),
    Column("deleted_at", UTCDateTime, nullable=False),
    Index("ix_oparl_tombstones_kind_deleted_at", "kind", "deleted_at"),
    Index("ix_oparl_tombstones_kind_object_key", "kind", "object_key"),
)

#: Staff accounts of the web application (roles referat, geschaeftsstelle, admin).
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("role", String(40), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("last_login_at", UTCDateTime, nullable=True),
    Column("session_epoch", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

#: Posts to a public form per client address (a keyed digest) and time window: the rate
#: limit every web worker shares. Rows older than their window are deleted as they pass.
public_post_counts = Table(
    "public_post_counts",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("window_start", UTCDateTime, primary_key=True),
    Column("posts", Integer, nullable=False),
    Index("ix_public_post_counts_window_start", "window_start"),
)

#: The last sign of life of each long-running process (``scheduler``, ``sender``).
heartbeats = Table(
    "heartbeats",
    metadata,
    Column("process", String(40), primary_key=True),
    Column("beat_at", UTCDateTime, nullable=False),
    Column("interval_seconds", Integer, nullable=False),
    # host/boot id/pid/start of the process (``process_identity``), for the operator
    Column("owner", String(200), nullable=False),
)

#: Needs brought in on the public page, waiting for moderation (``domain.need_submissions``).
need_submissions = Table(
    "need_submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cycle_id", ForeignKey("cycles.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("topic_field", String(120), nullable=False),
    Column("scope", String(20), nullable=False),
    Column("language", String(8), nullable=False),
    Column("email", String(320), nullable=True, index=True),
    Column("email_confirmed_at", UTCDateTime, nullable=True),
    # when the confirmation link was mailed; goes with the address
    Column("email_requested_at", UTCDateTime, nullable=True),
    Column("status", String(20), nullable=False, index=True),
    Column("reason", Text, nullable=False, server_default=""),
    Column("need_id", ForeignKey("needs.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decided_by", String(200), nullable=False, server_default=""),
)

#: APScheduler's job store (SQLAlchemyJobStore), created by our migrations like every table.
apscheduler_jobs = Table(
    "apscheduler_jobs",
    metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)

mapper_registry = registry(metadata=metadata)
_started = False


def clear_mappers() -> None:
    """Undo ``start_mappers``: the domain classes become plain classes again (tests)."""
    global _started
    if _started:
        sqlalchemy_clear_mappers()
        _started = False


def start_mappers() -> None:
    """Map the domain classes; safe to call more than once."""
    global _started
    if _started:
        return
    _started = True
    m = mapper_registry.map_imperatively
    m(model.Municipality, municipalities)
    m(model.Body, bodies)
    m(
        model.Round,
        rounds,
        properties={
            "cycles": relationship(model.Cycle, back_populates="round", order_by=cycles.c.id),
            "feedback_reports": relationship(
                FeedbackReport, back_populates="round", order_by=feedback_reports.c.id
            ),
        },
    )
    m(
        model.Cycle,
        cycles,
        version_id_col=cycles.c.version,
        properties={
            "round": relationship(model.Round, back_populates="cycles"),
            "municipality": relationship(model.Municipality),
            "needs": relationship(
                model.Need,
                back_populates="cycle",
                order_by=needs.c.id,
                cascade="all, delete-orphan",
            ),
            "agenda_topics": relationship(
                model.AgendaTopic, order_by=agenda_topics.c.position, cascade="all, delete-orphan"
            ),
            "working_groups": relationship(
                model.WorkingGroup, back_populates="conference", order_by=working_groups.c.id
            ),
        },
    )
    m(
        model.Need,
        needs,
        properties={
            "cycle": relationship(model.Cycle, back_populates="needs"),
            "municipality": relationship(model.Municipality),
        },
    )
    m(
        model.AgendaTopic,
        agenda_topics,
        properties={
            "needs": relationship(model.Need, secondary=agenda_topic_needs, order_by=needs.c.id),
        },
    )
    m(model.GroupMember, working_group_members)
    m(
        model.WorkingGroup,
        working_groups,
        version_id_col=working_groups.c.version,
        properties={
            "conference": relationship(model.Cycle, back_populates="working_groups"),
            "topic": relationship(model.AgendaTopic),
            "members": relationship(
                model.GroupMember, order_by=working_group_members.c.id, cascade="all, delete-orphan"
            ),
            "recommendations": relationship(
                model.Recommendation, back_populates="working_group", order_by=recommendations.c.id
            ),
        },
    )
    m(
        model.Recommendation,
        recommendations,
        version_id_col=recommendations.c.version,
        properties={
            "working_group": relationship(model.WorkingGroup, back_populates="recommendations"),
            "needs": relationship(model.Need, secondary=recommendation_needs, order_by=needs.c.id),
            "consultations": relationship(
                Consultation,
                back_populates="recommendation",
                order_by=consultations.c.id,
                cascade="all, delete-orphan",
            ),
            "progress_notes": relationship(
                ProgressNote,
                back_populates="recommendation",
                order_by=progress_notes.c.id,
                cascade="all, delete-orphan",
            ),
        },
    )
    m(model.Meeting, meetings, properties={"cycle": relationship(model.Cycle)})
    m(
        Consultation,
        consultations,
        properties={
            "recommendation": relationship(model.Recommendation, back_populates="consultations"),
            "meeting": relationship(model.Meeting),
        },
    )
    m(
        ProgressNote,
        progress_notes,
        properties={
            "recommendation": relationship(model.Recommendation, back_populates="progress_notes"),
        },
    )
    m(
        FeedbackReport,
        feedback_reports,
        properties={
            "round": relationship(model.Round, back_populates="feedback_reports"),
            "recommendation": relationship(model.Recommendation),
        },
    )
    m(model.TransitionRecord, transition_log)
    m(model.Notification, notifications)
    m(Participant, participants)
    m(OutboxMessage, outbox)
    m(Invitation, invitations)
    m(DueWork, due_work)
    m(DotVote, dot_votes)
    m(Account, accounts)
