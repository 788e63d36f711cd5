"""SMS intake and receipts: opt-out words, the citizen record, the common written intake."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from dasan.channels import outbound
from dasan.channels.catalog import message
from dasan.channels.desk import close_thread
from dasan.channels.intake import IntakeResult, take_inbound
from dasan.channels.sms import survey
from dasan.channels.sms.optout import opt_in_word, opt_out_word
from dasan.channels.sms.port import DeliveryReceipt, InboundSms
from dasan.channels.threads import add_message, current_thread, find_inbound, open_thread
from dasan.channels.translation.port import Translator
from dasan.consultations.service import citizen_for_phone
from dasan.db.base import utcnow
from dasan.db.models_channels import ChannelMessage, OutboxItem, SmsOptOut
from dasan.knowledge import gaps
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
    results as one by one: one query finds the external ids already taken (a repeat inside the
    batch is a duplicate of its first), the acknowledgements go out with one `send_many`
    (those of a contact before that contact's next message is taken, so every thread's
    messages keep their order), and the bot's misses are clustered together at the end."""
    ids = {sms.external_id for sms in messages}
    taken = set(session.scalars(select(ChannelMessage.external_id).where(
        ChannelMessage.channel == "sms", ChannelMessage.external_id.in_(ids)))) if ids else set()
    results: list[SmsResult] = []
    pending: list[outbound.Outgoing] = []
    waiting: set[str] = set()  # senders with an acknowledgement in `pending`
    with gaps.clustering_deferred(session):
        for sms in messages:
            if sms.external_id in taken:
                results.append(SmsResult(None, duplicate=True))
                continue
            taken.add(sms.external_id)
            if sms.sender in waiting:
                outbound.send_many(session, pending)
                pending, waiting = [], set()
            before = len(pending)
            results.append(receive(session, sms, translator=translator, checked_new=True,
                                   pending_sends=pending))
            if len(pending) > before:
                waiting.add(sms.sender)
        outbound.send_many(session, pending)
    return results


def _opt_out(session: Session, sms: InboundSms, key: str, citizen_id: int, word: str,
             now: datetime) -> SmsResult:
    """Record the opt-out, keep the message on a thread (closed), confirm once."""
    if session.scalar(select(SmsOptOut.id).where(SmsOptOut.phone_hash == key)) is None:
        session.add(SmsOptOut(phone_hash=key, word=word[:32], at=now))
    language = detect_language(sms.text) if not sms.text.isascii() else "en"
    thread = current_thread(session, "sms", key) or open_thread(
        session, channel="sms", contact_key=key, language=language, subject=sms.text,
        reply_address=sms.sender, provider=sms.provider, citizen_id=citizen_id, now=now)
    add_message(session, thread, sender="citizen", body=sms.text, direction="in",
                language=language, external_id=sms.external_id, flags={"opt_out": word},
                now=now)
    outbound.send(session, thread, message("opted_out", language), sender="system",
                  language=language, flags={"notice": "opted_out"}, ignore_opt_out=True)
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
