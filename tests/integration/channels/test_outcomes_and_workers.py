"""Outcomes of written threads, idle closing, dead letters, and two outbox workers sharing
the work without sending anything twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels import desk, outbox
from dasan.channels.intake import take_inbound
from dasan.channels.threads import add_message, open_thread
from dasan.consultations.outcomes import OUTCOMES
from dasan.db.base import utcnow
from dasan.db.models import Agency, Consultation
from dasan.db.models_channels import OutboxItem, WrittenThread
from dasan.db.session import new_session


def _outcome(db: Session, thread_id: int) -> str:
    thread = db.get(WrittenThread, thread_id)
    assert thread is not None
    consultation = db.get(Consultation, thread.consultation_id)
    assert consultation is not None
    return consultation.outcome


def test_idle_closing_gives_bot_resolved_and_idle_closed(db: Session, kb: dict[str, int],
                                                         channel_env: Any) -> None:
    channel_env(translation="none")
    answered = take_inbound(db, channel="sms", provider="http_sms", contact_key="c1",
                            external_id="i-1", text="따릉이 빌리는 데 얼마예요",
                            reply_address="01011110000")
    waiting = take_inbound(db, channel="sms", provider="http_sms", contact_key="c2",
                           external_id="i-2", text="아파트 층간 소음 신고는 어디에 하나요",
                           reply_address="01011110001")
    db.commit()
    assert answered.bot_answered and not waiting.bot_answered
    assert desk.close_idle(db, now=utcnow()) == 0  # not idle yet
    later = utcnow() + desk.IDLE_AFTER + timedelta(minutes=1)
    assert desk.close_idle(db, now=later) == 1  # only the thread waiting on the citizen
    db.commit()
    assert _outcome(db, answered.thread_id) == "bot_resolved"
    assert _outcome(db, waiting.thread_id) == "open"
    thread = db.get(WrittenThread, waiting.thread_id)
    assert thread is not None and thread.status == "open"


def test_close_without_reply_is_forced_terminated_or_transferred(db: Session, channel_env: Any
                                                          ) -> None:
    from dasan.db.models import User

    channel_env(translation="none")
    supervisor = db.scalar(select(User).where(User.username == "supervisor"))
    assert supervisor is not None
    a = open_thread(db, channel="web", contact_key="board:A", language="ko", subject="a")
    b = open_thread(db, channel="web", contact_key="board:B", language="ko", subject="b")
    db.commit()
    agency = db.scalar(select(Agency.id).where(Agency.code == "city-transport"))
    assert agency is not None
    desk.hand_to_department(db, supervisor, b.id, agency)
    assert desk.close(db, supervisor, a.id) == "forced_terminated"  # ADR 0004: nobody answered
    assert desk.close(db, supervisor, b.id) == "transferred"  # the department took it on
    db.commit()
    assert _outcome(db, a.id) == "forced_terminated" and _outcome(db, b.id) == "transferred"
    for thread_id in (a.id, b.id):
        assert _outcome(db, thread_id) in OUTCOMES


def test_dead_letter_requeued(db: Session, database_url: str) -> None:
    outbox.enqueue(db, "t.send", "k-dead", {}, max_attempts=1)
    db.commit()

    async def refuse(payload: dict[str, Any], key: str) -> str | None:
        raise outbox.DeliveryError("410 gone")

    async def accept(payload: dict[str, Any], key: str) -> str | None:
        return "ok-1"

    factory = lambda: new_session(database_url)  # noqa: E731
    assert asyncio.run(outbox.deliver_due(factory, {"t.send": refuse})).dead == 1
    [dead] = outbox.dead_letters(db)
    assert dead.last_error and "410" in dead.last_error
    assert outbox.requeue(db, dead.id) is not None
    db.commit()
    assert asyncio.run(outbox.deliver_due(factory, {"t.send": accept})).sent == 1


def test_two_workers_never_send_an_item_twice(db: Session, database_url: str) -> None:
    thread = open_thread(db, channel="sms", contact_key="w", language="ko", subject="s",
                         reply_address="01000000000")
    for i in range(60):
        added = add_message(db, thread, sender="agent", body=f"답변 {i}", direction="out",
                            language="ko", delivery_status="queued")
        outbox.enqueue(db, "t.send", f"w-{i}", {"i": i},
                       channel_message_id=added.channel_message.id)
    db.commit()
    sent: list[str] = []

    async def slow(payload: dict[str, Any], key: str) -> str | None:
        await asyncio.sleep(0.01)
        sent.append(key)
        return None

    async def two_workers() -> None:
        factory = lambda: new_session(database_url)  # noqa: E731
        for _ in range(10):
            reports = await asyncio.gather(
                asyncio.to_thread(asyncio.run, outbox.deliver_due(factory, {"t.send": slow},
                                                                  limit=25)),
                asyncio.to_thread(asyncio.run, outbox.deliver_due(factory, {"t.send": slow},
                                                                  limit=25)))
            if not any(r.attempted for r in reports):
                return

    asyncio.run(two_workers())
    assert sorted(sent) == sorted(f"w-{i}" for i in range(60))  # each exactly once
    db.expire_all()
    assert {i.status for i in db.scalars(select(OutboxItem))} == {"sent"}


def test_claims_stay_within_the_channels_concurrency(db: Session, channel_env: Any) -> None:
    from dasan.db.models import User

    channel_env(translation="none", written_max_claimed='{"sms": 2, "web": 1}')
    agent = db.scalar(select(User).where(User.username == "agent1"))
    assert agent is not None
    sms = [open_thread(db, channel="sms", contact_key=f"cc-{i}", language="ko", subject="s")
           for i in range(3)]
    web = open_thread(db, channel="web", contact_key="board:CC", language="ko", subject="w")
    db.commit()
    desk.claim(db, agent, sms[0].id)
    desk.claim(db, agent, sms[1].id)
    desk.claim(db, agent, sms[1].id)  # claiming one's own thread again is no new work
    with pytest.raises(desk.AtConcurrencyLimit):
        desk.claim(db, agent, sms[2].id)
    desk.claim(db, agent, web.id)  # another channel has its own limit
    desk.reply(db, agent, sms[0].id, "안내드립니다")  # answered: waiting on the citizen now
    db.commit()
    assert desk.claim(db, agent, sms[2].id).claimed_by_agent_id is not None
