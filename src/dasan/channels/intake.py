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
from dasan.channels.catalog import notice
from dasan.channels.desk import is_dedicated
from dasan.channels.sla import due_at
from dasan.channels.threads import (
    Added,
    NewConversation,
    NewMessage,
    add_message,
    add_messages,
    current_thread,
    find_inbound,
    masked,
    open_conversation,
    open_conversations,
)
from dasan.channels.translation import get_translator
from dasan.channels.translation.port import Translator
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, Queue
from dasan.db.models_channels import ChannelMessage, WrittenThread
from dasan.errors import DomainError
from dasan.protection import crisis_playbook
from dasan.protection.policy import is_registered, registered_among
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
    language = _language(text)
    text_masked = masked(text)  # once: subject, transcript, gap record
    thread = current_thread(session, channel, contact_key)
    new = thread is None
    consultation: Consultation | None
    if thread is None:
        thread, consultation = open_conversation(
            session, channel=channel, contact_key=contact_key, language=language,
            subject=text or "(attachment)", reply_address=reply_address, provider=provider,
            citizen_id=citizen_id, now=now, subject_masked=text_masked if text else None)
    else:
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
    translation = _translation(text, language, translator)
    added = add_message(session, thread, sender="citizen", body=text, direction="in",
                        language=language, external_id=external_id,
                        translation=translation, translation_language="ko" if translation
                        else None, attachments=attachments, now=now, body_masked=text_masked)
    return _after_message(session, thread, consultation, added, new=new, separated=separated,
                          text=text, text_masked=text_masked, language=language,
                          translation=translation,
                          translator=translator, short_budget=short_budget,
                          acknowledge=acknowledge, use_bot=use_bot, now=now,
                          pending_sends=pending_sends)


@dataclass(frozen=True)
class NewInbound:
    """A first message for `open_new_many`: its contact has no open thread on the channel and
    no message of the channel has its external id (the caller checked both)."""
    channel: str
    provider: str
    contact_key: str
    external_id: str
    text: str
    now: datetime
    reply_address: str | None = None
    citizen_id: int | None = None
    short_budget: int | None = None


@dataclass(frozen=True)
class Opened:
    """A first message written on its new thread by `open_new_many`, to `finish_new`."""
    item: NewInbound
    thread: WrittenThread
    consultation: Consultation
    added: Added
    language: str
    translation: str | None
    separated: bool
    text_masked: str


def open_new_many(session: Session, items: Sequence[NewInbound],
                  translator: Translator | None = None) -> list[Opened]:
    """The first half of `take_inbound` for a batch of first messages, set-based: languages,
    routing (one registry and one queue look-up for the batch), the new consultations and
    threads, the messages and their translations, in one bulk round per table. Each is then
    finished in the caller's order with `finish_new` (crisis screening, bot, acknowledgement),
    which ends where `take_inbound` ends for a new thread."""
    if not items:
        return []
    translator = translator or get_translator()
    languages = [_language(i.text) for i in items]
    texts_masked = [masked(i.text) for i in items]  # once: subject, transcript, gap record
    separated = registered_among(session, (i.citizen_id for i in items))
    queues = dict(session.execute(select(Queue.code, Queue.id).where(
        Queue.code.in_((SEPARATED_QUEUE, GENERAL_QUEUE, FOREIGN_QUEUE)))).all())

    def queue_code(item: NewInbound, language: str) -> str:
        return SEPARATED_QUEUE if item.citizen_id in separated else GENERAL_QUEUE \
            if language == "ko" else FOREIGN_QUEUE

    opened = open_conversations(session, [NewConversation(
        channel=i.channel, contact_key=i.contact_key, language=lang,
        subject=i.text or "(attachment)", now=i.now, reply_address=i.reply_address,
        provider=i.provider, citizen_id=i.citizen_id, queue_id=queues.get(queue_code(i, lang)),
        subject_masked=m if i.text else None)
        for i, lang, m in zip(items, languages, texts_masked, strict=True)])
    translations = [_translation(i.text, lang, translator)
                    for i, lang in zip(items, languages, strict=True)]
    added = add_messages(session, [NewMessage(
        thread=thread, sender="citizen", body=i.text, direction="in", language=lang,
        translation=tr, translation_language="ko" if tr else None, external_id=i.external_id,
        at=i.now, body_masked=m) for i, lang, tr, m, (thread, _)
        in zip(items, languages, translations, texts_masked, opened, strict=True)])
    return [Opened(i, thread, consultation, a, lang, tr, i.citizen_id in separated, m)
            for i, (thread, consultation), a, lang, tr, m
            in zip(items, opened, added, languages, translations, texts_masked, strict=True)]


def finish_new(session: Session, opened: Opened, translator: Translator | None = None,
               pending_sends: list[outbound.Outgoing] | None = None) -> IntakeResult:
    """The rest of `take_inbound` for a message `open_new_many` wrote."""
    i = opened.item
    return _after_message(session, opened.thread, opened.consultation, opened.added, new=True,
                          separated=opened.separated, text=i.text,
                          text_masked=opened.text_masked, language=opened.language,
                          translation=opened.translation,
                          translator=translator or get_translator(),
                          short_budget=i.short_budget, acknowledge=True, use_bot=True,
                          now=i.now, pending_sends=pending_sends)


def _language(text: str) -> str:
    try:
        return detect_language(text) if text.strip() else "ko"
    except (ValueError, DomainError):
        return "ko"


def _translation(text: str, language: str, translator: Translator) -> str | None:
    if language == "ko" or not text.strip():
        return None
    t = translator.translate(text, language, "ko")
    return t.text if t is not None else None


def _after_message(session: Session, thread: WrittenThread, consultation: Consultation | None,
                   added: Added, *, new: bool, separated: bool, text: str, text_masked: str,
                   language: str,
                   translation: str | None, translator: Translator, short_budget: int | None,
                   acknowledge: bool, use_bot: bool, now: datetime,
                   pending_sends: list[outbound.Outgoing] | None) -> IntakeResult:
    """What follows the citizen's message on its thread: crisis screening, the bot's answer,
    the acknowledgement of a new thread, the desktops' live event."""
    crisis = _crisis(session, thread, consultation, translation or text, text, now)
    bot_answered = False
    # A separated citizen never gets the chatbot (the programme: every contact of theirs goes to
    # the dedicated team, as a designated caller's call skips the ARS menu and the callbot).
    if use_bot and crisis is None and not separated and thread.claimed_by_agent_id is None \
            and thread.first_agent_reply_at is None and text.strip():
        ans = written_bot.answer(session, text, language, translator, short_budget=short_budget,
                                 masks={text: text_masked})
        if ans is not None:
            outbound.send(session, thread, ans.body, sender="bot", language=language,
                          translation=ans.original_ko if language != "ko" else None,
                          translation_language="ko" if language != "ko" else None,
                          flags={"kb_entry_id": ans.entry_id, "translated": ans.translated,
                                 **({"smalltalk": True} if ans.smalltalk else {})})
            thread.bot_answered = True
            thread.status = "replied"
            if consultation is not None and ans.entry_id is not None:
                consultation.kb_entry_id = ans.entry_id
            bot_answered = True
    if new and not bot_answered and acknowledge:
        body, body_masked = notice(("received",) if language == "ko"
                                   else ("received", "foreign_queue"), language)
        ack = outbound.Outgoing(thread, body, sender="system", language=language,
                                flags={"notice": "received"}, body_masked=body_masked)
        if pending_sends is not None:
            pending_sends.append(ack)
        else:
            outbound.send(session, thread, body, sender="system", language=language,
                          flags={"notice": "received"}, body_masked=body_masked)
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
