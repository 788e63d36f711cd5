"""SMS intake and receipts: opt-out words, the citizen record, the common written intake."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from dasan.channels import outbound
from dasan.channels.catalog import notice
from dasan.channels.desk import close_thread
from dasan.channels.intake import (
    IntakeResult,
    NewInbound,
    Opened,
    finish_new,
    open_new_many,
    take_inbound,
)
from dasan.channels.sms import survey
from dasan.channels.sms.optout import opt_in_word, opt_out_word
from dasan.channels.sms.port import DeliveryReceipt, InboundSms
from dasan.channels.threads import (
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
from dasan.channels.translation.port import Translator
from dasan.consultations.service import citizen_for_phone, citizens_for_phones
from dasan.db.base import utcnow
from dasan.db.bulk import add_objects, among
from dasan.db.models import Citizen
from dasan.db.models_channels import ChannelMessage, OutboxItem, SmsOptOut, WrittenThread
from dasan.knowledge import gaps
from dasan.knowledge.live import get_live_index
from dasan.text.langid import detect_language

# The bot's SMS answer: a short LMS with a link to the full answer.
SMS_SHORT_BYTES = 600


@dataclass(frozen=True)
class SmsResult:
    intake: IntakeResult | None
    opted_out: bool = False
    opted_in: bool = False
    duplicate: bool = False
    survey_answered: bool = False


def receive(session: Session, sms: InboundSms, *, translator: Translator | None = None,
            now: datetime | None = None, checked_new: bool = False,
            pending_sends: list[outbound.Outgoing] | None = None) -> SmsResult:
    """Take one citizen's SMS (`checked_new`, `pending_sends`: see `take_inbound`)."""
    now = now or sms.received_at or utcnow()
    if not checked_new and find_inbound(session, "sms", sms.external_id) is not None:
        return SmsResult(None, duplicate=True)
    citizen = citizen_for_phone(session, sms.sender)
    key = citizen.phone_hash or ""
    word = opt_out_word(sms.text)
    if word is not None:
        return _opt_out(session, sms, key, citizen.id, word, now)
    if survey.take_answer(session, contact_key=key, text=sms.text, external_id=sms.external_id,
                          now=now) is not None:
        return SmsResult(None, survey_answered=True)
    if opt_in_word(sms.text) is not None:
        session.execute(delete(SmsOptOut).where(SmsOptOut.phone_hash == key))
        opted_in = True
    else:
        opted_in = False
    result = take_inbound(session, channel="sms", provider=sms.provider, contact_key=key,
                          external_id=sms.external_id, text=sms.text, reply_address=sms.sender,
                          citizen_id=citizen.id, short_budget=SMS_SHORT_BYTES,
                          translator=translator, now=now, checked_new=True,
                          pending_sends=pending_sends)
    return SmsResult(result, opted_in=opted_in)


def receive_many(session: Session, messages: Sequence[InboundSms], *,
                 translator: Translator | None = None) -> list[SmsResult]:
    """`receive` for a provider's batch, in order, in the caller's transaction, with the same
    results as one by one. Set-based where it can be: one query finds the external ids already
    taken (a repeat inside the batch is a duplicate of its first); each contact's first
    message in the batch, when the contact has no open thread (and, for a survey score, no
    survey waiting for it: one query for the batch), is written together with the others
    (citizens, consultations, threads, messages: `intake.open_new_many`; the opt-outs among
    them `_opt_out_many`, the opt-ins' opt-outs deleted in one statement); the
    acknowledgements go
    out with one `send_many` (a contact's before that contact's next message is taken, so
    every thread keeps its order); the bot's misses are clustered together at the end; the
    knowledge index is checked for fresh entries once for the batch. Every other message is
    `receive`d as it comes, and every message's screening and bot answer runs in the batch's
    order."""
    ids = {sms.external_id for sms in messages}
    taken = set(session.scalars(select(ChannelMessage.external_id).where(
        ChannelMessage.channel == "sms", among(session, ChannelMessage.external_id, ids)))) \
        if ids else set()
    fresh: list[int] = []  # positions of the messages to take
    for n, sms in enumerate(messages):
        if sms.external_id not in taken:
            taken.add(sms.external_id)
            fresh.append(n)
    opened = _open_first_messages(session, [messages[n] for n in fresh], translator)
    to_take = set(fresh)
    results: list[SmsResult] = []
    pending: list[outbound.Outgoing] = []
    waiting: set[str] = set()  # senders with an acknowledgement in `pending`
    with gaps.clustering_deferred(session), get_live_index().pinned(session):
        for n, sms in enumerate(messages):
            if n not in to_take:
                results.append(SmsResult(None, duplicate=True))
                continue
            if sms.sender in waiting:
                outbound.send_many(session, pending)
                pending, waiting = [], set()
            before = len(pending)
            first = opened.get(sms.external_id)
            if isinstance(first, SmsResult):
                results.append(first)
            elif first is not None:
                results.append(SmsResult(finish_new(session, first, translator, pending),
                                         opted_in=opt_in_word(sms.text) is not None))
            else:
                results.append(receive(session, sms, translator=translator, checked_new=True,
                                       pending_sends=pending))
            if len(pending) > before:
                waiting.add(sms.sender)
        outbound.send_many(session, pending)
    return results


