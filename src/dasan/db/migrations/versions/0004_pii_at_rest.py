"""personal data at rest: sealed (encrypted) raw text beside the masked columns (ADR 0005)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:00:00

Schema only. Rows written before this revision keep their raw ``messages.body`` until
``dasan privacy seal-existing`` masks them and seals the raw form (it needs the key ring, which
a migration must not create).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sealed_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rotated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealed_texts")),
        sa.UniqueConstraint("kind", "ref_id", name="uq_sealed_texts_kind_ref"),
    )
    op.create_index(op.f("ix_sealed_texts_key_id"), "sealed_texts", ["key_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sealed_texts_key_id"), table_name="sealed_texts")
    op.drop_table("sealed_texts")
