"""The thread model: a written conversation on a consultation, and its messages.

Messages are stored in the consultation's transcript (`messages`) as chat's are (ADR 0005):
`body` and `body_masked` both hold the masked text, and when masking changed it the raw text is
sealed in the vault (`sealed_texts`, kind `messages.body`), opened only by the audited reveal.
A `ChannelMessage` row keeps the channel's own facts (direction, external id, delivery status,
translation (masked), attachments). What is sent out (an SMS, a messenger reply) travels in
the outbox item's payload, not from this table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.channels import addresses
from dasan.channels.sla import due_at
from dasan.db.base import utcnow
from dasan.db.bulk import among, insert_returning
from dasan.db.models import Consultation, Message
from dasan.db.models_channels import ChannelMessage, WrittenThread
from dasan.privacy import vault
from dasan.text.pii import mask

MAX_SUBJECT_CHARS = 200


def masked(text: str) -> str:
    return mask(text).masked if text else text


def masked_as(text: str, known: str | None) -> str:
    """`masked(text)`, or `known` when the caller has already masked `text` (`known` must be
    exactly `masked(text)`: one message's text is masked once for its subject, its transcript
    line and its gap record)."""
    return known if known is not None else masked(text)


def open_thread(
    session: Session,
    *,
    channel: str,
    contact_key: str,
    language: str,
    subject: str,
    reply_address: str | None = None,
    provider: str | None = None,
    citizen_id: int | None = None,
    now: datetime | None = None,
) -> WrittenThread:
    """A new consultation with its written thread, waiting for an answer."""
    return open_conversation(session, channel=channel, contact_key=contact_key,
                             language=language, subject=subject, reply_address=reply_address,
                             provider=provider, citizen_id=citizen_id, now=now)[0]


def open_conversation(
    session: Session,
    *,
    channel: str,
    contact_key: str,
    language: str,
    subject: str,
    reply_address: str | None = None,
    provider: str | None = None,
    citizen_id: int | None = None,
    now: datetime | None = None,
    subject_masked: str | None = None,
) -> tuple[WrittenThread, Consultation]:
    """`open_thread`, and the consultation it opened (a caller that holds it saves a look-up:
    the identity map keeps an object only while someone refers to it). `subject_masked`: see
    `NewConversation`."""
    return open_conversations(session, [NewConversation(
        channel=channel, contact_key=contact_key, language=language, subject=subject,
        now=now or utcnow(), reply_address=reply_address, provider=provider,
        citizen_id=citizen_id, subject_masked=subject_masked)])[0]


@dataclass(frozen=True)
class NewConversation:
    """One conversation of `open_conversations` (the arguments of `open_conversation`, and the
    queue the consultation waits in)."""
    channel: str
    contact_key: str
    language: str
    subject: str
    now: datetime
    reply_address: str | None = None
    provider: str | None = None
    citizen_id: int | None = None
    queue_id: int | None = None
    subject_masked: str | None = None  # `masked(subject)` when the caller has it


def open_conversations(session: Session, batch: Sequence[NewConversation]
                       ) -> list[tuple[WrittenThread, Consultation]]:
    """`open_conversation` for many (a batch of first messages): one bulk INSERT ... RETURNING
    per table and one round for the sealed reply addresses, instead of two flushes and a
    look-up each. Same rows, in the batch's order; the objects are persistent in `session`."""
    if not batch:
        return []
    session.flush()
    subjects = [masked_as(c.subject, c.subject_masked)[:MAX_SUBJECT_CHARS] for c in batch]
    consultations = insert_returning(session, Consultation, [{
            "channel": c.channel, "started_at": c.now, "queued_at": c.now,
            "citizen_id": c.citizen_id, "language": c.language, "subject": subject,
            "status": "open", "outcome": "open", "queue_id": c.queue_id}
            for c, subject in zip(batch, subjects, strict=True)])
    threads = insert_returning(session, WrittenThread, [{
            "consultation_id": row.id, "channel": c.channel, "contact_key": c.contact_key,
            "provider": c.provider, "language": c.language, "status": "open",
            "sla_due_at": due_at(c.channel, c.now), "subject": subject, "created_at": c.now,
            "updated_at": c.now, "reply_address": addresses.shown_address(c.reply_address)}
            for c, subject, row in zip(batch, subjects, consultations, strict=True)])
    addresses.keep_many(session, [(t, c.reply_address)
                                  for t, c in zip(threads, batch, strict=True)])
    return list(zip(threads, consultations, strict=True))


def current_thread(session: Session, channel: str, contact_key: str) -> WrittenThread | None:
    """The contact's thread on this channel that is not closed yet (the newest one)."""
    return session.scalar(
        select(WrittenThread)
        .where(WrittenThread.channel == channel, WrittenThread.contact_key == contact_key,
               WrittenThread.status != "closed")
        .order_by(WrittenThread.id.desc()).limit(1))


def find_inbound(session: Session, channel: str, external_id: str) -> ChannelMessage | None:
    return session.scalar(select(ChannelMessage).where(
        ChannelMessage.channel == channel, ChannelMessage.external_id == external_id))


