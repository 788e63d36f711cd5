"""Call transcripts without a model in the loop: segments are masked before they are stored
(raw sealed, revealed only with a reason and an audit row), readable by the agent who took the
call and the floor, searchable by the floor, and a live caller turn feeds the agent's desktop
(transcript line + assistant answers, both typed events) and the crisis playbook."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat import events
from dasan.db.base import utcnow
from dasan.db.models import Agent, AuditLog, Consultation, User
from dasan.db.models_smartvoice import CallTranscriptSegment
from dasan.db.models_voice import VoiceCall
from dasan.stt.live import live_turn
from dasan.stt.port import Segment
from dasan.stt.transcripts import store_segments, summarise

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
SPOKEN_NUMBER = "제 번호는 공일공 이삼사오 육칠팔구 입니다 수도 요금이 많이 나왔어요"  # read aloud


def answered_call(db: Session, username: str = "agent1") -> VoiceCall:
    user = db.scalar(select(User).where(User.username == username))
    agent = db.scalar(select(Agent).where(Agent.user_id == user.id))  # type: ignore[union-attr]
    assert agent is not None
    c = Consultation(channel="phone", started_at=utcnow(), agent_id=agent.id)
    db.add(c)
    db.flush()
    call = VoiceCall(sip_call_id=f"stt-{c.id}", consultation_id=c.id, dialed="120",
                     agent_id=agent.id, answered_at=utcnow())
    db.add(call)
    db.commit()
    return call


def test_masked_storage_access_search_and_reveal(db: Session, login) -> None:  # type: ignore[no-untyped-def]
    call = answered_call(db)
    store_segments(db, call, "caller", [Segment(0, 2500, SPOKEN_NUMBER, "ko")],
                   source="post", engine="test")
    store_segments(db, call, "agent", [Segment(2600, 4000, "네 확인해 드리겠습니다", "ko")],
                   source="post", engine="test")
    assert summarise(db, call)
    db.commit()
    row = db.scalar(select(CallTranscriptSegment).where(CallTranscriptSegment.leg == "caller"))
    assert row is not None and "이삼사오" not in row.text and "****" in row.text
    assert "수도 요금" in row.text
    cid = call.consultation_id
    agent1 = login("agent1")
    mine = agent1.get(f"/api/voice/transcripts/{cid}")
    assert mine.status_code == 200
    lines = mine.json()["lines"]
    assert [line["leg"] for line in lines] == ["caller", "agent"]
    assert lines[0]["start_ms"] == 0 and lines[1]["start_ms"] == 2600
    assert "이삼사오" not in mine.text and "2345" not in mine.text
    assert mine.json()["summary"] and "2345" not in mine.json()["summary"]
    assert agent1.get("/api/voice/transcripts/search", params={"q": "수도"}).status_code == 403
    assert login("agent2").get(f"/api/voice/transcripts/{cid}").status_code == 403
    analyst = login("analyst")
    hits = analyst.get("/api/voice/transcripts/search", params={"q": "수도 요금"}).json()
    assert [h["consultation_id"] for h in hits["hits"]] == [cid]
    sup = login("supervisor")
    assert sup.post(f"/api/voice/transcripts/{cid}/reveal", json={"reason": ""}
                    ).status_code == 422
    raw = sup.post(f"/api/voice/transcripts/{cid}/reveal",
                   json={"reason": "민원 재확인 요청에 따른 열람"})
    assert raw.status_code == 200 and "이삼사오" in raw.json()["lines"][0]["text"]
    db.expire_all()
    assert db.scalar(select(AuditLog).where(AuditLog.action == "pii.reveal",
                                            AuditLog.object_type == "call_transcript"))


def test_a_live_caller_turn_feeds_the_desktop_and_the_crisis_playbook(db: Session) -> None:
    call = answered_call(db)
    out = live_turn(db, call.id, "caller", [Segment(0, 1800, "죽고 싶어요 더 이상 못 살겠어요")],
                    5000, "test")
    kinds = [e["type"] for _ch, e in out]
    assert "call.transcript" in kinds and "assist" in kinds and "crisis_alert" in kinds
    for _ch, event in out:
        events.validate(event)  # every event fits its typed class
    line = next(e for _ch, e in out if e["type"] == "call.transcript")
    assert line["start_ms"] == 5000 and line["flags"]["crisis"] == "suicide"
    assert next(ch for ch, e in out if e["type"] == "assist") == f"agent:{call.agent_id}"
    db.expire_all()
    c = db.get(Consultation, call.consultation_id)
    assert c is not None and c.crisis is True
    agent_turn = live_turn(db, call.id, "agent", [Segment(0, 900, "괜찮으세요")], 7000, "test")
    assert [e["type"] for _ch, e in agent_turn] == ["call.transcript"]  # no assist for agents


class HearsLoudAudio:
    """A deterministic STT adapter for the scheduler path: one segment per loud recording."""

    name = "scripted"

    def transcribe(self, pcm8k: bytes, language: str | None = None) -> list[Segment]:
        import numpy as np

        samples = np.frombuffer(pcm8k, dtype="<i2")
        if samples.size == 0 or int(np.abs(samples).max()) < 1000:
            return []
        return [Segment(0, samples.size // 8, "수도 요금 문의 공일공 일이삼사 오육칠팔", "ko")]


def test_the_scheduler_transcribes_ended_calls_once(db: Session, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dasan import scheduler
    from dasan.stt.transcripts import pending_calls, transcribe_pending
    from dasan.voice.media import audio

    loud, quiet = tmp_path / "loud.wav", tmp_path / "quiet.wav"
    audio.write_wav_8k(loud, audio.tone([440.0], 0.5))
    audio.write_wav_8k(quiet, audio.silence(0.5))
    ids = []
    for wav in (loud, quiet, tmp_path / "missing.wav"):
        call = answered_call(db)
        call.recording_caller, call.ended_at = str(wav), utcnow()
        ids.append(call.id)
    open_call = answered_call(db)
    open_call.recording_caller = str(loud)  # still running: not transcribed
    db.commit()
    assert pending_calls(db) == ids
    assert transcribe_pending(db, HearsLoudAudio()) == 3
    assert pending_calls(db) == []  # the silent and the missing recording are marked too
    rows = list(db.scalars(select(CallTranscriptSegment).where(
        CallTranscriptSegment.source == "post")))
    assert [r.call_id for r in rows] == [ids[0]] and "1234" not in rows[0].text
    assert transcribe_pending(db, HearsLoudAudio()) == 0
    assert any(j.name == "stt-post-call" for j in scheduler.Scheduler().jobs)
    monkeypatch.setenv("DASAN_STT_ADAPTER", "none")
    from dasan.stt.port import get_stt_settings

    get_stt_settings.cache_clear()
    try:
        assert scheduler.transcribe_ended_calls() == 0  # no STT on this site: nothing runs
    finally:
        get_stt_settings.cache_clear()
