"""Rate limit of the public forms: posts per client address (a digest) and window.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_post_counts",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name="pk_public_post_counts"),
    )
    op.create_index("ix_public_post_counts_window_start", "public_post_counts", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_public_post_counts_window_start", table_name="public_post_counts")
    op.drop_table("public_post_counts")
