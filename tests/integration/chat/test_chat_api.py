"""The chat API end to end in-process: REST, WebSockets, routing, assistant, wrap-up."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chat_helpers import is_msg, recv, start, until
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.websockets import WebSocketDisconnect

from dasan.db.models import AbuseIncident, Agent, Consultation, Message, Queue


def set_state(db: Session, employee_no: str, state: str) -> Agent:
    """The agent's desktop is open (present, heartbeat now) and in `state`."""
    from dasan.presence import service as presence

    a = db.scalar(select(Agent).where(Agent.employee_no == employee_no))
    assert a is not None
    presence.socket_opened(db, a.id)
    a.state = state
    db.commit()
    return a


def test_bot_answers_offers_related_and_hands_off(client: Any, kb: dict[str, int]) -> None:
    cid, h = start(client)
    r = client.post(f"/api/chat/sessions/{cid}/messages",
                    json={"body": "기후동행카드 환불하고 싶어요", "client_msg_id": "q1"}, headers=h)
    assert r.status_code == 200 and r.json()["seq"] == 2
    msgs = client.get(f"/api/chat/sessions/{cid}/messages", headers=h).json()
    answer = msgs[-1]
    assert answer["sender"] == "bot" and answer["flags"]["kind"] == "answer"
    assert answer["flags"]["entry"]["id"] == kb["기후동행카드 환불 방법"]
    assert answer["flags"]["entry"]["owner"] == "도시교통실"
    assert answer["flags"]["feedback_prompt"] == "도움이 되었나요?"

    r = client.post(f"/api/chat/sessions/{cid}/feedback",
                    json={"helpful": False, "entry_id": answer["flags"]["entry"]["id"]}, headers=h)
    assert r.status_code == 200
    last = client.get(f"/api/chat/sessions/{cid}/messages?after_seq=3", headers=h).json()
    assert last[0]["flags"] == {"feedback": "no", "entry_id": kb["기후동행카드 환불 방법"]}
    assert last[-1]["flags"]["kind"] == "related" and last[-1]["flags"]["offer_handoff"]

    r = client.post(f"/api/chat/sessions/{cid}/select",
                    json={"entry_id": kb["따릉이 대여 요금"]}, headers=h)
    assert r.status_code == 200
    last = client.get(f"/api/chat/sessions/{cid}/messages", headers=h).json()[-1]
    assert last["flags"]["entry"]["title"] == "따릉이 대여 요금"

    r = client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
    status = r.json()
    assert status["phase"] == "waiting" and status["queue"] == "transport"
    assert status["position"] == 1
    # Nobody is on duty in this test: no wait is promised, a callback is offered.
    assert status["expected_wait_seconds"] is None and status["no_agents"] is True
    assert "citizen_id" not in status


def test_low_confidence_twice_hands_off_by_itself(client: Any, kb: dict[str, int]) -> None:
    cid, h = start(client)
    for i, text in enumerate(("고양이 사료 추천해 주세요", "강아지 간식은요")):
        client.post(f"/api/chat/sessions/{cid}/messages", json={"body": text,
                                                                "client_msg_id": f"x{i}"},
                    headers=h)
    assert client.get(f"/api/chat/sessions/{cid}", headers=h).json()["phase"] == "waiting"


def test_send_receipt_tells_the_citizen_only_their_own_facts(client: Any,
                                                             kb: dict[str, int]) -> None:
    cid, h = start(client)
    r = client.post(f"/api/chat/sessions/{cid}/messages",
                    json={"body": "따릉이 요금 얼마예요?", "client_msg_id": "m1"}, headers=h)
    assert r.status_code == 200
    assert r.json() == {"seq": 2, "client_msg_id": "m1", "duplicate": False, "phase": "bot"}


def test_tokens_and_roles_are_enforced(client: Any, login: Any, citizen_ws: Any) -> None:
    cid, h = start(client)
    other, h2 = start(client)
    assert client.get(f"/api/chat/sessions/{cid}/messages").status_code == 401
    assert client.get(f"/api/chat/sessions/{cid}/messages",
                      headers={"X-Chat-Token": "forged"}).status_code == 401
    assert client.get(f"/api/chat/sessions/{cid}/messages", headers=h2).status_code == 403
    r = client.post(f"/api/chat/sessions/{cid}/messages", json={"body": ""}, headers=h)
    assert r.status_code == 422
    r = client.post("/api/chat/sessions", json={"language": "xx"})
    assert r.status_code == 400 and "unsupported language" in r.json()["detail"]
    assert client.get("/api/chat/agent/me").status_code == 401
    assert client.get("/api/chat/supervisor/overview").status_code == 401
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/api/chat/ws/agent"):
        pass
    with pytest.raises(WebSocketDisconnect) as refused, citizen_ws(cid, h2['X-Chat-Token']) as ws:
        assert ws.receive_json()["code"] == "chat_forbidden"  # another chat's token
        ws.receive_json()
    assert refused.value.code == 4401
    login("agent1")
    assert client.get("/api/chat/supervisor/overview").status_code == 403
    r = client.get(f"/api/chat/consultations/{other}")
    assert r.status_code == 403 and "not assigned" in r.json()["detail"]


