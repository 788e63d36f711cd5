"""Chats on hold (보류): the agent puts a live chat aside until a time, or until the citizen
writes again. Meanwhile the chat's status is `pending`: it is in no agent's load, no queue and
no floor counter, and nothing about it counts as answered (ADR 0004: only an agent's message
answers a contact). When the time comes or the citizen writes, it goes back to the same agent
if that agent is still present, else to the front of its queue (its original queue time).

The steps here change rows only; `chat.hub` turns them into events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat.service import ChatError
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation
from dasan.db.models_desk import ChatSnooze
from dasan.presence import states as presence_states
from dasan.routing.router import CHAT_CHANNELS
from dasan.timeutil import as_utc

PENDING = "pending"
MAX_SNOOZE = timedelta(days=7)
MIN_SNOOZE = timedelta(minutes=1)
WOKE_BY = ("time", "citizen", "agent", "closed")


class Snoozed(ChatError):
    """A step that needs a live chat met one on hold."""

    def __init__(self, message: str = "this chat is on hold (보류); wake it first") -> None:
        super().__init__(message, 409, "chat_snoozed")


@dataclass(frozen=True)
class Woken:
    consultation_id: int
    by: str
    agent_id: int | None  # the agent it went back to; None: back to its queue
    previous_agent_id: int


def current(s: Session, cid: int) -> ChatSnooze | None:
    return s.scalar(select(ChatSnooze).where(ChatSnooze.consultation_id == cid,
                                             ChatSnooze.woke_at.is_(None))
                    .order_by(ChatSnooze.id.desc()).limit(1))


def check_until(until: datetime | None, now: datetime, minutes: int | None = None
                ) -> datetime | None:
    """The hold's end as aware UTC — `until`, or `minutes` from now by the server's clock —
    1 minute to 7 days away (None for both: until the citizen writes)."""
    if until is not None and minutes is not None:
        raise ChatError("give until or minutes, not both", 422, "snooze_until_or_minutes")
    if minutes is not None:
        until = now + timedelta(minutes=minutes)
    if until is None:
        return None
    until = as_utc(until)
    if until < now + MIN_SNOOZE:
        raise ChatError("the hold must end at least a minute from now", 422, "snooze_too_soon")
    if until > now + MAX_SNOOZE:
        raise ChatError("a hold lasts at most 7 days", 422, "snooze_too_long")
    return until


def start(s: Session, agent: Agent, c: Consultation, until: datetime | None,
          now: datetime | None = None, minutes: int | None = None) -> ChatSnooze:
    """Put the agent's live chat on hold (caller commits). Validates before changing
    anything."""
    now = now or utcnow()
    if c.agent_id != agent.id:
        raise ChatError("this chat is not assigned to you", 403, "chat_not_yours")
    if c.status == PENDING:
        raise ChatError("this chat is already on hold", 409, "chat_snoozed")
    if c.status != "open" or c.channel not in CHAT_CHANNELS:
        raise ChatError("only an open live chat can be put on hold", 409)
    until = check_until(until, now, minutes)
    row = ChatSnooze(consultation_id=c.id, agent_id=agent.id, snoozed_at=now, until=until)
    s.add(row)
    c.status = PENDING
    s.flush()
    return row


def wake(s: Session, c: Consultation, by: str, now: datetime | None = None) -> Woken | None:
    """End the hold (caller commits): the chat is open again, with its agent if present, else
    back in its queue (front: its queued time is kept). None when it was not on hold."""
    if by not in WOKE_BY:
        raise ValueError(f"woke_by must be one of {WOKE_BY}")
    now = now or utcnow()
    row = current(s, c.id)
    if c.status != PENDING or row is None:
        return None
    row.woke_at, row.woke_by = now, by
    previous = row.agent_id
    if by == "closed":
        return Woken(c.id, by, None, previous)
    c.status = "open"
    agent = s.get(Agent, previous)
    present = agent is not None and agent.state in presence_states.PRESENT
    if not present or c.agent_id != previous:
        c.agent_id = None
        if c.queued_at is None:
            c.queued_at = c.started_at
    s.flush()
    return Woken(c.id, by, c.agent_id, previous)


def due(s: Session, now: datetime | None = None, limit: int = 200) -> list[Consultation]:
    """Chats whose hold time has come (oldest first)."""
    now = now or utcnow()
    ids = list(s.scalars(select(ChatSnooze.consultation_id).where(
        ChatSnooze.woke_at.is_(None), ChatSnooze.until.is_not(None), ChatSnooze.until <= now)
        .order_by(ChatSnooze.until).limit(limit)))
    return list(s.scalars(select(Consultation).where(Consultation.id.in_(ids),
                                                     Consultation.status == PENDING)))


def for_agent(s: Session, agent_id: int) -> list[tuple[Consultation, ChatSnooze]]:
    """The agent's chats on hold, soonest back first (until-the-citizen-writes last)."""
    rows = s.execute(select(Consultation, ChatSnooze).join(
        ChatSnooze, ChatSnooze.consultation_id == Consultation.id).where(
        ChatSnooze.agent_id == agent_id, ChatSnooze.woke_at.is_(None),
        Consultation.status == PENDING)).all()
    now = utcnow()
    return sorted(((c, z) for c, z in rows),
                  key=lambda cz: (cz[1].until is None, cz[1].until or now, cz[0].id))
