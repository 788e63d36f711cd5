"""The agent desktop's tools and the floor lead's actions over the real API: canned answers
with variables, notes and whispers (never to the citizen), tags, take-over, broadcast,
monitor, search over closed chats and masked transcripts, the citizen flood limit, the
survey prompt at close."""

from __future__ import annotations

from typing import Any

import pytest
from chat_helpers import is_msg, recv, until
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import ratelimit
from dasan.chat import hub
from dasan.chat.events import for_citizen
from dasan.db.base import utcnow
from dasan.db.models import Agent, Alert, AuditLog, Consultation, Message, Queue, User


def live_chat(db: Session, employee_no: str, text: str = "따릉이 대여 요금 문의합니다") -> int:
    """A chat the bot handed to the queue, assigned to the agent (answered or not)."""
    cid = int(hub.open_chat(db).result["consultation_id"])
    hub.store_citizen_message(db, cid, text, None)
    c = db.get(Consultation, cid)
    agent = db.scalar(select(Agent).where(Agent.employee_no == employee_no))
    queue = db.scalar(select(Queue).where(Queue.code == "transport"))
    assert c is not None and agent is not None and queue is not None
    c.channel, c.queue_id, c.agent_id, c.queued_at = "web", queue.id, agent.id, c.started_at
    db.commit()
    return cid


def audits(db: Session, action: str, outcome: str = "ok") -> list[AuditLog]:
    db.expire_all()
    return list(db.scalars(select(AuditLog).where(AuditLog.action == action,
                                                  AuditLog.outcome == outcome)))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_canned_answers_are_filled_in_and_personal(client: Any, login: Any, db: Session
                                                   ) -> None:
    cid = live_chat(db, "A0001")
    login("agent1")
    r = client.post("/api/chat/canned", json={
        "code": "요금", "label": "요금 안내",
        "text": "{citizen_name}님, {queue} {agent_name}입니다. {today} 기준 요금입니다."})
    assert r.status_code == 201, r.text
    mine = r.json()["id"]
    assert client.post("/api/chat/canned", json={"code": "x", "label": "x",
                                                 "text": "{phone} 알려주세요"}).status_code == 422
    items = client.get(f"/api/chat/canned?consultation_id={cid}&q=요금").json()
    assert [i["code"] for i in items] == ["요금"]
    assert items[0]["text"].startswith("고객님, 교통 이상담입니다. 20")
    assert "{" not in items[0]["text"] and items[0]["scope"] == "personal"
    shared = client.get(f"/api/chat/canned?consultation_id={cid}&q=greet").json()
    assert "이상담 상담사" in shared[0]["text"]
    login("agent2")
    assert all(i["code"] != "요금" for i in client.get("/api/chat/canned").json())
    assert client.delete(f"/api/chat/canned/{mine}").status_code == 403
    assert client.get(f"/api/chat/canned?consultation_id={cid}").status_code == 403
    assert len(audits(db, "chat.canned_edit", "denied")) == 1


