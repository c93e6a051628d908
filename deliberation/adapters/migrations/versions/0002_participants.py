"""Participant registry: people, their language, municipality, roles, bodies and legal basis.

Roles and body memberships are code sets stored as text (",a,b,").

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:05:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("municipality_key", sa.String(length=80), nullable=True),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("body_keys", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.String(length=20), nullable=False),
        sa.Column("consent_requested_at", sa.DateTime(), nullable=True),
        sa.Column("consent_confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_key"],
            ["municipalities.key"],
            name=op.f("fk_participants_municipality_key_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("email", name=op.f("uq_participants_email")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participants_municipality_key"), ["municipality_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_municipality_key"))

    op.drop_table("participants")
