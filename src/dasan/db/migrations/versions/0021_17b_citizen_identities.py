"""citizen identities: a messenger identity or a citizen account names a citizen, so the
malicious-caller separation follows the citizen on every written channel

Revision ID: 0018_17b
Revises: 0014_i13c
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_17b"
down_revision = "0018_17a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=96), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"],
                                name=op.f("fk_citizen_identities_citizen_id_citizens")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_identities")),
        sa.UniqueConstraint("kind", "key", name="uq_citizen_identities_kind_key"),
    )
    op.create_index(op.f("ix_citizen_identities_citizen_id"), "citizen_identities",
                    ["citizen_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_citizen_identities_citizen_id"), table_name="citizen_identities")
    op.drop_table("citizen_identities")