def test_live_chat_over_websockets(client: Any, kb: dict[str, int], login: Any,
                                   db: Session, citizen_ws: Any) -> None:
    login("agent1")
    cid, h = start(client)
    token = h["X-Chat-Token"]
    with client.websocket_connect("/api/chat/ws/agent") as agent_ws, \
            citizen_ws(cid, token) as cit:
        hello = recv(agent_ws)
        assert hello["type"] == "hello" and hello["agent"]["state"] == "available"
        assert recv(cit)["type"] == "state"
        until(cit, is_msg("bot"))  # greeting (backlog)
        cit.send_json({"type": "message", "body": "기후동행카드 환불하고 싶어요",
                       "client_msg_id": "c-1"})
        ack = until(cit, lambda e: e["type"] == "ack")
        assert ack["seq"] == 2 and ack["duplicate"] is False
        until(cit, is_msg("bot", "기후동행카드 환불 방법"))
        cit.send_json({"type": "handoff"})

        assigned = until(agent_ws, lambda e: e["type"] == "assigned")
        assert assigned["consultation"]["id"] == cid
        assert assigned["consultation"]["queue"] == "transport"
        carried: list[dict[str, Any]] = []
        until(agent_ws, is_msg("system", "연결되었습니다"), carried)
        bodies = [e["body"] for e in carried if e["type"] == "message"]
        assert "기후동행카드 환불하고 싶어요" in bodies  # the bot conversation came along
        until(cit, lambda e: e["type"] == "state" and e["consultation"]["phase"] == "live")

        cit.send_json({"type": "typing", "active": True})
        typing = until(agent_ws, lambda e: e["type"] == "typing")
        assert typing["who"] == "citizen"
        # A pause in typing sends the draft: the assistant follows it before it is sent.
        cit.send_json({"type": "typing", "active": True,
                       "draft": "실물 카드 환불은 어디서 하나요 010-1234-5678"})
        typing = until(agent_ws, lambda e: e["type"] == "typing")
        assert "draft" not in typing  # the draft itself goes nowhere
        # (the assignment's recommendations come in the background and may arrive after this)
        early = until(agent_ws, lambda e: e["type"] == "assist" and e.get("draft") is True)
        assert early["items"][0]["title"] == "기후동행카드 환불 방법"
        cit.send_json({"type": "message", "body": "실물 카드는 어디서 환불하나요?",
                       "client_msg_id": "c-2"})
        until(agent_ws, is_msg("citizen", "실물 카드"))
        assist = until(agent_ws, lambda e: e["type"] == "assist")
        top = assist["items"][0]
        assert top["title"] == "기후동행카드 환불 방법"
        assert top["owner"] == "도시교통실" and top["review_due"] == "2031-01-31"

        agent_ws.send_json({"type": "message", "consultation_id": cid, "body": top["answer"],
                            "client_msg_id": "a-1", "entry_id": top["entry_id"]})
        ack = until(agent_ws, lambda e: e["type"] == "ack")
        assert ack["consultation_id"] == cid
        got = until(cit, is_msg("agent"))
        assert got["body"] == top["answer"] and got["seq"] == ack["seq"]

        wrap = client.get(f"/api/chat/consultations/{cid}/wrapup").json()
        assert wrap["method"] == "extractive" and wrap["category"] == "교통"
        assert "기후동행카드" in wrap["summary"]
        detail = client.get(f"/api/chat/consultations/{cid}").json()
        assert [m["seq"] for m in detail["messages"]] == list(
            range(1, len(detail["messages"]) + 1))
        r = client.post(f"/api/chat/consultations/{cid}/close",
                        json={"summary": wrap["summary"] + " 연락처 010-2222-3333",
                              "category": "교통"})
        assert r.status_code == 200
        until(cit, lambda e: e["type"] == "state" and e["consultation"]["phase"] == "closed")
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.status == "closed" and c.outcome == "answered"
    assert c.kb_entry_id == kb["기후동행카드 환불 방법"] and c.category == "교통"
    assert c.summary and "2222" not in c.summary and "3333" in c.summary
    assert c.channel == "web" and c.answered_at is not None and c.wait_seconds is not None
    r = client.post(f"/api/chat/consultations/{cid}/close", json={"category": "없는분류"})
    assert r.status_code == 400


