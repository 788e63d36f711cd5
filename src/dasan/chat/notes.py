"""Private notes, supervisor whispers and tags on a chat.

A note is for staff only: the chat's agent writes it (and may @mention a floor lead, who is
alerted on the floor); a whisper is a floor lead's note to the agent of a live chat. Both travel
on the chat's channel as `note` events, which a citizen's socket never receives
(`chat.events.NoteEvent.citizen_visible` is False), and are stored masked.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.chat.hub import SUPERVISOR_CHANNEL, Outcome, consult_channel
from dasan.chat.service import get_consultation
from dasan.db.base import utcnow
from dasan.db.models import Agent, User
from dasan.db.models_desk import ChatNote, ChatTag
from dasan.errors import Conflict, Invalid
from dasan.protection.screening import mask_pii
from dasan.timeutil import iso_z

MAX_NOTE_CHARS = 2000
MAX_TAGS = 10
TAG_RE = re.compile(r"^[0-9A-Za-z가-힣_·-]{1,32}$")
MENTION_RE = re.compile(r"@([A-Za-z0-9_.-]{2,64})")


def note_view(s: Session, n: ChatNote) -> dict[str, Any]:
    author = s.get(User, n.author_user_id)
    return {"id": n.id, "kind": n.kind, "body": n.body, "mentions": list(n.mentions or []),
            "author": author.display_name if author else None,
            "at": iso_z(n.created_at)}


def _mentions(s: Session, body: str) -> list[str]:
    """The floor leads named with @username in `body` (others are ignored)."""
    names = sorted(set(MENTION_RE.findall(body)))
    if not names:
        return []
    return [u.username for u in s.scalars(select(User).where(User.username.in_(names)))
            if access.is_floor_lead(u)]


def mentionable(s: Session) -> list[dict[str, str]]:
    """Who a note may @mention (the floor leads), for the desktop's autocomplete."""
    return [{"username": u.username, "name": u.display_name}
            for u in s.scalars(select(User).order_by(User.username)) if access.is_floor_lead(u)]


def add_note(s: Session, user: User, agent: Agent | None, cid: int, body: str,
             kind: str = "note") -> Outcome:
    """Write a note (the chat's agent or a floor lead) or a whisper (floor leads, live chats)."""
    c = get_consultation(s, cid)
    text = (body or "").strip()
    if not text or len(text) > MAX_NOTE_CHARS or "\x00" in text:
        raise Invalid(f"a note has 1-{MAX_NOTE_CHARS} characters", code="note_bad_body")
    if kind == "whisper":
        access.access_floor(s, user, "chat.whisper", consultation=cid)
        if c.status != "open" or c.agent_id is None:
            raise Conflict("whispers go to the agent of a live chat", code="chat_not_live")
    elif kind == "note":
        access.access_chat(s, user, agent, c, "chat.note")
    else:
        raise Invalid("kind must be note or whisper", code="note_bad_kind")
    n = ChatNote(consultation_id=cid, author_user_id=user.id, kind=kind, body=mask_pii(text),
                 mentions=_mentions(s, text), created_at=utcnow())
    s.add(n)
    if kind == "whisper":
        audit.record(s, user, "chat.whisper", object_type="consultation", object_id=cid)
    s.commit()
    view = note_view(s, n)
    event = {"type": "note", "consultation_id": cid, "note": view}
    out = Outcome(result=view)
    out.events.append((consult_channel(cid), event))
    if n.mentions:
        out.events.append((SUPERVISOR_CHANNEL, event))
    return out


def notes_of(s: Session, user: User, agent: Agent | None, cid: int) -> list[dict[str, Any]]:
    access.access_chat(s, user, agent, get_consultation(s, cid), "chat.notes")
    return [note_view(s, n) for n in s.scalars(
        select(ChatNote).where(ChatNote.consultation_id == cid).order_by(ChatNote.id))]


def tags_of(s: Session, cid: int) -> list[str]:
    return list(s.scalars(select(ChatTag.tag).where(ChatTag.consultation_id == cid)
                          .order_by(ChatTag.tag)))


def clean_tag(raw: str) -> str:
    tag = (raw or "").strip().lstrip("#")
    if not TAG_RE.match(tag):
        raise Invalid("a tag has 1-32 letters, digits, Hangul, _ · or -", code="tag_invalid")
    return tag


def set_tag(s: Session, user: User, agent: Agent | None, cid: int, raw: str, on: bool
            ) -> Outcome:
    """Add (`on`) or remove a tag; open or closed chats alike."""
    c = get_consultation(s, cid)
    access.access_chat(s, user, agent, c, "chat.tag")
    tag = clean_tag(raw)
    row = s.get(ChatTag, (cid, tag))
    if on and row is None:
        if len(tags_of(s, cid)) >= MAX_TAGS:
            raise Conflict(f"a chat has at most {MAX_TAGS} tags", code="tag_limit")
        s.add(ChatTag(consultation_id=cid, tag=tag, added_by=user.id, created_at=utcnow()))
    elif not on and row is not None:
        s.delete(row)
    s.commit()
    tags = tags_of(s, cid)
    out = Outcome(result={"consultation_id": cid, "tags": tags})
    out.events.append((consult_channel(cid), {"type": "tags", "consultation_id": cid,
                                              "tags": tags}))
    return out
