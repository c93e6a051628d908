"""Needs brought in on the public page wait for moderation in their own table.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 15:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "need_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("topic_field", sa.String(120), nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("email_confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name="fk_need_submissions_cycle_id_cycles"
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["needs.id"],
            name="fk_need_submissions_need_id_needs",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_need_submissions"),
    )
    op.create_index("ix_need_submissions_cycle_id", "need_submissions", ["cycle_id"])
    op.create_index("ix_need_submissions_email", "need_submissions", ["email"])
    op.create_index("ix_need_submissions_status", "need_submissions", ["status"])


def downgrade() -> None:
    op.drop_index("ix_need_submissions_status", table_name="need_submissions")
    op.drop_index("ix_need_submissions_email", table_name="need_submissions")
    op.drop_index("ix_need_submissions_cycle_id", table_name="need_submissions")
    op.drop_table("need_submissions")
