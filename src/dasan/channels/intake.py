"""Taking an inbound written message: dedupe, language, thread, translation, bot or queue.

Shared by every written channel (SMS, messengers, the web board). A redelivered message (same
channel and external id) changes nothing. The chatbot answers only while no agent holds or has
answered the thread and the citizen is not separated (malicious-caller programme); otherwise
(or when it is not confident) the thread waits in the written
queue with its SLA — in the foreign-language queue when the citizen does not write Korean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import access
from dasan.channels import addresses, live, outbound, written_bot
from dasan.channels.catalog import message
from dasan.channels.desk import is_dedicated
from dasan.channels.sla import due_at
from dasan.channels.threads import add_message, current_thread, find_inbound, open_thread
from dasan.channels.translation import get_translator
from dasan.channels.translation.port import Translator
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, Queue
from dasan.db.models_channels import ChannelMessage, WrittenThread
from dasan.errors import DomainError
from dasan.protection import crisis_playbook
from dasan.protection.policy import is_registered
from dasan.text.langid import detect_language

SEPARATED_QUEUE = access.SEPARATED_QUEUE
FOREIGN_QUEUE = "foreign"
GENERAL_QUEUE = "general"


@dataclass(frozen=True)
class IntakeResult:
    thread_id: int
    consultation_id: int
    message_id: int
    language: str
    duplicate: bool = False
    bot_answered: bool = False
    new_thread: bool = False
    crisis_kind: str | None = None
    # Live events of the crisis playbook (supervisor alert, ...): the caller publishes them after
    # its commit; they are in the database either way (the supervisor page loads open alerts).
    events: tuple[tuple[str, dict[str, Any]], ...] = ()


def _duplicate(session: Session, found: ChannelMessage) -> IntakeResult:
    thread = session.get(WrittenThread, found.thread_id)
    assert thread is not None
    return IntakeResult(thread.id, thread.consultation_id, found.message_id, found.language,
                        duplicate=True)


def _route(session: Session, consultation: Consultation | None, language: str) -> bool:
    """A new thread's queue: the dedicated team's for a separated caller (the registry is per
    citizen: phone hash, messenger identity or account), else Korean or foreign-language.
    True when the citizen is separated."""
    separated = consultation is not None and is_registered(session, consultation.citizen_id)
    code = SEPARATED_QUEUE if separated else GENERAL_QUEUE if language == "ko" \
        else FOREIGN_QUEUE
    queue_id = session.scalar(select(Queue.id).where(Queue.code == code))
    if consultation is not None and queue_id is not None:
        consultation.queue_id = queue_id
        consultation.language = language
    return separated


def _separate(session: Session, thread: WrittenThread, consultation: Consultation | None
              ) -> bool:
    """A citizen designated while their thread was open: the thread moves to the dedicated
    team's queue, and an agent outside the team who held it lets it go. True when the
    thread's citizen is separated (moved now or before)."""
    if consultation is None or not is_registered(session, consultation.citizen_id):
        return False
    queue_id = session.scalar(select(Queue.id).where(Queue.code == SEPARATED_QUEUE))
    if queue_id is None or consultation.queue_id == queue_id:
        return True
    consultation.queue_id = queue_id
    holder = session.get(Agent, thread.claimed_by_agent_id) if thread.claimed_by_agent_id \
        else None
    if holder is not None and not is_dedicated(session, holder):
        thread.claimed_by_agent_id = None
        consultation.agent_id = None
        if thread.status == "claimed":
            thread.status = "open"
    return True


