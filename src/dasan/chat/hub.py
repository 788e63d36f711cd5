"""The live chat hub: what happens when a citizen or an agent does something.

Each operation runs in two halves. The synchronous half (in a worker thread) does the database
work and commits — the message is persisted before anything else happens — and returns the
events to publish. The asynchronous half publishes them on the pub/sub (`consult:<id>` for
everyone on a chat, `agent:<id>` for one agent's desktop, `supervisor` for the wall board),
runs assignment when a chat starts waiting or an agent frees up, and pushes fresh assistant
recommendations to the agent.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import ratelimit
from dasan.assist import recommend
from dasan.chat import attachments, bot, desk, snooze
from dasan.chat.pubsub import Event, PubSub
from dasan.chat.service import (
    ChatError,
    ChatRow,
    Stored,
    append_message,
    consultation_view,
    get_consultation,
    lock_chat,
    message_event,
    phase,
    set_subject,
    start_chat,
    validate_message,
)
from dasan.config import get_settings
from dasan.consultations import outcomes
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, KbEntry, Message, User
from dasan.db.session import new_session
from dasan.errors import DomainError
from dasan.presence import offers
from dasan.presence import service as presence
from dasan.presence import states as presence_states
from dasan.presence.events import ContactsReleased, PresenceEvent, StateChanged
from dasan.privacy.notice import sensitive_notice
from dasan.protection import crisis_playbook, policy
from dasan.protection.screening import (
    BatchScreener,
    Screening,
    detect_language,
    mask_pii,
    screen,
    screening_processes,
)
from dasan.routing import router
from dasan.text.pii import mask
from dasan.text.record_clean import for_record
from dasan.timeutil import iso_z, local_today

log = logging.getLogger(__name__)
T = TypeVar("T")
SLOW_THREADS = get_settings().chat_slow_threads

WAITING_KO = "상담사 연결을 기다리고 있습니다. 순서대로 연결해 드립니다."


def _catalogue(key: str, language: str) -> str:
    """A catalogue string of the written channels in the citizen's language (UI strings written
    once, not machine translation)."""
    from dasan.channels.catalog import message

    return message(key, language)


def foreign_waiting(language: str) -> str:
    """The waiting notice of a chat in en/zh/ja/vi/mn, in the citizen's language."""
    return f"{_catalogue('received', language)} {_catalogue('foreign_queue', language)}"
CONNECTED_KO = "{name} 상담사가 연결되었습니다."
TRANSFERRED_KO = "다른 상담사에게 상담을 넘겨 드립니다. 잠시만 기다려 주세요."
CLOSED_KO = "상담이 종료되었습니다. 이용해 주셔서 감사합니다."
LEFT_KO = "시민이 상담을 종료했습니다."
REQUEUED_KO = ("상담사 연결이 끊어져 다른 상담사에게 먼저 연결해 드립니다. "
               "이전 대화 내용은 그대로 전달됩니다.")
SURVEY_KO = "상담은 만족스러우셨나요? 1점(매우 불만)부터 5점(매우 만족)까지 골라 주세요."
SURVEY_EN = "How satisfied were you with this chat? Pick 1 (very poor) to 5 (very good)."
SNOOZED_KO = ("상담사가 확인을 위해 상담을 잠시 보류했습니다. 메시지를 남기시면 상담사에게 "
              "바로 전달됩니다.")
WOKE_KO = "보류했던 상담을 다시 이어갑니다."
WOKE_REQUEUED_KO = ("보류했던 상담사가 지금 자리에 없어 다른 상담사에게 먼저 연결해 드립니다. "
                    "이전 대화 내용은 그대로 전달됩니다.")
FEEDBACK_YES = "네, 도움이 되었어요"
FEEDBACK_NO = "아니요, 도움이 되지 않았어요"


def consult_channel(cid: int) -> str:
    return f"consult:{cid}"


def agent_channel(agent_id: int) -> str:
    return f"agent:{agent_id}"


SUPERVISOR_CHANNEL = "supervisor"


