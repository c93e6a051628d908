"""Consultations on the route of a recommendation, implementation tracking, feedback reports,
public meetings, the participants' consent to publication of their name, and attendance.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 21:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("body_key", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("authoritative", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=40), nullable=False),
        sa.Column("resolution_text", sa.Text(), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_consultations_recommendation_id_recommendations"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_consultations_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["body_key"], ["bodies.key"], name=op.f("fk_consultations_body_key_bodies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
    )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consultations_recommendation_id", ["recommendation_id"], unique=False
        )
        batch_op.create_index("ix_consultations_meeting_id", ["meeting_id"], unique=False)
        batch_op.create_index("ix_consultations_body_key", ["body_key"], unique=False)

    op.create_table(
        "progress_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_progress_notes_recommendation_id_recommendations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_notes")),
    )
    with op.batch_alter_table("progress_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_progress_notes_recommendation_id", ["recommendation_id"], unique=False
        )

    op.create_table(
        "feedback_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_feedback_reports_round_id_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_feedback_reports_recommendation_id_recommendations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_reports")),
    )
    with op.batch_alter_table("feedback_reports", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_reports_round_id", ["round_id"], unique=False)

    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "responsible_office", sa.String(length=300), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch_op.create_index("ix_recommendations_due_date", ["due_date"], unique=False)

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publication_consent_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attendees", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cycles", schema=None) as batch_op:
        batch_op.drop_column("attendees")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("publication_consent_at")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("created_at")
        batch_op.drop_column("public")
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendations_due_date")
        batch_op.drop_column("due_date")
        batch_op.drop_column("responsible_office")
    op.drop_table("feedback_reports")
    op.drop_table("progress_notes")
    op.drop_table("consultations")
