"""voice: agents' softphones register (SIP REGISTER binding expiry on voice_endpoints)

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("voice_endpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registered_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("voice_endpoints", schema=None) as batch_op:
        batch_op.drop_column("registered_until")
