"""Presence in the live chat: a ghost agent's chat goes to another agent (with its history),
logout is offline at once, and nobody is "answered" without an agent's reply."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from chat_helpers import is_msg, recv, start, until
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat import hub as chat_hub
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation
from dasan.db.models_presence import AgentPresence


def sweep_later(client: Any, seconds: float) -> None:
    """Run the presence sweep as if `seconds` had passed (no sleeping in tests)."""
    hub = client.app.state.chat_hub
    client.portal.call(hub.run, chat_hub.sweep_presence, utcnow() + timedelta(seconds=seconds))


def agent(db: Session, no: str) -> Agent:
    a = db.scalar(select(Agent).where(Agent.employee_no == no))
    assert a is not None
    return a


def test_a_closed_desktop_hands_the_chat_to_the_next_agent(client: Any, kb: dict[str, int],
                                                          login: Any, db: Session) -> None:
    login("agent1")
    cid, h = start(client)
    with client.websocket_connect("/api/chat/ws/agent") as ws:
        hello = recv(ws)
        assert hello["agent"]["state"] == "available" and hello["agent"]["capacity"] >= 1
        client.post(f"/api/chat/sessions/{cid}/messages",
                    json={"body": "여권 재발급은 어떻게 하나요?", "client_msg_id": "q"}, headers=h)
        client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        assigned = until(ws, lambda e: e["type"] == "assigned")
        assert assigned["consultation"]["id"] == cid
        ws.send_json({"type": "ping"})  # the desktop's heartbeat
        until(ws, lambda e: e["type"] == "pong")
    # The desktop is gone. Within the grace the agent is still there (a reload is no exit).
    for _ in range(200):  # the server records the closed socket (bounded wait, no timing)
        db.expire_all()
        row = db.get(AgentPresence, agent(db, "A0001").id)
        if row is not None and row.sockets == 0:
            break
        time.sleep(0.05)
    sweep_later(client, 1)
    db.expire_all()
    assert agent(db, "A0001").state in ("available", "busy")
    sweep_later(client, 5)  # past the 2.5 s grace, long before any heartbeat is missed
    db.expire_all()
    assert agent(db, "A0001").state == "away"
    c = db.get(Consultation, cid)
    assert c is not None and c.agent_id is None and c.status == "open"
    msgs = client.get(f"/api/chat/sessions/{cid}/messages", headers=h).json()
    assert msgs[-1]["flags"]["kind"] == "requeued" and "다른 상담사" in msgs[-1]["body"]
    status = client.get(f"/api/chat/sessions/{cid}", headers=h).json()
    assert status["phase"] == "waiting" and status["position"] == 1

    login("agent2")
    with client.websocket_connect("/api/chat/ws/agent") as ws:
        recv(ws)
        seen: list[dict[str, Any]] = []
        assigned = until(ws, lambda e: e["type"] == "assigned", seen)
        assert assigned["consultation"]["id"] == cid
        until(ws, is_msg("citizen", "여권"), seen)  # the history came along
    # Nobody replied: the citizen leaving now is not an answered contact.
    client.post(f"/api/chat/sessions/{cid}/leave", headers=h)
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.outcome == "abandoned_after_offer" and c.answered_at is None


def test_logout_makes_the_agent_offline_and_requeues_at_once(client: Any, kb: dict[str, int],
                                                             login: Any, db: Session) -> None:
    login("agent1")
    cid, h = start(client)
    with client.websocket_connect("/api/chat/ws/agent") as ws:
        recv(ws)
        client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        until(ws, lambda e: e["type"] == "assigned")
        r = client.post("/logout", follow_redirects=False)
        assert r.status_code == 303
        seen: list[dict[str, Any]] = []
        gone = until(ws, lambda e: e["type"] == "unassigned", seen)
        assert gone["consultation_id"] == cid and gone["why"] == "offline"
        state = [e for e in seen if e["type"] == "presence"][-1]
        assert state["state"] == "offline" and state["state_ko"] == "오프라인"
    db.expire_all()
    assert agent(db, "A0001").state == "offline"
    c = db.get(Consultation, cid)
    assert c is not None and c.agent_id is None and c.status == "open"


def test_state_choices_and_break_reasons(client: Any, login: Any) -> None:
    login("agent1")
    r = client.post("/api/chat/agent/state", json={"state": "break", "reason": "meal"})
    assert r.status_code == 200
    body = r.json()
    assert body["state"] == "break" and body["break_reason"] == "meal"
    assert body["state_ko"] == "휴식" and body["capacity"] == 0
    r = client.post("/api/chat/agent/state", json={"state": "away"})
    assert r.status_code == 400 and r.json()["code"] == "presence_invalid"
    r = client.post("/api/chat/agent/state", json={"state": "after_call_work"})
    assert r.json()["state"] == "after_call_work"
