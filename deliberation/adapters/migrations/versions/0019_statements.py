"""Advisory bodies give statements, deciding bodies decide; statements without a meeting.

An advisory body's result has its own words now: what was stored as
"adopted" / "adopted_amended" at a non-deciding body becomes "approved"
(zugestimmt) / "amendments_recommended" (mit Änderungen empfohlen). A
statement given without a meeting, where the county's rules allow it, is a
consultation without a meeting: ``meeting_id`` may be empty.

The downgrade maps the results back and removes statements without a
meeting (the older schema cannot hold them).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

consultations = sa.table(
    "consultations",
    sa.column("result", sa.String),
    sa.column("authoritative", sa.Boolean),
    sa.column("meeting_id", sa.Integer),
)
#: decision word at an advisory body -> its statement word
ADVISORY = {"adopted": "approved", "adopted_amended": "amendments_recommended"}


def _rename(mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        op.execute(
            consultations.update()
            .where(consultations.c.result == old)
            .where(consultations.c.authoritative == sa.false())
            .values(result=new)
        )


def upgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=True)
    _rename(ADVISORY)


def downgrade() -> None:
    op.execute(consultations.delete().where(consultations.c.meeting_id.is_(None)))
    _rename({new: old for old, new in ADVISORY.items()})
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=False)
