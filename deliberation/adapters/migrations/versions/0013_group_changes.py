"""Working groups after forming: report text, members linked to people in the directory.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 12:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("working_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("working_group_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("participant_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_working_group_members_participant_id_participants"),
            "participants",
            ["participant_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("working_group_members", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_working_group_members_participant_id_participants"), type_="foreignkey"
        )
        batch_op.drop_column("participant_id")
    with op.batch_alter_table("working_groups", schema=None) as batch_op:
        batch_op.drop_column("report")
