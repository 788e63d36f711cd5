"""written channels: threads, channel messages, outbox, SMS opt-outs, webhook receipts,
board attachments

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "written_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=24), nullable=False),
        sa.Column("contact_key", sa.String(length=128), nullable=False),
        sa.Column("reply_address", sa.String(length=256), nullable=True),
        sa.Column("provider", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sla_due_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by_agent_id", sa.Integer(), nullable=True),
        sa.Column("owner_agency_id", sa.Integer(), nullable=True),
        sa.Column("first_agent_reply_at", sa.DateTime(), nullable=True),
        sa.Column("bot_answered", sa.Boolean(), nullable=False),
        sa.Column("subject", sa.String(length=256), nullable=True),
        sa.Column("tracking_code", sa.String(length=16), nullable=True),
        sa.Column("tracking_secret_hash", sa.String(length=64), nullable=True),
        sa.Column("kb_candidate_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_written_threads_consultation_id_consultations")),
        sa.ForeignKeyConstraint(["claimed_by_agent_id"], ["agents.id"],
                                name=op.f("fk_written_threads_claimed_by_agent_id_agents")),
        sa.ForeignKeyConstraint(["owner_agency_id"], ["agencies.id"],
                                name=op.f("fk_written_threads_owner_agency_id_agencies")),
        sa.ForeignKeyConstraint(["kb_candidate_id"], ["kb_entries.id"],
                                name=op.f("fk_written_threads_kb_candidate_id_kb_entries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_written_threads")),
        sa.UniqueConstraint("consultation_id", name=op.f("uq_written_threads_consultation_id")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_written_threads_tracking_code")),
    )
    op.create_index("ix_written_threads_status_sla", "written_threads", ["status", "sla_due_at"])
    op.create_index("ix_written_threads_channel_contact", "written_threads",
                    ["channel", "contact_key", "status"])
    op.create_index(op.f("ix_written_threads_claimed_by_agent_id"), "written_threads",
                    ["claimed_by_agent_id"])
    op.create_index(op.f("ix_written_threads_owner_agency_id"), "written_threads",
                    ["owner_agency_id"])
    op.create_table(
        "channel_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=24), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("delivery_status", sa.String(length=16), nullable=False),
        sa.Column("delivery_detail", sa.String(length=256), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("translation", sa.Text(), nullable=True),
        sa.Column("translation_language", sa.String(length=8), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["written_threads.id"],
                                name=op.f("fk_channel_messages_thread_id_written_threads")),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"],
                                name=op.f("fk_channel_messages_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_channel_messages_message_id")),
        sa.UniqueConstraint("channel", "external_id",
                            name="uq_channel_messages_channel_external"),
    )
    op.create_index(op.f("ix_channel_messages_thread_id"), "channel_messages", ["thread_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("channel_message_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=512), nullable=True),
        sa.Column("provider_ref", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["channel_message_id"], ["channel_messages.id"],
                                name=op.f("fk_outbox_channel_message_id_channel_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "sms_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("word", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_opt_outs")),
        sa.UniqueConstraint("phone_hash", name=op.f("uq_sms_opt_outs_phone_hash")),
    )
    op.create_table(
        "webhook_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_receipts")),
        sa.UniqueConstraint("source", "event_id", name="uq_webhook_receipts_event"),
    )
    op.create_table(
        "board_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=128), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["written_threads.id"],
                                name=op.f("fk_board_attachments_thread_id_written_threads")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_attachments")),
    )
    op.create_index(op.f("ix_board_attachments_thread_id"), "board_attachments", ["thread_id"])


def downgrade() -> None:
    op.drop_table("board_attachments")
    op.drop_table("webhook_receipts")
    op.drop_table("sms_opt_outs")
    op.drop_index("ix_outbox_status_next", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("channel_messages")
    op.drop_index("ix_written_threads_channel_contact", table_name="written_threads")
    op.drop_index("ix_written_threads_status_sla", table_name="written_threads")
    op.drop_table("written_threads")
