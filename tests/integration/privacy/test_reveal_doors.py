"""The last doors around raw personal data (issue 12): every route that opens raw text - a call
transcript, a legal case's statement, an admin's raw evidence bundle - writes its refusals as
refused reveals (`pii.reveal`, denied, on the object, with the reason), counts against the one
reveal limit, and is listed in the reveal log."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from test_reveal_control import MASKED, RAW
from test_reveal_limit import LIMIT, _call, small_limit  # noqa: F401 (the same small limit, autouse)

from dasan.db.models import AbuseIncident, AuditLog, Citizen, Consultation, Message
from dasan.db.models_protection import EvidenceExport
from dasan.privacy import vault

REASON = "경찰 제출용 증거 확인"


def _reveal_rows(db: Session) -> list[AuditLog]:
    db.expire_all()
    return list(db.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal")
                           .order_by(AuditLog.id)))


def test_a_refused_call_transcript_reveal_is_a_refused_reveal_in_the_log(
        client: Any, login: Any, db: Session) -> None:
    """An agent (who reads masked transcripts) asks for the raw one: refused, and written as
    a refused reveal on the call transcript with the reason - not as another action without
    its object or reason."""
    cid = _call(db)
    for name in ("agent1", "analyst"):
        r = login(name).post(f"/api/voice/transcripts/{cid}/reveal", json={"reason": REASON})
        assert r.status_code == 403 and r.json()["code"] == "reveal_denied"
        assert "이삼사오" not in r.text
    rows = _reveal_rows(db)
    assert [(r.actor, r.outcome, r.object_type, r.object_id, r.detail["reason"])
            for r in rows] == [("agent1", "denied", "call_transcript", str(cid), REASON),
                               ("analyst", "denied", "call_transcript", str(cid), REASON)]
    assert not db.scalar(select(AuditLog.id).where(AuditLog.action == "pii.unmask"))

    log = login("supervisor").get("/api/privacy/reveals").json()
    refused = [e for e in log["entries"] if e["actor"] in ("agent1", "analyst")]
    assert [(e["status"], e["object_type"], e["consultation_id"], e["reason"])
            for e in refused] == [("refused", "call_transcript", cid, REASON)] * 2
    counts = {a["actor"]: (a["revealed"], a["refused"]) for a in log["accounts"]}
    assert counts["agent1"] == (0, 1) and counts["analyst"] == (0, 1)


def test_a_refused_statement_reveal_is_a_refused_reveal_in_the_log(
        client: Any, login: Any, db: Session) -> None:
    """The legal case statement's reveal: an agent is refused by the reveal's own check (not
    only by a route guard that the reveal log never sees)."""
    r = login("agent1").post("/api/protection/legal-cases/4242/statement/reveal",
                             json={"reason": REASON})
    assert r.status_code == 403 and r.json()["code"] == "reveal_denied"
    rows = _reveal_rows(db)
    assert [(r.actor, r.outcome, r.object_type, r.object_id, r.detail["reason"])
            for r in rows] == [("agent1", "denied", "legal_case", "4242", REASON)]
    page = login("supervisor").get("/privacy/reveals").text
    assert 'data-status="refused"' in page and "법적 대응 진술" in page


# --- the raw evidence bundle -------------------------------------------------------------------


def _abusive_citizen(db: Session) -> tuple[int, int]:
    """A citizen with one abusive chat: its message stored masked, the raw text sealed."""
    citizen = Citizen(phone_hash="h-" + "7" * 20, phone_masked="010-****-7777")
    db.add(citizen)
    db.flush()
    c = Consultation(channel="chat", started_at=datetime.now(UTC), citizen_id=citizen.id,
                     status="closed", outcome="forced_terminated")
    db.add(c)
    db.flush()
    m = Message(consultation_id=c.id, seq=1, sender="citizen", body=MASKED, body_masked=MASKED)
    db.add(m)
    db.flush()
    vault.seal(db, vault.MESSAGE_BODY, m.id, RAW)
    db.add(AbuseIncident(consultation_id=c.id, citizen_id=citizen.id, message_id=m.id,
                         category="profanity", severity=3, action="terminated",
                         at=datetime.now(UTC)))
    db.commit()
    return citizen.id, c.id


def _raw_text(r: Any) -> str:
    z = zipfile.ZipFile(io.BytesIO(r.content))
    return "".join(z.read(n).decode() for n in z.namelist()
                   if n.startswith("transcripts/raw/"))


def test_a_raw_evidence_bundle_is_a_reveal_with_its_reason(
        client: Any, login: Any, db: Session) -> None:
    citizen_id, cid = _abusive_citizen(db)
    url = f"/api/protection/citizens/{citizen_id}/evidence"
    admin = login("admin")
    # a raw bundle needs a reason, as every reveal does; nothing is exported without one
    r = admin.get(url, params={"raw": "true"})
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    assert db.scalar(select(EvidenceExport.id)) is None

    r = admin.get(url, params={"raw": "true", "reason": REASON})
    assert r.status_code == 200 and RAW in _raw_text(r)
    rows = _reveal_rows(db)
    assert [(r.actor, r.outcome, r.object_type, r.object_id) for r in rows] == [
        ("admin", "ok", "evidence_bundle", str(citizen_id))]
    export_id = db.scalar(select(EvidenceExport.id))
    assert rows[0].detail == {"reason": REASON, "citizen_id": citizen_id,
                              "export_id": export_id, "consultations": [cid], "messages": 1}
    assert RAW not in str(rows[0].detail)
    # a masked bundle opens nothing: not a reveal, not counted
    assert admin.get(url).status_code == 200
    assert len(_reveal_rows(db)) == 1

    log = admin.get("/api/privacy/reveals").json()
    entry = log["entries"][0]
    assert (entry["status"], entry["object_type"], entry["reason"], entry["count"]) == (
        "revealed", "evidence_bundle", REASON, 1)
    page = admin.get("/privacy/reveals").text
    assert "증거 자료 (원문)" in page and RAW not in page


def test_a_raw_evidence_bundle_counts_against_the_reveal_limit(
        client: Any, login: Any, db: Session) -> None:
    """One download is one reveal: with LIMIT - 1 chat reveals made, one raw bundle reaches
    the limit and the next is refused with 429, audited, nothing exported."""
    citizen_id, cid = _abusive_citizen(db)
    admin = login("admin")
    for _ in range(LIMIT - 1):
        assert admin.post("/api/privacy/reveal", json={
            "consultation_id": cid, "reason": REASON}).status_code == 200
    url = f"/api/protection/citizens/{citizen_id}/evidence"
    assert admin.get(url, params={"raw": "true", "reason": REASON}).status_code == 200
    over = admin.get(url, params={"raw": "true", "reason": "한 번 더 내려받기"})
    assert over.status_code == 429 and over.json()["code"] == "reveal_rate_limited"
    assert RAW not in over.text and "Retry-After" in over.headers
    db.expire_all()
    assert len(list(db.scalars(select(EvidenceExport)))) == 1
    last = _reveal_rows(db)[-1]
    assert (last.outcome, last.object_type, last.object_id, last.detail["refused"],
            last.detail["reason"]) == ("denied", "evidence_bundle", str(citizen_id),
                                       "rate_limited", "한 번 더 내려받기")
    # the masked bundle is no reveal: still allowed past the limit
    assert admin.get(url).status_code == 200


def test_a_refused_raw_evidence_bundle_is_a_refused_reveal(
        client: Any, login: Any, db: Session) -> None:
    citizen_id, _ = _abusive_citizen(db)
    r = login("supervisor").get(f"/api/protection/citizens/{citizen_id}/evidence",
                                params={"raw": "true", "reason": REASON})
    assert r.status_code == 403 and RAW not in r.text
    rows = _reveal_rows(db)
    assert [(r.actor, r.outcome, r.object_type, r.object_id, r.detail["reason"])
            for r in rows] == [("supervisor", "denied", "evidence_bundle", str(citizen_id),
                                REASON)]
    db.expire_all()
    assert db.scalar(select(AuditLog.id).where(AuditLog.action == "evidence.export",
                                               AuditLog.outcome == "denied"))
    log = login("admin").get("/api/privacy/reveals", params={"status": "refused"}).json()
    assert [(e["actor"], e["object_type"]) for e in log["entries"]] == [
        ("supervisor", "evidence_bundle")]