@dataclass(frozen=True)
class Added:
    message: Message
    channel_message: ChannelMessage


def add_message(
    session: Session,
    thread: WrittenThread,
    *,
    sender: str,
    body: str,
    direction: str,
    language: str,
    external_id: str | None = None,
    agent_id: int | None = None,
    delivery_status: str = "received",
    translation: str | None = None,
    translation_language: str | None = None,
    attachments: Sequence[dict[str, Any]] = (),
    segments: int = 1,
    flags: dict[str, Any] | None = None,
    now: datetime | None = None,
    body_masked: str | None = None,
) -> Added:
    """Append one message to the thread's consultation transcript: the masked text stored, the
    raw text sealed when it differs (`body_masked`: `masked(body)` when the caller has it)."""
    now = now or utcnow()
    stored = masked_as(body, body_masked)
    seq = int(session.scalar(select(func.coalesce(func.max(Message.seq), 0))
                             .where(Message.consultation_id == thread.consultation_id)) or 0) + 1
    message = Message(
        consultation_id=thread.consultation_id, seq=seq, sender=sender,
        sender_agent_id=agent_id, body=stored, body_masked=stored,
        flags={"channel": thread.channel, "direction": direction, **(flags or {})},
        created_at=now,
    )
    session.add(message)
    session.flush()
    if stored != body:
        vault.seal(session, vault.MESSAGE_BODY, message.id, body)
    row = ChannelMessage(
        thread_id=thread.id, message_id=message.id, direction=direction, channel=thread.channel,
        external_id=external_id, delivery_status=delivery_status, language=language,
        translation=masked(translation) if translation else None,
        translation_language=translation_language, attachments=list(attachments),
        segments=segments, created_at=now,
    )
    session.add(row)
    thread.updated_at = now
    session.flush()
    return Added(message, row)


def transcript(session: Session, thread: WrittenThread) -> list[tuple[Message, ChannelMessage]]:
    rows = session.execute(
        select(Message, ChannelMessage)
        .join(ChannelMessage, ChannelMessage.message_id == Message.id)
        .where(ChannelMessage.thread_id == thread.id).order_by(Message.seq))
    return [(m, c) for m, c in rows]


@dataclass(frozen=True)
class NewMessage:
    """One message of a batch written by `add_messages` (the arguments of `add_message`)."""
    thread: WrittenThread
    sender: str
    body: str
    direction: str
    language: str
    agent_id: int | None = None
    delivery_status: str = "received"
    translation: str | None = None
    translation_language: str | None = None
    segments: int = 1
    flags: dict[str, Any] | None = None
    external_id: str | None = None
    attachments: Sequence[dict[str, Any]] = ()
    at: datetime | None = None  # the message's time when it is not the batch's `now`
    body_masked: str | None = None  # `masked(body)` when the caller has it


def add_messages(session: Session, batch: Sequence[NewMessage],
                 now: datetime | None = None) -> list[Added]:
    """`add_message` for many messages at once (group commit): one query for the next
    sequence numbers of all the consultations involved, then one bulk INSERT ... RETURNING per
    table (the ORM's bulk path: no unit-of-work bookkeeping per row) and one round for the sealed
    raw texts, instead of a query and two flushes per message. Same rows as `add_message`, in
    the batch's order; the returned objects are persistent in `session`."""
    if not batch:
        return []
    now = now or utcnow()
    session.flush()  # pending rows of this transaction (a thread just opened) go first
    cids = {m.thread.consultation_id for m in batch}
    seqs = {cid: int(top or 0) for cid, top in session.execute(
        select(Message.consultation_id, func.max(Message.seq))
        .where(among(session, Message.consultation_id, cids)).group_by(Message.consultation_id))}
    message_rows = []
    stored = [masked_as(m.body, m.body_masked) for m in batch]
    for m, text in zip(batch, stored, strict=True):
        seq = seqs.get(m.thread.consultation_id, 0) + 1
        seqs[m.thread.consultation_id] = seq
        message_rows.append({
            "consultation_id": m.thread.consultation_id, "seq": seq, "sender": m.sender,
            "sender_agent_id": m.agent_id, "body": text, "body_masked": text,
            "client_msg_id": None,
            "flags": {"channel": m.thread.channel, "direction": m.direction, **(m.flags or {})},
            "created_at": m.at or now})
    messages = insert_returning(session, Message, message_rows)
    vault.seal_many(session, vault.MESSAGE_BODY, [
        (msg.id, m.body) for m, text, msg in zip(batch, stored, messages, strict=True)
        if text != m.body])
    rows = insert_returning(session, ChannelMessage, [{
            "thread_id": m.thread.id, "message_id": msg.id, "direction": m.direction,
            "channel": m.thread.channel, "external_id": m.external_id,
            "delivery_status": m.delivery_status, "language": m.language,
            "translation": masked(m.translation) if m.translation else None,
            "translation_language": m.translation_language, "attachments": list(m.attachments),
            "segments": m.segments, "created_at": m.at or now}
            for m, msg in zip(batch, messages, strict=True)])
    for m in batch:
        m.thread.updated_at = m.at or now
    return [Added(msg, row) for msg, row in zip(messages, rows, strict=True)]
