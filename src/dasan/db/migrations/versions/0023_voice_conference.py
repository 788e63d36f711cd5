"""voice: the interpreter conference's result per leg (joined, busy, no_answer, failed) and
why the leg left (interpreter_left, dropped, call_ended)

Revision ID: 0018_voice
Revises: 0014_i13c
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_voice"
down_revision = "0018_sign"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("call_conference_legs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.String(length=24), nullable=False,
                                      server_default="ringing"))
        batch_op.add_column(sa.Column("sip_status", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("left_reason", sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_conference_legs", schema=None) as batch_op:
        batch_op.drop_column("left_reason")
        batch_op.drop_column("sip_status")
        batch_op.drop_column("result")
