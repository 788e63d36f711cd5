"""SMS end to end over HTTP: signed inbound webhook -> bot/queue -> outbox -> a real gateway
process that fails the first tries -> delivery receipt. Plus the bad inputs."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from sms_signing import signed
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.channels import outbox
from dasan.channels.senders import build_senders
from dasan.config import get_settings
from dasan.db.models import Consultation, Message
from dasan.db.models_channels import ChannelMessage, OutboxItem, SmsOptOut, WrittenThread
from dasan.db.session import new_session

SECRET = "test-sms-webhook-secret-0123"


def _post(client: Any, path: str, data: dict[str, Any], *, charset: str = "utf-8",
          ts: int | None = None, secret: str = SECRET) -> Any:
    body = json.dumps(data, ensure_ascii=False).encode(charset)
    headers = {"Content-Type": f"application/json; charset={charset}", **signed(body, secret, ts)}
    return client.post(f"/api/channels/sms/{path}", content=body, headers=headers)


def _drain(database_url: str) -> outbox.DeliveryReport:
    async def run() -> outbox.DeliveryReport:
        senders = build_senders()
        return await outbox.drain(lambda: new_session(database_url), senders)
    return asyncio.run(run())


def test_sms_thread_bot_answer_and_retried_delivery(
        client: Any, db: Session, database_url: str, kb: dict[str, int], receiver: Any,
        channel_env: Any) -> None:
    gateway = receiver(2)  # every send fails twice with 503 before it is accepted
    channel_env(sms_adapter="http", sms_gateway_url=gateway.url, sms_webhook_secret=SECRET,
                outbox_backoff_seconds="0.01", sms_sender_number="1588-0120")
    r = _post(client, "inbound", {"message_id": "mo-1", "from": "010-2345-6789", "to": "120",
                                  "text": "기후동행카드 어디서 사요?"})
    assert r.status_code == 200, r.text
    assert r.json()["bot_answered"] is True and r.json()["language"] == "ko"
    r = _post(client, "inbound", {"message_id": "mo-2", "from": "01098765432", "to": "120",
                                  "text": "우리 동네 공사 소음 언제 끝나나요"})
    assert r.status_code == 200 and r.json()["bot_answered"] is False

    report = _drain(database_url)
    assert report.dead == 0 and report.sent == 2 and report.retried == 4
    log = gateway.log()
    assert len(log) == 2  # each message exactly once at the gateway
    attempts = gateway.attempts()
    assert sorted(attempts.values()) == [3, 3]
    by_to = {entry["body"]["to"]: entry for entry in log}
    answer = by_to["01023456789"]["body"]
    assert answer["type"] == "LMS" and "기후동행카드" in answer["text"]
    assert f"/answers/{kb['기후동행카드 구매 방법']}" in answer["text"]
    assert answer["from"] == "1588-0120"
    ack = by_to["01098765432"]["body"]
    assert "접수" in ack["text"]

    db.expire_all()
    threads = list(db.scalars(select(WrittenThread).order_by(WrittenThread.id)))
    assert [t.status for t in threads] == ["replied", "open"]
    assert threads[1].sla_due_at is not None
    sent = db.scalar(select(ChannelMessage).where(ChannelMessage.direction == "out",
                                                  ChannelMessage.thread_id == threads[0].id))
    assert sent is not None and sent.delivery_status == "sent"
    ref = db.scalar(select(OutboxItem.provider_ref).where(
        OutboxItem.channel_message_id == sent.id))

    r = _post(client, "receipts", {"message_id": ref, "status": "DELIVERED"})
    assert r.status_code == 200 and r.json()["matched"] is True
    db.expire_all()
    assert db.get(ChannelMessage, sent.id).delivery_status == "delivered"  # type: ignore[union-attr]
    # The consultation record holds the masked transcript: no raw phone number anywhere.
    subject = db.scalar(select(Consultation.subject).where(
        Consultation.id == threads[1].consultation_id))
    assert subject and "소음" in subject


def test_redelivered_sms_changes_nothing_and_follow_up_joins_thread(
        client: Any, db: Session, kb: dict[str, int], channel_env: Any) -> None:
    channel_env(sms_webhook_secret=SECRET)
    first = {"message_id": "mo-9", "from": "01011112222", "to": "120", "text": "공사 소음 문의"}
    taken = _post(client, "inbound", first).json()
    assert taken["duplicate"] is False
    again = _post(client, "inbound", first)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    follow = {**first, "message_id": "mo-10", "text": "답변 기다립니다"}
    assert _post(client, "inbound", follow).json()["thread_id"] == taken["thread_id"]
    assert db.scalar(select(func.count(WrittenThread.id))) == 1
    citizen_messages = db.scalar(select(func.count(Message.id)).where(Message.sender == "citizen"))
    assert citizen_messages == 2


def test_opt_out_blocks_later_sends(client: Any, db: Session, kb: dict[str, int],
                                    channel_env: Any) -> None:
    channel_env(sms_webhook_secret=SECRET)
    r = _post(client, "inbound", {"message_id": "o-1", "from": "01033334444", "to": "120",
                                  "text": "수신거부"})
    assert r.status_code == 200 and r.json()["opted_out"] is True
    assert db.scalar(select(func.count(SmsOptOut.id))) == 1
    # Confirmation is the one message still sent.
    assert db.scalar(select(func.count(OutboxItem.id))) == 1
    r = _post(client, "inbound", {"message_id": "o-2", "from": "01033334444", "to": "120",
                                  "text": "기후동행카드 어디서 사요?"})
    assert r.json()["bot_answered"] is True
    db.expire_all()
    assert db.scalar(select(func.count(OutboxItem.id))) == 1  # the answer was not sent
    blocked = db.scalar(select(func.count(ChannelMessage.id)).where(
        ChannelMessage.delivery_status == "blocked"))
    assert blocked == 1


def test_bad_sms_input(client: Any, db: Session, channel_env: Any) -> None:
    channel_env(sms_webhook_secret=SECRET)
    ok = {"message_id": "b-1", "from": "01055556666", "to": "120", "text": "안녕하세요"}
    assert _post(client, "inbound", ok, secret="wrong-secret-wrong-secret").status_code == 401
    assert _post(client, "inbound", ok, ts=int(time.time()) - 3600).json()["code"] == "replayed"
    r = _post(client, "inbound", {**ok, "text": "가" * 10_000})
    assert r.status_code == 413 and r.json()["code"] == "too_long"
    body = json.dumps(ok).encode()
    r = client.post("/api/channels/sms/inbound", content=body,
                    headers={"Content-Type": "application/json; charset=koi8-r",
                             **signed(body, SECRET)})
    assert r.status_code == 415 and r.json()["code"] == "unsupported_encoding"
    raw = "안녕".encode("utf-16")
    r = client.post("/api/channels/sms/inbound", content=raw,
                    headers={"Content-Type": "application/json", **signed(raw, SECRET)})
    assert r.status_code == 415
    assert r.json()["code"] == "unsupported_encoding"
    assert db.scalar(select(func.count(WrittenThread.id))) == 0  # nothing was taken
    # EUC-KR from an older gateway is fine.
    r = _post(client, "inbound", {**ok, "message_id": "b-2"}, charset="euc-kr")
    assert r.status_code == 200 and r.json()["language"] == "ko"
    assert get_settings().sms_webhook_secret == SECRET


def test_sms_survey_after_an_agent_answered_thread(client: Any, db: Session, kb: dict[str, int],
                                                   channel_env: Any, login: Any) -> None:
    """Issue 17: a thread an agent answered is closed -> the citizen is asked for 1-5 by SMS; a
    lone digit answers it once and joins the consultation; a second digit is an ordinary
    message again. A thread no agent answered is not surveyed."""
    from dasan.db.models_quality import SurveyAnswer

    channel_env(sms_webhook_secret=SECRET)
    citizen = "01055556666"
    tid = _post(client, "inbound", {"message_id": "s-1", "from": citizen, "to": "120",
                                    "text": "우리 동네 공사 소음 언제 끝나나요"}).json()["thread_id"]
    bot_only = _post(client, "inbound", {"message_id": "s-0", "from": "01077778888", "to": "120",
                                         "text": "공사 소음 신고"}).json()["thread_id"]
    login("agent1")
    assert client.post(f"/api/channels/threads/{tid}/claim").status_code == 200
    assert client.post(f"/api/channels/threads/{tid}/reply",
                       json={"text": "구청 건축과에서 확인해 드립니다"}).status_code == 201
    assert client.post(f"/api/channels/threads/{tid}/close").status_code == 200
    login("supervisor")
    assert client.post(f"/api/channels/threads/{bot_only}/close").status_code == 200
    db.expire_all()
    asked = list(db.scalars(select(Message.consultation_id).where(Message.sender == "system")
                            .where(Message.body.contains("만족"))))
    thread = db.get(WrittenThread, tid)
    assert thread is not None and asked == [thread.consultation_id]  # only the answered one

    r = _post(client, "inbound", {"message_id": "s-2", "from": citizen, "to": "120",
                                  "text": " 4 "})
    assert r.status_code == 200 and r.json()["survey_answered"] is True
    db.expire_all()
    answers = list(db.scalars(select(SurveyAnswer)))
    assert [(a.consultation_id, a.channel, a.score) for a in answers] == [
        (thread.consultation_id, "sms", 4)]
    assert db.scalar(select(func.count(WrittenThread.id))) == 2  # no new thread for the answer
    # Answered once: the next digit is an ordinary message on a new thread.
    r = _post(client, "inbound", {"message_id": "s-3", "from": citizen, "to": "120", "text": "5"})
    assert r.json()["survey_answered"] is False and r.json()["thread_id"] != tid
    db.expire_all()
    assert db.scalar(select(func.count(SurveyAnswer.id))) == 1


def test_a_crisis_sms_runs_the_playbook_and_the_bot_stays_out(
        client: Any, db: Session, kb: dict[str, int], channel_env: Any) -> None:
    """Issue 17: crisis screening on every written channel. A crisis SMS raises the
    consultation, alerts the floor (stored alert + audit), keeps the bot out and tops the
    written queue; a look-alike is an ordinary message."""
    from dasan.db.models import AuditLog
    from dasan.db.models_protection import CrisisAlert

    channel_env(sms_webhook_secret=SECRET)
    calm = _post(client, "inbound", {"message_id": "c-0", "from": "01012121212", "to": "120",
                                     "text": "배고파 죽겠어요 기후동행카드 어디서 사요?"}).json()
    assert calm["crisis"] is False and calm["bot_answered"] is True
    r = _post(client, "inbound", {"message_id": "c-1", "from": "01034343434", "to": "120",
                                  "text": "한강 다리 위에 와 있어요. 이제 다 끝내고 싶어요"})
    assert r.status_code == 200 and r.json()["crisis"] is True
    assert r.json()["bot_answered"] is False
    db.expire_all()
    thread = db.get(WrittenThread, r.json()["thread_id"])
    assert thread is not None and thread.status == "open"
    consultation = db.get(Consultation, thread.consultation_id)
    assert consultation is not None and consultation.crisis is True
    alerts = list(db.scalars(select(CrisisAlert)))
    assert [(a.consultation_id, a.channel, a.kind) for a in alerts] == [
        (thread.consultation_id, "sms", "suicide")]
    assert "010-3434" not in (alerts[0].excerpt_masked or "")
    assert db.scalar(select(AuditLog.id).where(AuditLog.action == "crisis.detected",
                                               AuditLog.object_id == str(consultation.id)))
    other = db.scalar(select(WrittenThread).where(WrittenThread.id == calm["thread_id"]))
    assert other is not None and thread.sla_due_at is not None
    assert other.sla_due_at is None or thread.sla_due_at <= other.sla_due_at
