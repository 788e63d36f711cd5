"""Tables of the smart phone channel (issue 14): visible-ARS sessions, call transcripts per leg,
and the extra legs of a conference call (interpreter)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, UtcDateTime, utcnow


class VisibleArsSession(Base):
    """One visible-ARS link sent to a caller: the page and the live call are one session.

    `nonce` is the one-time part of the SMS link; `page_nonce` the page's own cookie after the
    link was opened once. `choices` is what the page chose, in order (also on the call's ARS
    path)."""

    __tablename__ = "visible_ars_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("voice_calls.id"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"),
                                                        index=True)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    page_nonce: Mapped[str | None] = mapped_column(String(32))
    # sent | opened | ended (the call ended) ; expired links are told by expires_at
    state: Mapped[str] = mapped_column(String(16), default="sent")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)


class CallTranscriptSegment(Base):
    """One transcribed stretch of one leg of a call (masked text; raw text sealed in the
    vault under kind `call_transcripts.text`)."""

    __tablename__ = "call_transcripts"
    __table_args__ = (UniqueConstraint("call_id", "leg", "seq", name="uq_call_transcripts_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("voice_calls.id"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"),
                                                        index=True)
    leg: Mapped[str] = mapped_column(String(16))  # caller | agent | interpreter
    seq: Mapped[int] = mapped_column(Integer)
    start_ms: Mapped[int] = mapped_column(Integer)
    end_ms: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # masked
    language: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(16), default="post")  # live | post
    engine: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CallConferenceLeg(Base):
    """A third party added to a call (an interpreter: an agent or an external number)."""

    __tablename__ = "call_conference_legs"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("voice_calls.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="interpreter")
    language: Mapped[str | None] = mapped_column(String(8))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    target_masked: Mapped[str | None] = mapped_column(String(32))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    recording: Mapped[str | None] = mapped_column(String(256))
    # ringing | joined | busy | no_answer | failed (the leg never joined: `sip_status` says why)
    result: Mapped[str] = mapped_column(String(24), default="ringing", server_default="ringing")
    sip_status: Mapped[int | None] = mapped_column(Integer)
    left_reason: Mapped[str | None] = mapped_column(String(24))  # interpreter_left | dropped |
    # call_ended
