"""The outbox: idempotent enqueue, retries with backoff, dead letter, delivery status."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels import outbox
from dasan.channels.threads import add_message, open_thread, transcript
from dasan.db.base import utcnow
from dasan.db.models import Consultation
from dasan.db.models_channels import OutboxItem
from dasan.db.session import new_session
from dasan.errors import Invalid


def _thread(db: Session) -> Any:
    return open_thread(db, channel="sms", contact_key="k1", language="ko",
                       subject="연락처 010-1234-5678 로 문의", reply_address="01012345678")


def test_thread_on_a_consultation_with_masked_transcript_and_sla(db: Session) -> None:
    thread = _thread(db)
    add_message(db, thread, sender="citizen", body="제 번호는 010-1234-5678 입니다",
                direction="in", language="ko", external_id="ext-1")
    db.commit()
    consultation = db.get(Consultation, thread.consultation_id)
    assert consultation is not None and consultation.channel == "sms"
    assert "1234-5678" not in (consultation.subject or "")
    [(message, row)] = transcript(db, thread)
    assert message.seq == 1 and "1234" not in message.body_masked
    assert row.direction == "in" and row.external_id == "ext-1"
    assert thread.sla_due_at is not None and thread.sla_due_at > thread.created_at


def test_enqueue_is_idempotent(db: Session) -> None:
    a = outbox.enqueue(db, "test.send", "key-1", {"n": 1})
    b = outbox.enqueue(db, "test.send", "key-1", {"n": 2})
    db.commit()
    assert a.id == b.id
    assert db.scalar(select(OutboxItem.payload).where(OutboxItem.id == a.id)) == {"n": 1}


def test_retries_with_backoff_then_sent_and_dead_letter(database_url: str, db: Session) -> None:
    thread = _thread(db)
    added = add_message(db, thread, sender="agent", body="답변", direction="out", language="ko",
                        delivery_status="queued")
    outbox.enqueue(db, "test.send", "ok-after-2", {"fail": 2},
                   channel_message_id=added.channel_message.id)
    outbox.enqueue(db, "test.send", "never", {"fail": 99}, max_attempts=3)
    outbox.enqueue(db, "test.send", "refused", {"refuse": True})
    db.commit()
    calls: dict[str, int] = {}

    async def sender(payload: dict[str, Any], key: str) -> str | None:
        calls[key] = calls.get(key, 0) + 1
        if payload.get("refuse"):
            raise outbox.DeliveryError("400 bad number", retryable=False)
        if calls[key] <= payload["fail"]:
            raise outbox.DeliveryError("503 try later")
        return f"prov-{key}"

    now = utcnow()
    factory = lambda: new_session(database_url)  # noqa: E731
    first = asyncio.run(outbox.deliver_due(factory, {"test.send": sender}, now=now))
    assert (first.sent, first.retried, first.dead) == (0, 2, 1)
    # Not due again before the backoff has passed.
    again = asyncio.run(outbox.deliver_due(factory, {"test.send": sender}, now=now))
    assert again.attempted == 0
    later = now
    for _ in range(5):
        later += timedelta(minutes=20)
        asyncio.run(outbox.deliver_due(factory, {"test.send": sender}, now=later))
    db.expire_all()
    items = {i.idempotency_key: i for i in db.scalars(select(OutboxItem))}
    assert items["ok-after-2"].status == "sent" and items["ok-after-2"].attempts == 3
    assert items["ok-after-2"].provider_ref == "prov-ok-after-2"
    assert items["never"].status == "dead" and items["never"].attempts == 3
    assert items["refused"].status == "dead" and items["refused"].attempts == 1
    assert calls == {"ok-after-2": 3, "never": 3, "refused": 1}
    [(_, row)] = transcript(db, thread)
    assert row.delivery_status == "sent"


def test_backoff_grows_and_is_capped() -> None:
    steps = [outbox.backoff(n, base_seconds=2.0) for n in (1, 2, 3, 10, 30)]
    assert steps[0] < steps[1] < steps[2] < steps[3]
    assert steps[4] == outbox.MAX_BACKOFF


def test_reply_address_is_sealed_and_opened_only_for_the_send(database_url: str,
                                                              db: Session) -> None:
    from dasan.channels import outbound
    from dasan.db.models_channels import WrittenThread
    from dasan.db.models_privacy import SealedText

    thread = _thread(db)
    outbound.send(db, thread, "안내드립니다", sender="agent", language="ko")
    db.commit()
    row = db.get(WrittenThread, thread.id)
    assert row is not None and row.reply_address == "010-****-5678"
    item = db.scalar(select(OutboxItem).where(OutboxItem.kind == "sms.send"))
    assert item is not None and "01012345678" not in str(item.payload)
    sealed = db.scalar(select(SealedText).where(SealedText.ref_id == thread.id,
                                                SealedText.kind.like("written_threads%")))
    assert sealed is not None and "01012345678" not in sealed.token
    seen: list[Any] = []

    async def sender(payload: dict[str, Any], key: str) -> str | None:
        seen.append(payload["to"])
        return "p-1"

    report = asyncio.run(outbox.deliver_due(lambda: new_session(database_url),
                                            {"sms.send": sender}))
    assert report.sent == 1 and seen == ["01012345678"]
    db.expire_all()
    assert "01012345678" not in str(db.get(OutboxItem, item.id).payload)  # type: ignore[union-attr]


def test_send_many_writes_what_send_writes_in_one_round(db: Session) -> None:
    from dasan.channels import outbound
    from dasan.db.models_channels import SmsOptOut

    one, two = _thread(db), _thread(db)
    web = open_thread(db, channel="web", contact_key="ticket-1", language="ko", subject="문의")
    single = outbound.send(db, one, "하나씩 보낸 답변", sender="agent", language="ko")
    db.add(SmsOptOut(phone_hash="opted-out", word="수신거부", at=utcnow()))
    blocked = open_thread(db, channel="sms", contact_key="opted-out", language="ko",
                          subject="s", reply_address="01099998888")
    long = "기후동행카드 안내입니다. " * 200  # LMS parts
    added = outbound.send_many(db, [
        outbound.Outgoing(one, "묶어 보낸 답변 010-1234-5678"),
        outbound.Outgoing(two, long, sender="system"),
        outbound.Outgoing(blocked, "수신거부 번호"), outbound.Outgoing(web, "게시판 답변")])
    db.commit()
    assert [m.seq for m, _ in transcript(db, one)] == [1, 2]  # after the single send
    assert [a.channel_message.delivery_status for a in added] == [
        "queued", "queued", "blocked", "delivered"]
    assert "1234-5678" not in added[0].message.body_masked
    keys = sorted(db.scalars(select(OutboxItem.idempotency_key)))
    parts = added[1].channel_message.segments
    assert parts > 1 and len(keys) == 1 + 1 + parts
    assert f"sms:{single.channel_message.id}:0" in keys
    assert f"sms:{added[1].channel_message.id}:{parts - 1}" in keys
    payload = db.scalar(select(OutboxItem.payload).where(
        OutboxItem.channel_message_id == added[0].channel_message.id))
    assert payload is not None and "to" not in payload  # a sealed reference, never the number
    with pytest.raises(Invalid):
        outbound.send_many(db, [outbound.Outgoing(one, "괜찮은 답변"), outbound.Outgoing(one, " ")])
    assert len(transcript(db, one)) == 2


def test_two_workers_never_send_the_same_item_twice(database_url: str, db: Session) -> None:
    """Two workers (threads, each with its own event loop and sessions) claim from the same
    due items at once: every item goes out once (PostgreSQL: SKIP LOCKED; SQLite: the
    conditional UPDATE of the claim)."""
    import threading

    for i in range(60):
        outbox.enqueue(db, "test.send", f"race-{i}", {"n": i})
    db.commit()
    sent: list[str] = []
    start = threading.Barrier(2)
    reports: list[outbox.DeliveryReport] = []

    async def sender(payload: dict[str, Any], key: str) -> str | None:
        await asyncio.sleep(0.02)  # a pass lasts long enough for the other worker to claim
        sent.append(key)
        return None

    def work() -> None:
        start.wait()
        total = outbox.DeliveryReport()
        for _ in range(3):
            r = asyncio.run(outbox.deliver_due(lambda: new_session(database_url),
                                               {"test.send": sender}, limit=25))
            total.sent += r.sent
        reports.append(total)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=30)
    assert sorted(sent) == sorted(f"race-{i}" for i in range(60))  # each once, none left
    assert sum(r.sent for r in reports) == 60
    db.expire_all()
    assert set(db.scalars(select(OutboxItem.status))) == {"sent"}


class _Crash(BaseException):
    """The worker process dying: not an `Exception`, so the outbox records nothing."""


def _sms_items(db: Session, n: int) -> list[Any]:
    from dasan.channels import outbound

    threads = [open_thread(db, channel="sms", contact_key=f"bulk-{i}", language="ko",
                           subject="문의", reply_address=f"0101234{i:04d}") for i in range(n)]
    added = outbound.send_many(db, [outbound.Outgoing(t, f"답변 {i}")
                                    for i, t in enumerate(threads)])
    db.commit()
    return added


def test_bulk_gateway_requests_carry_many_messages_each_with_its_own_retry(
        database_url: str, db: Session, receiver: Any, channel_env: Any) -> None:
    from dasan.channels.senders import build_senders
    from dasan.db.models_channels import ChannelMessage

    gateway = receiver(1)  # every message is refused (retryably) at its first try
    channel_env(sms_adapter="http", sms_gateway_url=gateway.url, sms_gateway_batch="3",
                outbox_backoff_seconds="0")
    added = _sms_items(db, 7)
    outbox.enqueue(db, "sms.send", "sms:no-number:0",
                   {"text": "번호 없음", "kind": "SMS", "sender": "120"})
    outbox.enqueue(db, "sms.send", "sms:bad-number:0",
                   {"to": "00011112222", "text": "없는 번호", "kind": "SMS", "sender": "120"})
    db.commit()

    async def run() -> outbox.DeliveryReport:
        return await outbox.drain(lambda: new_session(database_url), build_senders())

    report = asyncio.run(run())
    assert (report.sent, report.retried, report.dead) == (7, 7, 2)
    log = gateway.log()
    assert sorted(e["key"] for e in log) == sorted(
        f"sms:{a.channel_message.id}:0" for a in added)  # each accepted once
    assert {e["path"] for e in log} == {"/send-many"}
    tries = gateway.attempts()
    assert tries.pop("sms:bad-number:0") == 1  # refused for good: not retried
    assert len(tries) == 7 and all(n == 2 for n in tries.values())
    stats = httpx.get(f"{gateway.url}/attempts", timeout=5).json()
    assert stats["requests"] == 6  # 3 + 3 + 2, then 3 + 3 + 1: not one per message
    db.expire_all()
    assert {m.delivery_status for m in db.scalars(select(ChannelMessage).where(
        ChannelMessage.id.in_([a.channel_message.id for a in added])))} == {"sent"}
    dead = db.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == "sms:no-number:0"))
    assert dead is not None and dead.status == "dead" and "no number" in (dead.last_error or "")
    bad = db.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == "sms:bad-number:0"))
    assert bad is not None and bad.status == "dead" and bad.attempts == 1
    assert "invalid number" in (bad.last_error or "")


@pytest.mark.parametrize("batch", ["1", "50"])
def test_a_worker_dying_between_send_and_mark_loses_nothing_and_duplicates_nothing(
        batch: str, database_url: str, db: Session, receiver: Any, channel_env: Any) -> None:
    """The send reached the gateway, then the worker died before recording it: once the
    claim's lease ends the item goes out again under the same key, and the gateway keeps one
    copy (same provider id)."""
    from dasan.channels.senders import build_senders

    gateway = receiver(0)
    channel_env(sms_adapter="http", sms_gateway_url=gateway.url, sms_gateway_batch=batch)
    [added] = _sms_items(db, 1)
    key = f"sms:{added.channel_message.id}:0"
    now = utcnow()
    factory = lambda: new_session(database_url)  # noqa: E731

    async def crash_after_send() -> None:
        senders = build_senders()
        sms = senders["sms.send"]
        if isinstance(sms, outbox.Batched):
            inner = sms.send_many

            async def dying_many(items: Any) -> list[outbox.Result]:
                await inner(items)
                raise _Crash
            senders["sms.send"] = outbox.Batched(dying_many, sms.size)
        else:
            async def dying(payload: dict[str, Any], k: str) -> str | None:
                await sms(payload, k)  # type: ignore[operator]
                raise _Crash
            senders["sms.send"] = dying
        with pytest.raises(_Crash):
            await outbox.deliver_due(factory, senders, now=now)

    asyncio.run(crash_after_send())
    assert [e["key"] for e in gateway.log()] == [key]
    # Claimed, not recorded: nobody takes it while the lease runs...
    assert asyncio.run(outbox.deliver_due(factory, build_senders(), now=now)).attempted == 0
    # ...then it is due again and sent again with the same key.
    later = now + outbox.CLAIM_LEASE + timedelta(seconds=1)
    assert asyncio.run(outbox.deliver_due(factory, build_senders(), now=later)).sent == 1
    [record] = gateway.log()
    assert record["key"] == key and gateway.attempts()[key] == 2
    db.expire_all()
    item = db.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == key))
    assert item is not None and item.status == "sent" and item.attempts == 2
    assert item.provider_ref == record["id"]
