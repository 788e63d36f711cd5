"""HTTP SMS gateway adapter: the usual shape of Korean SMS providers.

Outbound: `POST {base}/send` with a bearer API key, JSON `{to, from, text, type: SMS|LMS,
ref}` and an `Idempotency-Key` header; the answer carries `message_id`. 5xx, 429 and network
errors are retried by the outbox; any other 4xx is a permanent refusal (dead letter).

Bulk (DASAN_SMS_GATEWAY_BATCH > 1; the providers' send-many APIs): `POST {base}/send-many`
with `{"messages": [{to, from, text, type, ref}, ...]}`; each message's `ref` is its
idempotency key. The answer lists one result per message, matched by `ref`: `{ref,
message_id}` when accepted, `{ref, error, retryable}` when not (`retryable` defaults to true).
The whole request failing (5xx, 429, network, 4xx) counts for every message of it; a message
the answer leaves out is retried (its key makes the repeat harmless).

Inbound (MO) and delivery receipts arrive as webhooks signed with the shared secret:
`X-Sms-Timestamp` (unix seconds) and `X-Sms-Signature` (hex HMAC-SHA256 of "timestamp.body").
The body is JSON in UTF-8 unless the Content-Type names another charset; EUC-KR/CP949 (still
common with Korean providers) are accepted, anything else is refused with 415.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

from dasan.channels.errors import TooLong, UnsupportedEncoding
from dasan.channels.outbox import DeliveryError
from dasan.channels.sms.port import DeliveryReceipt, InboundSms, OutboundSms
from dasan.db.base import as_aware_utc
from dasan.errors import Invalid

ACCEPTED_CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "euc-kr": "cp949", "euckr": "cp949",
                     "cp949": "cp949", "ks_c_5601-1987": "cp949", "x-windows-949": "cp949"}
MAX_INBOUND_BYTES = 64_000
# Providers post messages and receipts in batches (`{"messages": [...]}`, `{"receipts": [...]}`)
MAX_BATCH = 200
MAX_BATCH_BYTES = 1_000_000
MAX_INBOUND_CHARS = 4_000  # an MO SMS/LMS is at most 2,000 bytes; 4,000 chars is clearly wrong
DELIVERED = {"delivered", "success", "0", "ok", "deliv", "delivrd"}


def charset_of(content_type: str | None) -> str:
    if not content_type:
        return "utf-8"
    for piece in content_type.split(";")[1:]:
        key, _, value = piece.strip().partition("=")
        if key.lower() == "charset":
            name = value.strip().strip('"').lower()
            if name not in ACCEPTED_CHARSETS:
                raise UnsupportedEncoding(
                    f"charset {name!r} is not supported; send UTF-8 or EUC-KR")
            return ACCEPTED_CHARSETS[name]
    return "utf-8"


def decode_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    if len(body) > MAX_BATCH_BYTES:
        raise TooLong(f"webhook body over {MAX_BATCH_BYTES} bytes")
    charset = charset_of(content_type)
    try:
        text = body.decode(charset)
    except UnicodeDecodeError:
        raise UnsupportedEncoding(f"the body is not valid {charset}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise Invalid("the body is not JSON") from None
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    if len(body) > MAX_INBOUND_BYTES and not any(k in data for k in ("messages", "receipts")):
        raise TooLong(f"webhook body over {MAX_INBOUND_BYTES} bytes")
    return data


def batch_of(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The items of a webhook body: `data[key]` for a batch, else the body itself as one.
    A batch must be a non-empty list of objects, at most `MAX_BATCH`."""
    if key not in data:
        return [data]
    items = data[key]
    if not isinstance(items, list) or not items:
        raise Invalid(f"{key!r} must be a non-empty list")
    if len(items) > MAX_BATCH:
        raise TooLong(f"a batch holds at most {MAX_BATCH} {key}, not {len(items)}")
    if not all(isinstance(i, dict) for i in items):
        raise Invalid(f"every item of {key!r} must be a JSON object")
    return items


