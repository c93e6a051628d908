"""Notice periods counted as the rules of procedure say; implementations reported not feasible.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "notice_counting",
                sa.String(length=20),
                nullable=False,
                server_default="calendar_days",
            )
        )
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_feasible_since", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_column("not_feasible_since")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("notice_counting")
