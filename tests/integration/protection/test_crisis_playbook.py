"""Crisis playbook end to end over the API: queue jump, live supervisor alert, acknowledgement,
guidance, welfare cases, escalation, and refusals that change nothing."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat.events import validate
from dasan.config import PROJECT_ROOT
from dasan.db.models import AuditLog, Consultation, Queue
from dasan.db.models_protection import CrisisAlert, CrisisPlaybook, WelfareCase
from dasan.protection import crisis_playbook
from dasan.protection.crisis_escalation import run_escalation

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "integration" / "chat"))
from chat_helpers import recv, start, until  # noqa: E402


def actions(db: Session) -> list[str]:
    db.expire_all()
    return list(db.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def say(client: Any, cid: int, h: dict[str, str], body: str, ref: str) -> None:
    r = client.post(f"/api/chat/sessions/{cid}/messages",
                    json={"body": body, "client_msg_id": ref}, headers=h)
    assert r.status_code in (200, 201), r.text


def test_crisis_chat_jumps_to_the_crisis_queue_and_alerts_live(client: Any, login: Any,
                                                              db: Session) -> None:
    calm, hc = start(client)
    client.post(f"/api/chat/sessions/{calm}/handoff", headers=hc)
    login("supervisor")
    with client.websocket_connect("/api/crisis/ws/alerts") as ws:
        assert recv(ws) == {"type": "crisis_open", "alerts": []}
        cid, h = start(client)
        say(client, cid, h, "한강 다리 위에 와 있어요", "k1")
        event = until(ws, lambda e: e["type"] == "crisis_alert")
    alert = event["alert"]
    assert alert["consultation_id"] == cid and alert["kind"] == "suicide"
    assert alert["imminent"] and alert["severity"] == 3 and alert["waiting"]
    status = client.get(f"/api/chat/sessions/{cid}", headers=h).json()
    assert status["queue"] == "crisis" and status["crisis"] is True
    db.expire_all()
    c = db.get(Consultation, cid)
    calm_c = db.get(Consultation, calm)
    assert c is not None and calm_c is not None and c.priority > calm_c.priority
    crisis_q = db.scalar(select(Queue).where(Queue.code == "crisis"))
    assert crisis_q is not None and c.queue_id == crisis_q.id
    log = actions(db)
    for step in ("crisis.detected", "crisis.routed", "crisis.alerted"):
        assert step in log
    # the supervisor acknowledges; a second acknowledgement is refused
    r = client.post(f"/api/crisis/alerts/{alert['id']}/ack")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = client.post(f"/api/crisis/alerts/{alert['id']}/ack")
    assert r.status_code == 409 and r.json()["code"] == "already_acknowledged"
    assert client.get("/api/crisis/alerts").json() == []
    assert actions(db).count("crisis.acknowledged") == 1
    # the agent desktop's guidance with the hand-over numbers
    g = client.get(f"/api/crisis/consultations/{cid}/guidance").json()
    assert "109" in [n["number"] for n in g["handover"]]


def test_abuse_kind_opens_a_welfare_case_by_law_and_others_need_consent(
        client: Any, login: Any, db: Session) -> None:
    cid, h = start(client)
    say(client, cid, h, "옆집에서 애 때리는 소리가 계속 나요 애가 울어요", "a1")
    db.expire_all()
    case = db.scalar(select(WelfareCase).where(WelfareCase.consultation_id == cid))
    assert case is not None and case.basis == "law" and case.kind == "abuse"
    other, h2 = start(client)
    say(client, other, h2, "며칠째 아무것도 못 먹었어요 전기도 끊겼어요", "d1")
    login("agent1")
    r = client.post("/api/crisis/welfare-cases", json={"consultation_id": other})
    assert r.status_code == 422 and r.json()["code"] == "consent_required"
    assert db.scalar(select(WelfareCase).where(WelfareCase.consultation_id == other)) is None
    r = client.post("/api/crisis/welfare-cases",
                    json={"consultation_id": other, "consent": True})
    assert r.status_code == 201 and r.json()["basis"] == "consent"
    r = client.post("/api/crisis/welfare-cases", json={"consultation_id": other, "consent": True})
    assert r.status_code == 409
    assert "welfare_case.opened" in actions(db)


def test_playbook_edit_refuses_a_bad_number_and_changes_nothing(client: Any, login: Any,
                                                               db: Session) -> None:
    login("supervisor")
    books = client.get("/api/crisis/playbooks").json()
    before = next(b for b in books if b["kind"] == "violence")
    bad = {"handover": [{"label_ko": "경찰", "number": "112"},
                        {"label_ko": "이상한 번호", "number": "call me"}],
           "guidance_ko": "바뀌면 안 됨"}
    r = client.put("/api/crisis/playbooks/violence", json=bad)
    assert r.status_code == 422 and r.json()["code"] == "bad_phone_number"
    db.expire_all()
    row = db.scalar(select(CrisisPlaybook).where(CrisisPlaybook.kind == "violence"))
    assert row is not None and row.version == before["version"]
    assert row.guidance_ko == before["guidance_ko"]
    good = {"handover": [{"label_ko": "경찰", "number": "112"},
                         {"label_ko": "여성긴급전화", "number": "1366"},
                         {"label_ko": "해바라기센터", "number": "02-3672-0365"}]}
    r = client.put("/api/crisis/playbooks/violence", json=good)
    assert r.status_code == 200 and r.json()["version"] == before["version"] + 1
    assert "crisis.playbook.update" in actions(db)
    login("agent1")
    assert client.put("/api/crisis/playbooks/violence", json=good).status_code == 403
    r = client.get("/crisis/playbooks")
    assert r.status_code in (403, 200)  # an agent gets no edit page
    login("supervisor")
    page = client.get("/crisis/playbooks?lang=en")
    assert page.status_code == 200 and "Crisis playbooks" in page.text and "<script>" not in page.text
    # The page form keeps both labels of each number (it used to drop the English one).
    form = {"guidance_ko": "경찰 신고를 먼저 안내", "guidance_en": "Offer the police first",
            "handover": "경찰 | Police | 112\n여성긴급전화 | Women's hotline | 1366\n해바라기센터 | 02-3672-0365",
            "welfare_case": "consent", "priority": "10"}
    r = client.post("/crisis/playbooks/violence", data=form, follow_redirects=False)
    assert r.status_code == 303 and "error" not in r.headers["location"]
    db.expire_all()
    row = db.scalar(select(CrisisPlaybook).where(CrisisPlaybook.kind == "violence"))
    assert row is not None and row.handover == [
        {"label_ko": "경찰", "label_en": "Police", "number": "112"},
        {"label_ko": "여성긴급전화", "label_en": "Women's hotline", "number": "1366"},
        {"label_ko": "해바라기센터", "label_en": "", "number": "02-3672-0365"}]
    assert "경찰 | Police | 112" in client.get("/crisis/playbooks").text


def test_crisis_contact_is_never_cut_off_by_the_abuse_policy(client: Any, db: Session) -> None:
    cid, h = start(client)
    say(client, cid, h, "너무 힘들어서 죽고 싶어요", "c0")
    for i, text in enumerate(("야 씨발 대답 똑바로 해", "씨발 짜증나네", "병신 새끼야")):
        say(client, cid, h, text, f"c{i + 1}")
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.status == "open" and c.outcome != "forced_terminated"


def test_worker_escalates_overdue_crises_and_the_socket_relays_them(
        client: Any, login: Any, db: Session) -> None:
    cid, h = start(client)
    say(client, cid, h, "약을 한 통 다 먹었어요", "e1")
    db.expire_all()
    alert = db.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == cid))
    assert alert is not None
    published: list[tuple[str, dict[str, Any]]] = []
    collect = lambda evs: published.extend(evs) or len(evs)  # noqa: E731
    assert run_escalation(collect, alert.created_at + timedelta(seconds=5)) == 0
    login("supervisor")
    with client.websocket_connect("/api/crisis/ws/alerts") as ws:
        opened = recv(ws)
        validate(opened)
        assert [a["id"] for a in opened["alerts"]] == [alert.id]
        # the scheduler's job (as `dasan worker` runs it) escalates; the socket only relays
        assert run_escalation(now=alert.created_at + timedelta(seconds=120)) == 1
        event = until(ws, lambda e: e["type"] == "crisis_escalation")
        validate(event)
        assert event["alert"]["id"] == alert.id and event["alert"]["reason"] == "still_waiting"
        client.post(f"/api/crisis/alerts/{alert.id}/ack")
        acked = until(ws, lambda e: e["type"] == "crisis_acknowledged")
        validate(acked)
        assert acked["alert_id"] == alert.id
    # an acknowledged alert is not escalated again within the playbook's time after the
    # acknowledgement (after it, see test_crisis_reach.py: the floor lead, then the head)
    db.expire_all()
    acked_row = db.get(CrisisAlert, alert.id)
    assert acked_row is not None and acked_row.acknowledged_at is not None
    assert run_escalation(collect, acked_row.acknowledged_at + timedelta(seconds=5)) == 0
    assert actions(db).count("crisis.escalated") == 1


def test_crisis_left_unanswered_escalates(client: Any, db: Session) -> None:
    cid, h = start(client)
    say(client, cid, h, "약을 한 통 다 먹었어요", "e2")
    client.post(f"/api/chat/sessions/{cid}/leave", headers=h)  # the citizen gives up
    db.expire_all()
    alert = db.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == cid))
    assert alert is not None
    events = crisis_playbook.escalate_overdue(db, alert.created_at + timedelta(seconds=400))
    db.commit()
    assert events and events[0][1]["alert"]["reason"] == "left_unanswered"


def test_an_unknown_channel_is_refused_with_the_api_error(client: Any, login: Any) -> None:
    login("agent1")
    r = client.post("/api/crisis/detect", json={"text": "약을 한 통 다 먹었어요", "channel": "fax"})
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_input"
    r = client.post("/api/crisis/detect", json={"text": "약을 한 통 다 먹었어요",
                                                "channel": "field_report"})
    assert r.status_code == 200 and r.json()["channel"] == "field_report"


def test_other_channels_call_the_same_detector(client: Any, login: Any, db: Session) -> None:
    login("agent1")
    r = client.post("/api/crisis/detect", json={"text": "혼자 사는 이모랑 사흘째 연락이 안 돼요",
                                                "channel": "sms"})
    assert r.json()["crisis"] and r.json()["kind"] == "neighbour"
    assert client.post("/api/crisis/detect", json={"text": "죽전역 가는 버스"}).json()["crisis"] is False
    c = Consultation(channel="sms", started_at=db.scalar(select(AuditLog.at).limit(1))
                     or __import__("datetime").datetime(2026, 1, 1))
    db.add(c)
    db.commit()
    r = client.post("/api/crisis/respond", json={"consultation_id": c.id, "channel": "sms",
                                                 "text": "남편이 술 먹고 때려요 살려주세요"})
    assert r.status_code == 200 and r.json()["kind"] == "violence" and r.json()["alert_id"]
    assert r.json()["queue"] == "crisis"


def test_agent_desktop_guidance_for_own_crisis_contacts(client: Any, login: Any,
                                                       db: Session) -> None:
    from dasan.db.models import Agent, User

    agent = db.scalar(select(Agent).join(User, User.id == Agent.user_id)
                      .where(User.username == "agent1"))
    assert agent is not None
    cid, h = start(client)
    say(client, cid, h, "전 남친이 집 앞에 와서 안 가고 있어요 무서워요", "g1")
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.crisis
    c.agent_id = agent.id  # the agent took the chat
    db.commit()
    login("agent1")
    mine = client.get("/api/crisis/mine").json()
    assert [g["consultation_id"] for g in mine] == [cid]
    assert mine[0]["kind"] == "violence" and "1366" in [n["number"] for n in mine[0]["handover"]]
    page = client.get("/agent")
    assert "crisis-guidance.js" in page.text
    login("agent2")
    assert client.get("/api/crisis/mine").json() == []
