"""Initial schema: reference data, cycles, needs, agenda, groups, recommendations, log.

The transition log is append-only: a database trigger refuses UPDATE and DELETE.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 10:37:09.435241
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bodies",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("interval_months", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_bodies")),
    )
    op.create_table(
        "municipalities",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_municipalities")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=200), nullable=False),
        sa.Column("subject_kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_status"), ["status"], unique=False)

    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("label", name=op.f("uq_rounds_label")),
    )
    op.create_table(
        "transition_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("workflow", sa.String(length=80), nullable=False),
        sa.Column("trigger", sa.String(length=80), nullable=False),
        sa.Column("from_state", sa.String(length=80), nullable=True),
        sa.Column("to_state", sa.String(length=80), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transition_log")),
    )
    with op.batch_alter_table("transition_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transition_log_subject", ["subject_kind", "subject_id"], unique=False
        )

    op.create_table(
        "cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("municipality_key", sa.String(length=80), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("workflow", sa.String(length=80), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_key"],
            ["municipalities.key"],
            name=op.f("fk_cycles_municipality_key_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_cycles_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycles")),
    )
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cycles_round_id"), ["round_id"], unique=False)
        batch_op.create_index("ix_cycles_workflow_state", ["workflow", "state"], unique=False)

    op.create_table(
        "agenda_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("topic_field", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["cycles.id"], name=op.f("fk_agenda_topics_conference_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_topics")),
    )
    with op.batch_alter_table("agenda_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_topics_conference_id"), ["conference_id"], unique=False
        )

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("body_key", sa.String(length=80), nullable=True),
        sa.Column("cycle_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_key"], ["bodies.key"], name=op.f("fk_meetings_body_key_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_meetings_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_body_key"), ["body_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("municipality_key", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("topic_field", sa.String(length=120), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], name=op.f("fk_needs_cycle_id_cycles")),
        sa.ForeignKeyConstraint(
            ["municipality_key"],
            ["municipalities.key"],
            name=op.f("fk_needs_municipality_key_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs")),
    )
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_needs_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "agenda_topic_needs",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=op.f("fk_agenda_topic_needs_need_id_needs")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["agenda_topics.id"],
            name=op.f("fk_agenda_topic_needs_topic_id_agenda_topics"),
        ),
        sa.PrimaryKeyConstraint("topic_id", "need_id", name=op.f("pk_agenda_topic_needs")),
    )
    with op.batch_alter_table("agenda_topic_needs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_topic_needs_need_id"), ["need_id"], unique=False
        )

    op.create_table(
        "working_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("mandate", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("workflow", sa.String(length=80), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["cycles.id"], name=op.f("fk_working_groups_conference_id_cycles")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["agenda_topics.id"],
            name=op.f("fk_working_groups_topic_id_agenda_topics"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_groups")),
    )
    with op.batch_alter_table("working_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_working_groups_conference_id"), ["conference_id"], unique=False
        )

    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("working_group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("commission_statement", sa.Text(), nullable=False),
        sa.Column("resolution_text", sa.Text(), nullable=False),
        sa.Column("implementation_report", sa.Text(), nullable=False),
        sa.Column("workflow", sa.String(length=80), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["working_group_id"],
            ["working_groups.id"],
            name=op.f("fk_recommendations_working_group_id_working_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
    )
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recommendations_workflow_state", ["workflow", "state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recommendations_working_group_id"), ["working_group_id"], unique=False
        )

    op.create_table(
        "working_group_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_groups.id"],
            name=op.f("fk_working_group_members_group_id_working_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_group_members")),
    )
    with op.batch_alter_table("working_group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_working_group_members_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "recommendation_needs",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=op.f("fk_recommendation_needs_need_id_needs")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_recommendation_needs_recommendation_id_recommendations"),
        ),
        sa.PrimaryKeyConstraint(
            "recommendation_id", "need_id", name=op.f("pk_recommendation_needs")
        ),
    )
    with op.batch_alter_table("recommendation_needs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommendation_needs_need_id"), ["need_id"], unique=False
        )
    _protect_transition_log()


APPEND_ONLY_MESSAGE = "transition_log ist nur fortschreibbar (append-only)"


def _protect_transition_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION transition_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER transition_log_append_only BEFORE UPDATE OR DELETE ON transition_log "
            "FOR EACH ROW EXECUTE FUNCTION transition_log_append_only()"
        )
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER transition_log_no_{operation.lower()} BEFORE {operation} "
            f"ON transition_log BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )


def _unprotect_transition_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER transition_log_append_only ON transition_log")
        op.execute("DROP FUNCTION transition_log_append_only()")
        return
    op.execute("DROP TRIGGER transition_log_no_update")
    op.execute("DROP TRIGGER transition_log_no_delete")


def downgrade() -> None:
    _unprotect_transition_log()
    with op.batch_alter_table("recommendation_needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_needs_need_id"))

    op.drop_table("recommendation_needs")
    with op.batch_alter_table("working_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_working_group_members_group_id"))

    op.drop_table("working_group_members")
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendations_working_group_id"))
        batch_op.drop_index("ix_recommendations_workflow_state")

    op.drop_table("recommendations")
    with op.batch_alter_table("working_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_working_groups_conference_id"))

    op.drop_table("working_groups")
    with op.batch_alter_table("agenda_topic_needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_topic_needs_need_id"))

    op.drop_table("agenda_topic_needs")
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_needs_cycle_id"))

    op.drop_table("needs")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_body_key"))

    op.drop_table("meetings")
    with op.batch_alter_table("agenda_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_topics_conference_id"))

    op.drop_table("agenda_topics")
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.drop_index("ix_cycles_workflow_state")
        batch_op.drop_index(batch_op.f("ix_cycles_round_id"))

    op.drop_table("cycles")
    with op.batch_alter_table("transition_log", schema=None) as batch_op:
        batch_op.drop_index("ix_transition_log_subject")

    op.drop_table("transition_log")
    op.drop_table("rounds")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_status"))

    op.drop_table("notifications")
    op.drop_table("municipalities")
    op.drop_table("bodies")
