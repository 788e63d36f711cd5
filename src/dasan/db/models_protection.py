"""Tables of the protection room (issue 17): crisis playbooks and alerts, welfare cases, the
malicious-caller programme (designations, legal cases, evidence exports) and agent care."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, UtcDateTime, utcnow

# --- crisis response ------------------------------------------------------------------------


class CrisisPlaybook(Base):
    """What happens when a crisis of one kind is detected; edited by supervisors."""

    __tablename__ = "crisis_playbooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), unique=True)
    queue_code: Mapped[str] = mapped_column(String(32), default="crisis")
    priority: Mapped[int] = mapped_column(Integer, default=10)
    alert_supervisor: Mapped[bool] = mapped_column(Boolean, default=True)
    # none | consent (open when the citizen agrees) | law (always: a reporting duty)
    welfare_case: Mapped[str] = mapped_column(String(8), default="consent")
    guidance_ko: Mapped[str] = mapped_column(Text, default="")
    guidance_en: Mapped[str] = mapped_column(Text, default="")
    # [{"label_ko", "label_en", "number"}]
    handover: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    escalate_after_seconds: Mapped[int] = mapped_column(Integer, default=60)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CrisisAlert(Base):
    """One crisis detected on a contact: the supervisor's live alert and its acknowledgement."""

    __tablename__ = "crisis_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"),
                                                        index=True)
    channel: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(16))
    severity: Mapped[int] = mapped_column(Integer)
    imminent: Mapped[bool] = mapped_column(Boolean, default=False)
    excerpt_masked: Mapped[str] = mapped_column(String(512), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | acknowledged
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    # Escalations after an acknowledgement (the contact still not with a crisis-trained agent):
    # 1 = the floor lead, 2 and more = the department head.
    reescalations: Mapped[int] = mapped_column(Integer, default=0)


class WelfareCase(Base):
    """A case for the district's 동 주민센터 (community centre) after a crisis contact."""

    __tablename__ = "welfare_cases"
    __table_args__ = (Index("ix_welfare_cases_district_status", "district_code", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"),
                                                        index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    kind: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(String(8))  # consent | law
    district_code: Mapped[str | None] = mapped_column(String(5))
    dong: Mapped[str | None] = mapped_column(String(64))
    dong_code: Mapped[str | None] = mapped_column(String(10))
    # open | referred (the 동 주민센터 was notified) | acknowledged (by the district) | closed
    status: Mapped[str] = mapped_column(String(16), default="open")
    note_masked: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    close_note_masked: Mapped[str] = mapped_column(Text, default="")


class DongCentre(Base):
    """The 동 주민센터 directory: one row per dong (seeded from the dong GeoJSON's names; the
    contact fields are blank until a supervisor fills them in). A welfare case is notified to
    its centre through the outbox: a webhook signed with DASAN_WELFARE_WEBHOOK_SECRET, an SMS,
    or both."""

    __tablename__ = "dong_centres"

    dong_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(5), index=True)
    dong_name: Mapped[str] = mapped_column(String(64))
    centre_name: Mapped[str] = mapped_column(String(128), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    sms_number: Mapped[str] = mapped_column(String(20), default="")
    webhook_url: Mapped[str] = mapped_column(String(512), default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


# --- malicious-caller programme -------------------------------------------------------------


class MaliciousDesignation(Base):
    """One pass of the registry lifecycle: nominated from an incident, reviewed, designated for
    a period (routing to the dedicated team via `MaliciousCaller`), expired, appealed."""

    __tablename__ = "malicious_designations"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("abuse_incidents.id"))
    # nominated | rejected | designated | expired | revoked
    status: Mapped[str] = mapped_column(String(12), default="nominated", index=True)
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    nominated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nominated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    designated_from: Mapped[date | None] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    appeal_note: Mapped[str | None] = mapped_column(Text)
    appealed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LegalCase(Base):
    """Legal action against a malicious caller: filed -> police report -> prosecution -> outcome."""

    __tablename__ = "legal_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    designation_id: Mapped[int | None] = mapped_column(ForeignKey("malicious_designations.id"))
    # filed | police_report | prosecution | closed
    stage: Mapped[str] = mapped_column(String(16), default="filed")
    outcome: Mapped[str | None] = mapped_column(String(128))
    agent_statement: Mapped[str] = mapped_column(Text, default="")
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EvidenceExport(Base):
    """An evidence bundle that left the system; `bundle_sha256` chains to the previous export."""

    __tablename__ = "evidence_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    exported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    exported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    raw_included: Mapped[bool] = mapped_column(Boolean, default=False)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    prev_sha256: Mapped[str | None] = mapped_column(String(64))
    files: Mapped[int] = mapped_column(Integer, default=0)


class AgentCare(Base):
    """Agent protection after an abusive contact: a recovery break or a counselling referral."""

    __tablename__ = "agent_care"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("abuse_incidents.id"))
    kind: Mapped[str] = mapped_column(String(16))  # break | counselling
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="offered")  # offered|taken|declined
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
