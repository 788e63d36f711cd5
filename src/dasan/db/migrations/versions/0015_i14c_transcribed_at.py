"""voice_calls.transcribed_at: when the post-call transcription ran (the scheduler's mark)

Revision ID: 0014_i14c
Revises: 0014_i12c
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_i14c"
down_revision = "0014_i12c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("voice_calls") as batch:
        batch.add_column(sa.Column("transcribed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("voice_calls") as batch:
        batch.drop_column("transcribed_at")
