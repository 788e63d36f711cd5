"""Knowledge quality: per-entry answerability and the miss loop (gap events and clusters)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dasan.db.base import Base, UtcDateTime, utcnow

if TYPE_CHECKING:
    from dasan.db.models import Agency


class KbAnswerability(Base):
    """May the chatbot answer with this entry ("standard") or is it a reference record?"""

    __tablename__ = "kb_answerability"

    entry_id: Mapped[int] = mapped_column(ForeignKey("kb_entries.id"), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16), default="standard", index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    probability: Mapped[float] = mapped_column(Float, default=0.0)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    source: Mapped[str] = mapped_column(String(16), default="auto")  # auto | editor
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(512))
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class KbGapCluster(Base):
    """Questions citizens asked that the KB did not answer, grouped by topic."""

    __tablename__ = "kb_gap_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(256))
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    # open | drafted | merged | dismissed
    count: Mapped[int] = mapped_column(Integer, default=0)
    examples: Mapped[list[str]] = mapped_column(JSON, default=list)  # masked
    nearest_entry_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    centroid: Mapped[list[float]] = mapped_column(JSON, default=list)
    draft_entry_id: Mapped[int | None] = mapped_column(ForeignKey("kb_entries.id"))
    resolution_note: Mapped[str | None] = mapped_column(String(512))
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    owner: Mapped[Agency | None] = relationship("Agency", lazy="joined")


class KbGapEvent(Base):
    """One miss: no confident answer, an "아니요", a hand-off after a bot answer, an alert."""

    __tablename__ = "kb_gap_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # miss | not_helpful | handoff | alert
    kind: Mapped[str] = mapped_column(String(16), index=True)
    question: Mapped[str] = mapped_column(Text)  # masked
    consultation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    entry_id: Mapped[int | None] = mapped_column(Integer)
    nearest_entry_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("kb_gap_clusters.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