@dataclass
class Outcome:
    """What a synchronous step produced (`result`: what the caller may be told)."""

    events: list[tuple[str, Event]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    assign: bool = False
    assist: tuple[int, int] | None = None  # (consultation id, agent id)
    process: bool = False  # a stored citizen message still needs `process_citizen_message`
    chat_agent: int | None = None  # the chat's agent when the message was stored

    def message(self, m: Message) -> None:
        self.events.append((consult_channel(m.consultation_id), message_event(m)))

    def state(self, s: Session, c: Consultation) -> None:
        view = consultation_view(s, c)
        self.events.append((consult_channel(c.id), {"type": "state", "consultation": view}))

    def to_agent(self, agent_id: int, event: Event) -> None:
        self.events.append((agent_channel(agent_id), event))


# SQLite admits one writer at a time, and a blocked writer waits in SQLite's busy handler, which
# sleeps in growing steps (up to 100 ms) instead of waking when the lock frees: under load that
# sleep became the chat's tail latency. On SQLite the steps below therefore take turns in this
# process; PostgreSQL keeps them concurrent (row locks do the work there).
_SQLITE_TURNS = threading.RLock()
SQLITE_TURN_THREADS = 2  # one in its turn, one ready for the next


def _session_call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    turn = _SQLITE_TURNS if get_settings().database_url.startswith("sqlite") else nullcontext()
    with turn:
        s = new_session()
        try:
            return fn(s, *args, **kwargs)
        except Exception:
            s.rollback()
            raise
        finally:
            s.close()


async def _on_thread(limiter: anyio.CapacityLimiter | None, fn: Callable[..., T], *args: Any,
                     **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` on a worker thread of `limiter`'s pool (None: anyio's default)."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs),
                                          limiter=limiter)


def system_message(s: Session, out: Outcome, cid: int, body: str,
                   flags: dict[str, Any] | None = None, sender: str = "system",
                   allow_closed: bool = False) -> Stored:
    stored = append_message(s, cid, sender, body, flags=flags, allow_closed=allow_closed)
    out.message(stored.message)
    return stored


def _citizen_text(s: Session, cid: int) -> str:
    return " ".join(s.scalars(select(Message.body).where(
        Message.consultation_id == cid, Message.sender == "citizen").order_by(Message.seq)))


def _mostly_hangul(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    hangul = sum(1 for ch in letters if "\uac00" <= ch <= "\ud7a3")
    return bool(letters) and hangul / len(letters) >= 0.5


def _has_later(s: Session, cid: int, seq: int) -> bool:
    return s.scalar(select(Message.id).where(Message.consultation_id == cid, Message.seq > seq)
                    .limit(1)) is not None


def _misses(s: Session, cid: int) -> int:
    """Consecutive bot misses at the end of the conversation."""
    n = 0
    for flags in s.scalars(select(Message.flags).where(
            Message.consultation_id == cid, Message.sender == "bot").order_by(Message.seq.desc())
            .limit(5)):
        if (flags or {}).get("kind") in ("miss", "related"):
            n += 1
        else:
            break
    return n


# --- synchronous steps ------------------------------------------------------------------------


def open_chat(s: Session, language: str = "ko", phone: str | None = None) -> Outcome:
    """Open a chat. A phone number typed here is a claim, not an identity: the chat is linked
    to that citizen but marked unverified, so it never opens their earlier contacts."""
    citizen_id = None
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if not 9 <= len(digits) <= 11:
            raise ChatError("phone number must have 9-11 digits")
        from dasan.consultations.service import citizen_for_phone

        citizen_id = citizen_for_phone(s, digits).id
    c = start_chat(s, language, citizen_id)
    c.identity_verified = citizen_id is None
    s.commit()
    out = Outcome(result={"consultation_id": c.id})
    system_message(s, out, c.id, greeting(c.language), {"kind": "greeting"}, sender="bot")
    return out


def greeting(language: str) -> str:
    """The bot's first words, in the chat's language (UI catalogue strings)."""
    return bot.GREETING_KO if language == "ko" else _catalogue("chat_greeting", language)


def handoff(s: Session, c: Consultation, out: Outcome, reason: str) -> None:
    if phase(c) != "bot":
        return
    decision = router.decide(s, _citizen_text(s, c.id), language=c.language, crisis=c.crisis,
                             citizen_id=c.citizen_id if c.identity_verified else None)
    router.enqueue(s, c, decision)
    if reason != "not_helpful":  # a "아니요" is its own gap record already
        bot.record_handoff(s, c.id, reason)  # knowledge gap: handed off after a bot answer
    c.channel = "web"  # a live chat from here on
    s.commit()
    system_message(s, out, c.id, WAITING_KO if c.language == "ko" else foreign_waiting(c.language),
            {"kind": "waiting", "queue": decision.queue_code, "reason": reason})
    out.state(s, c)
    out.assign = True


def store_citizen_message(s: Session, cid: int, body: str, client_msg_id: str | None
                          ) -> Outcome:
    """Persist a citizen message (the part the ack and the delivery wait for).

    `process` says whether :func:`process_citizen_message` must follow: always for a
    new message; for a resend only when its processing was lost (the server stopped between
    storing it and the bot's reply, so it is still the last message of a bot chat).

    The busiest statement path of the chat: the chat's row is locked and read in one statement
    (no ORM load), the text is masked once (stored body, subject and notice), and the message is
    stored with prebuilt statements.
    """
    body = validate_message("citizen", body, client_msg_id)
    found = mask(body)
    chat = lock_chat(s, cid)
    if chat.status == "closed":
        s.rollback()
        raise ChatError("this chat has ended", 409, "chat_ended")
    limit_citizen_messages(chat.id, chat.started_at)
    if chat.subject is None:
        set_subject(s, cid, found.masked)
    stored = append_message(s, cid, "citizen", body, client_msg_id=client_msg_id,
                            locked=chat, masked=found.masked)
    m = stored.message
    c: Consultation | None = None
    woken = None
    if chat.status == snooze.PENDING:  # on hold: the citizen's message ends the hold
        c = get_consultation(s, cid)
        woken = snooze.wake(s, c, "citizen")
        if woken is not None:
            s.commit()
    now: Consultation | ChatRow = c if c is not None else chat
    process = stored.created or (phase(now) == "bot" and not _has_later(s, cid, m.seq))
    out = Outcome(result={"seq": m.seq, "client_msg_id": client_msg_id,
                          "duplicate": not stored.created, "phase": phase(now)},
                  process=process, chat_agent=now.agent_id)
    if stored.created:
        out.message(m)
        notice = sensitive_notice(body, found.spans)
        if notice is not None:
            system_message(s, out, cid, notice["ko"], {"kind": "pii_notice", "en": notice["en"]})
    if woken is not None and c is not None:
        _woken(s, out, c, woken)
    return out


def limit_citizen_messages(cid: int, started_at: datetime) -> None:
    """A citizen flooding a chat is refused (429, nothing stored) past
    `DASAN_CHAT_CITIZEN_MESSAGES_PER_MINUTE` messages a minute; the counter is per chat and
    shared by every worker when the pub/sub is Redis."""
    limit = get_settings().chat_citizen_messages_per_minute
    key = f"chat-msg:{cid}:{started_at.isoformat()}"  # ids restart in a fresh database
    if not ratelimit.allow(key, limit, 60.0):
        wait = ratelimit.retry_after(key)
        raise ratelimit.RateLimited(
            f"too many messages in this chat (limit {limit} a minute); wait {wait} s",
            wait, code="chat_rate_limited")


def needs_processing_step(scr: Screening, seq: int, body: str, chat_phase: str) -> bool:
    """Whether :func:`process_citizen_message` could change anything.

    A clean message (no abuse, no crisis) to a waiting or live chat, past the first messages
    (whose language is checked) or plainly Korean, needs no database step: at most the
    agent's assistant is refreshed. Skipping it halves the writes of a busy chat.
    """
    if scr.is_abusive or scr.crisis or chat_phase not in ("waiting", "live"):
        return True
    if chat_phase == "live" and get_settings().translation == "openai" \
            and not _mostly_hangul(body):
        return True  # a foreign-language message, translated for the agent
    return seq <= 3 and len(body) >= 8 and not _mostly_hangul(body)


def process_citizen_message(s: Session, cid: int, seq: int, scr: Screening | None = None
                            ) -> Outcome:
    """Abuse policy, crisis routing, the bot's reply, the assistant (`scr`: the message's
    screening when it was done already, batched with other chats' messages)."""
    out = Outcome()
    c = get_consultation(s, cid)
    msg = s.scalar(select(Message).where(Message.consultation_id == cid, Message.seq == seq))
    if msg is None or msg.sender != "citizen":
        raise ChatError(f"no citizen message {seq} in chat {cid}", 404)
    if c.status == "closed":
        return out
    body = msg.body
    if scr is None:
        scr = screen(body)
    flags: dict[str, Any] = {}
    if scr.is_abusive:
        flags["abuse"] = {"category": scr.category, "severity": scr.severity}
    if scr.crisis:
        flags["crisis"] = True
    if flags:
        msg.flags = {**(msg.flags or {}), **flags}
        out.events.append((consult_channel(cid), {"type": "flags", "consultation_id": cid,
                                                  "seq": seq, "flags": msg.flags}))
    if seq <= 3 and c.language == "ko" and len(body) >= 8 and not _mostly_hangul(body):
        lang = detect_language(body)
        if lang != c.language:
            c.language = lang
    s.commit()
    ph = phase(c)
    if scr.crisis:
        if not c.crisis:
            c.crisis = True
            c.priority = max(c.priority or 0, router.CRISIS_PRIORITY)
            s.commit()
            system_message(s, out, cid, policy.CRISIS_KO if c.language == "ko"
                           else _catalogue("crisis_notice", c.language), {"kind": "crisis"})
        if ph == "bot":
            handoff(s, c, out, "crisis")
        else:
            out.state(s, c)
            out.assign = ph == "waiting"
        _crisis_playbook(s, c, out, scr, body)
        if ph == "live" and c.agent_id:
            out.assist = (cid, c.agent_id)
        return out
    if scr.is_abusive:
        step = policy.apply(s, c, scr, msg.id)
        assert step is not None
        s.commit()
        system_message(s, out, cid, step.notice_ko if c.language == "ko"
                       else _catalogue(f"abuse_{step.action}", c.language),
                {"kind": "policy", "action": step.action, "en": step.notice_en},
                allow_closed=step.terminate)
        if c.agent_id:
            out.to_agent(c.agent_id, {"type": "abuse", "consultation_id": cid,
                                      "action": step.action, "seq": seq,
                                      "category": scr.category, "severity": scr.severity})
        if step.terminate:
            out.state(s, c)
            if c.agent_id:
                router.refresh_busy(s, c.agent_id)
                s.commit()
                out.to_agent(c.agent_id, policy.break_offered(cid, step.care_id))
            out.assign = True
        return out
    if ph == "bot" and c.language != "ko":
        _foreign_bot_turn(s, c, out, body)
    elif ph == "bot":
        reply = bot.respond(s, body, _misses(s, cid), consultation_id=cid)
        system_message(s, out, cid, reply.body, reply.flags, sender="bot")
        if reply.handoff:
            handoff(s, c, out, "bot")
    elif ph == "live" and c.agent_id:
        _translate_for_agent(s, c, out, msg)
        out.assist = (cid, c.agent_id)
    return out


def _sentence_translator(c: Consultation) -> Any:
    """The translation port's engine for a foreign-language chat, when it translates whole
    sentences (None for a Korean chat, or with the offline glossary or no engine)."""
    if c.language == "ko":
        return None
    from dasan.channels.translation import get_translator

    translator = get_translator()
    return translator if translator.full_sentences else None


def _translate_for_agent(s: Session, c: Consultation, out: Outcome, msg: Message) -> None:
    """A foreign-language citizen's message in a live chat, translated into Korean for the
    agent (beside the original, which stays the message): a `flags` event updates the desk."""
    translator = _sentence_translator(c)
    if translator is None or _mostly_hangul(msg.body):
        return
    got = translator.translate(msg.body, c.language, "ko")
    if got is None or got.partial or not got.text.strip():
        return
    msg.flags = {**(msg.flags or {}), "translation": mask(got.text).masked,
                 "translation_language": "ko"}
    s.commit()
    out.events.append((consult_channel(c.id), {"type": "flags", "consultation_id": c.id,
                                               "seq": msg.seq, "flags": msg.flags}))


def _foreign_bot_turn(s: Session, c: Consultation, out: Outcome, body: str) -> None:
    """The bot's turn in a chat whose citizen writes en/zh/ja/vi/mn: the written channels' bot
    (`dasan.channels.written_bot`: the cross-lingual search, the answer translated through the
    translation port when one is configured, else the Korean answer under a line in the
    citizen's language). No confident answer: the chat goes to the foreign-language queue at
    once, told so in the citizen's language (the Korean path's second try would only repeat
    the same search)."""
    from dasan.channels import written_bot
    from dasan.channels.translation import get_translator

    ans = written_bot.answer(s, body, c.language, get_translator(),
                             masks={body: mask(body).masked})
    if ans is None or ans.entry_id is None:  # (a small-talk reply is for Korean only)
        handoff(s, c, out, "bot")
        return
    c.kb_entry_id = ans.entry_id
    s.commit()
    entry = s.get(KbEntry, ans.entry_id)
    owner = entry.owner.name if entry is not None and entry.owner is not None else None
    system_message(s, out, c.id, ans.body, {
        "kind": "answer", "entry": {"id": ans.entry_id, "owner": owner}, "ask_feedback": True,
        "language": c.language, "translated": ans.translated, "original_ko": ans.original_ko},
        sender="bot")


def _crisis_playbook(s: Session, c: Consultation, out: Outcome, scr: Screening, body: str
                     ) -> None:
    """The kind's crisis playbook (`dasan.protection.crisis_playbook`): crisis queue,
    supervisor alert, the agent's guidance, welfare case, audit."""
    resp = crisis_playbook.respond(s, c, scr.crisis_kind or "suicide", scr.crisis_severity or 3,
                                   scr.crisis_imminent, body)
    s.commit()
    out.events.extend(resp.events)
    if resp.queue_code is not None:
        out.state(s, c)
        out.assign = True


def request_handoff(s: Session, cid: int) -> Outcome:
    c = get_consultation(s, cid)
    if c.status == "closed":
        raise ChatError("this chat has ended", 409, "chat_ended")
    out = Outcome()
    if phase(c) == "bot":
        if c.language == "ko":  # a foreign-language chat is told by the waiting notice
            system_message(s, out, cid, bot.HANDOFF_KO, {"kind": "handoff"}, sender="bot")
        handoff(s, c, out, "requested")
    out.result = {"phase": phase(c)}
    return out


def feedback(s: Session, cid: int, helpful: bool, entry_id: int | None,
             client_msg_id: str | None) -> Outcome:
    c = get_consultation(s, cid)
    if c.status == "closed":
        raise ChatError("this chat has ended", 409, "chat_ended")
    stored = append_message(s, cid, "citizen", FEEDBACK_YES if helpful else FEEDBACK_NO,
                            client_msg_id=client_msg_id,
                            flags={"feedback": "yes" if helpful else "no", "entry_id": entry_id})
    out = Outcome(result={"seq": stored.message.seq, "duplicate": not stored.created})
    if not stored.created:
        return out
    out.message(stored.message)
    if phase(c) != "bot":
        return out
    if helpful:
        if entry_id is not None:
            c.kb_entry_id = entry_id
        s.commit()
        system_message(s, out, cid, bot.THANKS_KO if c.language == "ko"
                       else _catalogue("chat_thanks", c.language), {"kind": "thanks"},
                       sender="bot")
        return out
    related: list[dict[str, Any]] = []
    question = _last_question(s, cid)
    if c.language != "ko":
        # A foreign-language citizen said the answer did not help: the gap goes to the owner
        # and the chat to an agent who speaks the language (Korean "related" titles would not
        # help them).
        if question:
            bot.record_not_helpful(s, cid, question, entry_id)
        handoff(s, c, out, "not_helpful")
        return out
    if question:
        bot.record_not_helpful(s, cid, question, entry_id)  # knowledge gap for the owner
        related = [{"id": r.entry_id, "title": r.title}
                   for r in recommend.search(s, question, k=4) if r.entry_id != entry_id][:3]
    system_message(s, out, cid, bot.NOT_HELPFUL_KO,
            {"kind": "related", "related": related, "offer_handoff": True}, sender="bot")
    return out


def _last_question(s: Session, cid: int) -> str:
    for body, flags in s.execute(select(Message.body, Message.flags).where(
            Message.consultation_id == cid, Message.sender == "citizen")
            .order_by(Message.seq.desc()).limit(10)):
        if not (flags or {}).get("feedback") and not (flags or {}).get("selected"):
            return str(body)
    return ""


def select_entry(s: Session, cid: int, entry_id: int, client_msg_id: str | None) -> Outcome:
    from dasan.db.models import KbEntry

    c = get_consultation(s, cid)
    if c.status == "closed":
        raise ChatError("this chat has ended", 409, "chat_ended")
    entry = s.get(KbEntry, entry_id)
    if entry is None or entry.status != "published":
        raise ChatError(f"knowledge entry {entry_id} not found", 404)
    stored = append_message(s, cid, "citizen", entry.title, client_msg_id=client_msg_id,
                            flags={"selected": entry_id})
    out = Outcome(result={"seq": stored.message.seq, "duplicate": not stored.created})
    if not stored.created:
        return out
    out.message(stored.message)
    if phase(c) == "bot":
        today = local_today()
        rec = recommend.Recommendation(
            entry.id, entry.title, entry.answer or "", entry.category, entry.program,
            entry.owner.name if entry.owner else None,
            entry.review_due.isoformat() if entry.review_due else None,
            bool(entry.review_due and entry.review_due < today), 1.0, 0.0)
        reply = bot.answer_reply(rec)
        system_message(s, out, cid, reply.body, reply.flags, sender="bot")
    return out


def end_contact(c: Consultation, how: str) -> None:
    """Close a chat with its outcome (the definitions live in `consultations.outcomes`)."""
    now = utcnow()
    c.status = "closed"
    c.ended_at = now
    c.outcome = outcomes.outcome_for(outcomes.Ending(
        agent_answered=c.answered_at is not None, reached_queue=c.queue_id is not None,
        offered=c.agent_id is not None, bot_answered=c.kb_entry_id is not None, how=how))
    if c.answered_at:
        c.handle_seconds = (now - c.answered_at).total_seconds()


def citizen_leave(s: Session, cid: int) -> Outcome:
    c = get_consultation(s, cid)
    out = Outcome()
    if c.status == "closed":
        out.result = {"phase": "closed"}
        return out
    system_message(s, out, cid, LEFT_KO, {"kind": "left"})
    withdraw_offers(s, out, cid)
    snooze.wake(s, c, "closed")
    end_contact(c, "citizen_left")
    s.commit()
    out.state(s, c)
    if c.agent_id is not None:
        router.refresh_busy(s, c.agent_id)
        s.commit()
        out.to_agent(c.agent_id, {"type": "closed", "consultation_id": cid, "by": "citizen"})
        out.assign = True
    out.result = {"phase": "closed"}
    return out


# --- agent side -------------------------------------------------------------------------------


def _own_chat(s: Session, agent: Agent | None, cid: int, supervisor: bool = False
              ) -> Consultation:
    c = get_consultation(s, cid)
    if supervisor:
        return c
    if agent is None or c.agent_id != agent.id:
        raise ChatError("this chat is not assigned to you", 403, "chat_not_yours")
    return c


def agent_message(s: Session, agent: Agent, cid: int, body: str, client_msg_id: str | None,
                  entry_id: int | None = None) -> Outcome:
    c = _own_chat(s, agent, cid)
    if c.status == "closed":
        raise ChatError("this chat has ended", 409, "chat_ended")
    if c.status == snooze.PENDING:
        raise snooze.Snoozed()
    flags: dict[str, Any] = {}
    if entry_id is not None:
        flags["kb_entry_id"] = entry_id
        c.kb_entry_id = entry_id
    translator = _sentence_translator(c)
    if translator is not None and _mostly_hangul(body):
        # The agent wrote Korean to a citizen who does not: the citizen gets the translation,
        # and the Korean original stays beside it (masked, as every stored text).
        got = translator.translate(body, "ko", c.language)
        if got is not None and not got.partial and got.text.strip():
            flags.update({"original": mask(body).masked, "original_language": "ko",
                          "translated": True})
            body = got.text
    _answered(c)
    stored = append_message(s, cid, "agent", body, client_msg_id=client_msg_id,
                            agent_id=agent.id, flags=flags)
    out = Outcome(result={"seq": stored.message.seq, "client_msg_id": client_msg_id,
                          "duplicate": not stored.created})
    if stored.created:
        out.message(stored.message)
    return out


def _answered(c: Consultation) -> None:
    """The first agent message (or file) is what "answered" means (ADR 0004)."""
    if c.answered_at is None:
        now = utcnow()
        c.answered_at = now
        c.wait_seconds = (now - (c.queued_at or c.started_at)).total_seconds()


# --- files in a chat (images and PDFs, both ways) ---------------------------------------------


def citizen_attachment(s: Session, cid: int, data: bytes, content_type: str | None,
                       name: str | None) -> Outcome:
    """The citizen sends a file: checked (nothing stored when refused), stored, one message.
    Like a message, it brings a held chat back."""
    c = get_consultation(s, cid)
    if c.status == "closed":
        raise ChatError("this chat has ended", 409, "chat_ended")
    checked = attachments.check(data, content_type, name)
    attachments.limit(c.id, "citizen", c.started_at)
    row = attachments.store(s, c, checked, "citizen", None)
    stored = append_message(s, cid, "citizen", attachments.BODY_KO.format(name=row.name),
                            flags=attachments.flags(row))
    row.seq = stored.message.seq
    woken = snooze.wake(s, c, "citizen") if c.status == snooze.PENDING else None
    s.commit()
    out = Outcome(result={"seq": row.seq, **attachments.flags(row)})
    out.message(stored.message)
    if woken is not None:
        _woken(s, out, c, woken)
    return out


def agent_attachment(s: Session, agent: Agent, cid: int, data: bytes,
                     content_type: str | None, name: str | None) -> Outcome:
    """The agent sends a file to the citizen of their chat (an agent reply: ADR 0004)."""
    c = _own_chat(s, agent, cid)
    if c.status == "closed":
        raise ChatError("this chat has ended", 409, "chat_ended")
    if c.status == snooze.PENDING:
        raise snooze.Snoozed()
    checked = attachments.check(data, content_type, name)
    attachments.limit(c.id, "agent", c.started_at)
    row = attachments.store(s, c, checked, "agent", agent.id)
    _answered(c)
    stored = append_message(s, cid, "agent", attachments.BODY_KO.format(name=row.name),
                            agent_id=agent.id, flags=attachments.flags(row))
    row.seq = stored.message.seq
    s.commit()
    out = Outcome(result={"seq": row.seq, **attachments.flags(row)})
    out.message(stored.message)
    return out


def close_chat(s: Session, agent: Agent | None, cid: int, summary: str | None,
               category: str | None, supervisor: bool = False) -> Outcome:
    """The agent ends the chat (or saves the wrap-up of an already ended one)."""
    c = _own_chat(s, agent, cid, supervisor)
    out = Outcome()
    if c.status != "closed":
        system_message(s, out, cid, CLOSED_KO, {"kind": "closed"})
        by_other = supervisor and (agent is None or c.agent_id != agent.id)
        withdraw_offers(s, out, cid)
        snooze.wake(s, c, "closed")
        end_contact(c, "supervisor" if by_other else "agent_closed")
        if c.answered_at is not None:  # only a chat an agent answered is surveyed
            system_message(s, out, cid, SURVEY_KO, {"kind": "survey", "en": SURVEY_EN},
                           allow_closed=True)
        if c.agent_id is not None:
            out.to_agent(c.agent_id, {"type": "closed", "consultation_id": cid, "by": "agent"})
    if summary is not None:
        text = summary.strip()
        if len(text) > 4000:
            raise ChatError("summary is too long (> 4000 characters)")
        c.summary = for_record(text) if text else None
    if category is not None:
        c.category = category.strip()[:64] or None
    s.commit()
    out.state(s, c)
    if c.agent_id is not None:
        router.refresh_busy(s, c.agent_id)
        s.commit()
    out.assign = True
    out.result = {"consultation": consultation_view(s, c)}
    return out


def transfer(s: Session, agent: Agent | None, cid: int, to_agent_id: int | None,
             to_queue: str | None, supervisor: bool = False) -> Outcome:
    if (to_agent_id is None) == (to_queue is None):
        raise ChatError("give exactly one of agent_id or queue", 400, "transfer_target")
    c = _own_chat(s, agent, cid, supervisor)
    if c.status == "closed":
        raise ChatError("this chat has ended", 409, "chat_ended")
    if c.status == snooze.PENDING:
        raise snooze.Snoozed()
    out = Outcome()
    try:
        if to_agent_id is not None:
            previous = router.transfer_to_agent(s, c, to_agent_id)
        else:
            assert to_queue is not None
            previous = router.transfer_to_queue(s, c, to_queue)
    except DomainError as exc:
        raise ChatError(exc.message, 409, exc.code) from exc
    except ValueError as exc:
        raise ChatError(str(exc), 409) from exc
    s.commit()
    system_message(s, out, cid, TRANSFERRED_KO, {"kind": "transferred", "to_agent": to_agent_id,
                                          "to_queue": to_queue})
    if previous is not None:
        out.to_agent(previous, {"type": "unassigned", "consultation_id": cid})
    if c.agent_id is not None:
        new_agent = s.get(Agent, c.agent_id)
        system_message(s, out, cid, CONNECTED_KO.format(name=new_agent.name if new_agent else ""),
                {"kind": "connected", "agent_name": new_agent.name if new_agent else None})
        out.to_agent(c.agent_id, {"type": "assigned", "consultation": consultation_view(s, c)})
    out.state(s, c)
    out.assign = True
    out.result = {"consultation": consultation_view(s, c)}
    return out


def crisis_handover(s: Session, agent: Agent | None, user: User, cid: int,
                    supervisor: bool = False) -> Outcome:
    """The crisis panel's one click on a chat: to the playbook's crisis-trained queue (audited
    by the playbook), then the ordinary transfer; the guidance stays with the contact."""
    _own_chat(s, agent, cid, supervisor)  # only the chat's agent (or a floor lead)
    queue = crisis_playbook.crisis_queue_for_handover(s, user, cid)
    return transfer(s, agent, cid, None, queue, supervisor)


def run_assignment(s: Session) -> Outcome:
    out = Outcome()
    done = router.assign_waiting(s)
    for a in done:
        c = s.get(Consultation, a.consultation_id)
        assert c is not None
        s.refresh(c)
        if a.offered:
            assert a.offer_id is not None and a.expires_at is not None
            out.to_agent(a.agent_id, desk.offer_event(s, c, a.offer_id, a.expires_at))
        else:
            _connected(s, out, c, a.agent_id)
    out.result = {"assigned": sum(1 for a in done if not a.offered),
                  "offered": sum(1 for a in done if a.offered)}
    return out


def _connected(s: Session, out: Outcome, c: Consultation, agent_id: int) -> None:
    agent = s.get(Agent, agent_id)
    assert agent is not None
    system_message(s, out, c.id, CONNECTED_KO.format(name=agent.name),
                   {"kind": "connected", "agent_name": agent.name})
    out.to_agent(agent.id, {"type": "assigned", "consultation": consultation_view(s, c)})
    out.state(s, c)


def accept_offer(s: Session, agent_id: int, offer_id: int) -> Outcome:
    """The agent accepts: exactly one accept of an open offer wins (`OfferGone` otherwise)."""
    decided = offers.accept(s, offer_id, agent_id, utcnow())
    out = Outcome()
    c = get_consultation(s, decided.consultation_id)
    s.refresh(c)
    router.refresh_busy(s, agent_id)
    s.commit()
    _connected(s, out, c, agent_id)
    out.to_agent(agent_id, {"type": "offer_closed", "offer_id": offer_id,
                            "consultation_id": c.id, "status": "accepted"})
    out.result = {"consultation": consultation_view(s, c)}
    return out


def decline_offer(s: Session, agent_id: int, offer_id: int) -> Outcome:
    decided = offers.decline(s, offer_id, agent_id, utcnow())
    out = Outcome(assign=True)
    out.to_agent(agent_id, {"type": "offer_closed", "offer_id": offer_id,
                            "consultation_id": decided.consultation_id, "status": "declined"})
    out.result = {"status": "declined"}
    return out


def expire_offers(s: Session, now: datetime | None = None) -> Outcome:
    """Offers nobody accepted in time are missed (on record); the chats go to the next
    agent in the assignment pass that follows."""
    out = Outcome()
    for d in offers.expire(s, now or utcnow()):
        out.to_agent(d.agent_id, {"type": "offer_closed", "offer_id": d.offer_id,
                                  "consultation_id": d.consultation_id, "status": "missed"})
        out.assign = True
    return out


def withdraw_offers(s: Session, out: Outcome, cid: int) -> None:
    """The contact ended while offered: the agents' desktops drop the offer."""
    for agent_id in offers.withdraw_for_contact(s, cid, utcnow()):
        out.to_agent(agent_id, {"type": "offer_closed", "consultation_id": cid,
                                "offer_id": None, "status": "withdrawn"})


# --- on hold (보류) -----------------------------------------------------------------------------


def snooze_chat(s: Session, agent: Agent, cid: int, until: datetime | None,
                minutes: int | None = None) -> Outcome:
    """The agent puts a live chat on hold until `until` (None: until the citizen writes): it
    leaves the agent's load and list (the desktop shows it under 보류). Not an answer."""
    c = _own_chat(s, agent, cid)
    row = snooze.start(s, agent, c, until, minutes=minutes)
    s.commit()
    out = Outcome(assign=True)  # a slot freed up
    until_at = iso_z(row.until)
    system_message(s, out, cid, SNOOZED_KO, {"kind": "snoozed", "until": until_at})
    router.refresh_busy(s, agent.id)
    s.commit()
    out.state(s, c)
    view = consultation_view(s, c)
    out.to_agent(agent.id, {"type": "snoozed", "consultation": view, "until": until_at})
    out.result = {"consultation": view, "until": until_at}
    return out


def _woken(s: Session, out: Outcome, c: Consultation, w: snooze.Woken) -> None:
    """A hold ended: back to the agent, or (agent gone) to the front of the queue."""
    if w.agent_id is not None:
        system_message(s, out, c.id, WOKE_KO, {"kind": "woke", "by": w.by})
        router.refresh_busy(s, w.agent_id)
        s.commit()
        out.to_agent(w.agent_id, {"type": "assigned", "consultation": consultation_view(s, c)})
    else:
        system_message(s, out, c.id, WOKE_REQUEUED_KO, {"kind": "requeued", "by": w.by})
        out.to_agent(w.previous_agent_id, {"type": "unassigned", "consultation_id": c.id,
                                           "why": "snooze_requeued"})
        out.assign = True
    out.state(s, c)


def wake_chat(s: Session, agent: Agent, cid: int) -> Outcome:
    """The agent takes a held chat back before its time."""
    c = _own_chat(s, agent, cid)
    if c.status != snooze.PENDING:
        raise ChatError("this chat is not on hold", 409, "chat_not_snoozed")
    woken = snooze.wake(s, c, "agent")
    assert woken is not None
    s.commit()
    out = Outcome()
    _woken(s, out, c, woken)
    out.result = {"consultation": consultation_view(s, c)}
    return out


def sweep_snoozes(s: Session, now: datetime | None = None) -> Outcome:
    """Holds whose time has come (the runtime's tick)."""
    out = Outcome()
    for c in snooze.due(s, now):
        woken = snooze.wake(s, c, "time", now)
        if woken is not None:
            s.commit()
            _woken(s, out, c, woken)
    return out


# --- presence: what the chat does when agents come and go -------------------------------------


def presence_outcome(s: Session, events: list[PresenceEvent]) -> Outcome:
    """Publish presence events: states to the agent's desktops (and the floor), released
    chats back to their citizens with a notice, then an assignment pass."""
    out = Outcome()
    for ev in events:
        if isinstance(ev, StateChanged):
            out.to_agent(ev.agent_id, ev.wire())
            out.assign = out.assign or ev.state in presence_states.OFFERABLE
        elif isinstance(ev, ContactsReleased):
            for cid in ev.consultation_ids:
                c = s.get(Consultation, cid)
                if c is None:
                    continue
                system_message(s, out, cid, REQUEUED_KO, {"kind": "requeued"})
                out.to_agent(ev.agent_id, {"type": "unassigned", "consultation_id": cid,
                                           "why": ev.why})
                out.state(s, c)
            out.assign = True
    return out


def _agent(s: Session, agent_id: int) -> Agent:
    agent = s.get(Agent, agent_id)
    if agent is None:
        raise ChatError("agent not found", 404)
    return agent


def agent_connected(s: Session, agent_id: int) -> Outcome:
    """A desktop socket opened: present again (an away agent resumes, an offline one starts
    available); `result` is the desktop's hello."""
    out = presence_outcome(s, presence.socket_opened(s, agent_id))
    agent = _agent(s, agent_id)
    s.refresh(agent)
    out.result = desk.hello(s, agent)
    out.assign = True
    return out


def agent_heartbeat(s: Session, agent_id: int) -> Outcome:
    return presence_outcome(s, presence.heartbeat(s, agent_id))


def agent_disconnected(s: Session, agent_id: int) -> Outcome:
    presence.socket_closed(s, agent_id)
    return Outcome()


def agent_set_state(s: Session, agent_id: int, state: str, reason: str | None) -> Outcome:
    agent = _agent(s, agent_id)
    out = presence_outcome(s, presence.set_state(s, agent, state, reason))
    s.refresh(agent)
    out.result = desk.agent_info(s, agent)
    return out


def agent_logout(s: Session, user_id: int) -> Outcome:
    agent = s.scalar(select(Agent).where(Agent.user_id == user_id))
    if agent is None:
        return Outcome()
    return presence_outcome(s, presence.logout(s, agent.id))


def sweep_presence(s: Session, now: datetime | None = None) -> Outcome:
    return presence_outcome(s, presence.sweep(s, now))


# --- the async hub ----------------------------------------------------------------------------


class ChatHub:
    """Runs the steps above and publishes what they produced."""

    def __init__(self, pubsub: PubSub) -> None:
        self.pubsub = pubsub
        self._assign_lock = asyncio.Lock()
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._slow: anyio.CapacityLimiter | None = None
        self._turns: anyio.CapacityLimiter | None = None  # SQLite only (`_in_turn`)
        self._tasks: set[asyncio.Task[None]] = set()
        self._draft_at: dict[int, float] = {}  # chat -> when its draft was last searched
        self._assist_pending: set[tuple[int, int]] = set()  # (chat, agent): `push_assist_soon`
        processes = get_settings().chat_screen_processes
        self.screening = screening_processes(processes) if processes else None
        self._screener = BatchScreener(self.screening.run if self.screening else self._slow_call)

    async def _in_turn(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(session, ...)` on a worker thread. On SQLite the steps take turns anyway
        (`_SQLITE_TURNS`), so they get a pool of their own of two threads: forty threads
        blocked on the turn lock only fought the event loop for the GIL, and under a burst
        that contention slowed every turn until the backlog never cleared."""
        if self._turns is None and get_settings().database_url.startswith("sqlite"):
            self._turns = anyio.CapacityLimiter(SQLITE_TURN_THREADS)
        return await _on_thread(self._turns, _session_call, fn, *args, **kwargs)

    def _slow_limiter(self) -> anyio.CapacityLimiter:
        """The small pool of the slow steps (created in the event loop, on first use)."""
        if self._slow is None:
            self._slow = anyio.CapacityLimiter(SLOW_THREADS)
        return self._slow

    async def run(self, fn: Callable[..., Outcome], *args: Any, **kwargs: Any) -> Outcome:
        out = await self._in_turn(fn, *args, **kwargs)
        return await self._after(out)

    async def run_slow(self, fn: Callable[..., Outcome], *args: Any) -> Outcome:
        """Like :meth:`run`, on a small thread pool of its own: screening models, the bot's
        search and the assistant never hold up the threads that store and deliver."""
        out = await _on_thread(self._slow_limiter(), _session_call, fn, *args)
        return await self._after(out)

    async def run_assign_later(self, fn: Callable[..., Outcome], *args: Any) -> Outcome:
        """Like :meth:`run`, but the assignment pass the step asks for runs in the background:
        a desktop's hello must not wait behind the floor's assignment lock (in a reconnect
        storm every desktop asks for a pass at once)."""
        out = await self._in_turn(fn, *args)
        assign, out.assign = out.assign, False
        await self._after(out)
        if assign:
            self._in_background(self._assign_quietly())
        return out

    def _in_background(self, job: Coroutine[Any, Any, None]) -> None:
        """Run `job` as a task the hub keeps a reference to until it ends."""
        task = asyncio.create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _assign_quietly(self) -> None:
        try:
            await self.assign()
        except Exception:  # the tick's pass is the safety net
            log.exception("background assignment pass failed")

    async def _after(self, out: Outcome) -> Outcome:
        await self.publish(out)
        if out.assign:
            await self.assign()
        if out.assist is not None:
            await self.push_assist(*out.assist)
        return out

    async def citizen_says(self, cid: int, body: str, client_msg_id: str | None,
                           on_stored: Callable[[Outcome], Awaitable[None]] | None = None,
                           background: bool = False) -> Outcome:
        """Store (then ack and deliver), then process: one message at a time per chat, in
        order. With `background`, processing continues after this returns."""
        stored = await self.run(store_citizen_message, cid, body, client_msg_id)
        if on_stored is not None:
            await on_stored(stored)
        if stored.process:
            lock = self._chat_locks.setdefault(cid, asyncio.Lock())
            job = self._process(lock, cid, int(stored.result["seq"]), body,
                                str(stored.result["phase"]), stored.chat_agent)
            if background:
                self._in_background(job)
            else:
                await job
        return stored

    async def _slow_call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await _on_thread(self._slow_limiter(), fn, *args)

    async def _process(self, lock: asyncio.Lock, cid: int, seq: int, body: str,
                       chat_phase: str, agent_id: int | None) -> None:
        async with lock:  # FIFO: a chat's messages are processed in the order they came
            try:
                scr = await self._screener.screen(body)
                if needs_processing_step(scr, seq, body, chat_phase):
                    await self.run_slow(process_citizen_message, cid, seq, scr)
                elif chat_phase == "live" and agent_id is not None:
                    await self.push_assist(cid, agent_id)
            except Exception:
                log.exception("processing message %s of chat %s failed", seq, cid)
                raise
        if not lock.locked() and len(self._chat_locks) > 10_000:
            self._chat_locks = {k: v for k, v in self._chat_locks.items() if v.locked()}

    async def publish(self, out: Outcome) -> None:
        for channel, event in out.events:
            await self.pubsub.publish(channel, event)
        if out.events:
            await self.pubsub.publish(SUPERVISOR_CHANNEL, {"type": "changed"})

    async def assign(self) -> int:
        async with self._assign_lock:
            out = await self._in_turn(run_assignment)
        await self.publish(out)
        return int(out.result.get("assigned", 0))

    def push_assist_soon(self, cid: int, agent_id: int) -> None:
        """`push_assist` in the background, once per chat and agent while one is pending.

        For a desktop that was just given a chat: its socket's next events (the agent's other
        new chats) must never wait for the assistant, whose threads queue behind the
        screening of every citizen's message in a reconnect storm (in the 2,000-socket storm
        desktops showed one chat of their three until that backlog cleared). The
        recommendations go to the agent's channel, so every tab of the agent gets them from
        one search."""
        key = (cid, agent_id)
        if key in self._assist_pending:
            return
        self._assist_pending.add(key)

        async def push() -> None:
            try:
                await self.push_assist(cid, agent_id)
            finally:
                self._assist_pending.discard(key)

        self._in_background(push())

    async def push_assist(self, cid: int, agent_id: int) -> None:
        try:
            recs = await _on_thread(self._slow_limiter(), _session_call, _recommend_for, cid)
        except Exception:  # the assistant is advisory: never break the chat over it
            log.exception("assistant recommendation failed for chat %s", cid)
            return
        await self.pubsub.publish(agent_channel(agent_id), {
            "type": "assist", "consultation_id": cid, "items": recs})


    async def typing(self, cid: int, who: str, active: bool) -> None:
        """One side of a chat is typing (or stopped): a ``TypingEvent`` on the chat's channel,
        which the other side shows."""
        await self.pubsub.publish(consult_channel(cid), {
            "type": "typing", "consultation_id": cid, "who": who, "active": active})

    async def assist_draft(self, cid: int, draft: str) -> None:
        """The citizen is typing (debounced by the page): refresh the agent's recommendations
        from the draft, masked, at most once per `DRAFT_ASSIST_SECONDS` per chat. The draft
        is never stored; a live chat with an agent only."""
        text = mask_pii(draft.strip()[:DRAFT_MAX_CHARS])
        loop = asyncio.get_running_loop()
        if len(text) < DRAFT_MIN_CHARS or \
                loop.time() - self._draft_at.get(cid, -1e9) < DRAFT_ASSIST_SECONDS:
            return
        self._draft_at[cid] = loop.time()
        if len(self._draft_at) > 10_000:
            self._draft_at.clear()
        try:
            found = await _on_thread(self._slow_limiter(), _session_call, _recommend_draft, cid,
                                     text)
        except Exception:  # advisory: never break the chat over it
            log.exception("draft recommendation failed for chat %s", cid)
            return
        if found is not None:
            agent_id, items = found
            await self.pubsub.publish(agent_channel(agent_id), {
                "type": "assist", "consultation_id": cid, "items": items, "draft": True})


DRAFT_ASSIST_SECONDS = 1.0
DRAFT_MIN_CHARS = 4
DRAFT_MAX_CHARS = 300


def _recommend_draft(s: Session, cid: int, text: str) -> tuple[int, list[dict[str, Any]]] | None:
    c = s.get(Consultation, cid)
    if c is None or c.status != "open" or c.agent_id is None:
        return None
    return c.agent_id, [r.to_dict() for r in recommend.search(s, text, 3)]


def _recommend_for(s: Session, cid: int) -> list[dict[str, Any]]:
    return [r.to_dict() for r in recommend.for_chat(s, cid)]
