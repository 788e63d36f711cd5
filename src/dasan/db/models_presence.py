"""Tables of the presence room: where each agent's desktop is, the offers made to agents, the
per-team offer setting, and whether a citizen's chat window is still open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, UtcDateTime, utcnow


class AgentPresence(Base):
    """The live side of an agent's state (`agents.state` holds the state itself).

    `sockets` counts the agent's open desktop sockets over every worker (tabs count once as a
    person: the agent is present while any is open); `last_seen_at` is the last heartbeat.
    """

    __tablename__ = "agent_presence"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True)
    sockets: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    disconnected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    break_reason: Mapped[str | None] = mapped_column(String(32))
    resume_state: Mapped[str | None] = mapped_column(String(16))
    away_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # After-call work a call's end began ends here (enforced by the presence sweep, so an
    # agent never stays in wrap-up because the voice gateway that began it died).
    wrap_up_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ContactOffer(Base):
    """A contact offered to one agent: accepted, missed (timed out or declined) or withdrawn."""

    __tablename__ = "contact_offers"
    __table_args__ = (Index("ix_contact_offers_status_expires", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    offered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # pending | accepted | missed | declined | withdrawn
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TeamSetting(Base):
    """Per-team switches (auto-accept: offers to the team's agents are accepted at once)."""

    __tablename__ = "team_settings"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    auto_accept: Mapped[bool] = mapped_column(Boolean, default=False)


class CitizenPresence(Base):
    """Whether a citizen's chat window is open: `sockets` over every worker, and when the last
    one closed (a citizen gone longer than the grace is removed from the queue)."""

    __tablename__ = "citizen_presence"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"),
                                                 primary_key=True)
    sockets: Mapped[int] = mapped_column(Integer, default=0)
    disconnected_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The chat page said it is going away (`pagehide` beacon); cleared when a socket opens
    # again (a reload). A waiting citizen whose page closed leaves after the short reload
    # window instead of the long grace of a plain drop.
    page_closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
