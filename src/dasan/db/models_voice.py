"""Tables of the phone channel: ARS flows (versioned), call detail records, agent SIP
endpoints, registered welfare lines and callback requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, utcnow


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
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)


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
    arrived_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    ars_exit_at: Mapped[datetime | None] = mapped_column(DateTime)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime)
    offered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    # answered | abandoned_in_ars | abandoned_in_queue | callback | transferred |
    # forced_terminated | open
    outcome: Mapped[str] = mapped_column(String(24), default="open")
    end_reason: Mapped[str | None] = mapped_column(String(48))
    recording_caller: Mapped[str | None] = mapped_column(String(256))
    recording_agent: Mapped[str | None] = mapped_column(String(256))
    # When the post-call transcription ran (even if it heard nothing): the scheduler's mark.
    transcribed_at: Mapped[datetime | None] = mapped_column(DateTime)
    transferred_to: Mapped[str | None] = mapped_column(String(64))


class VoiceEndpoint(Base):
    """Where an agent's phone rings: a SIP URI (a registered softphone or a desk phone)."""

    __tablename__ = "voice_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), unique=True)
    sip_uri: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A softphone's REGISTER binding lasts until then; None: a configured (static) endpoint.
    registered_until: Mapped[datetime | None] = mapped_column(DateTime)


class WelfareLine(Base):
    """A registered welfare line (e.g. a care worker's phone): its calls get priority."""

    __tablename__ = "voice_welfare_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(128))
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CallbackRequest(Base):
    """'Keep my place and call me back': placed when an agent of the queue is free."""

    __tablename__ = "voice_callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("voice_calls.id"), index=True)
    queue_code: Mapped[str] = mapped_column(String(32))
    contact_uri: Mapped[str] = mapped_column(String(256))  # personal data: purged when done
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="waiting")  # waiting|placed|done
