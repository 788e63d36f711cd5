"""hardening: API tokens expire

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    # Tokens issued before expiry existed get the default lifetime from today.
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("UPDATE api_tokens SET expires_at = now() at time zone 'utc' + interval '90 days'")
    else:
        op.execute("UPDATE api_tokens SET expires_at = datetime('now', '+90 days')")


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
