"""What a floor lead does to live chats: take one over, whisper (see `chat.notes`), watch
one (the monitor's backlog), broadcast to every agent; and the issue alerts the floor is
shown live."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.analytics.alerter import alert_payload
from dasan.chat import desk
from dasan.chat.hub import (
    Outcome,
    consultation_view,
    presence_outcome,
    system_message,
    withdraw_offers,
)
from dasan.chat.notes import note_view
from dasan.chat.service import get_consultation, message_event, messages_after
from dasan.db.base import utcnow
from dasan.db.models import Agent, Alert, User
from dasan.db.models_desk import ChatNote
from dasan.errors import Conflict, Invalid
from dasan.presence import service as presence
from dasan.protection.screening import mask_pii
from dasan.routing import router
from dasan.timeutil import iso_z

BROADCAST_CHANNEL = "agents"
TAKEN_OVER_KO = "{name} 책임자가 상담을 이어받았습니다."
MAX_BROADCAST_CHARS = 500


def lead_agent(s: Session, user: User) -> Agent:
    """The floor lead's own desk identity (made on first need). It takes no routed chats
    (capacity 0): only the chats the lead takes over."""
    agent = desk.agent_for(s, user)
    if agent is None:
        agent = Agent(user_id=user.id, employee_no=f"SV{user.id:05d}", name=user.display_name,
                      max_chats=0, state="offline", languages=["ko", "en"])
        s.add(agent)
        s.flush()
    return agent


def take_over(s: Session, user: User, cid: int) -> Outcome:
    """The floor lead becomes the chat's agent; the transcript and the audit log say so."""
    access.access_floor(s, user, "chat.take_over", consultation=cid)
    c = get_consultation(s, cid)
    if c.status != "open" or c.queue_id is None:
        raise Conflict("only a waiting or live chat can be taken over", code="chat_not_live")
    agent = lead_agent(s, user)
    if c.agent_id == agent.id:
        raise Conflict("this chat is yours already", code="chat_already_yours")
    out = presence_outcome(s, presence.hold_for_takeover(s, agent))
    previous = c.agent_id
    withdraw_offers(s, out, cid)
    c.agent_id = agent.id
    if previous is not None:
        router.refresh_busy(s, previous)
    audit.record(s, user, "chat.take_over", object_type="consultation", object_id=cid,
                 detail={"from_agent": previous})
    s.commit()
    system_message(s, out, cid, TAKEN_OVER_KO.format(name=agent.name),
                   {"kind": "taken_over", "agent_name": agent.name, "from_agent": previous})
    if previous is not None:
        out.to_agent(previous, {"type": "unassigned", "consultation_id": cid,
                                "why": "taken_over"})
    out.to_agent(agent.id, {"type": "assigned", "consultation": consultation_view(s, c)})
    out.state(s, c)
    out.result = {"consultation": consultation_view(s, c)}
    return out


def broadcast(s: Session, user: User, body: str) -> Outcome:
    """A notice to every agent's desktop on the floor (audited)."""
    access.access_floor(s, user, "chat.broadcast")
    text = (body or "").strip()
    if not text or len(text) > MAX_BROADCAST_CHARS or "\x00" in text:
        raise Invalid(f"a broadcast has 1-{MAX_BROADCAST_CHARS} characters",
                      code="broadcast_bad_body")
    text = mask_pii(text)
    now = utcnow()
    audit.record(s, user, "chat.broadcast", detail={"body": text})
    s.commit()
    event = {"type": "broadcast", "body": text, "author": user.display_name,
             "at": iso_z(now)}
    out = Outcome(result=event)
    out.events.append((BROADCAST_CHANNEL, event))
    return out


def monitor_backlog(s: Session, user: User, cid: int) -> list[dict[str, Any]]:
    """What a floor lead sees on starting to watch a chat: its transcript and notes."""
    access.access_floor(s, user, "chat.monitor", consultation=cid)
    c = get_consultation(s, cid)
    events: list[dict[str, Any]] = [{"type": "state", "consultation": consultation_view(s, c)}]
    events += [message_event(m) for m in messages_after(s, cid, 0)]
    events += [{"type": "note", "consultation_id": cid, "note": note_view(s, n)}
               for n in s.scalars(select(ChatNote).where(ChatNote.consultation_id == cid)
                                  .order_by(ChatNote.id))]
    return events


def latest_alert_id(s: Session) -> int:
    return int(s.scalar(select(func.max(Alert.id))) or 0)


def alerts_after(s: Session, after_id: int) -> list[dict[str, Any]]:
    """Issue alerts stored since `after_id` (the floor's socket pushes them as they come)."""
    return [alert_payload(a) for a in s.scalars(
        select(Alert).where(Alert.id > after_id).order_by(Alert.id).limit(20))]
