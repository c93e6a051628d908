"""Dot-voting online: each invited person's dots per need, and the online total per need.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dot_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        # None once the person's data was deleted: their dots still count, anonymously
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("dots", sa.Integer(), nullable=False),
        sa.Column("cast_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["need_id"], ["needs.id"], name=op.f("fk_dot_votes_need_id_needs")),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_dot_votes_participant_id_participants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dot_votes")),
        sa.UniqueConstraint("need_id", "participant_id", name=op.f("uq_dot_votes_need_id")),
    )
    op.create_index(op.f("ix_dot_votes_participant_id"), "dot_votes", ["participant_id"])
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("online_votes", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_column("online_votes")
    op.drop_index(op.f("ix_dot_votes_participant_id"), table_name="dot_votes")
    op.drop_table("dot_votes")
