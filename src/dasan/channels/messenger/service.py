"""Messenger webhooks: the generic signed-webhook channel and LINE (a real public format).

Generic channel (any portal that can call a webhook; `source` names it, e.g. `naver`):
`POST /api/channels/messenger/{source}/webhook` with `X-Dasan-Timestamp` and `X-Dasan-Signature`
(hex HMAC-SHA256 of "timestamp.body" with `DASAN_MESSENGER_SECRET`), body
`{"event_id", "message_id", "user_id", "text", "attachments": [{"url", "content_type",
"size", "name"}]}`. Replies are POSTed, signed the same way, to `DASAN_MESSENGER_REPLY_URL`.

LINE Messaging API webhook (public format, developers.line.biz "Messaging API reference",
Webhook Event Objects): `X-Line-Signature` is base64 HMAC-SHA256 of the raw body with the
channel secret; body `{"destination", "events": [{"type": "message", "webhookEventId",
"deliveryContext": {"isRedelivery"}, "timestamp", "source": {"type": "user", "userId"},
"replyToken", "message": {"type": "text", "id", "text"}}]}`. Media messages (image, video,
audio, file) become attachment references by content id (LINE serves the bytes from its
content endpoint). Replies go out as push messages through the outbox (the reply token expires
within a minute, an agent's answer comes later); `X-Line-Retry-Key` makes a retried push safe.
Redeliveries and replays are dropped by `webhookEventId` and by message id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dasan.channels.addresses import contact_key_for
from dasan.channels.errors import TooLong
from dasan.channels.intake import IntakeResult, take_inbound
from dasan.channels.messenger.attachments import check_url_attachments
from dasan.channels.signing import (
    check_b64_signature,
    check_timestamped_signature,
    first_delivery,
)
from dasan.config import channel_secret
from dasan.consultations.service import citizen_for_identity
from dasan.db.base import utcnow
from dasan.errors import Invalid

MAX_BODY_BYTES = 256_000
MAX_TEXT_CHARS = 5_000
_SOURCE = re.compile(r"^[a-z][a-z0-9_-]{1,23}$")
LINE_MEDIA = {"image": "image/jpeg", "video": "video/mp4", "audio": "audio/m4a",
              "file": "application/octet-stream"}


@dataclass
class WebhookResult:
    taken: list[IntakeResult] = field(default_factory=list)
    duplicates: int = 0
    ignored: int = 0

    @property
    def events(self) -> list[tuple[str, dict[str, Any]]]:
        """The crisis playbook's live events of the messages taken (published after commit)."""
        return [e for t in self.taken for e in t.events]


def _json(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY_BYTES:
        raise TooLong(f"webhook body over {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Invalid("the body is not UTF-8 JSON") from None
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    return data


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else ""
    if len(text) > MAX_TEXT_CHARS:
        raise TooLong(f"message of {len(text)} characters (limit {MAX_TEXT_CHARS})")
    return text


def check_source(source: str) -> str:
    if not _SOURCE.match(source) or source == "line":
        raise Invalid("source must be a short lower-case name such as 'naver'")
    return source


def generic_webhook(session: Session, source: str, body: bytes, timestamp: str | None,
                    signature: str | None) -> WebhookResult:
    check_source(source)
    check_timestamped_signature(channel_secret("messenger_secret"), body, timestamp, signature)
    data = _json(body)
    result = WebhookResult()
    event_id = str(data.get("event_id") or data.get("message_id") or "")
    user = str(data.get("user_id") or "")
    message_id = str(data.get("message_id") or "")
    if not event_id or not user or not message_id:
        raise Invalid("event_id, message_id and user_id are required")
    text = _text(data.get("text"))
    attachments = check_url_attachments(data.get("attachments"))
    if not text.strip() and not attachments:
        raise Invalid("a message needs text or an attachment")
    if not first_delivery(session, source, event_id, utcnow()):
        result.duplicates += 1
        session.commit()
        return result
    key = contact_key_for(source, str(user))
    taken = take_inbound(session, channel="portal", provider=source, contact_key=key,
                         external_id=f"{source}:{message_id}",
                         text=text, reply_address=user, attachments=attachments,
                         citizen_id=citizen_for_identity(session, "messenger", key).id)
    result.taken.append(taken)
    if taken.duplicate:
        result.duplicates += 1
    session.commit()
    return result


def line_webhook(session: Session, body: bytes, signature: str | None) -> WebhookResult:
    check_b64_signature(channel_secret("line_channel_secret"), body, signature)
    data = _json(body)
    events = data.get("events")
    if not isinstance(events, list):
        raise Invalid("events must be a list")
    result = WebhookResult()
    for ev in events:
        if not isinstance(ev, dict) or ev.get("type") != "message":
            result.ignored += 1  # follow, unfollow, postback, ...: nothing to answer
            continue
        src = ev.get("source") or {}
        msg = ev.get("message") or {}
        user = src.get("userId") if isinstance(src, dict) else None
        if not isinstance(msg, dict) or not user or not msg.get("id"):
            result.ignored += 1
            continue
        event_id = str(ev.get("webhookEventId") or msg["id"])
        if not first_delivery(session, "line", event_id, utcnow()):
            result.duplicates += 1
            continue
        kind = msg.get("type")
        attachments: list[dict[str, Any]] = []
        if kind == "text":
            text = _text(msg.get("text"))
        elif kind in LINE_MEDIA:
            text = ""
            attachments = [{"provider": "line", "content_id": str(msg["id"]),
                            "content_type": LINE_MEDIA[str(kind)],
                            "name": str(msg.get("fileName", ""))[:128]}]
        else:
            result.ignored += 1  # stickers, locations
            continue
        key = contact_key_for("line", str(user))
        taken = take_inbound(session, channel="portal", provider="line", contact_key=key,
                             external_id=f"line:{msg['id']}",
                             text=text, reply_address=str(user), attachments=attachments,
                             citizen_id=citizen_for_identity(session, "messenger", key).id)
        result.taken.append(taken)
        if taken.duplicate:
            result.duplicates += 1
    session.commit()
    return result
