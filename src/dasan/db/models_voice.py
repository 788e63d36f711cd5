"""Tables of the phone channel: ARS flows (versioned), call detail records, agent SIP
endpoints, registered welfare lines and callback requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, UtcDateTime, utcnow


class VoiceFlow(Base):
    """One version of an ARS flow; the highest published version of a name is live."""

    __tablename__ = "voice_flows"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_voice_flows_name_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft|published|retired
    note: Mapped[str | None] = mapped_column(String(256))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class VoiceCall(Base):
    """The call detail record: one per call, beside its consultation (channel phone)."""

    __tablename__ = "voice_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    sip_call_id: Mapped[str] = mapped_column(String(128), unique=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"),
                                                        index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    caller_masked: Mapped[str | None] = mapped_column(String(32))
    dialed: Mapped[str] = mapped_column(String(32))
    flow_name: Mapped[str | None] = mapped_column(String(64))
    flow_version: Mapped[int | None] = mapped_column(Integer)
    ars_path: Mapped[list[str]] = mapped_column(JSON, default=list)
    queue_code: Mapped[str | None] = mapped_column(String(32))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    codec: Mapped[str | None] = mapped_column(String(8))
    arrived_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    ars_exit_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    offered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # answered | abandoned_in_ars | abandoned_in_queue | callback | transferred |
    # forced_terminated | open
    outcome: Mapped[str] = mapped_column(String(24), default="open")
    end_reason: Mapped[str | None] = mapped_column(String(48))
    recording_caller: Mapped[str | None] = mapped_column(String(256))
    recording_agent: Mapped[str | None] = mapped_column(String(256))
    # When the post-call transcription ran (even if it heard nothing): the scheduler's mark.
    transcribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    transferred_to: Mapped[str | None] = mapped_column(String(64))


class VoiceEndpoint(Base):
    """Where an agent's phone rings: a SIP URI (a registered softphone or a desk phone)."""

    __tablename__ = "voice_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), unique=True)
    sip_uri: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A softphone's REGISTER binding lasts until then; None: a configured (static) endpoint.
    registered_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WelfareLine(Base):
    """A registered welfare line (e.g. a care worker's phone): its calls get priority."""

    __tablename__ = "voice_welfare_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(128))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CallbackRequest(Base):
    """'Keep my place and call me back': placed when an agent of the queue is free."""

    __tablename__ = "voice_callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("voice_calls.id"), index=True)
    queue_code: Mapped[str] = mapped_column(String(32))
    contact_uri: Mapped[str] = mapped_column(String(256))  # personal data: purged when done
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # waiting | placed | done | failed (every attempt allowed by DASAN_VOICE_CALLBACK_ATTEMPTS
    # failed); a failed attempt puts it back to waiting until `next_attempt_at`.
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CallbackAttempt(Base):
    """One try at a callback and how it went: `connected`, `agent_no_answer` (the agent's
    phone was rung first and did not answer) or `citizen_no_answer` (busy, refused, or no
    answer within the ring time). `call_id` is that try's CDR."""

    __tablename__ = "voice_callback_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("voice_callbacks.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("voice_calls.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    result: Mapped[str] = mapped_column(String(24))