def test_resume_after_a_drop_is_exactly_once(client: Any, kb: dict[str, int], citizen_ws: Any) -> None:
    cid, h = start(client)
    token = h["X-Chat-Token"]
    with citizen_ws(cid, token) as ws:
        until(ws, is_msg("bot"))
        ws.send_json({"type": "message", "body": "따릉이 요금 얼마예요?", "client_msg_id": "r-1"})
        first_ack = until(ws, lambda e: e["type"] == "ack")
        until(ws, is_msg("bot", "따릉이"))
    # Offline meanwhile: two more messages land (say, sent over HTTP from another tab).
    client.post(f"/api/chat/sessions/{cid}/messages",
                json={"body": "수도 요금 납부는요?", "client_msg_id": "r-2"}, headers=h)
    seen_seq = first_ack["seq"]
    with citizen_ws(cid, token, seen_seq) as ws:
        assert recv(ws)["type"] == "state"
        # The client never got an ack for its resend: the same id comes back again.
        ws.send_json({"type": "message", "body": "따릉이 요금 얼마예요?", "client_msg_id": "r-1"})
        events: list[dict[str, Any]] = []
        dup = until(ws, lambda e: e["type"] == "ack", events)
        assert dup["duplicate"] is True and dup["seq"] == first_ack["seq"]
        ws.send_json({"type": "ping"})
        until(ws, lambda e: e["type"] == "pong", events)
    seqs = [e["seq"] for e in events if e["type"] == "message"]
    total = client.get(f"/api/chat/sessions/{cid}/messages", headers=h).json()
    assert seqs == [m["seq"] for m in total if m["seq"] > seen_seq]  # all of them, once each
    assert len({m["client_msg_id"] for m in total if m["client_msg_id"]}) == 2


def test_abusive_citizen_is_warned_then_cut_off(client: Any, kb: dict[str, int], login: Any,
                                                db: Session, citizen_ws: Any) -> None:
    login("agent1")
    cid, h = start(client)
    token = h["X-Chat-Token"]
    with client.websocket_connect("/api/chat/ws/agent") as agent_ws, \
            citizen_ws(cid, token) as cit:
        recv(agent_ws)
        cit.send_json({"type": "handoff"})
        until(agent_ws, lambda e: e["type"] == "assigned")
        notices = []
        for i, text in enumerate(("야 씨발 대답 똑바로 해", "씨발 짜증나네", "병신 새끼야")):
            cit.send_json({"type": "message", "body": text, "client_msg_id": f"b-{i}"})
            notices.append(until(cit, lambda e: e.get("flags", {}).get("kind") == "policy"))
            abuse = until(agent_ws, lambda e: e["type"] == "abuse")
            assert abuse["consultation_id"] == cid
        assert [n["flags"]["action"] for n in notices] == ["warn_1", "warn_2", "terminated"]
        assert "1차 경고" in notices[0]["body"] and "2차 경고" in notices[1]["body"]
        until(cit, lambda e: e["type"] == "state" and e["consultation"]["phase"] == "closed")
        offer = until(agent_ws, lambda e: e["type"] == "break_offered")
        assert offer["minutes"] == 10 and offer["care_id"]
        cit.send_json({"type": "message", "body": "여보세요", "client_msg_id": "b-9"})
        err = until(cit, lambda e: e["type"] == "error")
        assert err["status"] == 409
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.outcome == "forced_terminated"
    assert len(list(db.scalars(select(AbuseIncident).where(
        AbuseIncident.consultation_id == cid)))) == 3
    flagged = list(db.scalars(select(Message).where(Message.consultation_id == cid,
                                                    Message.sender == "citizen")))
    assert all(m.flags.get("abuse") for m in flagged)
    r = client.post("/api/chat/agent/state", json={"state": "break"})
    assert r.json()["state"] == "break"
    r = client.post("/api/chat/agent/state", json={"state": "lunch"})
    assert r.status_code == 400
    # The recovery-break offer is the agent's own to answer, once (issue 17).
    login("agent2")
    assert client.post(f"/api/protection/care/{offer['care_id']}",
                       json={"taken": True}).status_code == 403
    login("agent1")
    r = client.post(f"/api/protection/care/{offer['care_id']}", json={"taken": True})
    assert r.status_code == 200 and r.json()["status"] == "taken"
    assert client.post(f"/api/protection/care/{offer['care_id']}",
                       json={"taken": False}).status_code == 409


