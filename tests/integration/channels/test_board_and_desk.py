"""The Q&A board and the written desk: question with attachments, tracking page, queue by SLA,
claim/reply/close with outcomes, the owning department answering, KB candidates."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.db.models import Agency, AuditLog, Consultation, KbEntry
from dasan.db.models_channels import BoardAttachment, WrittenThread


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _ask(client: Any, files: list[tuple[str, bytes, str]] | None = None,
         title: str = "공사 소음 문의", body: str = "집 앞 공사가 밤늦게까지 계속됩니다. "
         "연락처는 010-2222-3333 입니다.") -> Any:
    return client.post("/api/channels/board/questions", data={"title": title, "body": body},
                       files=[("files", f) for f in (files or [])])


def test_board_question_tracked_answered_and_published(client: Any, db: Session,
                                                       login: Any) -> None:
    client.cookies.clear()
    fake = _ask(client, [("photo.png", b"MZ\x90\x00 this is an exe", "image/png")])
    assert fake.status_code == 422 and fake.json()["code"] == "bad_attachment"
    lying = _ask(client, [("photo.png", b"%PDF-1.4 ...", "image/png")])
    assert lying.status_code == 422
    assert db.scalar(select(func.count(WrittenThread.id))) == 0
    r = _ask(client, [("photo.png", _png(), "image/png")])
    assert r.status_code == 201, r.text
    code, key = r.json()["tracking_code"], r.json()["key"]
    assert client.get(f"/api/channels/board/questions/{code}?key=wrong").status_code == 404
    view = client.get(f"/api/channels/board/questions/{code}?key={key}").json()
    assert view["status"] == "received" and view["sla_due_at"]
    assert "2222-3333" not in view["messages"][0]["body"]  # masked on the tracking page
    assert view["messages"][0]["attachments"] == ["photo.png"]
    assert db.scalar(select(func.count(BoardAttachment.id))) == 1

    login("agent1")
    queue = client.get("/api/channels/threads").json()
    assert [q["channel"] for q in queue] == ["web"]
    tid = queue[0]["id"]
    assert client.post(f"/api/channels/threads/{tid}/claim").status_code == 200
    login("agent2")
    denied = client.post(f"/api/channels/threads/{tid}/reply", json={"text": "제가 답할게요"})
    assert denied.status_code == 403 and denied.json()["code"] == "thread_not_yours"
    login("agent1")
    r = client.post(f"/api/channels/threads/{tid}/reply",
                    json={"text": "해당 구청 건설과에 야간 공사 중지를 요청했습니다."})
    assert r.status_code == 201 and r.json()["delivery_status"] == "delivered"
    client.cookies.clear()
    view = client.get(f"/api/channels/board/questions/{code}?key={key}").json()
    assert view["status"] == "answered"
    assert view["messages"][-1]["from"] == "city" and "야간 공사" in view["messages"][-1]["body"]

    login("agent1")
    r = client.post(f"/api/channels/threads/{tid}/close")
    assert r.json()["outcome"] == "answered"
    consultation = db.scalar(select(Consultation).where(Consultation.channel == "web"))
    assert consultation is not None and consultation.outcome == "answered"
    assert consultation.answered_at is not None
    r = client.post(f"/api/channels/threads/{tid}/kb-candidate")
    assert r.status_code == 201
    entry = db.get(KbEntry, r.json()["kb_entry_id"])
    assert entry is not None and entry.status == "draft" and entry.source == "qna_board"
    assert "2222-3333" not in entry.question_variants[0]
    assert db.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "kb.candidate_from_board")) == 1
    assert client.post(f"/api/channels/threads/{tid}/reply",
                       json={"text": "추가"}).json()["code"] == "thread_closed"


def test_department_answers_handed_thread_and_queue_by_sla(client: Any, db: Session,
                                                           login: Any) -> None:
    client.cookies.clear()
    first = _ask(client, title="버스 노선 문의", body="472번 버스 노선이 바뀌었나요?").json()
    assert first["tracking_code"]
    login("supervisor")
    [item] = client.get("/api/channels/threads").json()
    transport = db.scalar(select(Agency.id).where(Agency.code == "city-transport"))
    login("kbeditor-gc")
    assert client.get("/api/channels/threads").json() == []  # not handed to this district
    assert client.post(f"/api/channels/threads/{item['id']}/reply",
                       json={"text": "답"}).status_code == 403
    login("supervisor")
    r = client.post(f"/api/channels/threads/{item['id']}/department",
                    json={"agency_id": transport})
    assert r.status_code == 200
    login("kbeditor")  # the transport department's editor
    assert [q["id"] for q in client.get("/api/channels/threads").json()] == [item["id"]]
    r = client.post(f"/api/channels/threads/{item['id']}/reply",
                    json={"text": "472번 노선은 3월부터 변경되었습니다."})
    assert r.status_code == 201
    assert client.post(f"/api/channels/threads/{item['id']}/close").json()["outcome"] \
        == "answered"
    login("citizen")
    assert client.get("/api/channels/threads").status_code == 403


def test_written_desk_has_the_assistant_panel(client: Any, db: Session, login: Any,
                                               kb: dict[str, int]) -> None:
    from dasan.channels.intake import take_inbound

    taken = take_inbound(db, channel="sms", provider="http_sms", contact_key="assist-1",
                         external_id="assist-1", text="기후동행카드 어디서 사요?",
                         reply_address="01012340000", use_bot=False)
    db.commit()
    login("agent1")
    recs = client.get(f"/api/channels/threads/{taken.thread_id}/assist").json()
    assert recs and recs[0]["title"] == "기후동행카드 구매 방법" and recs[0]["answer"]
    assert client.get("/api/channels/threads/999999/assist").status_code == 404
    page = client.get("/agent").text  # the desktop's own assistant panel and canned answers
    assert 'id="recs"' in page and 'id="canned"' in page and 'id="written-desk"' in page
    login("citizen")
    assert client.get(f"/api/channels/threads/{taken.thread_id}/assist").status_code == 403


def test_the_assistant_panel_searches_a_foreign_thread_with_its_korean_terms(
        client: Any, db: Session, login: Any, kb: dict[str, int]) -> None:
    from dasan.channels.intake import take_inbound
    from dasan.channels.translation.lexicon import korean_text

    text = "我想办理护照，需要准备什么材料？"  # passport: what do I need to bring
    taken = take_inbound(db, channel="sms", provider="http_sms", contact_key="assist-zh",
                         external_id="assist-zh", text=text, reply_address="01012340001",
                         use_bot=False)
    db.commit()
    assert taken.language == "zh" and "여권" in korean_text(text, "zh")
    login("agent1")
    recs = client.get(f"/api/channels/threads/{taken.thread_id}/assist").json()
    assert recs and recs[0]["title"] == "여권 발급 준비물"


def test_desk_view_lists_own_and_waiting_threads_within_channel_limits(
        client: Any, db: Session, login: Any, monkeypatch: Any) -> None:
    from dasan.channels.intake import take_inbound
    from dasan.config import get_settings

    monkeypatch.setitem(get_settings().written_max_claimed, "sms", 1)
    ids = [take_inbound(db, channel="sms", provider="http_sms", contact_key=f"desk-{i}",
                        external_id=f"desk-{i}", text=f"문의 {i}번 드립니다",
                        reply_address="01012340000", use_bot=False).thread_id
           for i in range(3)]
    db.commit()
    login("agent1")
    view = client.get("/api/channels/desk").json()
    assert [t["id"] for t in view["threads"]] == ids  # by SLA (oldest deadline first)
    assert view["load"]["sms"] == {"held": 0, "limit": 1}
    assert all(t["sla_seconds_left"] > 0 and not t["mine"] for t in view["threads"])
    assert client.post(f"/api/channels/threads/{ids[2]}/claim").status_code == 200
    over = client.post(f"/api/channels/threads/{ids[0]}/claim")
    assert over.status_code == 409 and over.json()["code"] == "concurrency_limit"
    view = client.get("/api/channels/desk").json()
    assert view["threads"][0]["id"] == ids[2] and view["threads"][0]["mine"]
    assert view["load"]["sms"]["held"] == 1
    assert client.post(f"/api/channels/threads/{ids[2]}/reply",
                       json={"text": "확인해 드리겠습니다."}).status_code == 201
    view = client.get("/api/channels/desk").json()  # answered: still listed, no longer in work
    assert view["load"]["sms"]["held"] == 0
    assert [(t["id"], t["status"]) for t in view["threads"]][0] == (ids[2], "replied")
    login("agent2")  # another agent's thread is not offered to agent2
    assert ids[2] not in [t["id"] for t in client.get("/api/channels/desk").json()["threads"]]
    login("kbeditor")
    assert client.get("/api/channels/desk").status_code == 403
