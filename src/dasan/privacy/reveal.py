"""The one door to raw personal data: an explicit, audited reveal.

Who may reveal (decision, issue 12):

* ``supervisor`` and ``admin``: any consultation's messages, with a reason.
* ``agent``: only the messages of a chat that is assigned to them *and still open* (to call the
  citizen back on the number they typed, say); once the chat is closed the agent sees masked text
  like everyone else.
* Everyone else (``kb_editor``, ``district_officer``, ``analyst``, integrations on their
  tokens): never. They work on masked text.

Every reveal needs a reason (5-500 characters) and writes an audit row ``pii.reveal`` with who,
which consultation and messages, and why; every refusal writes a ``denied`` row. The checks are
small named functions (``access_reveal``) so they can move into the access-policy module.

One account may reveal at most ``pii_reveals_per_window`` times per ``pii_reveal_window_seconds``
(30 per 10 minutes by default), counted by the shared rate limiter (in Redis when the pub/sub
runs on Redis, so every worker counts together): past it ``limit_reveals`` refuses with 429
(code ``reveal_rate_limited``) before any raw text is read, and writes a ``denied`` row with
``refused: rate_limited`` so the reveal log shows who was stopped.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import audit, ratelimit
from dasan.access import may_reveal_any_pii
from dasan.config import get_settings
from dasan.db.models import Agent, Consultation, Message, User
from dasan.errors import Forbidden, Invalid, NotFound
from dasan.privacy import vault

REASON_MIN, REASON_MAX = 5, 500
ACTION = "pii.reveal"


class RevealDenied(Forbidden):
    code = "reveal_denied"


class ReasonRequired(Invalid):
    code = "reason_required"


class RevealRateLimited(ratelimit.RateLimited):
    """429: this account made too many reveals in the window."""


def limit_reveals(s: Session, user: User, *, object_type: str, object_id: int | str,
                  reason: str, action: str = ACTION, ip: str | None = None) -> None:
    """Count one reveal of ``user``; past the configured limit write a ``denied`` audit row
    (committed, so it survives the refusal) and raise RevealRateLimited."""
    st = get_settings()
    key = f"pii:reveal:user:{user.id}"
    if ratelimit.allow(key, st.pii_reveals_per_window, st.pii_reveal_window_seconds):
        return
    wait = ratelimit.retry_after(key)
    audit.record(s, user, action, object_type=object_type, object_id=object_id,
                 outcome="denied", ip=ip,
                 detail={"refused": "rate_limited", "reason": reason, "role": user.role,
                         "limit": st.pii_reveals_per_window,
                         "window_seconds": st.pii_reveal_window_seconds, "retry_after": wait})
    s.commit()
    raise RevealRateLimited(
        f"too many reveals of personal data: at most {st.pii_reveals_per_window} per "
        f"{st.pii_reveal_window_seconds:g} seconds; try again later", wait,
        code="reveal_rate_limited")


def check_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise ReasonRequired(
            f"a reason of {REASON_MIN}-{REASON_MAX} characters is required to reveal personal "
            "data (사유를 입력해 주세요)"
        )
    return text


def may_reveal_any(user: User | None) -> bool:
    """Whether ``user`` may reveal any consultation's raw text: the access policy's rule."""
    return may_reveal_any_pii(user)


def may_reveal(s: Session, user: User, c: Consultation) -> bool:
    if may_reveal_any(user):
        return True
    if user.role != "agent" or c.status == "closed" or c.agent_id is None:
        return False
    agent = s.scalar(select(Agent).where(Agent.user_id == user.id))
    return agent is not None and agent.id == c.agent_id


def access_reveal(s: Session, user: User, c: Consultation, *, ip: str | None = None,
                  message_id: int | None = None, reason: str | None = None) -> None:
    """Raise RevealDenied (after an audit row, with the reason given) unless ``user`` may see
    ``c``'s raw text."""
    if may_reveal(s, user, c):
        return
    audit.record(s, user, ACTION, object_type="consultation", object_id=c.id,
                 outcome="denied", ip=ip,
                 detail={"role": user.role, "message_id": message_id, "status": c.status,
                         "reason": reason})
    s.commit()
    raise RevealDenied("not allowed to reveal personal data of this consultation")


def reveal(s: Session, user: User, consultation_id: int, reason: str | None, *,
           message_id: int | None = None, ip: str | None = None) -> dict[str, Any]:
    """The raw text of one message, or of every message of a consultation; audited."""
    why = check_reason(reason)
    c = s.get(Consultation, consultation_id)
    if c is None:
        raise NotFound(f"consultation {consultation_id} not found")
    access_reveal(s, user, c, ip=ip, message_id=message_id, reason=why)
    limit_reveals(s, user, object_type="message" if message_id is not None else "consultation",
                  object_id=message_id if message_id is not None else c.id, reason=why, ip=ip)
    query = select(Message).where(Message.consultation_id == c.id).order_by(Message.seq)
    if message_id is not None:
        query = query.where(Message.id == message_id)
    messages = list(s.scalars(query))
    if message_id is not None and not messages:
        raise NotFound(f"message {message_id} not found in consultation {c.id}")
    sealed = vault.open_many(s, vault.MESSAGE_BODY, [m.id for m in messages])
    # The raw text: sealed in the vault (chat and written messages), else the stored body (a
    # row stored raw before `dasan privacy seal-existing` ran: a written thread's message from
    # before session 20 kept it in `body` beside `body_masked`); a message had personal data
    # when its raw text is not its masked one.
    raw = {m.id: sealed.get(m.id, m.body) for m in messages}
    had_pii = {m.id for m in messages if raw[m.id] != m.body_masked}
    audit.record(
        s, user, ACTION,
        object_type="message" if message_id is not None else "consultation",
        object_id=message_id if message_id is not None else c.id,
        ip=ip,
        detail={"consultation_id": c.id, "reason": why, "messages": len(messages),
                "unmasked": sorted(had_pii), "district_code": c.district_code},
    )
    s.commit()
    return {
        "consultation_id": c.id,
        "reason": why,
        "messages": [
            {"message_id": m.id, "seq": m.seq, "sender": m.sender,
             "body": raw[m.id], "body_masked": m.body_masked,
             "had_pii": m.id in had_pii}
            for m in messages
        ],
    }


def reveal_message(s: Session, user: User, message_id: int, reason: str | None, *,
                   ip: str | None = None) -> dict[str, Any]:
    """One message by id (the consultation is looked up)."""
    m = s.get(Message, message_id)
    if m is None:
        check_reason(reason)
        raise NotFound(f"message {message_id} not found")
    return reveal(s, user, m.consultation_id, reason, message_id=message_id, ip=ip)