def test_crisis_jumps_the_queue(client: Any, kb: dict[str, int], db: Session) -> None:
    calm, hc = start(client)
    client.post(f"/api/chat/sessions/{calm}/handoff", headers=hc)
    cid, h = start(client)
    client.post(f"/api/chat/sessions/{cid}/messages",
                json={"body": "요즘 너무 힘들어서 죽고 싶어요", "client_msg_id": "k"}, headers=h)
    msgs = client.get(f"/api/chat/sessions/{cid}/messages", headers=h).json()
    assert any("109" in m["body"] for m in msgs)
    status = client.get(f"/api/chat/sessions/{cid}", headers=h).json()
    assert status["phase"] == "waiting" and status["crisis"] is True
    assert status["queue"] == "crisis" and status["position"] == 1  # the crisis playbook's queue
    c = db.get(Consultation, cid)
    assert c is not None and c.priority >= 10
    assert not list(db.scalars(select(AbuseIncident)))  # a crisis is not abuse


def test_transfer_and_supervisor_overview(client: Any, kb: dict[str, int], login: Any,
                                          db: Session) -> None:
    set_state(db, "A0002", "available")
    login("agent1")
    cid, h = start(client)
    with client.websocket_connect("/api/chat/ws/agent") as agent_ws:
        recv(agent_ws)
        client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        assigned = until(agent_ws, lambda e: e["type"] == "assigned")
        first_agent = assigned["consultation"]["agent_id"]
    a1 = db.scalar(select(Agent).where(Agent.employee_no == "A0001"))
    assert a1 is not None
    if first_agent != a1.id:  # agent2 was idle longer and took it: hand it over via DB
        db.get(Consultation, cid).agent_id = a1.id  # type: ignore[union-attr]
        db.commit()
    a2 = db.scalar(select(Agent).where(Agent.employee_no == "A0002"))
    assert a2 is not None
    r = client.post(f"/api/chat/consultations/{cid}/transfer", json={"agent_id": a2.id})
    assert r.status_code == 200 and r.json()["consultation"]["agent_id"] == a2.id
    assert client.get(f"/api/chat/consultations/{cid}").status_code == 403  # not mine now
    r = client.post(f"/api/chat/consultations/{cid}/transfer", json={})
    assert r.status_code in (400, 403)

    login("supervisor")
    # Refusals carry a code the desktop says in Korean (never the English detail).
    r = client.post(f"/api/chat/consultations/{cid}/transfer", json={"queue": "no-such"})
    assert r.status_code == 409 and r.json()["code"] == "unknown_queue"
    r = client.post(f"/api/chat/consultations/{cid}/transfer", json={"agent_id": a2.id})
    assert r.status_code == 409 and r.json()["code"] == "transfer_same_agent"
    r = client.post(f"/api/chat/consultations/{cid}/transfer", json={"queue": "water"})
    assert r.status_code == 200
    view = client.get("/api/chat/supervisor/overview").json()
    water = next(q for q in view["queues"] if q["code"] == "water")
    assert view["mode"] in ("skill", "omni")
    assert {a["name"] for a in view["agents"]} >= {"이상담"}
    waiting_ids = [w["id"] for w in view["waiting"]]
    if cid in waiting_ids:
        assert water["waiting"] >= 1
    else:  # someone with the water skill picked it up straight away
        c = db.get(Consultation, cid)
        db.refresh(c)
        assert c is not None and c.agent_id is not None
        assert c.queue_id == db.scalar(select(Queue.id).where(Queue.code == "water"))


def test_pages_render(client: Any, login: Any) -> None:
    r = client.get("/chat")
    assert r.status_code == 200 and 'class="chat-log" aria-live="polite"' in r.text and "상담사 연결" in r.text
    assert "Talk to an agent" in client.get("/chat?lang=en").text
    r = client.get("/agent", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    login("analyst")
    assert client.get("/agent").status_code == 403
    login("agent1")
    r = client.get("/agent")
    assert r.status_code == 200 and "상담도우미" in r.text
    # The page carries the error texts in its language (dasan.js says them for a code).
    texts = json.loads(r.text.split('<script id="error-text" type="application/json">')[1]
                       .split("</script>")[0])
    assert texts["code:transfer_same_agent"] == "이미 그 상담사에게 있는 상담입니다."
    assert texts["status:409"].startswith("이미 처리되었거나")
    en = client.get("/agent?lang=en").text
    assert '"code:chat_ended": "This chat has ended."' in en
    login("supervisor")
    assert "대기열" in client.get("/supervisor").text


def test_supervisor_view_lists_recent_issue_alerts(client, login, db) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from dasan.db.models import Alert

    db.add(Alert(topic="기후동행카드", topic_kind="program", window_start=datetime(2024, 3, 4, 9),
                 window_end=datetime(2024, 3, 4, 9, 30), count=90, baseline=30.0, score=12.5,
                 needs_answer=True, examples=[{"id": 1, "subject": "충전이 안 돼요"}]))
    db.commit()
    login("supervisor")
    page = client.get("/supervisor")
    assert page.status_code == 200
    assert "기후동행카드" in page.text and "충전이 안 돼요" in page.text and "답변 필요" in page.text
