"""Crisis reach (issue 17): re-escalation after an acknowledgement, the live alert on every
written channel, the playbook page's routing fields, welfare cases that reach the 동 주민센터,
and the crisis panel's warm transfer and hand-over."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat.events import validate
from dasan.config import PROJECT_ROOT
from dasan.db.models import Agent, AgentSkill, AuditLog, Consultation, Skill, User
from dasan.db.models_protection import CrisisAlert
from dasan.db.session import new_session
from dasan.protection import crisis_playbook
from dasan.protection.crisis_escalation import run_escalation

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "integration" / "chat"))
from chat_helpers import recv, start, until  # noqa: E402


def say(client: Any, cid: int, h: dict[str, str], body: str, ref: str) -> None:
    r = client.post(f"/api/chat/sessions/{cid}/messages",
                    json={"body": body, "client_msg_id": ref}, headers=h)
    assert r.status_code in (200, 201), r.text


def audits(db: Session, action: str) -> list[AuditLog]:
    db.expire_all()
    return list(db.scalars(select(AuditLog).where(AuditLog.action == action)
                           .order_by(AuditLog.id)))


def agent_named(db: Session, name: str) -> Agent:
    agent = db.scalar(select(Agent).join(User, User.id == Agent.user_id)
                      .where(User.username == name))
    assert agent is not None
    return agent


# --- re-escalation after an acknowledgement --------------------------------------------------


def test_acknowledged_alert_escalates_again_to_floor_lead_then_department_head(
        client: Any, login: Any, db: Session) -> None:
    cid, h = start(client)
    say(client, cid, h, "약을 한 통 다 먹었어요", "r1")
    db.expire_all()
    alert = db.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == cid))
    assert alert is not None
    limit = crisis_playbook.playbook(db, alert.kind).escalate_after_seconds
    login("supervisor")
    assert client.post(f"/api/crisis/alerts/{alert.id}/ack").status_code == 200
    db.expire_all()
    acked = db.get(CrisisAlert, alert.id)
    assert acked is not None and acked.acknowledged_at is not None
    t0 = acked.acknowledged_at
    published: list[tuple[str, dict[str, Any]]] = []

    def collect(evs: list[tuple[str, dict[str, Any]]]) -> int:
        published.extend(evs)
        return len(evs)

    # before the playbook's time: nothing
    assert run_escalation(collect, t0 + timedelta(seconds=limit - 1)) == 0
    with client.websocket_connect("/api/crisis/ws/alerts") as ws:
        assert recv(ws)["alerts"] == []  # acknowledged: off the list
        # still waiting one limit after the acknowledgement: the floor lead
        assert run_escalation(now=t0 + timedelta(seconds=limit)) == 1
        event = until(ws, lambda e: e["type"] == "crisis_escalation")
        validate(event)
        assert event["alert"]["level"] == "floor_lead"
        assert event["alert"]["reason"] == "still_waiting"
    # the same moment again (a second worker, a second tick): no duplicate
    assert run_escalation(collect, t0 + timedelta(seconds=limit)) == 0
    assert run_escalation(collect, t0 + timedelta(seconds=limit + limit // 2)) == 0
    # the re-escalated alert is on the list again and can be acknowledged once more
    assert [a["id"] for a in client.get("/api/crisis/alerts").json()] == [alert.id]
    # the next limit without an acknowledgement: the department head
    assert run_escalation(collect, t0 + timedelta(seconds=2 * limit)) == 1
    assert published[-1][1]["alert"]["level"] == "department_head"
    log = audits(db, "crisis.escalated")
    assert [a.detail["level"] for a in log] == ["floor_lead", "department_head"]
    # a contact answered by an agent who is not crisis-trained still escalates ...
    untrained = agent_named(db, "agent2")
    skill = db.scalar(select(Skill.id).where(Skill.code == crisis_playbook.CRISIS_SKILL))
    assert skill is not None
    row = db.get(AgentSkill, (untrained.id, skill))
    if row is not None:
        db.delete(row)
    c = db.get(Consultation, cid)
    assert c is not None
    c.agent_id, c.answered_at = untrained.id, t0 + timedelta(seconds=2 * limit + 1)
    db.commit()
    assert run_escalation(collect, t0 + timedelta(seconds=3 * limit)) == 1
    assert published[-1][1]["alert"]["reason"] == "not_crisis_trained"
    # ... and stops once a crisis-trained agent has it
    db.add(AgentSkill(agent_id=untrained.id, skill_id=skill))
    db.commit()
    assert run_escalation(collect, t0 + timedelta(seconds=10 * limit)) == 0
    assert len(audits(db, "crisis.escalated")) == 3


def test_two_workers_at_once_escalate_an_acknowledged_alert_once(
        client: Any, login: Any, db: Session, database_url: str) -> None:
    cid, h = start(client)
    say(client, cid, h, "한강 다리 위에 와 있어요", "r2")
    login("supervisor")
    db.expire_all()
    alert = db.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == cid))
    assert alert is not None
    client.post(f"/api/crisis/alerts/{alert.id}/ack")
    db.expire_all()
    alert = db.get(CrisisAlert, alert.id)
    assert alert is not None and alert.acknowledged_at is not None
    when = alert.acknowledged_at + timedelta(seconds=3600)
    stale = new_session(database_url)  # a second worker that read the alert before the first wrote
    try:
        stale_alert = stale.get(CrisisAlert, alert.id)
        assert stale_alert is not None and stale_alert.reescalations == 0
        first = crisis_playbook.escalate_overdue(db, when)
        db.commit()
        second = crisis_playbook.escalate_overdue(stale, when)
        stale.commit()
    finally:
        stale.close()
    assert len(first) == 1 and second == []
    assert len(audits(db, "crisis.escalated")) == 1


# --- the playbook page: queue, escalation time, crisis-trained agents ------------------------


def test_playbook_page_sets_queue_escalation_time_and_trained_agents(
        client: Any, login: Any, db: Session) -> None:
    from dasan.db.models import Queue
    from dasan.db.models_protection import CrisisPlaybook

    login("supervisor")
    page = client.get("/crisis/playbooks")
    assert page.status_code == 200 and 'name="escalate_after_seconds"' in page.text
    assert 'name="queue_code"' in page.text and 'name="agent"' in page.text
    other = db.scalar(select(Queue.code).where(Queue.code != "crisis").order_by(Queue.id))
    assert other is not None

    def row() -> CrisisPlaybook:
        db.expire_all()
        r = db.scalar(select(CrisisPlaybook).where(CrisisPlaybook.kind == "destitution"))
        assert r is not None
        return r

    base = {"guidance_ko": "안내", "guidance_en": "Guide", "handover": "보건복지 | Welfare | 129",
            "welfare_case": "consent", "priority": "12"}
    r = client.post("/crisis/playbooks/destitution", follow_redirects=False,
                    data={**base, "queue_code": other, "escalate_after_seconds": "90"})
    assert r.status_code == 303 and "code=" not in r.headers["location"]
    saved = row()
    assert (saved.queue_code, saved.escalate_after_seconds) == (other, 90)
    version = saved.version
    # bad values: a Korean refusal on the page, and nothing changes
    for bad, code, korean in (
            ({"escalate_after_seconds": "5"}, "bad_escalation_time", "재알림 시간은"),
            ({"escalate_after_seconds": "열"}, "bad_escalation_time", "재알림 시간은"),
            ({"queue_code": "no_such_queue"}, "unknown_queue", "없는 대기열"),
            ({"priority": "high"}, "bad_priority", "우선순위는"),
            ({"handover": "경찰 | call me"}, "bad_phone_number", "전화번호 형식")):
        r = client.post("/crisis/playbooks/destitution", follow_redirects=False,
                        data={**base, "guidance_ko": "바뀌면 안 됨", "queue_code": "crisis",
                              "escalate_after_seconds": "300", **bad})
        assert r.status_code == 303 and f"code={code}" in r.headers["location"], bad
        shown = client.get(r.headers["location"]).text
        alert_box = re.search(r'id="playbook-error">(.*?)</p>', shown, re.S)
        assert alert_box is not None
        assert korean in alert_box.group(1) and "아무것도 바뀌지 않았습니다" in alert_box.group(1)
        assert not re.search(r"[A-Za-z]{3,}", alert_box.group(1))  # no English on the Korean page
        after = row()
        assert (after.version, after.queue_code, after.escalate_after_seconds,
                after.guidance_ko) == (version, other, 90, "안내")
    # the crisis-trained agents: exactly the checked ones
    a1, a2 = agent_named(db, "agent1"), agent_named(db, "agent2")
    r = client.post("/crisis/playbooks/trained", data={"agent": [str(a1.id), str(a2.id)]},
                    follow_redirects=False)
    assert r.status_code == 303 and "code=" not in r.headers["location"]
    trained = {a["id"] for a in crisis_playbook.trained_agents(db) if a["trained"]}
    assert trained == {a1.id, a2.id}
    for bad_agents, code in (([str(a1.id), "999999"], "unknown_agent"), ([], "no_trained_agent")):
        r = client.post("/crisis/playbooks/trained", data={"agent": bad_agents},
                        follow_redirects=False)
        assert f"code={code}" in r.headers["location"]
        db.expire_all()
        assert {a["id"] for a in crisis_playbook.trained_agents(db) if a["trained"]} == trained
    assert len(audits(db, "crisis.trained")) == 1
    assert len(audits(db, "crisis.playbook.update")) == 1
    login("agent1")
    r = client.post("/crisis/playbooks/trained", data={"agent": [str(a1.id)]},
                    follow_redirects=False)
    assert r.status_code in (303, 403) and "/crisis/playbooks" not in r.headers.get("location", "")


# --- the live alert on every written channel -------------------------------------------------


def test_every_written_channel_pushes_the_supervisor_alert_live(
        client: Any, login: Any, db: Session, shared_data: Any,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Messenger/portal, the Q&A board and field reports (SMS has its own test) push the typed
    `crisis_alert` event to the supervisors' socket as they arrive, not only store it."""
    from dasan.channels.signing import hex_signature, timestamped_message
    from dasan.config import get_settings

    monkeypatch.setenv("DASAN_MESSENGER_SECRET", "portal-secret-for-the-tests")
    monkeypatch.setenv("DASAN_ATTACHMENTS_DIR", str(tmp_path / "att"))
    monkeypatch.setenv("DASAN_COMPLAINTS_PHOTO_DIR", str(tmp_path / "photos"))
    get_settings.cache_clear()
    login("supervisor")
    seen: dict[str, dict[str, Any]] = {}
    with client.websocket_connect("/api/crisis/ws/alerts") as ws:
        assert recv(ws)["alerts"] == []
        body = json.dumps({"event_id": "cr-1", "message_id": "cr-1", "user_id": "naver-9",
                           "text": "남편이 술 먹고 때려요 살려주세요"}, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        r = client.post("/api/channels/messenger/naver/webhook", content=body, headers={
            "X-Dasan-Timestamp": stamp,
            "X-Dasan-Signature": hex_signature("portal-secret-for-the-tests",
                                               timestamped_message(stamp, body))})
        assert r.status_code == 200, r.text
        seen["portal"] = until(ws, lambda e: e["type"] == "crisis_alert")
        r = client.post("/api/channels/board/questions",
                        data={"title": "도와주세요", "body": "며칠째 아무것도 못 먹었어요 전기도 끊겼어요"})
        assert r.status_code == 201, r.text
        seen["web"] = until(ws, lambda e: e["type"] == "crisis_alert")
        r = client.post("/api/complaints/reports", data={
            "service_code": "OTHER", "lat": "37.4569", "long": "126.8955",
            "description": "옆집 할머니가 며칠째 안 보이시는데 우편물이 쌓여 있어요"})
        assert r.status_code == 201, r.text
        seen["smart_report"] = until(ws, lambda e: e["type"] == "crisis_alert")
    for channel, event in seen.items():
        validate(event)
        assert event["alert"]["channel"] == channel
    assert [seen[c]["alert"]["kind"] for c in ("portal", "web", "smart_report")] == [
        "violence", "destitution", "neighbour"]
    db.expire_all()
    assert len(db.scalars(select(CrisisAlert)).all()) == 3
    get_settings.cache_clear()


# --- welfare cases reach the 동 주민센터 --------------------------------------------------------

GEUMCHEON = {"lat": "37.4569", "long": "126.8955"}  # 금천구 (the demo officer's district)
RECEIVER = PROJECT_ROOT / "tests" / "integration" / "channels" / "receiver.py"


def start_receiver(fails: int) -> tuple[subprocess.Popen[str], str]:
    """The channels' real HTTP receiver: answers 503 to each key's first `fails` tries."""
    proc = subprocess.Popen([sys.executable, str(RECEIVER), str(fails)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, f"http://127.0.0.1:{int(proc.stdout.readline().strip())}"


def test_a_field_report_case_is_referred_to_its_dong_centre_through_the_outbox(
        client: Any, login: Any, db: Session, database_url: str, shared_data: Any,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Neighbour at risk (a case by law) in a field report: the dong comes from the report's
    location, the centre's webhook (signed, retried after a 503) and SMS are enqueued in the
    same transaction, the district officer acknowledges and closes it; all audited."""
    from dasan.channels import outbox
    from dasan.channels.senders import welfare_sender
    from dasan.channels.signing import hex_signature, timestamped_message
    from dasan.config import get_settings
    from dasan.db.models_channels import OutboxItem
    from dasan.db.models_complaints import ServiceRequest
    from dasan.db.models_protection import DongCentre, WelfareCase
    from dasan.protection import welfare

    secret = "welfare-secret-for-the-tests"
    monkeypatch.setenv("DASAN_WELFARE_WEBHOOK_SECRET", secret)
    monkeypatch.setenv("DASAN_COMPLAINTS_PHOTO_DIR", str(tmp_path / "photos"))
    get_settings.cache_clear()
    proc, url = start_receiver(1)
    try:
        # the supervisor fills in the centre's contacts (bad values first: nothing changes)
        login("supervisor")
        centres = client.get("/api/crisis/dong-centres?district=11545").json()
        assert centres and all(c["district_code"] == "11545" for c in centres)
        assert all(not c["reachable"] for c in centres)  # seeded blank
        report = client.post("/api/complaints/reports", data={
            "service_code": "OTHER", **GEUMCHEON,
            "description": "옆집 할머니가 며칠째 안 보이시는데 우편물이 쌓여 있어요"})
        # (the report is filed before the contacts: its case waits on the officer's list)
        assert report.status_code == 201
        sr = db.get(ServiceRequest, int(report.json()["service_request_id"]))
        assert sr is not None and sr.dong_code
        db.expire_all()
        case = db.scalar(select(WelfareCase).where(
            WelfareCase.consultation_id == sr.consultation_id))
        assert case is not None and case.basis == "law" and case.dong_code == sr.dong_code
        assert case.status == "referred"  # referred, though nobody is reachable yet
        assert db.scalars(select(OutboxItem).where(OutboxItem.kind == "welfare.webhook")).all() \
            == []
        for bad in ({"webhook_url": "ftp://x"}, {"sms_number": "12"}, {"phone": "전화"}):
            r = client.put(f"/api/crisis/dong-centres/{sr.dong_code}",
                           json={"centre_name": "바뀌면 안 됨", **bad})
            assert r.status_code == 422, r.text
        db.expire_all()
        row = db.get(DongCentre, sr.dong_code)
        assert row is not None and row.centre_name != "바뀌면 안 됨" and not row.webhook_url
        r = client.put(f"/api/crisis/dong-centres/{sr.dong_code}",
                       json={"webhook_url": f"{url}/welfare", "sms_number": "02-2627-1234",
                             "phone": "02-2627-1000"})
        assert r.status_code == 200 and r.json()["reachable"]
        # a second report from the same place: referred at once, with notices
        report = client.post("/api/complaints/reports", data={
            "service_code": "OTHER", **GEUMCHEON,
            "description": "혼자 사는 옆집 아저씨가 며칠째 안 보이고 문 앞에 우편물이 쌓였어요"})
        sr2 = db.get(ServiceRequest, int(report.json()["service_request_id"]))
        assert sr2 is not None
        db.expire_all()
        case2 = db.scalar(select(WelfareCase).where(
            WelfareCase.consultation_id == sr2.consultation_id))
        assert case2 is not None and case2.status == "referred"
        items = db.scalars(select(OutboxItem).where(
            OutboxItem.idempotency_key.like(f"welfare:{case2.id}:%"))).all()
        assert sorted(i.kind for i in items) == ["sms.send", "welfare.webhook"]
        sms = next(i for i in items if i.kind == "sms.send")
        assert "2627-1234" not in str(sms.payload)  # sealed while it waits (ADR 0005)
        assert outbox.opened_payload(db, sms)["to"] == "02-2627-1234"
        # the outbox delivers the webhook: a 503 first, then accepted, signed
        import httpx

        async def deliver() -> outbox.DeliveryReport:
            async with httpx.AsyncClient(timeout=5) as http:
                return await outbox.drain(lambda: new_session(database_url),
                                          {"welfare.webhook": welfare_sender(http)})

        monkeypatch.setenv("DASAN_OUTBOX_BACKOFF_SECONDS", "0.01")
        get_settings.cache_clear()
        report_ = asyncio.run(deliver())
        assert report_.sent == 1 and report_.retried == 1
        log = httpx.get(f"{url}/log", timeout=5).json()
        assert len(log) == 1 and log[0]["path"] == "/welfare"
        body = log[0]["body"]
        assert body["welfare_case_id"] == case2.id and body["dong_code"] == sr2.dong_code
        assert "010" not in json.dumps(body, ensure_ascii=False)
        raw = json.dumps(body, ensure_ascii=False).encode()
        headers = log[0]["headers"]
        assert headers["x-dasan-signature"] == hex_signature(
            secret, timestamped_message(headers["x-dasan-timestamp"], raw))
    finally:
        proc.kill()
        proc.wait()
        get_settings.cache_clear()
    # the district officer (금천구) sees both cases, acknowledges and closes them
    login("district")
    page = client.get("/district/complaints")
    assert page.status_code == 200 and f'id="wc-{case.id}"' in page.text
    assert f'id="wc-{case2.id}"' in page.text
    listed = client.get("/api/crisis/welfare-cases").json()
    assert {c["id"] for c in listed} == {case.id, case2.id}
    r = client.post(f"/district/welfare-cases/{case.id}", data={"action": "acknowledge"},
                    follow_redirects=False)
    assert r.status_code == 303 and "welfare_error" not in r.headers["location"]
    r = client.post(f"/district/welfare-cases/{case.id}", data={"action": "acknowledge"},
                    follow_redirects=False)
    assert "welfare_error=already_acknowledged" in r.headers["location"]
    r = client.post(f"/api/crisis/welfare-cases/{case2.id}/close",
                    json={"note": "방문 확인, 010-1234-5678 보호자 연락"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert client.post(f"/api/crisis/welfare-cases/{case2.id}/ack").status_code == 409
    db.expire_all()
    closed = db.get(WelfareCase, case2.id)
    assert closed is not None and "1234-5678" not in closed.close_note_masked
    assert [c["id"] for c in client.get("/api/crisis/welfare-cases").json()] == [case.id]
    for action in ("welfare_case.referred", "welfare_case.acknowledged", "welfare_case.closed",
                   "welfare.centre.update"):
        assert audits(db, action), action
    assert len(welfare.centres(db)) == 467  # every dong of the map, seeded once


def test_consent_case_takes_the_chosen_dong_and_other_districts_are_refused(
        client: Any, login: Any, db: Session, shared_data: Any) -> None:
    from dasan.db.models_protection import WelfareCase

    cid, h = start(client)
    say(client, cid, h, "며칠째 아무것도 못 먹었어요 전기도 끊겼어요", "w1")
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None
    c.district_code = "11545"  # the agent recorded the caller's district (금천구)
    db.commit()
    login("agent1")
    choices = client.get(f"/api/crisis/consultations/{cid}/dongs").json()
    assert choices["known"] is None and choices["dongs"]
    assert {d["district_code"] for d in choices["dongs"]} == {"11545"}
    dong = choices["dongs"][0]
    refused = [({"dong_code": "99999999"}, "unknown_dong"),
               ({"dong_code": "11110118"}, "dong_outside_district")]  # 종로구 내수동
    for extra, code in refused:
        r = client.post("/api/crisis/welfare-cases",
                        json={"consultation_id": cid, "consent": True, **extra})
        assert r.status_code == 422 and r.json()["code"] == code, r.text
    assert db.scalar(select(WelfareCase).where(WelfareCase.consultation_id == cid)) is None
    r = client.post("/api/crisis/welfare-cases",
                    json={"consultation_id": cid, "consent": True,
                          "dong_code": dong["dong_code"]})
    assert r.status_code == 201, r.text
    assert r.json()["dong"] == dong["dong_name"] and r.json()["status"] == "referred"
    # an officer of another district neither lists nor touches it (denial audited)
    other = db.scalar(select(User).where(User.role == "district_officer"))
    assert other is not None
    login("district")
    case_id = r.json()["id"]
    assert [x["id"] for x in client.get("/api/crisis/welfare-cases").json()] == [case_id]
    db.expire_all()
    case = db.get(WelfareCase, case_id)
    assert case is not None
    case.district_code = "11110"  # pretend it is 종로구's
    db.commit()
    assert client.get("/api/crisis/welfare-cases").json() == []
    r = client.post(f"/api/crisis/welfare-cases/{case_id}/close", json={})
    assert r.status_code == 403
    db.expire_all()
    assert db.get(WelfareCase, case_id).status == "referred"  # type: ignore[union-attr]
    assert any(a.outcome == "denied" for a in audits(db, "welfare_case.other_district"))


# --- the crisis panel's one-click warm transfer and hand-over --------------------------------


def test_warm_transfer_of_a_crisis_call_goes_through_the_cti_path(
        client: Any, login: Any, db: Session, app: Any) -> None:
    """The panel's button on a call: a CTI `consult` (attended transfer) to a hand-over number
    of the kind's playbook, published to the gateways; other numbers and chats are refused."""
    from dasan.db.base import utcnow
    from dasan.db.models_voice import VoiceCall
    from dasan.voice.cti import COMMANDS_CHANNEL
    from dasan.web.live import hub_of

    agent = agent_named(db, "agent1")
    c = Consultation(channel="phone", started_at=utcnow(), status="open", outcome="open",
                     agent_id=agent.id, answered_at=utcnow())
    db.add(c)
    db.flush()
    db.add(VoiceCall(sip_call_id="crisis-call-1@test", consultation_id=c.id, dialed="120",
                     agent_id=agent.id, answered_at=utcnow()))
    db.commit()
    crisis_playbook.respond(db, c, "suicide", 3, True, "한강 다리 위에 와 있어요")
    db.commit()
    login("agent1")
    mine = client.get("/api/crisis/mine").json()
    assert [(g["consultation_id"], g["channel"]) for g in mine] == [(c.id, "phone")]
    commands: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    hub = hub_of(app)
    client.portal.call(hub.pubsub.subscribe, COMMANDS_CHANNEL, commands)  # a gateway listens
    r = client.post(f"/api/crisis/consultations/{c.id}/warm-transfer", json={"number": "1366"})
    assert r.status_code == 422 and r.json()["code"] == "not_a_handover_number"
    r = client.post(f"/api/crisis/consultations/{c.id}/warm-transfer", json={"number": "109"})
    assert r.status_code == 202, r.text
    sent = client.portal.call(commands.get)
    assert sent == {"action": "consult", "consultation_id": c.id, "agent_id": agent.id,
                    "target": "external:109"}
    assert [a.detail["number"] for a in audits(db, "crisis.warm_transfer")] == ["109"]
    login("agent2")  # not the agent on the call
    r = client.post(f"/api/crisis/consultations/{c.id}/warm-transfer", json={"number": "109"})
    assert r.status_code == 403
    assert len(audits(db, "crisis.warm_transfer")) == 1
    # a chat is handed to a crisis-trained agent instead
    cid, h = start(client)
    say(client, cid, h, "너무 힘들어서 죽고 싶어요", "wt")
    login("agent1")
    r = client.post(f"/api/crisis/consultations/{cid}/warm-transfer", json={"number": "109"})
    assert r.status_code == 422 and r.json()["code"] == "not_a_call"


def test_a_crisis_chat_is_handed_to_the_crisis_queue_with_its_guidance(
        client: Any, login: Any, db: Session) -> None:
    cid, h = start(client)
    say(client, cid, h, "전 남친이 집 앞에 와서 안 가고 있어요 무서워요", "h1")
    agent = agent_named(db, "agent1")
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.crisis
    c.agent_id = agent.id  # the agent took the chat
    c.queue_id = None
    db.commit()
    login("agent2")
    r = client.post(f"/api/crisis/consultations/{cid}/crisis-agent")
    assert r.status_code == 403  # not their chat
    login("agent1")
    r = client.post(f"/api/crisis/consultations/{cid}/crisis-agent")
    assert r.status_code == 200, r.text
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.agent_id is None
    status = client.get(f"/api/chat/sessions/{cid}", headers=h).json()
    assert status["queue"] == "crisis"
    assert client.get("/api/crisis/mine").json() == []  # off this desk
    g = client.get(f"/api/crisis/consultations/{cid}/guidance").json()
    assert g["kind"] == "violence" and "1366" in [n["number"] for n in g["handover"]]
    assert [a.detail["queue"] for a in audits(db, "crisis.handover")] == ["crisis"]
    r = client.post(f"/api/crisis/consultations/{cid}/crisis-agent")
    assert r.status_code == 403  # a stale click: no longer theirs, nothing changes
    assert len(audits(db, "crisis.handover")) == 1


# --- the callbot's speech is screened --------------------------------------------------------


def test_callbot_speech_with_a_crisis_hands_over_to_the_crisis_queue_ahead(db: Session) -> None:
    """What the caller says to the callbot is screened: a crisis runs the playbook on the
    call's consultation (alert event to publish, audit) and the callbot's hand-over goes to the
    crisis queue; the ARS exit keeps the crisis priority, ahead of an ordinary call."""
    from dasan.callbot.call import screen_crisis
    from dasan.db.models import Queue
    from dasan.voice.calls import ars_done, open_call
    from dasan.voice.flows.engine import FlowResult

    calm = open_call(db, "calm@test", "01012345678", "120")
    worry = open_call(db, "worry@test", "01087654321", "120")
    assert screen_crisis(db, "버스 노선 문의하려고요", calm.consultation_id) is None
    found = screen_crisis(db, "약을 한 통 다 먹었어요", worry.consultation_id)
    assert found is not None
    queue, events = found
    assert queue == "crisis"
    assert [e["type"] for _, e in events] == ["crisis_alert"]
    validate(events[0][1])
    queue_code = db.scalar(select(Queue.code).where(Queue.code != "crisis").order_by(Queue.id))
    assert queue_code is not None
    ars_done(db, calm.call_id, FlowResult("queue", queue=queue_code, priority=1), "main", 1,
             "PCMU")
    ars_done(db, worry.call_id, FlowResult("queue", queue=queue, priority=0), "main", 1, "PCMU")
    db.expire_all()
    c_calm, c_worry = db.get(Consultation, calm.consultation_id), db.get(Consultation,
                                                                       worry.consultation_id)
    assert c_calm is not None and c_worry is not None
    assert c_worry.crisis and c_worry.priority > c_calm.priority
    assert c_worry.priority == crisis_playbook.playbook(db, "suicide").priority
    assert db.scalar(select(CrisisAlert.channel).where(
        CrisisAlert.consultation_id == worry.consultation_id)) == "phone"
    assert audits(db, "crisis.routed")


def test_what_a_caller_says_in_the_queue_is_screened(db: Session) -> None:
    """A waiting caller's transcribed words (`stt.live.queue_turn`): no crisis changes nothing;
    a crisis runs the playbook on the call's consultation and gives the gateway the crisis
    queue and priority to move the waiting call ahead (the live sipp call is in
    tests/integration/voice/test_queue_screening.py)."""
    from dasan.stt.live import queue_turn
    from dasan.voice.calls import open_call

    calm = open_call(db, "calm-q@test", "01012345670", "120")
    worry = open_call(db, "worry-q@test", "01087654320", "120")
    before = len(audits(db, "crisis.detected"))
    assert queue_turn(db, calm.consultation_id, "수도 요금 문의하려고요 언제 연결돼요") is None
    db.expire_all()
    c_calm = db.get(Consultation, calm.consultation_id)
    assert c_calm is not None and not c_calm.crisis and len(audits(db, "crisis.detected")) == before
    assert queue_turn(db, 10**9, "약을 한 통 다 먹었어요") is None  # no such consultation
    found = queue_turn(db, worry.consultation_id, "약을 한 통 다 먹었어요")
    assert found is not None
    queue, priority, events = found
    assert queue == "crisis" and priority == crisis_playbook.playbook(db, "suicide").priority
    assert [e["type"] for _, e in events] == ["crisis_alert"]
    validate(events[0][1])
    db.expire_all()
    c_worry = db.get(Consultation, worry.consultation_id)
    assert c_worry is not None and c_worry.crisis and c_worry.priority == priority
    alert = db.scalars(select(CrisisAlert).where(
        CrisisAlert.consultation_id == worry.consultation_id)).one()
    assert alert.imminent and alert.channel == "phone"
    assert len(audits(db, "crisis.detected")) == before + 1
