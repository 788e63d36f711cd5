"""Closed conversations: search (masked text, scoped by the access policy) and the transcript
download (masked, audited as an export)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.auth import phone_hash
from dasan.chat.notes import tags_of
from dasan.chat.service import get_consultation, messages_after
from dasan.config import signing_key
from dasan.db.models import Agent, Citizen, Consultation, Message, Queue, User
from dasan.db.models_desk import ChatTag
from dasan.errors import Invalid
from dasan.routing.router import live_chat
from dasan.timeutil import iso_z

SEOUL = ZoneInfo("Asia/Seoul")
SENDER_KO = {"citizen": "시민", "agent": "상담사", "bot": "챗봇", "system": "안내"}
MAX_RESULTS = 50


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(s: Session, user: User, agent: Agent | None, q: str | None = None,
           phone: str | None = None, tag: str | None = None, limit: int = 20
           ) -> list[dict[str, Any]]:
    """Closed chats matching the text `q` (in the masked transcript, subject or summary, or a
    consultation id), a phone number (found by its keyed hash, never stored) or a tag; an agent
    sees only the chats they handled, a floor lead every chat."""
    scope = access.chat_archive_scope(s, user, agent)
    if not 1 <= limit <= MAX_RESULTS:
        raise Invalid(f"limit must be 1-{MAX_RESULTS}", code="search_bad_limit")
    stmt = select(Consultation).where(Consultation.status == "closed",
                                      live_chat())
    if scope is not None:
        handled = exists().where(Message.consultation_id == Consultation.id,
                                 Message.sender_agent_id == scope)
        stmt = stmt.where(or_(Consultation.agent_id == scope, handled))
    text = (q or "").strip()
    if "\x00" in text or "\x00" in (tag or ""):
        raise Invalid("control characters are not allowed", code="search_bad_text")
    if text:
        pattern = _like(text)
        said = exists().where(Message.consultation_id == Consultation.id,
                              Message.body.ilike(pattern, escape="\\"))
        cond = or_(said, Consultation.subject.ilike(pattern, escape="\\"),
                   Consultation.summary.ilike(pattern, escape="\\"))
        digits = text.lstrip("#")
        if digits.isdigit() and len(digits) <= 12:
            cond = or_(cond, Consultation.id == int(digits))
        stmt = stmt.where(cond)
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if not 9 <= len(digits) <= 11:
            raise Invalid("phone number must have 9-11 digits", code="search_bad_phone")
        citizen = s.scalar(select(Citizen.id).where(
            Citizen.phone_hash == phone_hash(digits, signing_key())))
        stmt = stmt.where(Consultation.citizen_id == (citizen or -1))
    if tag:
        stmt = stmt.where(exists().where(ChatTag.consultation_id == Consultation.id,
                                         ChatTag.tag == tag.strip().lstrip("#")))
    rows = list(s.scalars(stmt.order_by(Consultation.id.desc()).limit(limit)))
    return [_hit(s, c, text) for c in rows]


def _hit(s: Session, c: Consultation, text: str) -> dict[str, Any]:
    snippet = None
    if text:
        snippet = s.scalar(select(Message.body).where(
            Message.consultation_id == c.id, Message.body.ilike(_like(text), escape="\\"))
            .order_by(Message.seq).limit(1))
    agent = s.get(Agent, c.agent_id) if c.agent_id else None
    queue = s.get(Queue, c.queue_id) if c.queue_id else None
    return {"id": c.id, "started_at": _iso(c.started_at), "ended_at": _iso(c.ended_at),
            "agent_name": agent.name if agent else None,
            "queue_name": queue.name if queue else None, "outcome": c.outcome,
            "subject": c.subject, "category": c.category, "tags": tags_of(s, c.id),
            "snippet": snippet[:200] if snippet else None}


def _iso(d: datetime | None) -> str | None:
    return iso_z(d)


def _local(d: datetime | None) -> str:
    if d is None:
        return "-"
    return d.replace(tzinfo=ZoneInfo("UTC")).astimezone(SEOUL).strftime("%Y-%m-%d %H:%M:%S")


def render_transcript(s: Session, c: Consultation) -> str:
    """The chat as plain text: stored (masked) messages, Seoul time."""
    count = s.scalar(select(func.count(Message.id)).where(Message.consultation_id == c.id))
    lines = [f"120다산콜 채팅 상담 기록 #{c.id}",
             f"시작: {_local(c.started_at)} (KST) · 종료: {_local(c.ended_at)}",
             f"메시지 {count}건 · 개인정보는 가려져 있습니다 (personal data masked)", ""]
    for m in messages_after(s, c.id, 0, limit=10_000):
        stamp = _local(m.created_at)[11:]
        lines.append(f"[{stamp}] {SENDER_KO.get(m.sender, m.sender)}: {m.body}")
    return "\n".join(lines) + "\n"


def staff_transcript(s: Session, user: User, agent: Agent | None, cid: int) -> str:
    """A chat's masked transcript for its agent or a floor lead (an audited export)."""
    c = get_consultation(s, cid)
    if not access.can_handle_chat(user, agent, c):
        scope = access.chat_archive_scope(s, user, agent)
        handled = s.scalar(select(Message.id).where(Message.consultation_id == cid,
                                                    Message.sender_agent_id == scope).limit(1))
        if handled is None:
            access.deny(s, user, "chat.transcript", consultation=cid)
    text = render_transcript(s, c)
    audit.record(s, user, "chat.transcript_export", object_type="consultation", object_id=cid)
    s.commit()
    return text


def citizen_transcript(s: Session, cid: int) -> str:
    """The citizen's own copy (masked like every stored copy; audited as an export)."""
    c = get_consultation(s, cid)
    text = render_transcript(s, c)
    audit.record(s, None, "chat.transcript_export", object_type="consultation", object_id=cid,
                 detail={"by": "citizen"})
    s.commit()
    return text
