"""When the address left with a need from the web was asked to be confirmed.

An address that is never confirmed goes after ``[invitations]
remove_unconfirmed_after_days`` (retention), counted from this moment; it goes
with the address. The confirmation link was mailed when the need was brought in,
so the addresses already there were asked at their submission's ``created_at``.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 18:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("need_submissions", sa.Column("email_requested_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE need_submissions SET email_requested_at = created_at WHERE email IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("need_submissions", schema=None) as batch_op:
        batch_op.drop_column("email_requested_at")
