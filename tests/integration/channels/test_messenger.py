"""Messenger channels: LINE's webhook format and the generic signed webhook, replies through
the outbox to a receiver that fails on purpose, signature and replay checks."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.channels import outbox
from dasan.channels.senders import build_senders
from dasan.channels.signing import b64_signature, hex_signature, timestamped_message
from dasan.db.models_channels import ChannelMessage, WrittenThread
from dasan.db.session import new_session

LINE_SECRET = "line-channel-secret-for-tests"
PORTAL_SECRET = "portal-secret-for-the-tests"


def _line_event(event_id: str, msg_id: str, text: str, user: str = "U4af4980629") -> dict:
    return {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
            "webhookEventId": event_id, "deliveryContext": {"isRedelivery": False},
            "source": {"type": "user", "userId": user}, "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGD",
            "message": {"type": "text", "id": msg_id, "quoteToken": "q", "text": text}}


def _post_line(client: Any, events: list[dict], secret: str = LINE_SECRET) -> Any:
    body = json.dumps({"destination": "Uxxxxxxxx", "events": events}).encode()
    return client.post("/api/channels/messenger/line/webhook", content=body,
                       headers={"X-Line-Signature": b64_signature(secret, body),
                                "Content-Type": "application/json"})


def _drain(database_url: str) -> outbox.DeliveryReport:
    async def run() -> outbox.DeliveryReport:
        return await outbox.drain(lambda: new_session(database_url), build_senders())
    return asyncio.run(run())


def test_line_english_question_answered_in_english_and_pushed(
        client: Any, db: Session, database_url: str, kb: dict[str, int], receiver: Any,
        channel_env: Any) -> None:
    line = receiver(2)
    channel_env(line_channel_secret=LINE_SECRET, line_access_token="tok-123",
                line_api_base=line.url, outbox_backoff_seconds="0.01", translation="glossary")
    r = _post_line(client, [_line_event("ev-1", "m-1", "How do I get a climate card?")])
    assert r.status_code == 200, r.text
    [taken] = r.json()["taken"]
    assert taken["language"] == "en" and taken["bot_answered"] is True
    # A redelivery of the same event changes nothing.
    r = _post_line(client, [_line_event("ev-1", "m-1", "How do I get a climate card?")])
    assert r.json()["duplicates"] == 1 and r.json()["taken"] == []

    report = _drain(database_url)
    assert report.sent == 1 and report.retried == 2
    [push] = line.log()
    assert push["path"] == "/v2/bot/message/push"
    assert push["headers"]["authorization"] == "Bearer tok-123"
    assert push["headers"]["x-line-retry-key"]
    assert push["body"]["to"] == "U4af4980629"
    text = push["body"]["messages"][0]["text"]
    assert "Here is our answer" in text and "climate card" in text
    assert "기후동행카드 구매 방법" in text  # the Korean original, tagged in English
    db.expire_all()
    inbound = db.scalar(select(ChannelMessage).where(ChannelMessage.direction == "in"))
    assert inbound is not None and inbound.translation and "기후동행카드" in inbound.translation


def test_line_bad_signature_and_media(client: Any, db: Session, channel_env: Any) -> None:
    channel_env(line_channel_secret=LINE_SECRET)
    r = _post_line(client, [_line_event("ev-2", "m-2", "hi")], secret="x" * 20)
    assert r.status_code == 401 and r.json()["code"] == "bad_signature"
    image = {**_line_event("ev-3", "m-3", ""), "message": {"type": "image", "id": "m-3"}}
    follow = {"type": "follow", "webhookEventId": "ev-4", "source": {"userId": "U1"}}
    r = _post_line(client, [image, follow])
    assert r.status_code == 200 and r.json()["ignored"] == 1
    row = db.scalar(select(ChannelMessage))
    assert row is not None and row.attachments[0]["content_id"] == "m-3"


def _post_generic(client: Any, data: dict, *, secret: str = PORTAL_SECRET,
                  ts: int | None = None) -> Any:
    body = json.dumps(data, ensure_ascii=False).encode()
    stamp = str(int(time.time()) if ts is None else ts)
    return client.post("/api/channels/messenger/naver/webhook", content=body, headers={
        "X-Dasan-Timestamp": stamp,
        "X-Dasan-Signature": hex_signature(secret, timestamped_message(stamp, body))})


def test_generic_webhook_reply_signed_and_bad_input(
        client: Any, db: Session, database_url: str, kb: dict[str, int], receiver: Any,
        channel_env: Any) -> None:
    portal = receiver(1)
    channel_env(messenger_secret=PORTAL_SECRET, messenger_reply_url=f"{portal.url}/reply",
                outbox_backoff_seconds="0.01")
    msg = {"event_id": "e-1", "message_id": "n-1", "user_id": "naver-user-7",
           "text": "따릉이 빌리는 데 얼마예요",
           "attachments": [{"url": "https://example.org/a.jpg", "content_type": "image/jpeg",
                            "size": 2048}]}
    assert _post_generic(client, msg, secret="y" * 20).status_code == 401
    assert _post_generic(client, msg, ts=int(time.time()) - 900).status_code == 409
    bad = {**msg, "attachments": [{"url": "file:///etc/passwd", "content_type": "image/png"}]}
    assert _post_generic(client, bad).json()["code"] == "bad_attachment"
    exe = {**msg, "attachments": [{"url": "https://x.org/a.exe",
                                   "content_type": "application/x-msdownload"}]}
    assert _post_generic(client, exe).status_code == 422
    assert db.scalar(select(func.count(WrittenThread.id))) == 0
    r = _post_generic(client, msg)
    assert r.status_code == 200 and r.json()["taken"][0]["bot_answered"] is True
    assert _post_generic(client, msg).json()["duplicates"] == 1
    report = _drain(database_url)
    assert report.sent == 1 and report.retried == 1
    [reply] = portal.log()
    assert reply["body"]["to"] == "naver-user-7" and "1,000원" in reply["body"]["text"]
    ts = reply["headers"]["x-dasan-timestamp"]
    raw = json.dumps(reply["body"], ensure_ascii=False).encode()
    assert reply["headers"]["x-dasan-signature"] == hex_signature(
        PORTAL_SECRET, timestamped_message(ts, raw))


def test_a_citizen_chasing_a_reply_on_line_is_not_a_crisis(
        client: Any, db: Session, channel_env: Any) -> None:
    """Regression (issue 17): "왜 답이 없어요" on a LINE thread went to the crisis queue (the
    classifier read the chaser's "…이 없어요" as suicide). It is an ordinary follow-up now; a
    real crisis on the same kind of thread still raises the alert."""
    from dasan.db.models import Consultation
    from dasan.db.models_protection import CrisisAlert

    channel_env(line_channel_secret=LINE_SECRET)
    r = _post_line(client, [_line_event("ev-w1", "m-w1", "불법 주차 신고했는데 처리됐나요",
                                        user="Uwait0001")])
    assert r.status_code == 200, r.text
    thread_id = r.json()["taken"][0]["thread_id"]
    first = db.get(WrittenThread, thread_id)
    assert first is not None
    queue_before = db.get(Consultation, first.consultation_id).queue_id  # type: ignore[union-attr]
    for i, text in enumerate(["왜 답이 없어요", "아직도 답이 없네요", "회신이 없어요"]):
        r = _post_line(client, [_line_event(f"ev-w{i + 2}", f"m-w{i + 2}", text,
                                            user="Uwait0001")])
        assert r.status_code == 200, r.text
    db.expire_all()
    assert db.scalar(select(func.count(CrisisAlert.id))) == 0
    thread = db.get(WrittenThread, thread_id)
    assert thread is not None
    consultation = db.get(Consultation, thread.consultation_id)
    assert consultation is not None and consultation.queue_id == queue_before
    r = _post_line(client, [_line_event("ev-w9", "m-w9", "답이 없어서 그냥 다 끝내고 싶어요",
                                        user="Uwait0002")])
    assert r.status_code == 200, r.text
    db.expire_all()
    assert db.scalar(select(func.count(CrisisAlert.id))) == 1
