"""voice: a durable after-call-work deadline on the presence record; callback retries
(attempt count and next try on voice_callbacks, one voice_callback_attempts row per try)

Revision ID: 0014_i13c
Revises: 0014_i1516c
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_i13c"
down_revision = "0014_i1516c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agent_presence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wrap_up_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("voice_callbacks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "voice_callback_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callback_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["call_id"], ["voice_calls.id"]),
        sa.ForeignKeyConstraint(["callback_id"], ["voice_callbacks.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_voice_callback_attempts_callback_id", "voice_callback_attempts",
                    ["callback_id"])


def downgrade() -> None:
    op.drop_index("ix_voice_callback_attempts_callback_id",
                  table_name="voice_callback_attempts")
    op.drop_table("voice_callback_attempts")
    with op.batch_alter_table("voice_callbacks", schema=None) as batch_op:
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
    with op.batch_alter_table("agent_presence", schema=None) as batch_op:
        batch_op.drop_column("wrap_up_until")
