"""QA pages (issue 17): a call's evaluation page (recording player for allowed roles, every
playback audited; masked speech-to-text with times), versioned form authoring with weights
that must sum to 100, and dispute resolution (agents dispute, a supervisor resolves)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.db.models import Agent, AuditLog, Consultation, User
from dasan.db.models_quality import QaEvaluation, QaForm
from dasan.db.models_smartvoice import CallTranscriptSegment
from dasan.db.models_voice import VoiceCall


def _agent(db: Session, username: str) -> Agent:
    a = db.scalar(select(Agent).join(User, User.id == Agent.user_id)
                  .where(User.username == username))
    assert a is not None
    return a


def _call(db: Session, tmp_path: Any) -> tuple[Consultation, VoiceCall, bytes]:
    c = Consultation(channel="phone", started_at=datetime.now(UTC), status="closed",
                     outcome="answered", answered_at=datetime.now(UTC),
                     agent_id=_agent(db, "agent1").id)
    db.add(c)
    db.flush()
    wav = tmp_path / "call-caller.wav"
    data = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28)
    wav.write_bytes(data)
    call = VoiceCall(sip_call_id=f"qa-{c.id}", consultation_id=c.id, dialed="120",
                     agent_id=c.agent_id, recording_caller=str(wav))
    db.add(call)
    db.flush()
    db.add(CallTranscriptSegment(call_id=call.id, consultation_id=c.id, leg="caller", seq=1,
                                 start_ms=65_400, end_ms=68_000,
                                 text="제 번호는 010-****-5678 입니다", engine="test"))
    db.add(CallTranscriptSegment(call_id=call.id, consultation_id=c.id, leg="agent", seq=1,
                                 start_ms=2_100, end_ms=4_000, text="다산콜센터입니다",
                                 engine="test"))
    db.commit()
    return c, call, data


@pytest.fixture
def recordings_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The voice settings (read once per process) point at this test's recording folder."""
    from dasan.voice.settings import get_voice_settings

    monkeypatch.setenv("DASAN_VOICE_RECORDING_DIR", str(tmp_path))
    get_voice_settings.cache_clear()
    yield tmp_path
    monkeypatch.undo()
    get_voice_settings.cache_clear()


def test_call_evaluation_page_has_the_player_and_the_timed_masked_transcript(
        client: Any, login: Any, db: Session, recordings_here: Path) -> None:
    tmp_path = recordings_here
    c, call, data = _call(db, tmp_path)
    login("supervisor")
    page = client.get(f"/qa/evaluate/{c.id}")
    assert page.status_code == 200
    html = page.text
    assert f'src="/api/voice/calls/{call.id}/recording/caller"' in html
    assert "/recording/agent" not in html  # no agent leg recorded
    assert "010-****-5678" in html and "010-1234" not in html
    # Lines in time order with their clock from the start of the call.
    assert html.index("00:02") < html.index("다산콜센터입니다") < html.index("01:05")
    # The player's source: served to the supervisor, and the playback is audited.
    r = client.get(f"/api/voice/calls/{call.id}/recording/caller")
    assert r.status_code == 200 and r.content == data
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "voice.recording.play", AuditLog.outcome == "ok")) == 1
    # The review API carries the same for integrations.
    review = client.get(f"/api/quality/consultations/{c.id}/review").json()
    assert review["call"]["legs"] == ["caller"]
    assert [ln["at"] for ln in review["call"]["lines"]] == ["00:02", "01:05"]
    # An agent may neither open the evaluation page nor play the recording (audited).
    login("agent1")
    assert client.get(f"/qa/evaluate/{c.id}").status_code in (303, 403)
    assert client.get(f"/api/voice/calls/{call.id}/recording/caller").status_code == 403
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.outcome == "denied",
        AuditLog.action.in_(("role.denied", "voice.recording.denied")))) >= 1
    assert db.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "voice.recording.play")) == 1  # the refused one played nothing


