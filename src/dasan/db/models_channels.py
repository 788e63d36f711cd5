"""Written channels (SMS, portals/messengers, web Q&A board): one thread model on consultations.

A `WrittenThread` is the written conversation of one consultation (one per consultation). Its
messages are the consultation's own `messages` rows (the transcript every surface already reads,
masked), each with a `ChannelMessage` beside it carrying what only written channels have: the
direction, the provider's external id, the delivery status and the translation. Asynchronous
channels (SMS, Q&A board) carry an SLA deadline instead of live presence.

`OutboxItem` is the transactional outbox: an outbound side effect (an SMS, a messenger reply) is
written in the same transaction as the message it sends, and delivered later with retries,
backoff and a dead letter; `idempotency_key` makes enqueueing the same send twice a no-op.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, UtcDateTime, utcnow


class WrittenThread(Base):
    __tablename__ = "written_threads"
    __table_args__ = (
        Index("ix_written_threads_status_sla", "status", "sla_due_at"),
        Index("ix_written_threads_channel_contact", "channel", "contact_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), unique=True)
    channel: Mapped[str] = mapped_column(String(24))  # sms | portal | web
    # Who the thread talks to on its channel: phone hash (SMS), provider:keyed hash (messengers),
    # or the board ticket code. Never a raw phone number.
    contact_key: Mapped[str] = mapped_column(String(128))
    # Where replies go, masked (010-****-5678); the raw number / messenger user id is sealed in
    # the PII vault (`channels.addresses`) and opened only by the outbox for a send.
    reply_address: Mapped[str | None] = mapped_column(String(256))
    provider: Mapped[str | None] = mapped_column(String(32))  # http_sms | smpp | line | ...
    language: Mapped[str] = mapped_column(String(8), default="ko")
    # open (waiting for an agent) | claimed | replied (waiting for the citizen) | closed
    status: Mapped[str] = mapped_column(String(16), default="open")
    sla_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    first_agent_reply_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    bot_answered: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str | None] = mapped_column(String(256))  # masked
    tracking_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    tracking_secret_hash: Mapped[str | None] = mapped_column(String(64))
    kb_candidate_id: Mapped[int | None] = mapped_column(ForeignKey("kb_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ChannelMessage(Base):
    __tablename__ = "channel_messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_channel_messages_channel_external"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("written_threads.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    direction: Mapped[str] = mapped_column(String(8))  # in | out
    channel: Mapped[str] = mapped_column(String(24))
    # The provider's id of an inbound message (dedupes webhook redeliveries) or of a sent one.
    external_id: Mapped[str | None] = mapped_column(String(128))
    # received | queued | sent | delivered | failed | blocked (opted out)
    delivery_status: Mapped[str] = mapped_column(String(16), default="received")
    delivery_detail: Mapped[str | None] = mapped_column(String(256))
    language: Mapped[str] = mapped_column(String(8), default="ko")
    # The other side of the translation (masked): Korean for a foreign inbound message, the
    # citizen's language for an agent's outbound one.
    translation: Mapped[str | None] = mapped_column(Text)
    translation_language: Mapped[str | None] = mapped_column(String(8))
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    segments: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OutboxItem(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # sms.send | messenger.reply | ...
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    channel_message_id: Mapped[int | None] = mapped_column(ForeignKey("channel_messages.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | sent | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(512))
    provider_ref: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SmsOptOut(Base):
    """A number that sent an opt-out word (수신거부): no more outbound SMS to it."""

    __tablename__ = "sms_opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    word: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WebhookReceipt(Base):
    """Ids of webhook deliveries already taken (replay protection beyond the time window)."""

    __tablename__ = "webhook_receipts"
    __table_args__ = (UniqueConstraint("source", "event_id", name="uq_webhook_receipts_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BoardAttachment(Base):
    """A file a citizen attached to a Q&A board question (checked type and size)."""

    __tablename__ = "board_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("written_threads.id"), index=True)
    filename: Mapped[str] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
