"""voice: a durable after-call-work deadline on the presence record

Revision ID: 0014_i13c
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_i13c"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agent_presence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wrap_up_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agent_presence", schema=None) as batch_op:
        batch_op.drop_column("wrap_up_until")
