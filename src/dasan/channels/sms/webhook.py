"""The HTTP SMS gateway's webhooks (inbound messages, delivery receipts), checked and taken."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dasan.channels.signing import check_timestamped_signature
from dasan.channels.sms import service
from dasan.channels.sms.http_gateway import decode_body, parse_inbound, parse_receipt
from dasan.config import channel_secret


def check_gateway_signature(body: bytes, timestamp: str | None, signature: str | None) -> None:
    check_timestamped_signature(channel_secret("sms_webhook_secret"), body, timestamp, signature)


def inbound(session: Session, body: bytes, content_type: str | None, timestamp: str | None,
            signature: str | None) -> service.SmsResult:
    check_gateway_signature(body, timestamp, signature)
    sms = parse_inbound(decode_body(body, content_type))
    result = service.receive(session, sms)
    session.commit()
    return result


def receipt(session: Session, body: bytes, content_type: str | None, timestamp: str | None,
            signature: str | None) -> bool:
    check_gateway_signature(body, timestamp, signature)
    matched = service.apply_receipt(session, parse_receipt(decode_body(body, content_type)))
    session.commit()
    return matched
