"""The SMS batch path (`sms.service.receive_many`, the webhook's) takes a provider's batch with
the same results as `receive` one message at a time: threads, queues, messages, outbox items,
opt-outs, crisis alerts, the bot's answers and misses. And a bad message refuses the batch."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sms_signing import signed
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.channels.desk import close_thread
from dasan.channels.intake import SEPARATED_QUEUE
from dasan.channels.sms.port import InboundSms
from dasan.channels.sms.service import SmsResult, receive, receive_many
from dasan.channels.threads import current_thread
from dasan.consultations.service import citizen_for_phone
from dasan.db.models import Consultation, Message, Queue
from dasan.db.models_channels import ChannelMessage, OutboxItem, SmsOptOut, WrittenThread
from dasan.db.models_kbquality import KbGapEvent
from dasan.db.models_protection import CrisisAlert
from dasan.privacy import vault
from dasan.protection import policy

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
SECRET = "test-sms-webhook-secret-0123"

# (sender suffix, text): every kind of message a batch can hold.
BATCH = [
    ("01", "주차 단속 문의드립니다"),                      # a new contact, to the queue
    ("02", "기후동행카드 어디서 사요?"),                    # the bot answers
    ("03", "How do I get a climate card?"),              # foreign language
    ("04", "수신거부"),                                    # opt-out, new contact
    ("05", "한강 다리 위에 와 있어요. 이제 다 끝내고 싶어요"),  # crisis: playbook, no bot
    ("06", "첫 번째 문의입니다 공사 소음"),                  # the same contact twice:
    ("06", "두 번째 문의도 있어요"),                        # joins the thread just opened
    ("07", "이미 열린 상담에 이어서 씁니다"),                # a thread open before the batch
    ("08", "수신동의"),                                    # opt-in word (a question to queue)
    ("09", "3"),                                          # a survey score without a survey
    ("10", "상담사 연결해 주세요"),                          # wants an agent: no bot
    ("11", "주차 단속 문의드립니다"),                        # a separated citizen
    ("12", "수신거부"),                                    # opt-out of a contact with a thread
    ("13", "김민수입니다 010-2345-6789로 연락 주세요 공사 소음"),  # personal data: masked once,
    # on every surface
    ("14", "4"),                                          # the answer to a survey asked
]
RAW_PII = ("010-2345-6789", "2345-6789")


def _messages(prefix: str) -> list[InboundSms]:
    return [InboundSms(provider="http_sms", external_id=f"{prefix}-{n}",
                       sender=f"0109{prefix}00{suffix}", recipient="120", text=text,
                       received_at=AT + timedelta(seconds=n))
            for n, (suffix, text) in enumerate(BATCH)]


def _prepare(db: Session, prefix: str) -> None:
    """Contacts 07 and 12 have an open thread; contact 14 a thread an agent answered and
    closed (so its survey was asked); citizen 11 is separated; one message is in."""
    for suffix in ("07", "12", "14"):
        receive(db, InboundSms("http_sms", f"{prefix}-before-{suffix}", f"0109{prefix}00{suffix}",
                               "120", "먼저 보낸 문의입니다", AT - timedelta(hours=1)))
    surveyed = current_thread(db, "sms", citizen_for_phone(db, f"0109{prefix}0014").phone_hash
                              or "")
    assert surveyed is not None
    surveyed.first_agent_reply_at = AT - timedelta(minutes=40)
    close_thread(db, surveyed, AT - timedelta(minutes=30))
    policy.register(db, citizen_for_phone(db, f"0109{prefix}0011").id, "욕설 반복")
    db.commit()


def _result(r: SmsResult) -> tuple[Any, ...]:
    i = r.intake
    return (r.opted_out, r.opted_in, r.duplicate, r.survey_answered,
            None if i is None else (i.language, i.duplicate, i.bot_answered, i.new_thread,
                                    i.crisis_kind, len(i.events)))


def _picture(db: Session, prefix: str) -> dict[str, Any]:
    """Everything intake wrote for the prefix's contacts, without ids and clock times."""
    db.expire_all()
    out: dict[str, Any] = {}
    for suffix in sorted({s for s, _ in BATCH}):
        key = citizen_for_phone(db, f"0109{prefix}00{suffix}").phone_hash
        threads = []
        for t in db.scalars(select(WrittenThread).where(WrittenThread.contact_key == key)
                            .order_by(WrittenThread.id)):
            c = db.get(Consultation, t.consultation_id)
            assert c is not None
            queue = db.scalar(select(Queue.code).where(Queue.id == c.queue_id))
            messages = [(m.seq, m.sender, m.body, m.body_masked, m.flags, cm.direction,
                         cm.external_id.split("-", 1)[1] if cm.external_id else None,
                         cm.delivery_status, cm.language, cm.translation, cm.segments)
                        for m, cm in db.execute(
                            select(Message, ChannelMessage)
                            .join(ChannelMessage, ChannelMessage.message_id == Message.id)
                            .where(Message.consultation_id == c.id).order_by(Message.seq))]
            outbox = sorted((o.kind, o.status, o.payload["text"], o.payload["kind"])
                            for o in db.scalars(select(OutboxItem).join(
                                ChannelMessage, ChannelMessage.id == OutboxItem.channel_message_id)
                                .where(ChannelMessage.thread_id == t.id)))
            alerts = db.scalar(select(func.count(CrisisAlert.id))
                               .where(CrisisAlert.consultation_id == c.id))
            gaps = sorted(db.scalars(select(KbGapEvent.question)
                                     .where(KbGapEvent.consultation_id == c.id)))
            threads.append((t.status, t.language, t.bot_answered, t.reply_address,
                            t.sla_due_at is not None and t.sla_due_at <= t.created_at,
                            c.status, c.outcome, c.language, c.subject, c.priority, c.crisis,
                            c.kb_entry_id, queue, messages, outbox, alerts, gaps))
        opted = db.scalar(select(func.count(SmsOptOut.id)).where(SmsOptOut.phone_hash == key))
        out[suffix] = (threads, opted)
    return out


