"""When published objects changed, and tombstones of those that are gone (OParl server).

The OParl server's ``modified_since`` needs the time of the last change of every
object it publishes: ``modified_at`` on recommendations (papers), consultations
(agenda items), meetings and participants (persons), kept by the unit of work on
every flush and indexed for the filter. Objects that disappear (a person deleted or
no longer consenting to publication, a deleted meeting or consultation) leave a
tombstone, so a consumer updating with ``modified_since`` learns ``deleted: true``.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

#: table, and the expression that tells the last change known before this revision
STAMPED = {
    "recommendations": "updated_at",
    "consultations": "COALESCE(decided_at, placed_at)",
    "meetings": "COALESCE(created_at, starts_at)",
    "participants": "COALESCE(publication_consent_at, created_at)",
}


def upgrade() -> None:
    for table, known in STAMPED.items():
        op.add_column(table, sa.Column("modified_at", sa.DateTime(), nullable=True))
        op.execute(f"UPDATE {table} SET modified_at = {known}")
        op.create_index(f"ix_{table}_modified_at", table, ["modified_at"])
    op.create_table(
        "oparl_tombstones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("object_key", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oparl_tombstones")),
    )
    op.create_index(
        "ix_oparl_tombstones_kind_deleted_at", "oparl_tombstones", ["kind", "deleted_at"]
    )
    op.create_index(
        "ix_oparl_tombstones_kind_object_key", "oparl_tombstones", ["kind", "object_key"]
    )


def downgrade() -> None:
    op.drop_index("ix_oparl_tombstones_kind_object_key", table_name="oparl_tombstones")
    op.drop_index("ix_oparl_tombstones_kind_deleted_at", table_name="oparl_tombstones")
    op.drop_table("oparl_tombstones")
    for table in reversed(list(STAMPED)):
        op.drop_index(f"ix_{table}_modified_at", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("modified_at")
