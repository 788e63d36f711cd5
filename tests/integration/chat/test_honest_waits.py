"""Honest waits: no promise when nobody can serve a queue, overflow by rule, a callback
instead of waiting, and a citizen who closed the window leaves the queue."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from chat_helpers import recv, start
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat import hub as chat_hub
from dasan.chat import idle, overflow
from dasan.db.base import utcnow
from dasan.db.models import Agent, AgentSkill, Consultation, Message, Queue
from dasan.db.models_presence import CitizenPresence, ContactOffer
from dasan.presence import service as presence


def later(client: Any, fn: Any, seconds: float) -> None:
    hub = client.app.state.chat_hub
    client.portal.call(hub.run, fn, utcnow() + timedelta(seconds=seconds))


def water_chat(client: Any, db: Session) -> tuple[int, dict[str, str]]:
    cid, h = start(client)
    client.post(f"/api/chat/sessions/{cid}/messages",
                json={"body": "수돗물에서 냄새가 나요", "client_msg_id": "w"}, headers=h)
    client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
    c = db.get(Consultation, cid)
    assert c is not None
    db.refresh(c)
    assert c.queue_id == db.scalar(select(Queue.id).where(Queue.code == "water"))
    return cid, h


def agent_without(db: Session, skill_code: str) -> Agent:
    water = db.scalar(select(Queue.skill_id).where(Queue.code == skill_code))
    skilled = set(db.scalars(select(AgentSkill.agent_id).where(AgentSkill.skill_id == water)))
    a = db.scalar(select(Agent).where(Agent.id.not_in(skilled), Agent.user_id.is_not(None))
                  .order_by(Agent.id))
    assert a is not None
    return a


def test_nobody_staffed_means_no_promise_then_a_callback(client: Any, kb: dict[str, int],
                                                         db: Session) -> None:
    cid, h = water_chat(client, db)
    status = client.get(f"/api/chat/sessions/{cid}", headers=h).json()
    assert status["phase"] == "waiting" and status["expected_wait_seconds"] is None
    assert status["no_agents"] is True and status["options"] == ["callback", "sms", "qna"]
    page = client.get("/chat").text  # the page's offer: a callback form and the Q&A board
    assert 'id="callback"' in page and 'id="qna-link" href="/qna"' in page
    assert 'id="sms-answer" value="sms"' in page  # the answer-by-SMS button
    later(client, overflow.sweep_overflow, 120)
    later(client, overflow.sweep_overflow, 240)  # told once, not every pass
    told = [m for m in client.get(f"/api/chat/sessions/{cid}/messages", headers=h).json()
            if m["flags"].get("kind") == "no_agents"]
    assert len(told) == 1 and "상담사가 없습니다" in told[0]["body"]
    r = client.post(f"/api/chat/sessions/{cid}/callback", json={"phone": "1234-5678-9012-3"}, headers=h)
    assert r.status_code == 400
    r = client.post(f"/api/chat/sessions/{cid}/callback", json={"phone": "010-1234-5678"},
                    headers=h)
    assert r.status_code == 200 and r.json()["outcome"] == "callback"
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.status == "closed" and c.citizen_id is not None
    assert c.answered_at is None


def test_a_queue_nobody_can_serve_overflows_to_general(client: Any, kb: dict[str, int],
                                                       db: Session) -> None:
    generalist = agent_without(db, "water")
    presence.set_state(db, generalist, "break")  # present, but taking nothing just now
    presence.socket_opened(db, generalist.id)
    cid, h = water_chat(client, db)
    later(client, overflow.sweep_overflow, 120)
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None
    assert c.queue_id == db.scalar(select(Queue.id).where(Queue.code == "general"))
    status = client.get(f"/api/chat/sessions/{cid}", headers=h).json()
    assert status["no_agents"] is False and status["expected_wait_seconds"] is not None
    bodies = [m["body"] for m in client.get(f"/api/chat/sessions/{cid}/messages",
                                            headers=h).json()]
    assert overflow.OVERFLOW_KO in bodies


def test_a_citizen_who_closed_the_window_leaves_the_queue(client: Any, kb: dict[str, int],
                                                          db: Session, citizen_ws: Any) -> None:
    cid, h = start(client)
    token = h["X-Chat-Token"]
    with citizen_ws(cid, token) as ws:
        recv(ws)
        ws.send_json({"type": "handoff"})
        ws.send_json({"type": "ping"})
        while recv(ws)["type"] != "pong":
            pass
    for _ in range(200):  # the server records the closed window (bounded wait, no timing)
        db.expire_all()
        row = db.get(CitizenPresence, cid)
        if row is not None and row.sockets == 0:
            break
        time.sleep(0.05)
    later(client, idle.sweep_citizens, 5)  # a reload is not leaving
    db.expire_all()
    assert db.get(Consultation, cid).status == "open"  # type: ignore[union-attr]
    later(client, idle.sweep_citizens, 120)
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.status == "closed" and c.outcome == "abandoned_in_queue"
    # An agent arriving now is offered nothing.
    a = db.scalar(select(Agent).where(Agent.employee_no == "A0001"))
    assert a is not None
    presence.socket_opened(db, a.id)
    assert chat_hub.run_assignment(db).result == {"assigned": 0, "offered": 0}
    assert db.scalar(select(ContactOffer.id).where(ContactOffer.consultation_id == cid)) is None
    assert db.scalar(select(Message.id).where(Message.consultation_id == cid,
                                              Message.sender == "agent")) is None


def test_a_pass_tells_a_batch_and_a_told_chat_still_overflows_later(
        client: Any, kb: dict[str, int], db: Session, monkeypatch: Any) -> None:
    """One pass tells at most `SWEEP_BATCH` chats (a pass holds the chat's database turn);
    the next pass tells the rest; a chat told "nobody" moves to the general queue once
    someone there is present."""
    monkeypatch.setattr(overflow, "SWEEP_BATCH", 2)
    chats = [water_chat(client, db)[0] for _ in range(3)]

    def told() -> set[int]:
        return set(db.scalars(select(Message.consultation_id).where(
            Message.consultation_id.in_(chats), Message.body == overflow.NOBODY_KO)))

    later(client, overflow.sweep_overflow, 120)
    db.expire_all()
    assert told() == set(chats[:2])
    later(client, overflow.sweep_overflow, 130)
    db.expire_all()
    assert told() == set(chats)
    generalist = agent_without(db, "water")
    presence.set_state(db, generalist, "break")
    presence.socket_opened(db, generalist.id)
    later(client, overflow.sweep_overflow, 140)
    later(client, overflow.sweep_overflow, 150)
    db.expire_all()
    general = db.scalar(select(Queue.id).where(Queue.code == "general"))
    assert [db.get(Consultation, cid).queue_id for cid in chats] == [general] * 3  # type: ignore[union-attr]
