"""Honest waits when nobody can serve a queue.

A waiting chat whose queue has no present agent who could take it (every skilled agent is
away or offline) is, after `DASAN_CHAT_OVERFLOW_SECONDS`:
1. moved to the general queue (전방위 overflow) when someone staffed serves that one — except
   for the malicious-caller, foreign-language and sign-language queues, which need their own
   agents;
2. otherwise told so once, in Korean, and offered a callback instead of an empty promise.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat.hub import Outcome, end_contact, system_message, withdraw_offers
from dasan.chat.service import ChatError, get_consultation
from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.models import Consultation, Message, Queue
from dasan.routing import router

NOBODY_KO = ("지금은 이 문의를 받을 수 있는 상담사가 없습니다. 기다리시거나, 전화번호를 남겨 "
             "콜백을 요청하시면 상담 가능 시간에 연락드리겠습니다.")
OVERFLOW_KO = "더 빨리 도와드릴 수 있도록 일반 상담 대기열로 옮겨 연결해 드립니다."
CALLBACK_KO = "콜백 요청이 접수되었습니다. 상담 가능 시간에 남겨 주신 번호로 연락드리겠습니다."
KEEP_OWN_QUEUE = ("malicious", "foreign", "general", "sign_language")


def sweep_overflow(s: Session, now: datetime | None = None) -> Outcome:
    now = now or utcnow()
    out = Outcome()
    since = now - timedelta(seconds=get_settings().chat_overflow_seconds)
    queues = {q.id: q for q in s.scalars(select(Queue))}
    general = next((q for q in queues.values() if q.code == "general"), None)
    staffed: dict[tuple[int, str], int] = {}

    def staff(q: Queue, language: str) -> int:
        key = (q.id, language)
        if key not in staffed:
            staffed[key] = router.staffed_for(s, q, language)
        return staffed[key]

    for c in list(s.scalars(select(Consultation).where(
            Consultation.status == "open", Consultation.agent_id.is_(None),
            Consultation.queue_id.is_not(None), router.live_chat(),
            Consultation.queued_at <= since).order_by(Consultation.id).limit(500))):
        q = queues.get(int(c.queue_id or 0))
        if q is None or staff(q, c.language) > 0:
            continue
        if general is not None and q.code not in KEEP_OWN_QUEUE and staff(general, c.language):
            c.queue_id = general.id
            s.commit()
            system_message(s, out, c.id, OVERFLOW_KO, {"kind": "overflow", "queue": "general"})
            out.state(s, c)
            out.assign = True
            continue
        told = s.scalar(select(Message.id).where(Message.consultation_id == c.id,
                                                 Message.body == NOBODY_KO).limit(1))
        if told is None:
            system_message(s, out, c.id, NOBODY_KO, {"kind": "no_agents",
                                                     "options": ["callback", "qna"]})
    return out


def request_callback(s: Session, cid: int, phone: str) -> Outcome:
    """The citizen leaves a number instead of waiting: the chat ends with outcome `callback`
    (the callback list is the open callbacks of that outcome)."""
    from dasan.consultations.service import citizen_for_phone

    c = get_consultation(s, cid)
    if c.status == "closed":
        raise ChatError("this chat has ended", 409, "chat_ended")
    if c.queue_id is None or c.agent_id is not None:
        raise ChatError("a callback is offered only while waiting for an agent", 409)
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not 9 <= len(digits) <= 11:
        raise ChatError("phone number must have 9-11 digits")
    if c.citizen_id is None:  # a typed number: linked for the callback, not verified
        c.citizen_id = citizen_for_phone(s, digits).id
        c.identity_verified = False
    out = Outcome()
    system_message(s, out, cid, CALLBACK_KO, {"kind": "callback"})
    withdraw_offers(s, out, cid)
    end_contact(c, "callback")
    s.commit()
    out.state(s, c)
    out.result = {"phase": "closed", "outcome": c.outcome}
    return out
