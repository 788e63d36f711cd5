"""SQLAlchemy 2 models: the whole schema of the platform in one place.

Every area (knowledge, chat, protection, analytics, workforce) reads and writes these tables
through its own service module; the schema itself changes only through Alembic revisions in
`dasan/db/migrations`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dasan.db.base import Base, UtcDateTime, utcnow

# --- organisation -------------------------------------------------------------------------


class Agency(Base):
    """A city department, one of the 25 districts (자치구), or the 120 center itself."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(24))  # city_department | district | center
    district_code: Mapped[str | None] = mapped_column(String(5))  # SIG_CD for districts


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(24), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    district_code: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship(lazy="joined")


class LoginSession(Base):
    """Server-side login session; the cookie carries only a random id (stored hashed)."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiToken(Base):
    """Bearer token for integrations (CTI, district systems, chatbot front-ends)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # None: issued before 0003


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    dedicated_malicious: Mapped[bool] = mapped_column(Boolean, default=False)


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(128))


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    employee_no: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    max_chats: Mapped[int] = mapped_column(Integer, default=3)
    # offline | available | busy | wrap_up | break
    state: Mapped[str] = mapped_column(String(16), default="offline")
    state_since: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["ko"])


class AgentSkill(Base):
    __tablename__ = "agent_skills"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, default=1)


class Queue(Base):
    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(128))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id"))
    ars_digit: Mapped[str | None] = mapped_column(String(4))
    priority: Mapped[int] = mapped_column(Integer, default=0)


# --- citizens and consultations -----------------------------------------------------------


class Citizen(Base):
    """A contact. The phone number is never stored in clear: a keyed hash plus a masked form."""

    __tablename__ = "citizens"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    display_name: Mapped[str | None] = mapped_column(String(64))
    preferred_language: Mapped[str] = mapped_column(String(8), default="ko")
    district_code: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CitizenIdentity(Base):
    """Another way a citizen is known besides the phone: a messenger identity (the keyed
    contact key of `channels.addresses.contact_key_for`) or a citizen account (`user:<id>`).
    The registry (`MaliciousCaller`) is per citizen, so separation follows every identity."""

    __tablename__ = "citizen_identities"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_citizen_identities_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # messenger | account
    key: Mapped[str] = mapped_column(String(96))
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Consultation(Base):
    __tablename__ = "consultations"
    __table_args__ = (
        Index("ix_consultations_started_channel", "started_at", "channel"),
        Index("ix_consultations_district_started", "district_code", "started_at"),
        # The live floor (queues, assignment, the supervisor overview) reads open contacts
        # only: this keeps those reads proportional to what is open, not to the history.
        Index("ix_consultations_status_queue_agent", "status", "queue_id", "agent_id"),
        # Monthly QA sampling and scorecards (dasan.quality): an agent's month read from the
        # index alone, in agent order (migration 0024_17a).
        Index("ix_consultations_agent_month", "agent_id", "started_at", "answered_at",
              "handle_seconds", "outcome", "crisis"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    # False when `citizen_id` comes from a number the citizen typed (a chat, a callback
    # request) rather than the network's caller id: such a contact never opens history.
    identity_verified: Mapped[bool] = mapped_column(Boolean, default=True,
                                                    server_default=true())
    channel: Mapped[str] = mapped_column(String(24))
    ars_option: Mapped[str | None] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(64))
    program: Mapped[str | None] = mapped_column(String(128))
    # open | answered | abandoned | transferred | forced_terminated | callback
    outcome: Mapped[str] = mapped_column(String(24), default="open")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    language: Mapped[str] = mapped_column(String(8), default="ko")
    district_code: Mapped[str | None] = mapped_column(String(5))
    kb_entry_id: Mapped[int | None] = mapped_column(ForeignKey("kb_entries.id"))
    subject: Mapped[str | None] = mapped_column(String(256))  # masked first question
    summary: Mapped[str | None] = mapped_column(Text)  # always masked
    priority: Mapped[int] = mapped_column(Integer, default=0)
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    wait_seconds: Mapped[float | None] = mapped_column(Float)
    handle_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Message(Base):
    """One message of a consultation. `client_msg_id` makes a resend idempotent."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("consultation_id", "seq", name="uq_messages_consultation_seq"),
        UniqueConstraint(
            "consultation_id", "client_msg_id", name="uq_messages_consultation_client"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(16))  # citizen | agent | bot | system
    sender_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    body: Mapped[str] = mapped_column(Text)
    body_masked: Mapped[str] = mapped_column(Text)
    client_msg_id: Mapped[str | None] = mapped_column(String(64))
    flags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


# --- knowledge base (표준상담DB) -------------------------------------------------------------


class KbEntry(Base):
    __tablename__ = "kb_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(24), default="standard")  # standard|special|tip
    title: Mapped[str] = mapped_column(String(512))
    program: Mapped[str | None] = mapped_column(String(256), index=True)
    question_variants: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text, default="")
    # the editors' gist of the answer in the residents' languages, language -> 1-3 sentences
    # (dasan.knowledge.editor_gists); None on entries written before the column
    gists: Mapped[dict[str, str] | None] = mapped_column(JSON, default=dict)
    category: Mapped[str | None] = mapped_column(String(64), index=True)
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="published")
    needs_answer: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    review_due: Mapped[date | None] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    owner: Mapped[Agency | None] = relationship(lazy="joined")


class KbEntryVersion(Base):
    __tablename__ = "kb_entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_kb_versions_entry_ver"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("kb_entries.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    change_note: Mapped[str | None] = mapped_column(String(512))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReviewReminder(Base):
    """A reminder sent to an owner agency about an entry overdue for 현행화 (refresh)."""

    __tablename__ = "review_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("kb_entries.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    due: Mapped[date | None] = mapped_column(Date)


# --- audit, protection, alerts ------------------------------------------------------------


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")  # ok | denied | error
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


class AbuseIncident(Base):
    __tablename__ = "abuse_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    category: Mapped[str] = mapped_column(String(16))
    severity: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(24))  # warn_1 | warn_2 | terminated
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MaliciousCaller(Base):
    """Registry of malicious callers, routed to the dedicated team."""

    __tablename__ = "malicious_callers"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(256))
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Alert(Base):
    """An issue-alerter alert: a burst of one topic against its seasonal baseline."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(128))
    topic_kind: Mapped[str] = mapped_column(String(16))  # program | category | keyword
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    window_end: Mapped[datetime] = mapped_column(UtcDateTime)
    count: Mapped[int] = mapped_column(Integer)
    baseline: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    needs_answer: Mapped[bool] = mapped_column(Boolean, default=False)
    examples: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
from dasan.db import models_channels as _models_channels  # noqa: E402,F401
from dasan.db import models_complaints as _models_complaints  # noqa: E402,F401
from dasan.db import models_desk as _models_desk  # noqa: E402,F401
from dasan.db import models_kbquality as _models_kbquality  # noqa: E402,F401
from dasan.db import models_presence as _models_presence  # noqa: E402,F401
from dasan.db import models_privacy as _models_privacy  # noqa: E402,F401
from dasan.db import models_protection as _models_protection  # noqa: E402,F401
from dasan.db import models_quality as _models_quality  # noqa: E402,F401
from dasan.db import models_smartvoice as _models_smartvoice  # noqa: E402,F401
from dasan.db import models_voice as _models_voice  # noqa: E402,F401