def _field(data: dict[str, Any], *names: str) -> str:
    for name in names:
        value = data.get(name)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    raise Invalid(f"field {names[0]!r} is missing")


def parse_inbound(data: dict[str, Any], provider: str = "http_sms") -> InboundSms:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Invalid("field 'text' is missing or empty")
    if len(text) > MAX_INBOUND_CHARS:
        raise TooLong(f"message of {len(text)} characters; an SMS/LMS holds at most 2,000 bytes")
    received = data.get("received_at")
    at = None
    if isinstance(received, str):
        try:
            at = as_aware_utc(datetime.fromisoformat(received))
        except ValueError:
            raise Invalid("received_at is not an ISO date-time") from None
    sender = "".join(ch for ch in _field(data, "from", "sender") if ch.isdigit())
    if not 8 <= len(sender) <= 12:
        raise Invalid("'from' must be a phone number of 8 to 12 digits")
    return InboundSms(provider=provider, external_id=_field(data, "message_id", "id"),
                      sender=sender, recipient=_field(data, "to", "recipient"), text=text,
                      received_at=at)


def parse_receipt(data: dict[str, Any], provider: str = "http_sms") -> DeliveryReceipt:
    status = str(data.get("status", "")).strip().lower()
    if not status:
        raise Invalid("field 'status' is missing")
    mid = data.get("message_id")
    ref = data.get("ref")
    if not mid and not ref:
        raise Invalid("a receipt needs message_id or ref")
    return DeliveryReceipt(provider=provider, provider_message_id=str(mid) if mid else None,
                           reference=str(ref) if ref else None, delivered=status in DELIVERED,
                           detail=str(data.get("code") or status)[:200])


class HttpSmsGateway:
    name = "http_sms"

    def __init__(self, base_url: str, api_key: str | None, timeout: float = 10.0,
                 client: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self._client = client or httpx.AsyncClient(timeout=timeout)

    async def _post(self, path: str, body: dict[str, Any],
                    headers: dict[str, str]) -> httpx.Response:
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        try:
            r = await self._client.post(f"{self.base_url}{path}", json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"gateway unreachable: {type(exc).__name__}") from exc
        if r.status_code >= 500 or r.status_code == 429:
            raise DeliveryError(f"gateway answered {r.status_code}")
        if r.status_code >= 400:
            raise DeliveryError(f"gateway refused with {r.status_code}: {r.text[:200]}",
                                retryable=False)
        return r

    @staticmethod
    def _body(message: OutboundSms) -> dict[str, Any]:
        return {"to": message.to, "from": message.sender, "text": message.text,
                "type": message.kind, "ref": message.reference}

    async def send(self, message: OutboundSms) -> str | None:
        r = await self._post("/send", self._body(message),
                             {"Idempotency-Key": message.reference})
        try:
            data = r.json()
        except ValueError:
            return None
        mid = data.get("message_id") if isinstance(data, dict) else None
        return str(mid) if mid else None

    async def send_many(
            self, messages: Sequence[OutboundSms]) -> list[tuple[str | None, Exception | None]]:
        """One request for all `messages`; one (message id, error) per message, in order."""
        r = await self._post("/send-many", {"messages": [self._body(m) for m in messages]}, {})
        try:
            data = r.json()
        except ValueError:
            raise DeliveryError("the gateway's bulk answer is not JSON") from None
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise DeliveryError("the gateway's bulk answer has no results list")
        by_ref = {str(x.get("ref")): x for x in results if isinstance(x, dict)}
        out: list[tuple[str | None, Exception | None]] = []
        for m in messages:
            x = by_ref.get(m.reference)
            if x is None:
                out.append((None, DeliveryError("the gateway's answer left this message out")))
            elif x.get("error"):
                out.append((None, DeliveryError(f"gateway refused: {str(x['error'])[:200]}",
                                                retryable=x.get("retryable", True) is not False)))
            else:
                mid = x.get("message_id")
                out.append((str(mid) if mid else None, None))
        return out

    async def close(self) -> None:
        await self._client.aclose()
