"""Retention: message texts removed after delivery, answers summarised, log rows pseudonymised.

``outbox.text_removed_at`` marks a message whose text went (the headers stay);
``meetings.invited_count``/``accepted_count`` keep the figures of a meeting whose
answers went; ``transition_log.pseudonymised_at`` marks a log row whose personal
details went. The log stays append-only: its update trigger now lets through
exactly one change per row, the pseudonymisation (actor and reason replaced, the
person removed, everything else as it was).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "transition_log ist nur fortschreibbar (append-only)"
#: What may change when a row is pseudonymised: actor, reason, the person, a participant
#: row's subject id (the person's id) and the mark itself; nothing else.
_UNCHANGED = (
    "NEW.id = OLD.id AND NEW.subject_kind = OLD.subject_kind AND NEW.workflow = OLD.workflow "
    "AND NEW.trigger = OLD.trigger AND NEW.to_state = OLD.to_state AND NEW.at = OLD.at "
    'AND NEW."before" = OLD."before" AND NEW."after" = OLD."after"'
)
_PSEUDONYMISATION = {
    "postgresql": (
        f"OLD.pseudonymised_at IS NULL AND NEW.pseudonymised_at IS NOT NULL AND {_UNCHANGED} "
        "AND NEW.from_state IS NOT DISTINCT FROM OLD.from_state AND NEW.person_id IS NULL "
        "AND (NEW.subject_id = OLD.subject_id "
        "OR (OLD.subject_kind = 'participant' AND NEW.subject_id = 0))"
    ),
    "sqlite": (
        f"OLD.pseudonymised_at IS NULL AND NEW.pseudonymised_at IS NOT NULL AND {_UNCHANGED} "
        "AND NEW.from_state IS OLD.from_state AND NEW.person_id IS NULL "
        "AND (NEW.subject_id = OLD.subject_id "
        "OR (OLD.subject_kind = 'participant' AND NEW.subject_id = 0))"
    ),
}


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table): the append-only triggers stay.
    op.add_column("transition_log", sa.Column("pseudonymised_at", sa.DateTime(), nullable=True))
    op.add_column("outbox", sa.Column("text_removed_at", sa.DateTime(), nullable=True))
    op.add_column("meetings", sa.Column("invited_count", sa.Integer(), nullable=True))
    op.add_column("meetings", sa.Column("accepted_count", sa.Integer(), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION transition_log_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND {_PSEUDONYMISATION['postgresql']} THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        return
    op.execute("DROP TRIGGER transition_log_no_update")
    op.execute(
        "CREATE TRIGGER transition_log_no_update BEFORE UPDATE ON transition_log "
        f"WHEN NOT ({_PSEUDONYMISATION['sqlite']}) "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    )


def downgrade() -> None:
    # Rows already pseudonymised stay so: the personal details are gone for good.
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("accepted_count")
        batch_op.drop_column("invited_count")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("text_removed_at")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION transition_log_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.drop_column("transition_log", "pseudonymised_at")
        return
    # SQLite rebuilds the table to drop a column, which drops its triggers: restore them.
    op.execute("DROP TRIGGER transition_log_no_update")
    op.execute("DROP TRIGGER transition_log_no_delete")
    with op.batch_alter_table("transition_log", schema=None) as batch_op:
        batch_op.drop_column("pseudonymised_at")
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER transition_log_no_{operation.lower()} BEFORE {operation} "
            f"ON transition_log BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )
