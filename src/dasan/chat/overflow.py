"""Honest waits when nobody can serve a queue.

A waiting chat whose queue has no present agent who could take it (every skilled agent is
away or offline) is, after `DASAN_CHAT_OVERFLOW_SECONDS`:
1. moved to the general queue (전방위 overflow) when someone staffed serves that one — except
   for the malicious-caller, foreign-language and sign-language queues, which need their own
   agents;
2. otherwise told so once, in Korean, and offered a callback, an answer by SMS or the Q&A board
   instead of an empty promise.

An answer by SMS (`request_sms_answer`) turns the wait into a written SMS thread: the chat ends
as `transferred` (to the SMS channel; never answered, since no agent had answered it), and its
question waits in the same queue as an SMS thread with the SMS answer deadline; the agent's
reply goes out through the outbox to the number the citizen left (sealed in the PII vault, shown
masked everywhere).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, true
from sqlalchemy.orm import Session

from dasan import ratelimit
from dasan.chat.hub import Outcome, end_contact, system_message, withdraw_offers
from dasan.chat.service import ChatError, get_consultation
from dasan.config import get_settings, signing_key
from dasan.db.base import utcnow
from dasan.db.models import Consultation, Message, Queue
from dasan.db.models_channels import SmsOptOut
from dasan.routing import router

NOBODY_KO = ("지금은 이 문의를 받을 수 있는 상담사가 없습니다. 기다리시거나, 전화번호를 남겨 "
             "콜백을 요청하시면 상담 가능 시간에 연락드리겠습니다.")
OVERFLOW_KO = "더 빨리 도와드릴 수 있도록 일반 상담 대기열로 옮겨 연결해 드립니다."
CALLBACK_KO = "콜백 요청이 접수되었습니다. 상담 가능 시간에 남겨 주신 번호로 연락드리겠습니다."
SMS_ANSWER_KO = ("문자 답변 요청이 접수되었습니다. 상담사가 답변을 {phone} 번호로 문자로 보내 "
                 "드립니다. 이 채팅은 종료됩니다.")
# A Korean mobile number (01X, then 7 or 8 digits): an SMS answer goes to a mobile only.
_MOBILE = re.compile(r"01[016789]\d{7,8}")
MAX_QUESTION_CHARS = 2000
KEEP_OWN_QUEUE = ("malicious", "foreign", "general", "sign_language")
SWEEP_BATCH = 50  # waiting chats one pass looks at


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

    told = exists().where(Message.consultation_id == Consultation.id, Message.body == NOBODY_KO)
    waiting = (Consultation.status == "open", Consultation.agent_id.is_(None),
               Consultation.queue_id.is_not(None), router.live_chat(),
               Consultation.queued_at <= since)

    def movable(q: Queue, language: str) -> bool:
        return general is not None and q.code not in KEEP_OWN_QUEUE \
            and staff(general, language) > 0

    # Which (queue, language) pairs nobody present can serve; then only their chats that can
    # move to the general queue or were not told yet, at most a batch a pass: a pass runs in
    # the chat's one database turn, so telling a thousand waiting chats at once would hold
    # every other chat's messages for seconds.
    unserved = [and_(Consultation.queue_id == qid, Consultation.language == lang,
                     true() if movable(queues[qid], lang) else ~told)
                for qid, lang in s.execute(select(Consultation.queue_id, Consultation.language)
                                           .where(*waiting).distinct())
                if qid in queues and staff(queues[qid], lang) == 0]
    if not unserved:
        return out
    for c in list(s.scalars(select(Consultation).where(*waiting, or_(*unserved))
                            .order_by(Consultation.id).limit(SWEEP_BATCH))):
        q = queues[int(c.queue_id or 0)]
        if general is not None and movable(q, c.language):
            c.queue_id = general.id
            s.commit()
            system_message(s, out, c.id, OVERFLOW_KO, {"kind": "overflow", "queue": "general"})
            out.state(s, c)
            out.assign = True
            continue
        system_message(s, out, c.id, NOBODY_KO, {"kind": "no_agents",
                                                 "options": ["callback", "sms", "qna"]})
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


def mobile_digits(phone: str) -> str:
    """The digits of a Korean mobile number ("010-1234-5678", "010 1234 5678"), or a refusal."""
    if not isinstance(phone, str) or any(ch not in "0123456789 -" for ch in phone.strip()):
        raise ChatError("the mobile number may hold digits, spaces and hyphens only", 422,
                        "bad_mobile_number")
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not _MOBILE.fullmatch(digits):
        raise ChatError("an SMS answer needs a mobile number (01X, 10 or 11 digits)", 422,
                        "bad_mobile_number")
    return digits


def request_sms_answer(s: Session, cid: int, phone: str) -> Outcome:
    """The citizen leaves a mobile number instead of waiting: the chat's question becomes an
    SMS thread in the same queue (the SMS answer deadline runs from now), the citizen gets the
    usual SMS receipt, and the chat ends as `transferred`. Nothing changes on bad input."""
    from dasan.auth import mask_phone, phone_hash
    from dasan.channels import addresses, live, outbound
    from dasan.channels.catalog import message
    from dasan.channels.sla import due_at
    from dasan.channels.threads import add_message, current_thread, open_thread
    from dasan.consultations.service import citizen_for_phone

    c = get_consultation(s, cid)
    if c.status == "closed":
        raise ChatError("this chat has ended", 409, "chat_ended")
    if c.queue_id is None or c.agent_id is not None:
        raise ChatError("an SMS answer is offered only while waiting for an agent", 409)
    digits = mobile_digits(phone)
    key = phone_hash(digits, signing_key())  # the SMS contact key, as for an inbound SMS
    if s.scalar(select(SmsOptOut.id).where(SmsOptOut.phone_hash == key)) is not None:
        raise ChatError("this number has refused SMS from the center", 409, "sms_opted_out")
    asked = [m.body_masked for m in s.scalars(
        select(Message).where(Message.consultation_id == cid, Message.sender == "citizen")
        .order_by(Message.seq))]
    question = "\n".join(asked).strip()[:MAX_QUESTION_CHARS] or (c.subject or "")
    if not question:
        raise ChatError("the chat has no question to answer yet", 409, "chat_conflict")
    # One number must not be sent SMS without end from chat after chat (anyone may type any
    # number): a few answers per number per window, counted over every worker (Redis).
    st = get_settings()
    limit_key = f"chat:sms_answer:{key}"
    if not ratelimit.allow(limit_key, st.chat_sms_answers_per_number,
                           st.chat_sms_answer_window_seconds):
        raise ratelimit.RateLimited(
            "too many SMS answers asked for this number; try again later or ask for a callback",
            ratelimit.retry_after(limit_key), code="sms_answer_rate_limited")
    citizen = citizen_for_phone(s, digits)
    if c.citizen_id is None:  # a typed number: linked for the answer, not verified
        c.citizen_id = citizen.id
        c.identity_verified = False
    language = c.language or "ko"
    thread = current_thread(s, "sms", key)
    new = thread is None
    if thread is None:
        thread = open_thread(s, channel="sms", contact_key=key, language=language,
                             subject=c.subject or question, reply_address=digits,
                             citizen_id=citizen.id)
        sms = s.get(Consultation, thread.consultation_id)
        assert sms is not None
        sms.queue_id, sms.priority, sms.crisis = c.queue_id, c.priority, c.crisis
        sms.identity_verified = False  # a number typed into a chat proves nothing
    else:  # the citizen already has an SMS thread open: the question joins it
        addresses.keep(s, thread, digits)
        if thread.status == "replied":  # asked again: back in the queue, a fresh deadline
            thread.status = "claimed" if thread.claimed_by_agent_id else "open"
            thread.sla_due_at = due_at("sms", utcnow())
    added = add_message(s, thread, sender="citizen", body=question, direction="in",
                        language=language, flags={"from_chat": cid})
    if new:
        outbound.send(s, thread, message("received", language), sender="system",
                      language=language, flags={"notice": "received"})
    pushed = live.written_event(thread, "message", message_id=added.channel_message.id,
                                direction="in")
    out = Outcome()
    system_message(s, out, cid, SMS_ANSWER_KO.format(phone=mask_phone(digits)),
                   {"kind": "sms_answer", "thread_id": thread.id})
    withdraw_offers(s, out, cid)
    end_contact(c, "transfer_out")
    s.commit()
    out.state(s, c)
    out.events.append(pushed)  # every agent desktop re-reads its written list
    out.result = {"phase": "closed", "outcome": c.outcome, "thread_id": thread.id,
                  "sms_consultation_id": thread.consultation_id}
    return out
