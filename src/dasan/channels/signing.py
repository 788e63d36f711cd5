"""Signed webhooks: HMAC-SHA256 over the raw body, a timestamp window, and replay receipts.

Checks are small named functions so that the access-policy module can take them over.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dasan.channels.errors import BadSignature, Replayed
from dasan.db.models_channels import WebhookReceipt

MAX_SKEW_SECONDS = 300


def hex_signature(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def b64_signature(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def timestamped_message(timestamp: str, body: bytes) -> bytes:
    return timestamp.encode() + b"." + body


def check_timestamped_signature(secret: str, body: bytes, timestamp: str | None,
                                signature: str | None, now: float | None = None) -> None:
    """`signature` must be hex HMAC-SHA256 of "timestamp.body", and the timestamp recent."""
    if not timestamp or not signature:
        raise BadSignature("signature or timestamp header missing")
    try:
        ts = int(timestamp)
    except ValueError:
        raise BadSignature("timestamp is not a number") from None
    if abs((now if now is not None else time.time()) - ts) > MAX_SKEW_SECONDS:
        raise Replayed("timestamp outside the accepted window (replayed or clock skew)")
    expected = hex_signature(secret, timestamped_message(timestamp, body))
    given = signature.removeprefix("sha256=")
    if not hmac.compare_digest(expected, given):
        raise BadSignature("signature does not match")


def check_b64_signature(secret: str, body: bytes, signature: str | None) -> None:
    """LINE's scheme: base64 HMAC-SHA256 of the raw body with the channel secret."""
    if not signature:
        raise BadSignature("signature header missing")
    if not hmac.compare_digest(b64_signature(secret, body), signature):
        raise BadSignature("signature does not match")


def first_delivery(session: Session, source: str, event_id: str, at: datetime) -> bool:
    """Record a webhook event id; False when it was seen before (a replay or redelivery)."""
    if session.scalar(select(WebhookReceipt.id).where(
            WebhookReceipt.source == source, WebhookReceipt.event_id == event_id)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(WebhookReceipt(source=source, event_id=event_id[:128], at=at))
    except IntegrityError:
        return False
    return True
