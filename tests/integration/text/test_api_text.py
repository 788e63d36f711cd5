from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from dasan.chat.service import append_message
from dasan.db.models import AuditLog, Consultation, Message


def test_text_endpoints_need_login(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/api/text/mask", json={"text": "010-1234-5678"}).status_code == 401
    assert client.post("/api/text/screen", json={"text": "안녕"}).status_code == 401


def test_mask_screen_language(client, login) -> None:  # type: ignore[no-untyped-def]
    login("agent1")
    r = client.post("/api/text/mask", json={"text": "제 번호는 010-1234-5678 입니다"})
    assert r.status_code == 200, r.text
    assert r.json()["masked"] == "제 번호는 010-****-5678 입니다"
    assert r.json()["spans"][0]["type"] == "phone"
    r = client.post("/api/text/screen", json={"text": "너 죽여버린다"})
    body = r.json()
    assert body["category"] == "threat" and body["severity"] == 3 and body["is_abusive"]
    r = client.post("/api/text/screen", json={"text": "죽고 싶어요"})
    assert r.json()["crisis"] is True and r.json()["is_abusive"] is False
    r = client.post("/api/text/language", json={"text": "Xin chào, tôi muốn hỏi"})
    assert r.json()["language"] == "vi"


def test_bad_input_gets_4xx_with_message(client, login) -> None:  # type: ignore[no-untyped-def]
    login("agent1")
    for path, payload in [
        ("/api/text/mask", {"text": ""}),
        ("/api/text/mask", {}),
        ("/api/text/screen", {"text": "가" * 30_000}),
        ("/api/text/language", {"text": 5}),
    ]:
        r = client.post(path, json=payload)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["detail"]
    r = client.post("/api/text/screen", json={"text": "   "})
    assert r.status_code == 400 and "blank" in r.json()["detail"]
    r = client.post("/api/text/mask", json={"text": "hi", "types": ["visa"]})
    assert r.status_code == 422 and "unknown PII types" in r.json()["detail"]


def _message(db) -> Message:  # type: ignore[no-untyped-def]
    c = Consultation(channel="chatbot", started_at=datetime(2024, 9, 2, 9, 0),
                     district_code="11545")
    db.add(c)
    db.commit()
    stored = append_message(db, c.id, "citizen", "제 번호는 010-1234-5678 입니다")
    return stored.message


def test_unmask_for_supervisor_is_audited(client, login, db) -> None:  # type: ignore[no-untyped-def]
    m = _message(db)
    assert "010-1234-5678" not in m.body  # stored masked (ADR 0005)
    login("supervisor")
    r = client.get(f"/api/text/messages/{m.id}/raw")
    assert r.status_code == 422  # no reason given
    r = client.get(f"/api/text/messages/{m.id}/raw", params={"reason": "민원 회신 전화"})
    assert r.status_code == 200, r.text
    assert r.json()["body"] == "제 번호는 010-1234-5678 입니다"
    db.expire_all()
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal")).all()
    assert [(a.actor, a.object_type, a.object_id, a.outcome, a.detail["reason"])
            for a in rows] == [("supervisor", "message", str(m.id), "ok", "민원 회신 전화")]


def test_unmask_refused_for_analysts_and_audited(client, login, db) -> None:  # type: ignore[no-untyped-def]
    m = _message(db)
    login("analyst")
    r = client.get(f"/api/text/messages/{m.id}/raw", params={"reason": "궁금해서요"})
    assert r.status_code == 403
    assert "010-1234-5678" not in r.text
    db.expire_all()
    denied = db.scalars(
        select(AuditLog).where(AuditLog.action == "pii.reveal", AuditLog.outcome == "denied")
    ).all()
    assert len(denied) == 1 and denied[0].actor == "analyst"


def test_unmask_missing_message_is_404(client, login) -> None:  # type: ignore[no-untyped-def]
    login("admin")
    r = client.get("/api/text/messages/999999/raw", params={"reason": "확인 필요"})
    assert r.status_code == 404 and "not found" in r.json()["detail"]
