"""Workflow fingerprints: each record keeps the content digest of the definition it runs on.

A published workflow version must not change while records run on it; the
fingerprint lets start-up and ``deliberation workflows check`` notice when it
did. Existing records get theirs from ``deliberation init`` (the definitions
present at the upgrade).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("cycles", "working_groups", "recommendations")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("workflow_fingerprint", sa.String(length=64), nullable=True)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("workflow_fingerprint")
