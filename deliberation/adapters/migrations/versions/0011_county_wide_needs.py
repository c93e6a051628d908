"""Needs of county-wide cycles: a need collected by a Bürgerforum belongs to no municipality.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.alter_column("municipality_key", existing_type=sa.String(length=80), nullable=True)


def downgrade() -> None:
    # A county-wide need has no municipality to fall back to: going back loses them.
    op.execute(
        "DELETE FROM agenda_topic_needs WHERE need_id IN "
        "(SELECT id FROM needs WHERE municipality_key IS NULL)"
    )
    op.execute(
        "DELETE FROM recommendation_needs WHERE need_id IN "
        "(SELECT id FROM needs WHERE municipality_key IS NULL)"
    )
    op.execute("DELETE FROM needs WHERE municipality_key IS NULL")
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.alter_column(
            "municipality_key", existing_type=sa.String(length=80), nullable=False
        )