def test_notes_whispers_tags_broadcast_and_take_over(client: Any, login: Any, db: Session,
                                                     kb: dict[str, int]) -> None:
    cid = live_chat(db, "A0001")
    login("agent1")
    with client.websocket_connect("/api/chat/ws/agent") as desk:
        assert recv(desk)["type"] == "hello"
        r = client.post(f"/api/chat/consultations/{cid}/notes",
                        json={"body": "민원 반복 @supervisor 확인 부탁 010-2222-3333"})
        assert r.status_code == 201 and r.json()["mentions"] == ["supervisor"]
        assert "2222" not in r.json()["body"]
        until(desk, lambda e: e["type"] == "note" and e["note"]["kind"] == "note")
        r = client.post(f"/api/chat/consultations/{cid}/tags", json={"tag": "#반복민원"})
        assert r.json()["tags"] == ["반복민원"]
        assert client.post(f"/api/chat/consultations/{cid}/tags",
                           json={"tag": "공백 있음"}).status_code == 422
        assert client.post(f"/api/chat/consultations/{cid}/whisper",
                           json={"body": "x"}).status_code == 403
        login("supervisor")
        with client.websocket_connect("/api/chat/ws/supervisor") as floor:
            assert recv(floor)["type"] == "overview"
            now = utcnow()  # the alerter stores a burst while the floor is open
            db.add(Alert(topic="따릉이", topic_kind="keyword", window_start=now, window_end=now,
                         count=40, baseline=3.0, score=9.5, examples=[]))
            db.commit()
            floor.send_json({"type": "monitor", "consultation_id": cid})
            seen: list[dict[str, Any]] = []
            until(floor, lambda e: e["type"] == "monitor", seen)
            until(floor, is_msg("citizen", "따릉이"), seen)  # the backlog
            r = client.post(f"/api/chat/consultations/{cid}/whisper",
                            json={"body": "환불 규정 먼저 안내하세요"})
            assert r.status_code == 201
            whisper = until(desk, lambda e: e["type"] == "note"
                            and e["note"]["kind"] == "whisper")
            assert whisper["note"]["author"] == "김감독"
            assert for_citizen(whisper) is None  # a citizen's socket never gets it
            until(floor, lambda e: e["type"] == "note" and e["note"]["kind"] == "whisper", seen)
            r = client.post("/api/chat/supervisor/broadcast", json={"body": "10분 후 회의"})
            assert r.status_code == 201
            assert until(desk, lambda e: e["type"] == "broadcast")["body"] == "10분 후 회의"
            r = client.post(f"/api/chat/consultations/{cid}/take-over")
            assert r.status_code == 200, r.text
            gone = until(desk, lambda e: e["type"] == "unassigned")
            assert gone["why"] == "taken_over"
            until(floor, is_msg("system", "이어받았습니다"), seen)
            pushed = [e for e in seen if e["type"] == "issue_alert"] or [
                until(floor, lambda e: e["type"] == "issue_alert")]  # pushed, no reload
            assert pushed[0]["alert"]["topic"] == "따릉이"
        assert client.post(f"/api/chat/consultations/{cid}/take-over").status_code == 409
    db.expire_all()
    c = db.get(Consultation, cid)
    lead = db.scalar(select(User).where(User.username == "supervisor"))
    assert c is not None and lead is not None
    taker = db.get(Agent, c.agent_id)
    assert taker is not None and taker.user_id == lead.id and taker.max_chats == 0
    kinds = [m.flags.get("kind") for m in db.scalars(
        select(Message).where(Message.consultation_id == cid))]
    assert "taken_over" in kinds
    bodies = " ".join(db.scalars(select(Message.body).where(Message.consultation_id == cid)))
    assert "환불 규정" not in bodies and "민원 반복" not in bodies  # notes stay off the chat
    assert len(audits(db, "chat.take_over")) == 1 and len(audits(db, "chat.whisper")) == 1
    assert len(audits(db, "role.denied", "denied")) == 1  # the agent tried to whisper


def test_closed_chat_search_is_scoped_and_transcripts_masked(client: Any, login: Any,
                                                            db: Session) -> None:
    mine = live_chat(db, "A0001", "따릉이 환불 문의 010-2222-3333 입니다")
    other = live_chat(db, "A0002", "따릉이 정기권 문의")
    for cid in (mine, other):
        hub.close_chat(db, None, cid, None, None, supervisor=True)
    login("agent1")
    hits = client.get("/api/chat/archive?q=따릉이").json()
    assert [h["id"] for h in hits] == [mine]
    assert "2222" not in (hits[0]["snippet"] or "") and "3333" in hits[0]["snippet"]
    assert [h["id"] for h in client.get(f"/api/chat/archive?q={mine}").json()] == [mine]
    r = client.get(f"/api/chat/consultations/{mine}/transcript")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert "따릉이 환불" in r.text and "2222" not in r.text
    assert client.get(f"/api/chat/consultations/{other}/transcript").status_code == 403
    login("supervisor")
    assert {h["id"] for h in client.get("/api/chat/archive?q=따릉이").json()} == {mine, other}
    assert client.get("/api/chat/archive?phone=12").status_code == 422
    assert len(audits(db, "chat.transcript_export")) == 1
    assert len(audits(db, "chat.transcript", "denied")) == 1
    # the citizen's copy needs the chat's own token
    assert client.get(f"/api/chat/sessions/{mine}/transcript").status_code == 401
    assert client.get(f"/api/chat/sessions/{mine}/transcript",
                      headers={"X-Chat-Token": "forged"}).status_code in (401, 403)


