"""Audit rows in the transition log: every change, not only state changes.

Moving, confirming and cancelling meetings, answers, consent, deletions,
imports and placements write rows into the same append-only log as the
workflow steps, with what the change was before and after. Rows about a
person name them only by ``person_id``: once the person is deleted, what is
left is pseudonymous and the log stays append-only.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "transition_log ist nur fortschreibbar (append-only)"


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table): the append-only triggers stay.
    op.add_column(
        "transition_log", sa.Column("before", sa.Text(), nullable=False, server_default="")
    )
    op.add_column(
        "transition_log", sa.Column("after", sa.Text(), nullable=False, server_default="")
    )
    op.add_column("transition_log", sa.Column("person_id", sa.Integer(), nullable=True))
    op.create_index("ix_transition_log_person_id", "transition_log", ["person_id"])
    op.create_index("ix_transition_log_at", "transition_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_transition_log_at", table_name="transition_log")
    op.drop_index("ix_transition_log_person_id", table_name="transition_log")
    if op.get_bind().dialect.name == "postgresql":
        for column in ("person_id", "after", "before"):
            op.drop_column("transition_log", column)
        return
    # SQLite rebuilds the table to drop columns, which drops its triggers: restore them.
    op.execute("DROP TRIGGER transition_log_no_update")
    op.execute("DROP TRIGGER transition_log_no_delete")
    with op.batch_alter_table("transition_log", schema=None) as batch_op:
        for column in ("person_id", "after", "before"):
            batch_op.drop_column(column)
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER transition_log_no_{operation.lower()} BEFORE {operation} "
            f"ON transition_log BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )
