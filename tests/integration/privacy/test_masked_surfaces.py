"""Issue 12: consultation text is masked on every staff surface, raw only through an audited
reveal with a reason; the citizen sees their own text and a gentle notice; raw text at rest is
sealed (ADR 0005)."""

from __future__ import annotations

from typing import Any

from chat_helpers import is_msg, recv, start, until
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dasan.db.models import Agent, AuditLog, Message
from dasan.db.models_privacy import SealedText

RRN = "850412-1234567"
PHONE = "010-4821-9930"
CARD = "4518-4420-1234-5678"
SAID = f"주민번호 {RRN} 이고 연락처 {PHONE}, 카드 {CARD} 로 결제했어요"


def _no_raw(payload: str) -> None:
    for raw in (RRN, PHONE, CARD, "1234567", "4821"):
        assert raw not in payload, raw


def _agent(db: Session, employee_no: str, state: str) -> Agent:
    a = db.scalar(select(Agent).where(Agent.employee_no == employee_no))
    assert a is not None
    a.state = state
    db.commit()
    return a


def test_masked_everywhere_raw_only_by_audited_reveal(client: Any, login: Any, db: Session,
                                                      kb: dict[str, int], citizen_ws: Any) -> None:
    login("agent1")
    cid, h = start(client)
    token = h["X-Chat-Token"]
    with client.websocket_connect("/api/chat/ws/agent") as agent_ws, \
            citizen_ws(cid, token) as cit:
        assert recv(agent_ws)["type"] == "hello"
        until(cit, is_msg("bot"))
        cit.send_json({"type": "handoff"})
        until(agent_ws, lambda e: e["type"] == "assigned")
        until(cit, lambda e: e["type"] == "state" and e["consultation"]["phase"] == "live")
        cit.send_json({"type": "message", "body": SAID, "client_msg_id": "c-pii"})
        # the citizen's own echo is what they typed; then the gentle notice
        mine = until(cit, is_msg("citizen"))
        assert mine["body"] == SAID
        notice = until(cit, is_msg("system", "주민등록번호"))
        assert notice["flags"]["kind"] == "pii_notice" and "card" in notice["flags"]["en"]
        # the agent's socket gets the masked text only
        seen: list[dict[str, Any]] = []
        got = until(agent_ws, is_msg("citizen", "주민번호"), seen)
        _no_raw(str(seen))
        assert "850412-1******" in got["body"] and "010-****-9930" in got["body"]

    # at rest: the messages table holds no raw number; the raw form is sealed
    db.expire_all()
    msg = db.scalar(select(Message).where(Message.consultation_id == cid,
                                          Message.client_msg_id == "c-pii"))
    assert msg is not None
    _no_raw(msg.body + msg.body_masked)
    dump = " ".join(str(r) for r in db.execute(text(
        "SELECT body, body_masked FROM messages WHERE consultation_id = :c"), {"c": cid}))
    _no_raw(dump)
    sealed = db.scalar(select(SealedText).where(SealedText.ref_id == msg.id))
    assert sealed is not None and RRN not in sealed.token

    # the citizen's history has their own text; staff REST surfaces are masked
    own = client.get(f"/api/chat/sessions/{cid}/messages", headers=h).json()
    assert SAID in [m["body"] for m in own]
    detail = client.get(f"/api/chat/consultations/{cid}")
    assert detail.status_code == 200
    _no_raw(detail.text)
    login("supervisor")
    _no_raw(client.get(f"/api/chat/consultations/{cid}").text)
    _no_raw(client.get("/api/chat/supervisor/overview").text)

    # reveal: a reason is required; supervisors may; analysts may not; both are audited
    r = client.post("/api/privacy/reveal", json={"consultation_id": cid, "reason": " "})
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    r = client.post("/api/privacy/reveal", json={"consultation_id": cid,
                                                 "message_id": msg.id,
                                                 "reason": "본인 확인 후 환불 처리"})
    assert r.status_code == 200, r.text
    assert r.json()["messages"][0]["body"] == SAID
    login("analyst")
    r = client.post("/api/privacy/reveal", json={"consultation_id": cid,
                                                 "reason": "통계 분석용 확인"})
    assert r.status_code == 403
    _no_raw(r.text)
    db.expire_all()
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal")
                      .order_by(AuditLog.id)).all()
    assert [(a.actor, a.outcome) for a in rows] == [("supervisor", "ok"), ("analyst", "denied")]
    assert rows[0].detail["reason"] == "본인 확인 후 환불 처리"
    assert rows[0].detail["consultation_id"] == cid and rows[0].object_id == str(msg.id)


def test_assigned_agent_may_reveal_only_their_open_chat(client: Any, login: Any, db: Session,
                                                        kb: dict[str, int]) -> None:
    _agent(db, "A0002", "offline")
    login("agent1")
    cid, h = start(client)
    with client.websocket_connect("/api/chat/ws/agent") as agent_ws:
        assert recv(agent_ws)["type"] == "hello"
        r = client.post(f"/api/chat/sessions/{cid}/messages", headers=h,
                        json={"body": f"제 번호 {PHONE} 입니다", "client_msg_id": "m1"})
        assert r.status_code == 200
        r = client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        assert r.status_code == 200, r.text
        until(agent_ws, lambda e: e["type"] == "assigned")
        # the desktop stays connected throughout: a closed socket would make the agent away
        # (and re-queue the chat) once the grace period passes on a slow machine
        body = {"consultation_id": cid, "reason": "회신 전화 번호 확인"}
        r = client.post("/api/privacy/reveal", json=body)
        assert r.status_code == 200, r.text
        assert any(PHONE in m["body"] for m in r.json()["messages"])
        login("agent2")  # not their chat
        assert client.post("/api/privacy/reveal", json=body).status_code == 403
        login("agent1")
        r = client.post(f"/api/chat/consultations/{cid}/close", json={"category": "교통"})
        assert r.status_code == 200
        r = client.post("/api/privacy/reveal", json=body)  # closed: no longer
        assert r.status_code == 403
        _no_raw(r.text)


def test_no_notice_for_an_ordinary_message(client: Any, kb: dict[str, int]) -> None:
    cid, h = start(client)
    client.post(f"/api/chat/sessions/{cid}/messages", headers=h,
                json={"body": "기후동행카드 환불하고 싶어요", "client_msg_id": "x1"})
    bodies = [m for m in client.get(f"/api/chat/sessions/{cid}/messages", headers=h).json()
              if (m.get("flags") or {}).get("kind") == "pii_notice"]
    assert bodies == []
