"""chat_snoozes (a chat on hold, 보류) and chat_attachments (images and PDFs sent in a chat)

Revision ID: 0018_11
Revises: 0014_i13c
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_11"
down_revision = "0014_i13c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_snoozes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("consultation_id", sa.Integer(), sa.ForeignKey("consultations.id"),
                  nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("snoozed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("woke_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("woke_by", sa.String(16), nullable=True),
    )
    op.create_index("ix_chat_snoozes_consultation_id", "chat_snoozes", ["consultation_id"])
    op.create_index("ix_chat_snoozes_agent_id", "chat_snoozes", ["agent_id"])
    op.create_index("ix_chat_snoozes_until", "chat_snoozes", ["until"])
    op.create_table(
        "chat_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("consultation_id", sa.Integer(), sa.ForeignKey("consultations.id"),
                  nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(16), nullable=False),
        sa.Column("sender_agent_id", sa.Integer(), sa.ForeignKey("agents.id"), nullable=True),
        sa.Column("storage_key", sa.String(200), nullable=False, unique=True),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chat_attachments_consultation_id", "chat_attachments",
                    ["consultation_id"])


def downgrade() -> None:
    op.drop_index("ix_chat_attachments_consultation_id", "chat_attachments")
    op.drop_table("chat_attachments")
    op.drop_index("ix_chat_snoozes_until", "chat_snoozes")
    op.drop_index("ix_chat_snoozes_agent_id", "chat_snoozes")
    op.drop_index("ix_chat_snoozes_consultation_id", "chat_snoozes")
    op.drop_table("chat_snoozes")