def test_form_authoring_versions_and_refuses_weights_not_summing_to_100(
        client: Any, login: Any, db: Session) -> None:
    login("supervisor")
    assert client.get("/qa/forms").status_code == 200  # seeds the standard form
    db.expire_all()
    before = db.scalar(select(func.count()).select_from(QaForm))
    rows = {"code": "phone_v2", "title_ko": "전화 상담 평가표", "title_en": "Phone QA",
            "key_0": "greeting", "label_ko_0": "첫인사", "label_en_0": "Greeting",
            "weight_0": "40", "key_1": "accuracy", "label_ko_1": "정확한 안내",
            "weight_1": "50", "key_2": "privacy", "label_ko_2": "개인정보 보호",
            "weight_2": "0", "auto_fail_2": "1", "key_3": "", "label_ko_3": "",
            "weight_3": ""}
    r = client.post("/qa/forms", data=rows, follow_redirects=False)
    assert r.status_code == 303 and "error=" in r.headers["location"]
    assert "100" in client.get(r.headers["location"]).text  # the refusal says why
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(QaForm)) == before  # nothing saved
    rows["weight_1"] = "60"
    r = client.post("/qa/forms", data=rows, follow_redirects=False)
    assert r.status_code == 303 and "notice=" in r.headers["location"]
    rows["title_ko"] = "전화 상담 평가표 (개정)"
    client.post("/qa/forms", data=rows, follow_redirects=False)
    db.expire_all()
    versions = list(db.execute(select(QaForm.version, QaForm.active, QaForm.items).where(
        QaForm.code == "phone_v2").order_by(QaForm.version)))
    assert [(v, a) for v, a, _ in versions] == [(1, False), (2, True)]
    items = versions[-1][2]
    assert [(i["key"], i["weight"], i["auto_fail"]) for i in items] == [
        ("greeting", 40.0, False), ("accuracy", 60.0, False), ("privacy", 0.0, True)]
    # The new form is offered on the evaluation page, and an auto-fail breach zeroes it.
    c = Consultation(channel="web", started_at=datetime.now(UTC), status="closed",
                     outcome="answered", agent_id=_agent(db, "agent1").id)
    db.add(c)
    db.commit()
    form_id = db.scalar(select(QaForm.id).where(QaForm.code == "phone_v2", QaForm.active))
    page = client.get(f"/qa/evaluate/{c.id}?form={form_id}").text
    assert "전화 상담 평가표 (개정)" in page
    r = client.post(f"/qa/evaluate/{c.id}", data={
        "form_id": str(form_id), "score_greeting": "1", "score_accuracy": "1",
        "score_privacy": "0"}, follow_redirects=False)
    assert r.status_code == 303 and "notice=" in r.headers["location"]
    db.expire_all()
    ev = db.scalar(select(QaEvaluation).where(QaEvaluation.consultation_id == c.id))
    assert ev is not None and ev.form_id == form_id and ev.total == 0 and ev.auto_failed


def test_agent_disputes_and_supervisor_resolves_on_the_pages(
        client: Any, login: Any, db: Session) -> None:
    c = Consultation(channel="web", started_at=datetime.now(UTC), status="closed",
                     outcome="answered", agent_id=_agent(db, "agent1").id)
    db.add(c)
    db.commit()
    login("supervisor")
    client.get("/qa/forms")
    r = client.post(f"/qa/evaluate/{c.id}", data={
        "score_greeting": "1", "score_listening": "1", "score_accuracy": "0.5",
        "score_courtesy": "1", "score_closing": "1", "score_privacy": "1"},
        follow_redirects=False)
    assert "notice=" in r.headers["location"]
    db.expire_all()
    ev = db.scalar(select(QaEvaluation).where(QaEvaluation.consultation_id == c.id))
    assert ev is not None and ev.total == 82.5
    login("agent1")
    r = client.post(f"/qa/mine/{ev.id}", data={"action": "dispute",
                                               "note": "표준상담DB대로 안내했습니다"},
                    follow_redirects=False)
    assert "notice=" in r.headers["location"]
    login("supervisor")
    page = client.get("/qa/disputes")
    assert "표준상담DB대로 안내했습니다" in page.text
    # A resolution without a note is refused and changes nothing.
    r = client.post(f"/qa/disputes/{ev.id}", data={"note": " "}, follow_redirects=False)
    assert "error=" in r.headers["location"]
    db.expire_all()
    assert db.get(QaEvaluation, ev.id).status == "disputed"  # type: ignore[union-attr]
    r = client.post(f"/qa/disputes/{ev.id}", data={
        "note": "녹취 확인, 정확 안내 인정", "rescore": "1", "score_greeting": "1",
        "score_listening": "1", "score_accuracy": "1", "score_courtesy": "1",
        "score_closing": "1", "score_privacy": "1"}, follow_redirects=False)
    assert "notice=" in r.headers["location"]
    db.expire_all()
    done = db.get(QaEvaluation, ev.id)
    assert done is not None and done.status == "resolved" and done.total == 100
    assert "처리할 이의 제기가 없습니다" in client.get("/qa/disputes").text
    login("agent1")
    assert "녹취 확인, 정확 안내 인정" in client.get("/qa/mine").text
    # Agents may not open the resolution page.
    assert client.get("/qa/disputes", follow_redirects=False).status_code in (303, 403)