def test_a_flooding_citizen_is_refused_and_nothing_is_stored(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.config import get_settings

    monkeypatch.setenv("DASAN_CHAT_CITIZEN_MESSAGES_PER_MINUTE", "3")
    get_settings.cache_clear()
    ratelimit.reset()
    cid = int(hub.open_chat(db).result["consultation_id"])
    try:
        for i in range(3):
            hub.store_citizen_message(db, cid, f"문의 {i}", None)
        with pytest.raises(ratelimit.RateLimited) as refused:
            hub.store_citizen_message(db, cid, "문의 3", None)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert refused.value.status == 429 and refused.value.code == "chat_rate_limited"
    assert refused.value.retry_after >= 1
    citizen = db.scalars(select(Message.body).where(Message.consultation_id == cid,
                                                    Message.sender == "citizen")).all()
    assert citizen == ["문의 0", "문의 1", "문의 2"]


def test_the_survey_is_offered_at_close_only_after_an_agent_answered(db: Session) -> None:
    answered, silent = live_chat(db, "A0001"), live_chat(db, "A0002")
    agent = db.scalar(select(Agent).where(Agent.employee_no == "A0001"))
    assert agent is not None
    hub.agent_message(db, agent, answered, "안내해 드리겠습니다", None)
    for cid in (answered, silent):
        hub.close_chat(db, None, cid, None, None, supervisor=True)

    def surveys(cid: int) -> list[Message]:
        return [m for m in db.scalars(select(Message).where(Message.consultation_id == cid))
                if m.flags.get("kind") == "survey"]

    assert len(surveys(answered)) == 1 and surveys(silent) == []
    assert set(surveys(answered)[0].flags) == {"kind", "en"}  # the page draws the 1-5 form


def test_a_taken_over_chat_waits_for_the_leads_desk_then_goes_back(db: Session) -> None:
    from datetime import timedelta

    from dasan.chat import floor
    from dasan.presence import service as presence

    cid = live_chat(db, "A0001")
    lead = db.scalar(select(User).where(User.username == "supervisor"))
    assert lead is not None
    out = floor.take_over(db, lead, cid)
    assert out.result["consultation"]["agent_name"] == "김감독"
    start = utcnow()
    presence.sweep(db, start + timedelta(seconds=10))  # still opening the desk: kept
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.agent_id is not None
    taker = db.get(Agent, c.agent_id)
    assert taker is not None and taker.state == "busy"
    presence.sweep(db, start + timedelta(seconds=40))  # no desk came: back to the queue
    db.expire_all()
    c = db.get(Consultation, cid)
    assert c is not None and c.agent_id is None and c.status == "open"


def test_notes_autocomplete_offers_the_floor_leads_only(client: Any, login: Any) -> None:
    assert client.get("/api/chat/mentionable").status_code == 401
    login("agent1")
    names = {u["username"] for u in client.get("/api/chat/mentionable").json()}
    assert {"supervisor", "admin"} <= names and "agent2" not in names


def test_a_citizen_sending_a_thousand_messages_a_minute_gets_the_notice(
        client: Any, citizen_ws: Any, db: Session) -> None:
    """Bad input of issue 11 over the real socket: 1,000 messages in a burst. The first
    `DASAN_CHAT_CITIZEN_MESSAGES_PER_MINUTE` are stored and acknowledged; every other one
    gets an error frame `chat_rate_limited` (429) for its own `client_msg_id` — the page
    turns it into "메시지를 너무 빠르게 보내고 있습니다" — and is never stored nor delivered."""
    from chat_helpers import start

    from dasan.config import get_settings

    ratelimit.reset()
    limit = get_settings().chat_citizen_messages_per_minute
    cid, h = start(client)
    assert client.post(f"/api/chat/sessions/{cid}/handoff", headers=h).status_code == 200
    acks: set[str] = set()
    refused: set[str] = set()
    with citizen_ws(cid, h["X-Chat-Token"]) as ws:
        for i in range(1000):
            ws.send_json({"type": "message", "body": f"빨리 답해 {i}", "client_msg_id": f"m{i}"})
        while len(acks) + len(refused) < 1000:
            e = recv(ws)
            if e["type"] == "ack":
                acks.add(e["client_msg_id"])
            elif e["type"] == "error":
                assert (e["status"], e["code"]) == (429, "chat_rate_limited"), e
                refused.add(e["ref"])
    assert acks == {f"m{i}" for i in range(limit)}
    assert len(refused) == 1000 - limit and not acks & refused
    db.expire_all()
    stored = db.scalars(select(Message.body).where(Message.consultation_id == cid,
                                                   Message.sender == "citizen")).all()
    assert sorted(stored) == sorted(f"빨리 답해 {i}" for i in range(limit))
    from dasan.web.pages.chat import STRINGS
    assert STRINGS["rate_limited"][0].startswith("메시지를 너무 빠르게")
