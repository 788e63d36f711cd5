"""Malicious-caller programme: lifecycle, routing, legal cases, evidence bundles, statistics."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import (
    AbuseIncident,
    Agent,
    AuditLog,
    Citizen,
    Consultation,
    MaliciousCaller,
    Message,
    User,
)
from dasan.db.models_protection import AgentCare, EvidenceExport, MaliciousDesignation
from dasan.protection import evidence, programme
from dasan.routing import router


def abusive_history(db: Session) -> tuple[Citizen, AbuseIncident]:
    citizen = Citizen(phone_hash="h-" + "1" * 20, phone_masked="010-****-1111")
    db.add(citizen)
    db.flush()
    c = Consultation(channel="web", started_at=datetime(2026, 3, 2, 10), citizen_id=citizen.id,
                     outcome="forced_terminated", status="closed")
    db.add(c)
    db.flush()
    m = Message(consultation_id=c.id, seq=1, sender="citizen",
                body="야 씨발 내 번호 010-1234-5678 로 다시 전화해", body_masked="야 씨발 내 번호 010-****-5678 로 다시 전화해")
    db.add(m)
    db.flush()
    inc = AbuseIncident(consultation_id=c.id, citizen_id=citizen.id, message_id=m.id,
                        category="profanity", severity=3, action="terminated",
                        at=datetime(2026, 3, 2, 10, 5))
    db.add(inc)
    db.commit()
    return citizen, inc


def audit_actions(db: Session) -> list[tuple[str, str]]:
    db.expire_all()
    return [(a, o) for a, o in db.execute(select(AuditLog.action, AuditLog.outcome)
                                          .order_by(AuditLog.id))]


def test_registry_lifecycle_routes_to_the_dedicated_team(client: Any, login: Any,
                                                         db: Session) -> None:
    citizen, inc = abusive_history(db)
    login("agent1")
    r = client.post("/api/protection/nominations", json={"evidence_note": "욕설 3회"})
    assert r.status_code == 422 and r.json()["code"] == "incident_required"
    assert db.scalar(select(MaliciousDesignation.id)) is None
    r = client.post("/api/protection/nominations",
                    json={"incident_id": inc.id, "evidence_note": "욕설 반복, 강제 종료"})
    assert r.status_code == 201 and r.json()["status"] == "nominated"
    did = r.json()["id"]
    assert client.post("/api/protection/nominations", json={
        "incident_id": inc.id, "evidence_note": "again"}).status_code == 409
    assert client.post(f"/api/protection/designations/{did}/review",
                       json={"approve": True}).status_code == 403
    login("supervisor")
    r = client.post(f"/api/protection/designations/{did}/review",
                    json={"approve": True, "note": "확인", "period_days": 90, "review_days": 30})
    assert r.status_code == 200 and r.json()["status"] == "designated"
    assert r.json()["expires_on"] == (date.today() + timedelta(days=90)).isoformat()
    db.expire_all()
    assert router.decide(db, "버스 문의", citizen_id=citizen.id).queue_code == "malicious"
    r = client.post(f"/api/protection/designations/{did}/appeal", json={"note": "사과드립니다"})
    assert r.json()["appeal_note"] == "사과드립니다"
    assert programme.expire_due(db, date.today() + timedelta(days=91)) == 1
    db.commit()
    db.expire_all()
    reg = db.scalar(select(MaliciousCaller).where(MaliciousCaller.citizen_id == citizen.id))
    assert reg is not None and reg.active is False
    assert router.decide(db, "버스 문의", citizen_id=citizen.id).queue_code != "malicious"
    acts = [a for a, _ in audit_actions(db)]
    for step in ("malicious.nominate", "malicious.designate", "malicious.appeal",
                 "malicious.expire"):
        assert step in acts


def test_legal_case_tracker(client: Any, login: Any, db: Session) -> None:
    citizen, inc = abusive_history(db)
    login("supervisor")
    did = client.post("/api/protection/nominations", json={
        "incident_id": inc.id, "evidence_note": "협박"}).json()["id"]
    r = client.post("/api/protection/legal-cases", json={"designation_id": did,
                                                          "agent_statement": "진술"})
    assert r.status_code == 409  # not designated yet
    client.post(f"/api/protection/designations/{did}/review", json={"approve": True})
    r = client.post("/api/protection/legal-cases", json={"designation_id": did,
                                                          "agent_statement": ""})
    assert r.status_code == 422
    case = client.post("/api/protection/legal-cases", json={
        "designation_id": did, "agent_statement": "3월 2일 통화에서 협박을 들었습니다"}).json()
    cid = case["id"]
    assert client.post(f"/api/protection/legal-cases/{cid}/stage",
                       json={"stage": "police_report"}).json()["stage"] == "police_report"
    assert client.post(f"/api/protection/legal-cases/{cid}/stage",
                       json={"stage": "filed"}).status_code == 409
    assert client.post(f"/api/protection/legal-cases/{cid}/stage",
                       json={"stage": "closed"}).status_code == 422
    done = client.post(f"/api/protection/legal-cases/{cid}/stage",
                       json={"stage": "closed", "outcome": "벌금 300만 원"}).json()
    assert [h["stage"] for h in done["history"]] == ["filed", "police_report", "closed"]
    stats = client.get("/api/protection/statistics?year=2026").json()
    assert stats["legal_actions"]["closed"] == 1 and stats["incidents_per_month"]["2026-03"] == 1
    assert stats["forced_terminations_per_month"]["2026-03"] == 1


def test_legal_case_file_pages(client: Any, login: Any, db: Session) -> None:
    citizen, inc = abusive_history(db)
    login("supervisor")
    did = client.post("/api/protection/nominations", json={
        "incident_id": inc.id, "evidence_note": "협박"}).json()["id"]
    client.post(f"/api/protection/designations/{did}/review", json={"approve": True})
    r = client.post("/protection/legal-cases", data={
        "designation_id": did, "agent_statement": "민원인이 010-1234-5678 로 협박했습니다"},
        follow_redirects=False)
    assert r.status_code == 303
    case_path = r.headers["location"].split("?")[0]
    page = client.get(case_path).text
    assert "010-1234-5678" not in page and "010-****-5678" in page  # the statement is masked
    assert "협박" in page and "접수" in page and "아직 내보낸 적이 없습니다" in page
    # a stage backwards is refused on the page and changes nothing
    r = client.post(f"{case_path}/stage", data={"stage": "filed"})
    assert r.status_code == 200 and "처리하지 못했습니다" in r.text
    r = client.post(f"{case_path}/stage", data={"stage": "police_report", "note": "강남서"})
    assert "경찰 신고" in r.text and "강남서" in r.text
    bundle = client.get(f"/api/protection/citizens/{citizen.id}/evidence")
    page = client.get(case_path).text
    assert bundle.headers["X-Manifest-SHA256"][:16] in page  # the chain of custody is listed
    assert 'name="raw"' not in page  # raw evidence is for admins
    login("admin")
    admin_page = client.get(case_path).text
    assert 'name="raw"' in admin_page
    # the raw bundle has its own form, whose reason the browser requires before asking
    raw_form = admin_page[admin_page.index('id="raw-evidence"'):]
    raw_form = raw_form[:raw_form.index("</form>")]
    assert 'name="raw" value="true"' in raw_form and 'name="reason" required' in raw_form
    login("agent1")
    assert client.get(case_path, follow_redirects=False).status_code == 403


def test_evidence_bundle_hashes_chain_and_audit(client: Any, login: Any, db: Session) -> None:
    citizen, _ = abusive_history(db)
    login("agent1")
    r = client.get(f"/api/protection/citizens/{citizen.id}/evidence")
    assert r.status_code == 403
    assert ("evidence.export", "denied") in audit_actions(db)
    assert db.scalar(select(EvidenceExport.id)) is None
    login("supervisor")
    assert client.get(f"/api/protection/citizens/{citizen.id}/evidence?raw=true"
                      "&reason=경찰 제출용 증거").status_code == 403
    r = client.get(f"/api/protection/citizens/{citizen.id}/evidence")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    manifest_bytes = z.read("manifest.json")
    manifest = json.loads(manifest_bytes)
    assert hashlib.sha256(manifest_bytes).hexdigest() == r.headers["x-manifest-sha256"]
    for f in manifest["files"]:  # every file's hash, recomputed here
        assert hashlib.sha256(z.read(f["path"])).hexdigest() == f["sha256"]
    names = z.namelist()
    assert not any(n.startswith("transcripts/raw/") for n in names)
    masked = next(n for n in names if n.startswith("transcripts/masked/"))
    assert "010-****-5678" in z.read(masked).decode() and "1234" not in z.read(masked).decode()
    assert evidence.verify_bundle(r.content)
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as out:
        for n in names:
            out.writestr(n, z.read(n) + (b"x" if n == masked else b""))
    assert not evidence.verify_bundle(tampered.getvalue())
    login("admin")
    r2 = client.get(f"/api/protection/citizens/{citizen.id}/evidence?raw=true"
                    "&reason=경찰 제출용 증거")
    z2 = zipfile.ZipFile(io.BytesIO(r2.content))
    raw = next(n for n in z2.namelist() if n.startswith("transcripts/raw/"))
    assert "010-1234-5678" in z2.read(raw).decode()
    m2 = json.loads(z2.read("manifest.json"))
    assert m2["previous_manifest_sha256"] == r.headers["x-manifest-sha256"]  # the chain
    db.expire_all()
    rows = list(db.scalars(select(AuditLog).where(AuditLog.action == "evidence.export",
                                                  AuditLog.outcome == "ok")))
    assert [row.detail["manifest_sha256"] for row in rows] == [
        r.headers["x-manifest-sha256"], r2.headers["x-manifest-sha256"]]
    assert ("pii.reveal", "ok") in audit_actions(db)  # a raw bundle is a reveal


def test_hand_to_dedicated_team_and_care(client: Any, login: Any, db: Session) -> None:
    c = Consultation(channel="web", started_at=datetime(2026, 3, 2, 10), status="open")
    db.add(c)
    db.commit()
    login("agent1")
    r = client.post(f"/api/protection/consultations/{c.id}/to-dedicated-team")
    assert r.status_code == 200
    db.expire_all()
    row = db.get(Consultation, c.id)
    assert row is not None and row.agent_id is None and row.queue_id is not None
    r = client.post("/api/protection/counselling", json={"agent_id": 1})
    assert r.status_code == 201 and "상담" in r.json()["message_ko"]
    care_id = r.json()["id"]
    assert client.post(f"/api/protection/care/{care_id}", json={"taken": True}).json()[
        "status"] == "taken"
    assert client.post(f"/api/protection/care/{care_id}", json={"taken": True}).status_code == 409


def test_evidence_bundle_carries_the_calls_transcripts_and_recordings(
        db: Session, tmp_path: Any) -> None:
    """Issue 17: an abusive call's masked speech-to-text goes in every bundle; its recordings
    (the caller's own voice) are hashed in every manifest but carried only in an admin's raw
    bundle."""
    from dasan.db.models import User
    from dasan.db.models_smartvoice import CallTranscriptSegment
    from dasan.db.models_voice import VoiceCall

    citizen = Citizen(phone_hash="h-" + "2" * 20, phone_masked="010-****-2222")
    db.add(citizen)
    db.flush()
    c = Consultation(channel="phone", started_at=datetime(2026, 3, 3, 9), citizen_id=citizen.id,
                     outcome="forced_terminated", status="closed")
    db.add(c)
    db.flush()
    wav = tmp_path / "caller.wav"
    wav.write_bytes(b"RIFF....WAVEfmt caller-voice")
    call = VoiceCall(sip_call_id=f"ev-{c.id}", consultation_id=c.id, dialed="120",
                     recording_caller=str(wav), recording_agent=str(tmp_path / "gone.wav"))
    db.add(call)
    db.flush()
    db.add(CallTranscriptSegment(call_id=call.id, consultation_id=c.id, leg="caller", seq=1,
                                 start_ms=1200, end_ms=3400, text="내 번호 010-****-2222 로 와",
                                 engine="test"))
    db.add(AbuseIncident(consultation_id=c.id, citizen_id=citizen.id, category="agent_report",
                         severity=2, action="terminated", at=datetime(2026, 3, 3, 9, 2)))
    db.commit()
    supervisor = db.scalar(select(User).where(User.username == "supervisor"))
    admin = db.scalar(select(User).where(User.username == "admin"))
    masked = evidence.build_bundle(db, supervisor, citizen.id)
    z = zipfile.ZipFile(io.BytesIO(masked.data))
    speech = f"transcripts/masked/{c.id}-call-{call.id}.txt"
    assert "010-****-2222" in z.read(speech).decode()
    digest = hashlib.sha256(wav.read_bytes()).hexdigest()
    assert masked.manifest["recordings"] == [{
        "path": f"recordings/{c.id}-call-{call.id}-caller.wav", "sha256": digest,
        "bytes": wav.stat().st_size, "included": False}]  # the missing agent leg is skipped
    assert not any(n.startswith("recordings/") for n in z.namelist())
    raw = evidence.build_bundle(db, admin, citizen.id, include_raw=True,
                                reason="경찰 제출용 증거")
    z2 = zipfile.ZipFile(io.BytesIO(raw.data))
    assert z2.read(f"recordings/{c.id}-call-{call.id}-caller.wav") == wav.read_bytes()
    assert evidence.verify_bundle(raw.data) and evidence.verify_bundle(masked.data)


def test_review_date_sends_the_designation_to_the_review_queue_and_expiry_ends_it(
        client: Any, login: Any, db: Session) -> None:
    """The review date acts (scheduler job): the designation waits in the supervisors' review
    queue (still separated), a supervisor keeps or ends it on /protection; expiry ends it.
    Every step audited; a decision without a note changes nothing."""
    from dasan import scheduler

    citizen, inc = abusive_history(db)
    login("agent1")
    did = client.post("/api/protection/nominations", json={
        "incident_id": inc.id, "evidence_note": "욕설 반복"}).json()["id"]
    login("supervisor")
    client.post(f"/api/protection/designations/{did}/review",
                json={"approve": True, "note": "확인", "period_days": 60, "review_days": 30})
    today = date.today()
    assert programme.review_due(db, today + timedelta(days=29)) == 0
    assert programme.review_due(db, today + timedelta(days=30)) == 1
    db.commit()
    db.expire_all()
    d = db.get(MaliciousDesignation, did)
    assert d is not None and d.status == "review_due"
    assert router.decide(db, "버스", citizen_id=citizen.id).queue_code == "malicious"
    # The review queue on the supervisors' page.
    page = client.get("/protection")
    assert page.status_code == 200 and "재검토 대기 (1)" in page.text
    # No note: refused, nothing changes.
    r = client.post(f"/protection/designations/{did}/periodic-review",
                    data={"decision": "keep", "note": "", "review_days": "20"},
                    follow_redirects=False)
    assert r.status_code == 303 and "error=" in r.headers["location"]
    db.expire_all()
    assert db.get(MaliciousDesignation, did).status == "review_due"  # type: ignore[union-attr]
    r = client.post(f"/protection/designations/{did}/periodic-review",
                    data={"decision": "keep", "note": "폭언 계속", "review_days": "20"},
                    follow_redirects=False)
    assert r.status_code == 303 and "notice=" in r.headers["location"]
    db.expire_all()
    d = db.get(MaliciousDesignation, did)
    assert d is not None and d.status == "designated"
    assert d.review_date == min(today + timedelta(days=20), d.expires_on)  # type: ignore[type-var]
    # The scheduler's own job runs the same step on today's date: nothing is due yet.
    assert scheduler.review_designations() == 0
    # An appeal recorded on the page, then expiry ends the separation.
    r = client.post(f"/protection/designations/{did}/appeal", data={"note": "사과문 제출"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert programme.expire_due(db, today + timedelta(days=60)) == 1
    db.commit()
    db.expire_all()
    assert db.get(MaliciousDesignation, did).status == "expired"  # type: ignore[union-attr]
    assert router.decide(db, "버스", citizen_id=citizen.id).queue_code != "malicious"
    acts = [a for a, o in audit_actions(db) if o == "ok"]
    for step in ("malicious.review_due", "malicious.review_keep", "malicious.appeal",
                 "malicious.expire"):
        assert step in acts, step


def test_appeal_upheld_on_the_page_ends_separation(client: Any, login: Any,
                                                    db: Session) -> None:
    citizen, inc = abusive_history(db)
    login("supervisor")
    d = client.post("/api/protection/nominations", json={
        "incident_id": inc.id, "evidence_note": "욕설"}).json()
    client.post(f"/api/protection/designations/{d['id']}/review", json={"approve": True})
    # A revocation needs its reason.
    r = client.post(f"/protection/designations/{d['id']}/revoke", data={"note": " "},
                    follow_redirects=False)
    assert "error=" in r.headers["location"]
    db.expire_all()
    assert router.decide(db, "버스", citizen_id=citizen.id).queue_code == "malicious"
    r = client.post(f"/protection/designations/{d['id']}/revoke",
                    data={"note": "이의 인용: 오인 신고"}, follow_redirects=False)
    assert "notice=" in r.headers["location"]
    db.expire_all()
    assert router.decide(db, "버스", citizen_id=citizen.id).queue_code != "malicious"
    assert ("malicious.revoke", "ok") in audit_actions(db)


def test_desk_protection_actions_go_through_the_access_policy(
        client: Any, login: Any, db: Session) -> None:
    """The desktop's buttons: nominate from the contact's incident (none -> a clear refusal),
    counselling for oneself only (a lead for anyone), hand over only one's own contact."""
    agents = {u: a for u, a in db.execute(
        select(User.username, Agent.id).join(Agent, Agent.user_id == User.id))}
    c = Consultation(channel="web", started_at=datetime(2026, 3, 2, 10), status="open",
                     agent_id=agents["agent1"])
    db.add(c)
    db.commit()
    login("agent1")
    assert client.get(f"/api/protection/consultations/{c.id}/incidents").json() == []
    r = client.post("/api/protection/nominations", json={"evidence_note": "욕설"})
    assert r.status_code == 422 and r.json()["code"] == "incident_required"
    # Another agent's contact: neither its incidents nor a hand-over.
    login("agent2")
    assert client.get(f"/api/protection/consultations/{c.id}/incidents").status_code == 403
    assert client.post(f"/api/protection/consultations/{c.id}/to-dedicated-team"
                       ).status_code == 403
    # Counselling: agent2 may not refer agent1, but refers themself.
    r = client.post("/api/protection/counselling", json={"agent_id": agents["agent1"]})
    assert r.status_code == 403
    r = client.post("/api/protection/counselling", json={})
    assert r.status_code == 201
    db.expire_all()
    assert db.scalar(select(AgentCare.agent_id).where(AgentCare.id == r.json()["id"])) == \
        agents["agent2"]
    assert ("agent_care.counselling", "denied") in audit_actions(db)
    assert ("malicious.hand_to_team", "denied") in audit_actions(db)
    login("supervisor")
    assert client.post("/api/protection/counselling",
                       json={"agent_id": agents["agent1"]}).status_code == 201


def test_hand_a_live_call_to_the_team_gives_the_gateway_its_transfer(
        db: Session, client: Any, login: Any) -> None:
    """The room decides the gateway's command for a live call (the web layer only sends it);
    an ended call is refused and stays where it was."""
    from dasan.db.models import Agent, User
    from dasan.db.models_voice import VoiceCall
    from dasan.errors import DomainError

    login("agent1")  # creates the demo users
    user = db.scalar(select(User).where(User.username == "agent1"))
    assert user is not None
    agent_id = db.scalar(select(Agent.id).where(Agent.user_id == user.id))
    live = Consultation(channel="phone", started_at=datetime(2026, 3, 2, 10), status="open",
                        agent_id=agent_id)
    ended = Consultation(channel="phone", started_at=datetime(2026, 3, 2, 10), status="open",
                         agent_id=agent_id)
    db.add_all([live, ended])
    db.flush()
    db.add_all([
        VoiceCall(sip_call_id="hand-live", consultation_id=live.id, dialed="120",
                  agent_id=agent_id, answered_at=datetime(2026, 3, 2, 10, 1)),
        VoiceCall(sip_call_id="hand-ended", consultation_id=ended.id, dialed="120",
                  agent_id=agent_id, answered_at=datetime(2026, 3, 2, 10, 1),
                  ended_at=datetime(2026, 3, 2, 10, 5)),
    ])
    db.commit()

    handed = programme.hand_to_dedicated_team(db, user, live.id)
    assert handed.call_command is not None
    assert handed.call_command["action"] == "transfer"
    assert handed.call_command["target"] == "queue:malicious"
    assert handed.consultation.agent_id is None
    db.commit()

    try:
        programme.hand_to_dedicated_team(db, user, ended.id)
    except DomainError as exc:
        assert (exc.status, exc.code) == (409, "call_ended")
    else:
        raise AssertionError("an ended call was handed over")
    db.rollback()
    still = db.get(Consultation, ended.id)
    assert still is not None and still.agent_id == agent_id


def test_the_case_statement_is_revealed_with_a_reason_to_supervisors_and_admins(
        client: Any, login: Any, db: Session) -> None:
    """원문 보기 on the legal case page: the statement is shown masked; a supervisor or an admin
    reveals it with a reason (audited, within the reveal limit); an agent gets no control."""
    citizen, inc = abusive_history(db)
    login("supervisor")
    did = client.post("/api/protection/nominations", json={
        "incident_id": inc.id, "evidence_note": "협박"}).json()["id"]
    client.post(f"/api/protection/designations/{did}/review", json={"approve": True})
    case_id = client.post("/api/protection/legal-cases", json={
        "designation_id": did,
        "agent_statement": "민원인이 010-1234-5678 로 협박했습니다"}).json()["id"]
    url = f"/api/protection/legal-cases/{case_id}/statement/reveal"
    page = client.get(f"/protection/legal-cases/{case_id}").text
    assert f'data-reveal data-reveal-url="{url}"' in page and "/static/reveal.js" in page
    assert '<blockquote id="case-statement" data-seq="1"><span class="reveal-body">' in page
    assert "010-1234-5678" not in page

    assert client.post(url, json={"reason": ""}).status_code == 422
    r = client.post(url, json={"reason": "경찰 제출용 진술서 확인"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert r.json()["reason"] == "경찰 제출용 진술서 확인"
    assert r.json()["messages"] == [{
        "seq": 1, "body": "민원인이 010-1234-5678 로 협박했습니다",
        "body_masked": "민원인이 010-****-5678 로 협박했습니다", "had_pii": True}]
    assert client.post(f"/api/protection/legal-cases/{case_id + 999}/statement/reveal",
                       json={"reason": "경찰 제출용 진술서 확인"}).status_code == 404
    login("admin")
    assert client.post(url, json={"reason": "감사 대응 확인"}).status_code == 200

    login("agent1")
    assert client.post(url, json={"reason": "궁금해서 봅니다"}).status_code == 403
    db.expire_all()
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal",
                                             AuditLog.object_type == "legal_case")).all()
    assert [(r.actor, r.outcome, r.detail["reason"]) for r in rows] == [
        ("supervisor", "ok", "경찰 제출용 진술서 확인"), ("admin", "ok", "감사 대응 확인"),
        ("agent1", "denied", "궁금해서 봅니다")]  # a refusal is a refused reveal
    assert all(r.object_id == str(case_id) and "010-1234-5678" not in str(r.detail)
               for r in rows)


def test_direct_registration_is_audited_by_the_room(client: Any, login: Any, db: Session
                                                    ) -> None:
    # the registry's direct door (POST /api/chat/malicious): the room writes its audit row; a
    # registration refused for a blank reason or an unknown citizen writes nothing
    citizen, _ = abusive_history(db)
    login("supervisor")
    assert client.post("/api/chat/malicious", json={"citizen_id": 999_999,
                                                    "reason": "욕설"}).status_code == 404
    assert client.post("/api/chat/malicious", json={"citizen_id": citizen.id,
                                                    "reason": "   "}).status_code == 400
    db.expire_all()
    assert db.scalar(select(MaliciousCaller.id)) is None
    assert "protection.register_malicious" not in [a for a, _ in audit_actions(db)]
    r = client.post("/api/chat/malicious", json={"citizen_id": citizen.id, "reason": "욕설 반복"})
    assert r.status_code == 201
    db.expire_all()
    assert [a for a, _ in audit_actions(db)].count("protection.register_malicious") == 1