def test_a_batch_is_taken_as_one_message_at_a_time_would_be(
        db: Session, kb: dict[str, int]) -> None:
    _prepare(db, "1")
    one_by_one = [receive(db, sms) for sms in _messages("1")]
    db.commit()
    _prepare(db, "2")
    batch = _messages("2")
    # a repeat inside the batch and a message taken before are duplicates, as one by one
    together = receive_many(db, [*batch, batch[0], _messages("1")[1]])
    db.commit()
    assert [_result(r) for r in together] == [_result(r) for r in one_by_one] + [
        (False, False, True, False, None)] * 2
    expected = _picture(db, "1")
    assert _picture(db, "2") == expected
    # the batch held every kind of case
    assert sum(r.opted_out for r in together) == 2 and sum(r.opted_in for r in together) == 1
    assert sum(bool(r.intake and r.intake.crisis_kind) for r in together) == 1
    assert sum(bool(r.intake and r.intake.bot_answered) for r in together) >= 1
    assert sum(bool(r.intake and r.intake.language == "en") for r in together) == 1
    assert sum(r.survey_answered for r in together) == 1  # 14's; 09's "3" is a question
    assert expected["11"][0][0][12] == SEPARATED_QUEUE
    assert len(expected["06"][0]) == 1 and len(expected["06"][0][0][13]) >= 3  # one thread
    # the personal data is masked in the subject, the transcript's masked copy and the bot's
    # gap record (one a run: one by one, then the batch)
    (pii,) = expected["13"][0]
    gaps = [q for q in db.scalars(select(KbGapEvent.question)) if "공사 소음" in q
            and "연락" in q]
    surfaces = [pii[8], *(m[3] for m in pii[13]), *gaps]
    assert len(gaps) == 2 and len(surfaces) == 5
    assert not any(raw in text for raw in RAW_PII for text in surfaces)
    assert all("010-****-6789" in text for text in (pii[8], pii[13][0][3], *gaps))
    # stored masked, the raw text sealed (ADR 0005), by the one-by-one path and the batch's
    assert pii[13][0][2] == pii[13][0][3]
    for prefix in "12":
        key = citizen_for_phone(db, f"0109{prefix}0013").phone_hash
        mid = db.scalar(select(Message.id).join(
            ChannelMessage, ChannelMessage.message_id == Message.id).join(
            WrittenThread, WrittenThread.id == ChannelMessage.thread_id).where(
            WrittenThread.contact_key == key, Message.sender == "citizen"))
        assert mid is not None
        assert vault.open_one(db, vault.MESSAGE_BODY, mid) == dict(BATCH)["13"]


def _post(client: Any, data: dict[str, Any]) -> Any:
    body = json.dumps(data, ensure_ascii=False).encode()
    return client.post("/api/channels/sms/inbound", content=body,
                       headers={"Content-Type": "application/json; charset=utf-8",
                                **signed(body, SECRET)})


def test_a_bad_message_refuses_the_batch_and_changes_nothing(
        client: Any, db: Session, channel_env: Any) -> None:
    """As before the batch path: every message is checked before any is taken, so a bad one
    (here a sender that is no phone number, or an empty text) answers 422 and takes none."""
    channel_env(sms_webhook_secret=SECRET)
    good = [{"message_id": f"bb-{i}", "from": f"0107777000{i}", "to": "120",
             "text": f"공사 소음 문의 {i}번입니다"} for i in range(4)]
    for bad in ({"message_id": "bb-x", "from": "12", "to": "120", "text": "x"},
                {"message_id": "bb-y", "from": "01077770009", "to": "120", "text": " "}):
        r = _post(client, {"messages": [*good[:2], bad, *good[2:]]})
        assert r.status_code == 422, r.text
        assert db.scalar(select(func.count(WrittenThread.id))) == 0
        assert db.scalar(select(func.count(OutboxItem.id))) == 0
    r = _post(client, {"messages": good})
    assert r.status_code == 200 and len(r.json()["results"]) == 4
    assert db.scalar(select(func.count(WrittenThread.id))) == 4
