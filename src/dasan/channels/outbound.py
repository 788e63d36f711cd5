"""Sending on a thread: the message is recorded and its send enqueued in one transaction.

SMS to a number that opted out is recorded as `blocked` and not sent (the opt-out confirmation
itself is the one exception). Long SMS go as several LMS parts, one outbox item each. Web Q&A
answers are read on the tracking page, so they need no send.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels import addresses, outbox
from dasan.channels.sms.encoding import Part, segment
from dasan.channels.threads import Added, add_message
from dasan.config import get_settings
from dasan.db.models_channels import SmsOptOut, WrittenThread
from dasan.errors import DomainError, Invalid


def opted_out(session: Session, phone_hash: str) -> bool:
    return session.scalar(select(SmsOptOut.id).where(SmsOptOut.phone_hash == phone_hash)) \
        is not None


def enqueue_sms(session: Session, to: str | dict[str, Any] | None, parts: list[Part], key: str,
                channel_message_id: int | None = None) -> None:
    """One `sms.send` outbox item per SMS/LMS part, keyed `key:i` (a repeat is a no-op). `to`
    is a number, or a sealed reference (`addresses.reference`) opened only at send time."""
    target = to if isinstance(to, dict) else {"to": to}
    for i, part in enumerate(parts):
        outbox.enqueue(session, "sms.send", f"{key}:{i}", {
            **target, "text": part.text, "kind": part.kind,
            "sender": get_settings().sms_sender_number},
            channel_message_id=channel_message_id)


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
) -> Added:
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
            delivery_status="blocked" if blocked else "queued")
        if not blocked:
            enqueue_sms(session, addresses.reference(thread), parts,
                        f"sms:{added.channel_message.id}",
                        channel_message_id=added.channel_message.id)
        return added
    if thread.channel == "portal":
        added = add_message(
            session, thread, sender=sender, body=body, direction="out", language=language,
            agent_id=agent_id, translation=translation,
            translation_language=translation_language, flags=flags, delivery_status="queued")
        kind = "messenger.line" if thread.provider == "line" else "messenger.generic"
        outbox.enqueue(session, kind, f"{kind}:{added.channel_message.id}", {
            **addresses.reference(thread), "text": body, "provider": thread.provider},
            channel_message_id=added.channel_message.id)
        return added
    # web board: shown on the tracking page
    return add_message(
        session, thread, sender=sender, body=body, direction="out", language=language,
        agent_id=agent_id, translation=translation, translation_language=translation_language,
        flags=flags, delivery_status="delivered")