def _open_first_messages(session: Session, messages: list[InboundSms],
                         translator: Translator | None) -> dict[str, Opened | SmsResult]:
    """The batch's first messages of contacts with no open thread written together, by
    external id (see receive_many): opt-outs taken whole (their result), the others opened
    (to `finish_new`); an opt-in's opt-out is deleted first, as `receive` does. A survey score
    of a contact whose survey waits for it is left to `receive` (it is the survey's answer).
    Only a contact's first message: the later ones join its thread as they come."""
    plain: dict[str, InboundSms] = {}
    for sms in messages:
        plain.setdefault(sms.sender, sms)
    if not plain:
        return {}
    citizens = citizens_for_phones(session, list(plain))
    keys = {sender: citizens[sender].phone_hash or "" for sender in plain}
    busy = set(session.scalars(select(WrittenThread.contact_key).where(
        WrittenThread.channel == "sms",
        among(session, WrittenThread.contact_key, set(keys.values())),
        WrittenThread.status != "closed")))
    first = [sms for sms in plain.values() if keys[sms.sender] and keys[sms.sender] not in busy]
    surveyed = survey.pending_among(session, [
        (keys[sms.sender], sms.received_at or utcnow()) for sms in first
        if sms.text.strip() in survey.SCORES])
    first = [sms for sms in first if keys[sms.sender] not in surveyed
             or sms.text.strip() not in survey.SCORES]
    opting = [sms for sms in first if opt_out_word(sms.text) is not None]
    _opt_out_many(session, opting, keys, citizens)
    opting_in = {keys[sms.sender] for sms in first if opt_in_word(sms.text) is not None}
    if opting_in:
        session.execute(delete(SmsOptOut).where(SmsOptOut.phone_hash.in_(opting_in)))
    done: dict[str, Opened | SmsResult] = {
        sms.external_id: SmsResult(None, opted_out=True) for sms in opting}
    opened = open_new_many(session, [NewInbound(
        channel="sms", provider=sms.provider, contact_key=keys[sms.sender],
        external_id=sms.external_id, text=sms.text, now=sms.received_at or utcnow(),
        reply_address=sms.sender, citizen_id=citizens[sms.sender].id,
        short_budget=SMS_SHORT_BYTES) for sms in first if opt_out_word(sms.text) is None],
        translator)
    done.update({o.item.external_id: o for o in opened})
    return done


