"""Sending on a thread: the message is recorded and its send enqueued in one transaction.

SMS to a number that opted out is recorded as `blocked` and not sent (the opt-out confirmation
itself is the one exception). Long SMS go as several LMS parts, one outbox item each. Web Q&A
answers are read on the tracking page, so they need no send.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels import addresses, outbox
from dasan.channels.sms.encoding import Part, segment
from dasan.channels.threads import Added, NewMessage, add_message, add_messages
from dasan.config import get_settings
from dasan.db.bulk import among
from dasan.db.models_channels import SmsOptOut, WrittenThread
from dasan.errors import DomainError, Invalid


def opted_out(session: Session, phone_hash: str) -> bool:
    return session.scalar(select(SmsOptOut.id).where(SmsOptOut.phone_hash == phone_hash)) \
        is not None


def part_masks(body: str, body_masked: str | None, parts: Sequence[Part]) -> list[str | None]:
    """Each part's masked text where the message's masked body tells it without masking again
    (the message unchanged by masking, or sent as one part), else None (the outbox masks it)."""
    if body_masked is not None:
        if body_masked == body:
            return [p.text for p in parts]
        if len(parts) == 1 and parts[0].text == body:
            return [body_masked]
    return [None] * len(parts)


def enqueue_sms(session: Session, to: str | dict[str, Any] | None, parts: list[Part], key: str,
                channel_message_id: int | None = None, fresh: bool = False,
                masks: Sequence[str | None] | None = None) -> None:
    """One `sms.send` outbox item per SMS/LMS part, keyed `key:i` (a repeat is a no-op). `to`
    is a number (the outbox seals it at once), or a sealed reference (`addresses.reference`);
    either is opened only at send time. `fresh`: the key derives from a message inserted in
    this transaction (no look-up). `masks`: the parts' masked texts when known (`part_masks`)."""
    target = to if isinstance(to, dict) else {"to": to}
    sender_number = get_settings().sms_sender_number
    for i, part in enumerate(parts):
        outbox.enqueue(session, "sms.send", f"{key}:{i}", {
            **target, "text": part.text, "kind": part.kind, "sender": sender_number},
            channel_message_id=channel_message_id, fresh=fresh,
            text_masked=masks[i] if masks is not None else None)


def send(
    session: Session,
    thread: WrittenThread,
    body: str,
    *,
    sender: str,
    language: str,
    agent_id: int | None = None,
    translation: str | None = None,
    translation_language: str | None = None,
    flags: dict[str, Any] | None = None,
    ignore_opt_out: bool = False,
    body_masked: str | None = None,
) -> Added:
    """Record the message on the thread and enqueue its send (`body_masked`: `masked(body)`
    when the caller has it, a catalogue notice's)."""
    if body_masked is not None and body.strip() != body:
        body_masked = None
    body = body.strip()
    if not body:
        raise Invalid("the message is empty")
    if thread.channel == "sms":
        try:
            parts = segment(body)
        except (ValueError, DomainError) as exc:
            raise Invalid(str(exc)) from None
        blocked = not ignore_opt_out and opted_out(session, thread.contact_key)
        added = add_message(
            session, thread, sender=sender, body=body, direction="out", language=language,
            agent_id=agent_id, translation=translation,
            translation_language=translation_language, flags=flags, segments=len(parts),
            delivery_status="blocked" if blocked else "queued", body_masked=body_masked)
        if not blocked:
            enqueue_sms(session, addresses.reference(thread), parts,
                        f"sms:{added.channel_message.id}",
                        channel_message_id=added.channel_message.id, fresh=True,
                        masks=part_masks(body, added.message.body, parts))
        return added
    if thread.channel == "portal":
        added = add_message(
            session, thread, sender=sender, body=body, direction="out", language=language,
            agent_id=agent_id, translation=translation,
            translation_language=translation_language, flags=flags, delivery_status="queued",
            body_masked=body_masked)
        kind = "messenger.line" if thread.provider == "line" else "messenger.generic"
        outbox.enqueue(session, kind, f"{kind}:{added.channel_message.id}", {
            **addresses.reference(thread), "text": body, "provider": thread.provider},
            channel_message_id=added.channel_message.id, fresh=True,
            text_masked=added.message.body)
        return added
    # web board: shown on the tracking page
    return add_message(
        session, thread, sender=sender, body=body, direction="out", language=language,
        agent_id=agent_id, translation=translation, translation_language=translation_language,
        flags=flags, delivery_status="delivered", body_masked=body_masked)


@dataclass(frozen=True)
class Outgoing:
    """One message of a `send_many` batch."""
    thread: WrittenThread
    body: str
    sender: str = "agent"
    language: str = "ko"
    agent_id: int | None = None
    flags: dict[str, Any] | None = None
    ignore_opt_out: bool = False  # as `send`'s: the opt-out confirmation itself
    body_masked: str | None = None  # `masked(body)` when the caller has it (a catalogue notice)


def send_many(session: Session, batch: Sequence[Outgoing]) -> list[Added]:
    """`send` for many messages in one transaction (group commit: status notices, bulk
    answers, the SMS bench): the same messages, opt-out rule, LMS parts and outbox items as
    `send` one by one, with one opt-out query for the whole batch and one INSERT round per
    table. Bad input in any message refuses the whole batch before anything is written."""
    plan: list[tuple[Outgoing, list[Part]]] = []
    for out in batch:
        body = out.body.strip()
        if not body:
            raise Invalid("the message is empty")
        parts: list[Part] = []
        if out.thread.channel == "sms":
            try:
                parts = segment(body)
            except (ValueError, DomainError) as exc:
                raise Invalid(str(exc)) from None
        plan.append((replace(out, body=body, body_masked=out.body_masked
                             if body == out.body else None), parts))
    hashes = {o.thread.contact_key for o, _ in plan
              if o.thread.channel == "sms" and not o.ignore_opt_out}
    blocked_hashes = set(session.scalars(select(SmsOptOut.phone_hash).where(
        among(session, SmsOptOut.phone_hash, hashes)))) if hashes else set()

    def status(o: Outgoing) -> str:
        if o.thread.channel == "sms":
            blocked = not o.ignore_opt_out and o.thread.contact_key in blocked_hashes
            return "blocked" if blocked else "queued"
        return "queued" if o.thread.channel == "portal" else "delivered"

    added = add_messages(session, [NewMessage(
        thread=o.thread, sender=o.sender, body=o.body, direction="out", language=o.language,
        agent_id=o.agent_id, delivery_status=status(o), segments=max(len(parts), 1),
        flags=o.flags, body_masked=o.body_masked) for o, parts in plan])
    sender_number = get_settings().sms_sender_number
    items: list[tuple[str, str, dict[str, Any], int | None]] = []
    masks: list[str | None] = []
    for (o, parts), a in zip(plan, added, strict=True):
        cm = a.channel_message
        if cm.delivery_status != "queued":
            continue
        if o.thread.channel == "sms":
            target = addresses.reference(o.thread)
            items += [("sms.send", f"sms:{cm.id}:{i}", {
                **target, "text": part.text, "kind": part.kind, "sender": sender_number}, cm.id)
                for i, part in enumerate(parts)]
            masks += part_masks(o.body, a.message.body, parts)
        else:
            kind = "messenger.line" if o.thread.provider == "line" else "messenger.generic"
            items.append((kind, f"{kind}:{cm.id}", {
                **addresses.reference(o.thread), "text": o.body, "provider": o.thread.provider},
                cm.id))
            masks.append(a.message.body)
    outbox.enqueue_many(session, items, texts_masked=masks)
    return added