def take_inbound(
    session: Session,
    *,
    channel: str,
    provider: str,
    contact_key: str,
    external_id: str,
    text: str,
    reply_address: str | None = None,
    citizen_id: int | None = None,
    attachments: Sequence[dict[str, Any]] = (),
    short_budget: int | None = None,
    translator: Translator | None = None,
    acknowledge: bool = True,
    use_bot: bool = True,
    now: datetime | None = None,
    checked_new: bool = False,
    pending_sends: list[outbound.Outgoing] | None = None,
) -> IntakeResult:
    """`checked_new`: the caller has just made sure no message of this channel has the
    external id (a batch's one look-up). `pending_sends`: the acknowledgement is appended
    there for the caller to send with `outbound.send_many` (a batch's acknowledgements in one
    round, before any later message of the same contact is taken) instead of sent now."""
    now = now or utcnow()
    found = None if checked_new else find_inbound(session, channel, external_id)
    if found is not None:
        return _duplicate(session, found)
    translator = translator or get_translator()
    try:
        language = detect_language(text) if text.strip() else "ko"
    except (ValueError, DomainError):
        language = "ko"
    thread = current_thread(session, channel, contact_key)
    new = thread is None
    if thread is None:
        thread = open_thread(session, channel=channel, contact_key=contact_key,
                             language=language, subject=text or "(attachment)",
                             reply_address=reply_address, provider=provider,
                             citizen_id=citizen_id, now=now)
    # Held here: the identity map keeps an object only while someone refers to it.
    consultation = session.get(Consultation, thread.consultation_id)
    if new:
        separated = _route(session, consultation, language)
    else:
        separated = _separate(session, thread, consultation)
    if not new and thread.status == "replied":
        # The citizen wrote again: back into the queue with a fresh deadline.
        thread.status = "claimed" if thread.claimed_by_agent_id else "open"
        thread.sla_due_at = due_at(channel, now)
    if reply_address and not new:
        addresses.keep(session, thread, reply_address)  # sealed, never in clear
    translation = None
    if language != "ko" and text.strip():
        t = translator.translate(text, language, "ko")
        translation = t.text if t is not None else None
    added = add_message(session, thread, sender="citizen", body=text, direction="in",
                        language=language, external_id=external_id,
                        translation=translation, translation_language="ko" if translation
                        else None, attachments=attachments, now=now)
    crisis = _crisis(session, thread, consultation, translation or text, text, now)
    bot_answered = False
    # A separated citizen never gets the chatbot (the programme: every contact of theirs goes to
    # the dedicated team, as a designated caller's call skips the ARS menu and the callbot).
    if use_bot and crisis is None and not separated and thread.claimed_by_agent_id is None \
            and thread.first_agent_reply_at is None and text.strip():
        ans = written_bot.answer(session, text, language, translator, short_budget=short_budget)
        if ans is not None:
            outbound.send(session, thread, ans.body, sender="bot", language=language,
                          translation=ans.original_ko if language != "ko" else None,
                          translation_language="ko" if language != "ko" else None,
                          flags={"kb_entry_id": ans.entry_id, "translated": ans.translated})
            thread.bot_answered = True
            thread.status = "replied"
            if consultation is not None:
                consultation.kb_entry_id = ans.entry_id
            bot_answered = True
    if new and not bot_answered and acknowledge:
        notice = message("received", language)
        if language != "ko":
            notice += " " + message("foreign_queue", language)
        if pending_sends is not None:
            pending_sends.append(outbound.Outgoing(thread, notice, sender="system",
                                                   language=language,
                                                   flags={"notice": "received"}))
        else:
            outbound.send(session, thread, notice, sender="system", language=language,
                          flags={"notice": "received"})
    # Every agent desktop hears of the message at once (its socket), the crisis alert after it.
    pushed = live.written_event(thread, "message", message_id=added.channel_message.id,
                                direction="in", now=now)
    return IntakeResult(thread.id, thread.consultation_id, added.message.id, language,
                        bot_answered=bot_answered, new_thread=new,
                        crisis_kind=crisis[0] if crisis else None,
                        events=(pushed, *(crisis[1] if crisis else ())))


def _crisis(session: Session, thread: WrittenThread, consultation: Consultation | None,
            korean: str, original: str, now: datetime
            ) -> tuple[str, tuple[tuple[str, dict[str, Any]], ...]] | None:
    """Crisis screening on every written message (issue 17), on the Korean text (the
    translation of a foreign message): the kind's playbook runs on the thread's consultation
    (priority, supervisor alert, welfare case by law, audit), the bot stays out of it, and the
    thread is due now so it tops the written queue. None when it is no crisis."""
    if not korean.strip() or consultation is None:
        return None
    screened = crisis_playbook.screen(session, consultation, original, screened=korean)
    if screened is None:
        return None
    found, resp = screened
    if thread.status != "closed" and thread.first_agent_reply_at is None:
        thread.sla_due_at = now
    assert found.kind is not None
    return found.kind, tuple(resp.events)