def _opt_out_many(session: Session, messages: list[InboundSms], keys: dict[str, str],
                  citizens: dict[str, Citizen]) -> None:
    """`_opt_out` for first messages of contacts with no open thread, set-based: the opt-outs
    recorded, the threads opened, the messages written and confirmed in one round each, then
    each thread closed (as `_opt_out` closes an unanswered thread)."""
    if not messages:
        return
    known = set(session.scalars(select(SmsOptOut.phone_hash).where(
        among(session, SmsOptOut.phone_hash, {keys[sms.sender] for sms in messages}))))
    nows = [sms.received_at or utcnow() for sms in messages]
    words = [opt_out_word(sms.text) or "" for sms in messages]
    add_objects(session, [SmsOptOut(phone_hash=keys[sms.sender], word=word[:32], at=now)
                          for sms, word, now in zip(messages, words, nows, strict=True)
                          if keys[sms.sender] not in known])
    languages = [detect_language(sms.text) if not sms.text.isascii() else "en"
                 for sms in messages]
    texts_masked = [masked(sms.text) for sms in messages]  # once: subject and transcript
    opened = open_conversations(session, [NewConversation(
        channel="sms", contact_key=keys[sms.sender], language=language, subject=sms.text,
        now=now, reply_address=sms.sender, provider=sms.provider,
        citizen_id=citizens[sms.sender].id, subject_masked=m)
        for sms, language, now, m in zip(messages, languages, nows, texts_masked, strict=True)])
    add_messages(session, [NewMessage(
        thread=thread, sender="citizen", body=sms.text, direction="in", language=language,
        external_id=sms.external_id, flags={"opt_out": word}, at=now, body_masked=m)
        for sms, language, word, now, m, (thread, _)
        in zip(messages, languages, words, nows, texts_masked, opened, strict=True)])
    confirmations = [notice(("opted_out",), language) for language in languages]
    outbound.send_many(session, [outbound.Outgoing(
        thread, body, sender="system", language=language, flags={"notice": "opted_out"},
        ignore_opt_out=True, body_masked=body_masked)
        for language, (body, body_masked), (thread, _)
        in zip(languages, confirmations, opened, strict=True)])
    for now, (thread, _consultation) in zip(nows, opened, strict=True):
        if thread.first_agent_reply_at is None:
            close_thread(session, thread, now, "citizen_left")


def _opt_out(session: Session, sms: InboundSms, key: str, citizen_id: int, word: str,
             now: datetime) -> SmsResult:
    """Record the opt-out, keep the message on a thread (closed), confirm once."""
    if session.scalar(select(SmsOptOut.id).where(SmsOptOut.phone_hash == key)) is None:
        session.add(SmsOptOut(phone_hash=key, word=word[:32], at=now))
    language = detect_language(sms.text) if not sms.text.isascii() else "en"
    text_masked = masked(sms.text)  # once: subject and transcript
    thread = current_thread(session, "sms", key) or open_conversation(
        session, channel="sms", contact_key=key, language=language, subject=sms.text,
        reply_address=sms.sender, provider=sms.provider, citizen_id=citizen_id, now=now,
        subject_masked=text_masked)[0]
    add_message(session, thread, sender="citizen", body=sms.text, direction="in",
                language=language, external_id=sms.external_id, flags={"opt_out": word},
                now=now, body_masked=text_masked)
    body, body_masked = notice(("opted_out",), language)
    outbound.send(session, thread, body, sender="system", language=language,
                  flags={"notice": "opted_out"}, ignore_opt_out=True, body_masked=body_masked)
    if thread.first_agent_reply_at is None:
        close_thread(session, thread, now, "citizen_left")
    return SmsResult(None, opted_out=True)


def apply_receipt(session: Session, receipt: DeliveryReceipt) -> bool:
    """Mark the sent message delivered or failed; False when no send matches the receipt."""
    conds = []
    if receipt.reference:
        conds.append(OutboxItem.idempotency_key == receipt.reference)
    if receipt.provider_message_id:
        conds.append(OutboxItem.provider_ref == receipt.provider_message_id)
    if not conds:
        return False
    item = session.scalar(select(OutboxItem).where(or_(*conds)).limit(1))
    if item is None or item.channel_message_id is None:
        return False
    row = session.get(ChannelMessage, item.channel_message_id)
    if row is None:
        return False
    if receipt.delivered:
        if row.delivery_status != "failed":
            row.delivery_status = "delivered"
    else:
        row.delivery_status = "failed"
        row.delivery_detail = (receipt.detail or "failed")[:250]
    return True
