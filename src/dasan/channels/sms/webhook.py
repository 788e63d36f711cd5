"""The HTTP SMS gateway's webhooks (inbound messages, delivery receipts), checked and taken."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dasan.channels.signing import check_timestamped_signature
from dasan.channels.sms import service
from dasan.channels.sms.http_gateway import batch_of, decode_body, parse_inbound, parse_receipt
from dasan.config import channel_secret


def check_gateway_signature(body: bytes, timestamp: str | None, signature: str | None) -> None:
    check_timestamped_signature(channel_secret("sms_webhook_secret"), body, timestamp, signature)


@dataclass(frozen=True)
class Taken:
    """What a webhook call took: one result per item, and whether the body was a batch."""
    results: list[Any]
    batch: bool


def inbound(session: Session, body: bytes, content_type: str | None, timestamp: str | None,
            signature: str | None) -> Taken:
    """One message, or a provider's batch (`{"messages": [...]}`): every message is checked
    before any is taken (a bad one refuses the batch, nothing is taken), then all are taken
    in order in one transaction (`service.receive_many`), one commit. One result per
    message."""
    check_gateway_signature(body, timestamp, signature)
    data = decode_body(body, content_type)
    messages = [parse_inbound(item) for item in batch_of(data, "messages")]
    results = service.receive_many(session, messages)
    session.commit()
    return Taken(results, "messages" in data)


def receipt(session: Session, body: bytes, content_type: str | None, timestamp: str | None,
            signature: str | None) -> Taken:
    """One delivery receipt or a batch (`{"receipts": [...]}`), checked first, one commit;
    whether each matched a send."""
    check_gateway_signature(body, timestamp, signature)
    data = decode_body(body, content_type)
    receipts = [parse_receipt(item) for item in batch_of(data, "receipts")]
    matched = [service.apply_receipt(session, r) for r in receipts]
    session.commit()
    return Taken(matched, "receipts" in data)
