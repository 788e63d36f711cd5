"""The reveal limit (issue 12): one account reveals at most `pii_reveals_per_window` times per
window - chat messages and call transcripts counted together, per account - and past it gets
429 in the API's error shape with nothing revealed and a refused row in the audit log; the
reveal log shows supervisors and admins every reveal, refusal and refusal for too many, with
the counts per account, and nobody else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_reveal_control import RAW, sealed_chat

from dasan import ratelimit
from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.models import Agent, AuditLog, Consultation, Message, User
from dasan.db.models_smartvoice import CallTranscriptSegment
from dasan.db.models_voice import VoiceCall
from dasan.stt.port import Segment
from dasan.stt.transcripts import store_segments
from dasan.web.error_text import ERROR_TEXT

SPOKEN = "제 번호는 공일공 이삼사오 육칠팔구 입니다"
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DASAN_PII_REVEALS_PER_WINDOW", str(LIMIT))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _call(db: Session) -> int:
    user = db.scalar(select(User).where(User.username == "agent1"))
    agent = db.scalar(select(Agent).where(Agent.user_id == user.id))  # type: ignore[union-attr]
    assert agent is not None
    c = Consultation(channel="phone", started_at=utcnow(), agent_id=agent.id)
    db.add(c)
    db.flush()
    call = VoiceCall(sip_call_id=f"limit-{c.id}", consultation_id=c.id, dialed="120",
                     agent_id=agent.id, answered_at=utcnow())
    db.add(call)
    db.commit()
    store_segments(db, call, "caller", [Segment(0, 2500, SPOKEN, "ko")], source="post",
                   engine="test")
    db.commit()
    assert "이삼사오" not in (db.scalar(select(CallTranscriptSegment.text)) or "")
    return c.id


def _reveal(client: Any, cid: int, reason: str = "민원 재확인 요청에 따른 열람") -> Any:
    return client.post("/api/privacy/reveal", json={"consultation_id": cid, "reason": reason})


def test_past_the_limit_a_reveal_is_refused_with_429_and_audited(
        client: Any, login: Any, db: Session) -> None:
    cid, call_cid = sealed_chat(db), _call(db)
    sup = login("supervisor")
    for _ in range(LIMIT - 1):
        assert _reveal(sup, cid).json()["messages"][0]["body"] == RAW
    # a call transcript's reveal counts against the same account's limit
    raw = sup.post(f"/api/voice/transcripts/{call_cid}/reveal",
                   json={"reason": "민원 재확인 요청에 따른 열람"})
    assert raw.status_code == 200 and "이삼사오" in raw.text

    over = _reveal(sup, cid, "한 번 더 열어 봅니다")
    assert over.status_code == 429
    assert over.json()["code"] == "reveal_rate_limited" and "detail" in over.json()
    assert RAW not in over.text and "7741" not in over.text
    assert 1 <= int(over.headers["Retry-After"]) <= get_settings().pii_reveal_window_seconds
    assert over.headers["cache-control"] == "no-store"
    call_over = sup.post(f"/api/voice/transcripts/{call_cid}/reveal",
                         json={"reason": "통화 원문 다시 확인"})
    assert call_over.status_code == 429 and "이삼사오" not in call_over.text
    # the one-message reveal of the text API is the same door
    mid = db.scalar(select(Message.id).where(Message.consultation_id == cid))
    one = sup.get(f"/api/text/messages/{mid}/raw", params={"reason": "메시지 하나만 확인"})
    assert one.status_code == 429 and RAW not in one.text

    db.expire_all()
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal")
                      .order_by(AuditLog.id)).all()
    assert [r.outcome for r in rows] == ["ok"] * LIMIT + ["denied"] * 3
    refused = rows[LIMIT:]
    assert all(r.actor == "supervisor" and r.detail["refused"] == "rate_limited"
               for r in refused)
    assert [r.detail["reason"] for r in refused] == [
        "한 번 더 열어 봅니다", "통화 원문 다시 확인", "메시지 하나만 확인"]
    assert [(r.object_type, r.object_id) for r in refused] == [
        ("consultation", str(cid)), ("call_transcript", str(call_cid)), ("message", str(mid))]
    assert refused[0].detail["limit"] == LIMIT and "unmasked" not in refused[0].detail

    # the limit is per account: an admin still may, until the window ends for the supervisor
    assert _reveal(login("admin"), cid).status_code == 200
    ratelimit.reset()
    assert _reveal(login("supervisor"), cid).status_code == 200


def test_the_refusal_has_korean_and_english_text() -> None:
    ko, en = ERROR_TEXT["reveal_rate_limited"]
    assert "원문" in ko and "감사 기록" in ko and "Too many reveals" in en


def test_a_refused_reveal_by_right_does_not_count_against_the_limit(
        client: Any, login: Any, db: Session) -> None:
    cid = sealed_chat(db)
    agent = login("agent1")
    for _ in range(LIMIT + 1):
        assert _reveal(agent, cid).status_code == 403  # a closed chat: never the agent's
    db.expire_all()
    assert all(r.detail.get("refused") is None for r in db.scalars(
        select(AuditLog).where(AuditLog.action == "pii.reveal")))


def test_the_reveal_log_lists_reveals_and_refusals_for_supervisors_and_admins_only(
        client: Any, login: Any, db: Session) -> None:
    cid = sealed_chat(db)
    agent = login("agent1")
    assert _reveal(agent, cid).status_code == 403
    sup = login("supervisor")
    for _ in range(LIMIT + 1):
        _reveal(sup, cid)

    log = sup.get("/api/privacy/reveals").json()
    by_actor = {a["actor"]: a for a in log["accounts"]}
    assert by_actor["supervisor"] | {"last_at": None} == {
        "actor": "supervisor", "revealed": LIMIT, "refused": 0, "rate_limited": 1,
        "total": LIMIT + 1, "last_at": None}
    assert by_actor["agent1"]["refused"] == 1 and by_actor["agent1"]["revealed"] == 0
    assert [e["status"] for e in log["entries"]][:2] == ["rate_limited", "revealed"]
    assert log["entries"][-1]["actor"] == "agent1" and log["entries"][-1]["consultation_id"] == cid
    assert {e["reason"] for e in log["entries"]} == {"민원 재확인 요청에 따른 열람"}
    assert RAW not in str(log)
    only = sup.get("/api/privacy/reveals", params={"status": "rate_limited"}).json()
    assert [e["actor"] for e in only["entries"]] == ["supervisor"]

    page = sup.get("/privacy/reveals")
    assert page.status_code == 200 and "개인정보 원문 열람 기록" in page.text
    assert 'data-actor="supervisor"' in page.text and 'data-actor="agent1"' in page.text
    assert 'data-status="rate_limited"' in page.text and "거부 (열람 횟수 초과)" in page.text
    assert 'data-status="refused"' in page.text and RAW not in page.text
    assert "Reveals of personal data" in sup.get("/privacy/reveals?lang=en").text
    assert "/privacy/reveals" in sup.get("/supervisor").text
    assert login("admin").get("/api/privacy/reveals").status_code == 200

    for username in ("agent1", "analyst"):
        c = login(username)
        assert c.get("/api/privacy/reveals").status_code == 403
        assert c.get("/privacy/reveals").status_code == 403
    db.expire_all()
    assert db.scalar(select(AuditLog).where(AuditLog.action == "pii.reveal_log",
                                            AuditLog.actor == "analyst",
                                            AuditLog.outcome == "denied"))


def test_with_redis_every_worker_counts_against_one_limit(
        db: Session, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import redis

    from dasan.privacy import reveal

    monkeypatch.setenv("DASAN_PUBSUB_URL", redis_url)
    get_settings.cache_clear()
    sup = db.scalar(select(User).where(User.username == "supervisor"))
    assert sup is not None
    key = ratelimit.PREFIX + f"pii:reveal:user:{sup.id}"
    r = redis.Redis.from_url(redis_url)
    r.delete(key)
    try:
        cid = sealed_chat(db)
        for _ in range(LIMIT):
            reveal.reveal(db, sup, cid, "민원 재확인 요청에 따른 열람")
        ratelimit.reset()  # this process forgets; another worker never knew
        with pytest.raises(reveal.RevealRateLimited) as refused:
            reveal.reveal(db, sup, cid, "민원 재확인 요청에 따른 열람")
        assert refused.value.status == 429 and refused.value.retry_after >= 1
        assert int(r.get(key) or 0) == LIMIT + 1 and r.pttl(key) > 0
    finally:
        r.delete(key)
