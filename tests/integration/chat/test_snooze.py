"""Chats on hold (보류): out of the agent's load and list while held, back to the same agent
when the time comes or the citizen writes, to the front of the queue when that agent is gone;
never an answer; bad input changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from chat_helpers import recv, start, until
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat import desk, hub, snooze
from dasan.db import floor_counters
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, Message, Team
from dasan.db.models_desk import ChatSnooze
from dasan.presence import offers
from dasan.presence import service as presence


def agent(s: Session, no: str) -> Agent:
    a = s.scalar(select(Agent).where(Agent.employee_no == no))
    assert a is not None
    return a


def connected(s: Session, a: Agent, body: str = "여권 재발급은 어떻게 하나요?") -> int:
    for team_id in s.scalars(select(Team.id)):
        offers.set_auto_accept(s, team_id, True)
    presence.socket_opened(s, a.id)
    cid = int(hub.open_chat(s).result["consultation_id"])
    hub.store_citizen_message(s, cid, body, None)
    hub.request_handoff(s, cid)
    hub.run_assignment(s)
    c = s.get(Consultation, cid)
    assert c is not None
    s.refresh(c)
    assert c.agent_id == a.id
    return cid


def load(s: Session, a: Agent) -> int:
    return presence.loads(s, [a.id])[a.id].written


def chat(s: Session, cid: int) -> Consultation:
    s.expire_all()
    c = s.get(Consultation, cid)
    assert c is not None
    return c


def test_a_held_chat_leaves_the_load_and_comes_back_when_the_citizen_writes(
        db: Session, kb: dict[str, int]) -> None:
    a1 = agent(db, "A0001")
    cid = connected(db, a1)
    hub.agent_message(db, a1, cid, "확인해 보겠습니다", None)
    assert load(db, a1) == 1
    out = hub.snooze_chat(db, a1, cid, None)
    assert out.result["until"] is None and out.assign
    assert [e["type"] for ch, e in out.events if ch == f"agent:{a1.id}"] == ["snoozed"]
    c = chat(db, cid)
    assert (c.status, c.agent_id) == ("pending", a1.id)
    assert load(db, a1) == 0 and desk.active_chats(db, a1.id) == []
    hello = desk.hello(db, a1)
    assert [z["consultation"]["id"] for z in hello["snoozed"]] == [cid]
    assert hello["snoozed"][0]["consultation"]["phase"] == "pending"
    assert floor_counters.read(db) == floor_counters.scan_counts(db)
    # The agent cannot write into a held chat (nor transfer it) until it is back.
    with pytest.raises(hub.ChatError) as held:
        hub.agent_message(db, a1, cid, "x", None)
    assert (held.value.status, held.value.code) == (409, "chat_snoozed")
    # The citizen writes: the chat is the same agent's again, with the message.
    out = hub.store_citizen_message(db, cid, "서류 준비했습니다", None)
    assigned = [e for ch, e in out.events if ch == f"agent:{a1.id}"]
    assert [e["type"] for e in assigned] == ["assigned"]
    c = chat(db, cid)
    assert (c.status, c.agent_id) == ("open", a1.id) and load(db, a1) == 1
    row = db.scalar(select(ChatSnooze).where(ChatSnooze.consultation_id == cid))
    assert row is not None and row.woke_by == "citizen" and row.woke_at is not None
    assert floor_counters.read(db) == floor_counters.scan_counts(db)


def test_the_time_comes_back_to_the_agent_or_to_the_front_of_the_queue(
        db: Session, kb: dict[str, int]) -> None:
    a1, a2 = agent(db, "A0001"), agent(db, "A0002")
    mine = connected(db, a1)
    gone = connected(db, a1)
    hub.snooze_chat(db, a1, mine, None, minutes=30)
    hub.snooze_chat(db, a1, gone, None, minutes=60)
    assert [c.id for c, _z in snooze.for_agent(db, a1.id)] == [mine, gone]
    assert hub.sweep_snoozes(db, utcnow() + timedelta(minutes=29)).events == []
    hub.sweep_snoozes(db, utcnow() + timedelta(minutes=31))
    assert (chat(db, mine).status, chat(db, mine).agent_id) == ("open", a1.id)
    # The agent logs out; the other hold comes due: the front of the queue, then agent 2.
    queued_at = chat(db, gone).queued_at
    presence.logout(db, a1.id)
    presence.socket_opened(db, a2.id)
    out = hub.sweep_snoozes(db, utcnow() + timedelta(minutes=61))
    assert any(e["type"] == "unassigned" and e["why"] == "snooze_requeued"
               for ch, e in out.events if ch == f"agent:{a1.id}")
    c = chat(db, gone)
    assert (c.status, c.agent_id, c.queued_at) == ("open", None, queued_at)
    hub.run_assignment(db)
    assert chat(db, gone).agent_id == a2.id
    assert chat(db, gone).answered_at is None  # nobody answered yet: ADR 0004
    assert floor_counters.read(db) == floor_counters.scan_counts(db)


def test_bad_holds_change_nothing(db: Session, kb: dict[str, int]) -> None:
    a1, a2 = agent(db, "A0001"), agent(db, "A0002")
    cid = connected(db, a1)
    for args, code in (((utcnow() - timedelta(hours=1),), "snooze_too_soon"),
                       ((utcnow() + timedelta(days=8),), "snooze_too_long"),
                       ((utcnow() + timedelta(hours=1), 30), "snooze_until_or_minutes")):
        with pytest.raises(hub.ChatError) as bad:
            hub.snooze_chat(db, a1, cid, *args)
        assert (bad.value.status, bad.value.code) == (422, code)
    with pytest.raises(hub.ChatError) as other:
        hub.snooze_chat(db, a2, cid, None)
    assert other.value.status == 403
    with pytest.raises(hub.ChatError) as not_held:
        hub.wake_chat(db, a1, cid)
    assert not_held.value.code == "chat_not_snoozed"
    db.rollback()
    assert chat(db, cid).status == "open"
    assert db.scalar(select(ChatSnooze.id).where(ChatSnooze.consultation_id == cid)) is None
    hub.snooze_chat(db, a1, cid, None)
    with pytest.raises(hub.ChatError) as twice:
        hub.snooze_chat(db, a1, cid, None)
    assert twice.value.code == "chat_snoozed"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_hold_and_wake_over_the_api_and_the_desktop_socket(
        client: Any, login: Any, db: Session, kb: dict[str, int], citizen_ws: Any) -> None:
    for team_id in db.scalars(select(Team.id)):
        offers.set_auto_accept(db, team_id, True)
    login("agent1")
    cid, h = start(client)
    with client.websocket_connect("/api/chat/ws/agent") as ws:
        assert recv(ws)["type"] == "hello"
        client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        until(ws, lambda e: e["type"] == "assigned")
        r = client.post(f"/api/chat/consultations/{cid}/snooze", json={"minutes": 0})
        assert r.status_code == 422
        r = client.post(f"/api/chat/consultations/{cid}/snooze", json={"minutes": 15})
        assert r.status_code == 200, r.text
        held = until(ws, lambda e: e["type"] == "snoozed")
        assert held["consultation"]["id"] == cid and held["until"].endswith("Z")
        with citizen_ws(cid, h["X-Chat-Token"]) as cit:
            state = until(cit, lambda e: e["type"] == "state")
            assert state["consultation"]["phase"] == "pending"
            until(cit, lambda e: e["type"] == "message" and "보류" in e["body"])
        r = client.post(f"/api/chat/consultations/{cid}/wake")
        assert r.status_code == 200 and r.json()["consultation"]["phase"] == "live"
        until(ws, lambda e: e["type"] == "assigned" and e["consultation"]["id"] == cid)
        # Back on the desktop with its whole history (the desktop dropped it when held).
        first = until(ws, lambda e: e["type"] == "message" and e["consultation_id"] == cid)
        assert first["seq"] == 1
        assert client.post(f"/api/chat/consultations/{cid}/wake").status_code == 409
    db.expire_all()
    kinds = [m.flags.get("kind") for m in db.scalars(
        select(Message).where(Message.consultation_id == cid).order_by(Message.seq))]
    assert "snoozed" in kinds and "woke" in kinds
