"""Outbox senders, chosen by config: the SMS gateway (HTTP or SMPP) and messenger replies."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from typing import Any

import httpx

from dasan.channels.errors import NotConfigured
from dasan.channels.outbox import Batched, DeliveryError, Result, Sender
from dasan.channels.signing import hex_signature, timestamped_message
from dasan.channels.sms.http_gateway import HttpSmsGateway
from dasan.channels.sms.port import OutboundSms, SmsGateway
from dasan.channels.sms.smpp_gateway import SmppGateway
from dasan.config import channel_secret, get_settings, smpp_password
from dasan.errors import DomainError

LINE_TEXT_MAX = 5000


# The outbox's pooled HTTP client: as many kept-alive connections as a pass sends at once
# (httpx keeps only 20 by default, so a busier pass would open and close connections).
POOL = 64


def pooled_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=10.0, limits=httpx.Limits(
        max_connections=POOL, max_keepalive_connections=POOL))


def sms_gateway_from_settings(client: httpx.AsyncClient | None = None) -> SmsGateway | None:
    s = get_settings()
    if s.sms_adapter == "http":
        if not s.sms_gateway_url:
            raise NotConfigured("DASAN_SMS_ADAPTER=http needs DASAN_SMS_GATEWAY_URL")
        return HttpSmsGateway(s.sms_gateway_url, s.sms_gateway_key, client=client)
    if s.sms_adapter == "smpp":
        return SmppGateway(s.smpp_host, s.smpp_port, s.smpp_system_id, smpp_password(s) or "")
    return None


def _outbound(payload: dict[str, Any], key: str) -> OutboundSms:
    if not payload.get("to"):
        raise DeliveryError("no number to send to", retryable=False)
    return OutboundSms(to=str(payload["to"]), text=str(payload["text"]),
                       kind=str(payload["kind"]), sender=str(payload["sender"]), reference=key)


def sms_sender(gateway: SmsGateway, batch: int = 1) -> Sender | Batched:
    """Each item in its own request, or (`batch` > 1, an HTTP gateway) `batch` per request
    through the gateway's bulk API."""
    if batch > 1 and isinstance(gateway, HttpSmsGateway):
        http = gateway

        async def send_many(items: Sequence[tuple[dict[str, Any], str]]) -> list[Result]:
            results: list[Result | None] = []
            ready: list[OutboundSms] = []
            for payload, key in items:
                try:
                    ready.append(_outbound(payload, key))
                    results.append(None)
                except DeliveryError as exc:  # this one is dead; the others still go
                    results.append((None, exc))
            answers = iter(await http.send_many(ready) if ready else [])
            return [r if r is not None else next(answers) for r in results]
        return Batched(send_many, batch)

    async def send(payload: dict[str, Any], key: str) -> str | None:
        return await gateway.send(_outbound(payload, key))
    return send


async def post_json(client: httpx.AsyncClient, url: str, body: dict[str, Any],
                    headers: dict[str, str]) -> httpx.Response:
    """POST, classifying failures for the outbox: 5xx/429/network retry, other 4xx dead."""
    try:
        r = await client.post(url, content=json.dumps(body, ensure_ascii=False).encode(),
                              headers={"Content-Type": "application/json", **headers})
    except httpx.HTTPError as exc:
        raise DeliveryError(f"unreachable: {type(exc).__name__}") from exc
    if r.status_code >= 500 or r.status_code == 429:
        raise DeliveryError(f"answered {r.status_code}")
    if r.status_code >= 400:
        raise DeliveryError(f"refused with {r.status_code}: {r.text[:200]}", retryable=False)
    return r


def line_sender(client: httpx.AsyncClient) -> Sender:
    """LINE Messaging API push message; `X-Line-Retry-Key` makes a retried push idempotent."""
    s = get_settings()

    async def send(payload: dict[str, Any], key: str) -> str | None:
        if not s.line_access_token:
            raise DeliveryError("DASAN_LINE_ACCESS_TOKEN is not set", retryable=False)
        body = {"to": payload["to"],
                "messages": [{"type": "text", "text": str(payload["text"])[:LINE_TEXT_MAX]}]}
        headers = {"Authorization": f"Bearer {s.line_access_token}",
                   "X-Line-Retry-Key": str(uuid.uuid5(uuid.NAMESPACE_URL, key))}
        r = await post_json(client, f"{s.line_api_base.rstrip('/')}/v2/bot/message/push",
                            body, headers)
        return r.headers.get("x-line-request-id")
    return send


def generic_sender(client: httpx.AsyncClient) -> Sender:
    """The generic signed-webhook channel: replies POSTed to the portal's reply URL, signed
    like the inbound webhooks (timestamp + hex HMAC-SHA256)."""
    s = get_settings()

    async def send(payload: dict[str, Any], key: str) -> str | None:
        if not s.messenger_reply_url:
            raise DeliveryError("DASAN_MESSENGER_REPLY_URL is not set", retryable=False)
        body = {"to": payload["to"], "text": payload["text"], "ref": key}
        raw = json.dumps(body, ensure_ascii=False).encode()
        ts = str(int(time.time()))
        headers = {"X-Dasan-Timestamp": ts, "Idempotency-Key": key,
                   "X-Dasan-Signature": hex_signature(channel_secret("messenger_secret", s),
                                                      timestamped_message(ts, raw))}
        r = await post_json(client, s.messenger_reply_url, body, headers)
        try:
            data = r.json()
        except ValueError:
            return None
        return str(data.get("message_id")) if isinstance(data, dict) and data.get("message_id") \
            else None
    return send


def welfare_sender(client: httpx.AsyncClient) -> Sender:
    """A welfare case's notice to its 동 주민센터 webhook (`protection.welfare`): the URL comes
    from the directory row at referral time; signed like the messenger webhooks with
    DASAN_WELFARE_WEBHOOK_SECRET, with the item's key as `Idempotency-Key`."""
    s = get_settings()

    async def send(payload: dict[str, Any], key: str) -> str | None:
        body = payload["body"]
        raw = json.dumps(body, ensure_ascii=False).encode()
        ts = str(int(time.time()))
        try:
            secret = channel_secret("welfare_webhook_secret", s)
        except DomainError as exc:
            raise DeliveryError("DASAN_WELFARE_WEBHOOK_SECRET is not set",
                                retryable=False) from exc
        headers = {"X-Dasan-Timestamp": ts, "Idempotency-Key": key,
                   "X-Dasan-Signature": hex_signature(secret, timestamped_message(ts, raw))}
        await post_json(client, str(payload["url"]), body, headers)
        return None
    return send


def build_senders(gateway: SmsGateway | None = None,
                  client: httpx.AsyncClient | None = None) -> dict[str, Sender | Batched]:
    """Every sender the configuration allows (`gateway` overrides the configured SMS one), all
    over one pooled client."""
    client = client or pooled_client()
    senders: dict[str, Sender | Batched] = {"messenger.line": line_sender(client),
                                  "messenger.generic": generic_sender(client),
                                  "welfare.webhook": welfare_sender(client)}
    gateway = gateway or sms_gateway_from_settings(client)
    if gateway is not None:
        senders["sms.send"] = sms_sender(gateway, get_settings().sms_gateway_batch)
    return senders
