"""Phone API: flows (read, validate, simulate, save, publish), desktop actions, recordings."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from dasan.db.base import utcnow
from dasan.db.models import Agent, AuditLog, Consultation, User
from dasan.db.models_voice import VoiceCall
from dasan.voice.flows.default import default_flow
from dasan.voice.media import audio
from dasan.voice.settings import get_voice_settings


@pytest.fixture(autouse=True)
def recording_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DASAN_VOICE_RECORDING_DIR", str(tmp_path / "recordings"))
    get_voice_settings.cache_clear()
    yield tmp_path / "recordings"
    get_voice_settings.cache_clear()


def test_flow_admin_round_trip(login) -> None:  # type: ignore[no-untyped-def]
    c = login("supervisor")
    live = c.get("/api/voice/flows").json()
    assert live["live"]["version"] == 0 and live["versions"] == []
    broken = copy.deepcopy(default_flow())
    broken["nodes"]["main_menu"]["on_fail"] = "nowhere"
    r = c.post("/api/voice/flows/validate", json={"definition": broken}).json()
    assert r["valid"] is False and any("nowhere" in p for p in r["problems"])
    sim = c.post("/api/voice/flows/simulate", json={"digits": ["9", "1"]}).json()
    assert sim["queue"] == "foreign" and sim["language"] == "en" and sim["ars_option"] == "9-1"
    assert c.post("/api/voice/flows", json={"definition": default_flow()}).status_code == 403
    admin = login("admin")
    bad = admin.post("/api/voice/flows", json={"definition": broken})
    assert bad.status_code == 422 and bad.json()["code"] == "flow_invalid"
    notice_on = copy.deepcopy(default_flow())
    notice_on["nodes"]["notice"]["enabled"] = True
    saved = admin.post("/api/voice/flows", json={"definition": notice_on, "note": "장애 안내"})
    assert saved.status_code == 201 and saved.json()["version"] == 1
    assert admin.post("/api/voice/flows/main/1/publish").json()["status"] == "published"
    assert admin.post("/api/voice/flows/main/1/publish").status_code == 409
    after = admin.get("/api/voice/flows").json()
    assert after["live"]["version"] == 1
    sim = admin.post("/api/voice/flows/simulate", json={"digits": ["1"]}).json()
    assert sim["prompts"][0] == "notice"


def _call(db, agent_username: str, recorded: bool = False) -> VoiceCall:  # type: ignore[no-untyped-def]
    user = db.scalar(select(User).where(User.username == agent_username))
    agent = db.scalar(select(Agent).where(Agent.user_id == user.id))
    c = Consultation(channel="phone", started_at=utcnow(), agent_id=agent.id)
    db.add(c)
    db.flush()
    call = VoiceCall(sip_call_id=f"api-{c.id}", consultation_id=c.id, dialed="120",
                     agent_id=agent.id, caller_masked="010-****-1234")
    if recorded:
        path = get_voice_settings().recording_dir / "test" / f"call-{c.id}-caller.wav"
        audio.write_wav_8k(path, audio.tone([440.0], 0.2))
        call.recording_caller = str(path)
    db.add(call)
    db.commit()
    return call


def test_desktop_actions_are_checked(login, db) -> None:  # type: ignore[no-untyped-def]
    call = _call(db, "agent1")
    other = login("agent2")
    r = other.post(f"/api/voice/calls/{call.consultation_id}/hold", json={})
    assert r.status_code == 403
    assert db.scalar(select(AuditLog).where(AuditLog.action == "voice.call.denied"))
    mine = login("agent1")
    assert mine.post("/api/voice/calls/999999/hold", json={}).status_code == 404
    bad = mine.post(f"/api/voice/calls/{call.consultation_id}/teleport", json={})
    assert bad.status_code == 422
    no_target = mine.post(f"/api/voice/calls/{call.consultation_id}/transfer", json={})
    assert no_target.status_code == 422
    ok = mine.post(f"/api/voice/calls/{call.consultation_id}/transfer",
                   json={"target": "queue:general"})
    assert ok.status_code == 202 and ok.json()["action"] == "transfer"


def test_adding_an_interpreter_checks_the_target_and_changes_nothing_when_wrong(
        login, db) -> None:  # type: ignore[no-untyped-def]
    """Bad interpreter targets get a clear 4xx in the API's error shape; nothing is stored.
    A good one is accepted (202) for the gateway holding the call."""
    from dasan.db.models_smartvoice import CallConferenceLeg

    call = _call(db, "agent1")
    url = f"/api/voice/calls/{call.consultation_id}/interpreter"
    mine = login("agent1")
    for target, status, code in [(None, 422, "interpreter_target"),
                                 ("external:12", 422, "interpreter_target"),
                                 ("queue:foreign", 422, "interpreter_target"),
                                 ("external:02-123", 422, "interpreter_target"),
                                 (f"agent:{call.agent_id}", 422, "interpreter_target"),
                                 ("agent:999999", 404, "not_found")]:
        r = mine.post(url, json={"target": target})
        assert (r.status_code, r.json()["code"]) == (status, code), (target, r.json())
        assert r.json()["detail"]
    other = login("agent2")
    assert other.post(url, json={"target": "external:0215551234"}).status_code == 403
    assert db.scalars(select(CallConferenceLeg)).all() == []
    mine = login("agent1")
    ok = mine.post(url, json={"target": "external:0215551234"})
    assert ok.status_code == 202 and ok.json()["action"] == "interpreter"
    assert mine.post(f"/api/voice/calls/{call.consultation_id}/drop_interpreter",
                     json={}).status_code == 202


def test_recording_playback_is_for_supervisors_and_audited(login, db) -> None:  # type: ignore[no-untyped-def]
    call = _call(db, "agent1", recorded=True)
    agent = login("agent1")
    assert agent.get(f"/api/voice/calls/{call.id}/recording/caller").status_code == 403
    sup = login("supervisor")
    r = sup.get(f"/api/voice/calls/{call.id}/recording/caller")
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    assert r.content[:4] == b"RIFF"
    assert sup.get(f"/api/voice/calls/{call.id}/recording/agent").status_code == 404
    played = db.scalars(select(AuditLog).where(AuditLog.action == "voice.recording.play")).all()
    assert len(played) == 1 and played[0].object_id == str(call.id)
    listed = sup.get("/api/voice/calls").json()
    assert listed[0]["caller"] == "010-****-1234" and listed[0]["recorded"] is True


def test_phone_desk_page_simulates_and_lists_calls(login, db) -> None:  # type: ignore[no-untyped-def]
    _call(db, "agent1")
    sup = login("supervisor")
    page = sup.get("/voice", params={"keys": "91"})
    assert page.status_code == 200
    assert "foreign" in page.text and "key:9 → foreign_menu → key:1" in page.text
    assert "010-****-1234" in page.text and "진행 중" in page.text
    malicious = sup.get("/voice", params={"keys": "1", "malicious": "true"})
    assert "q_malicious" in malicious.text
    assert login("agent1").get("/voice").status_code == 403


def test_phone_desk_lists_calls_on_the_city_clock_with_queue_names(login, db) -> None:  # type: ignore[no-untyped-def]
    """The recent calls' arrival is Seoul's wall clock and their queue its name, as on every
    staff screen: the table showed the stored UTC and the queue's code ("general")."""
    from datetime import UTC, datetime

    from dasan.db.models import Queue

    call = _call(db, "agent1")
    call.arrived_at = datetime(2026, 3, 1, 15, 30, 5, tzinfo=UTC)  # 2026-03-02 00:30:05 KST
    call.queue_code = "general"
    db.commit()
    name = db.scalar(select(Queue.name).where(Queue.code == "general"))
    page = login("supervisor").get("/voice").text
    assert "<td>03-02 00:30:05</td>" in page and "<td>03-01 15:30:05</td>" not in page
    assert f"<td>{name}</td>" in page and "<td>general</td>" not in page


def _wav(rate: int, seconds: float, level: float = 0.3, width: int = 2) -> bytes:
    import io
    import wave

    import numpy as np

    t = np.arange(int(rate * seconds)) / rate
    pcm = (np.sin(2 * np.pi * 440 * t) * level * 32767).astype("<i2").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(pcm if width == 2 else bytes(len(pcm) // 2))
    return buf.getvalue()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_prompt_upload_converts_checks_and_audits(login, db, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASAN_VOICE_PROMPT_DIR", str(tmp_path / "prompts"))
    get_voice_settings.cache_clear()
    custom = tmp_path / "prompts" / "custom"
    admin = login("admin")
    ok = admin.post("/api/voice/prompts/main_menu", files={"file": ("menu.wav", _wav(44100, 1.0),
                                                                    "audio/wav")})
    assert ok.status_code == 201, ok.text
    body = ok.json()
    assert body["source_rate"] == 44100 and body["seconds"] == 1.0
    assert body["g711_snr_db"]["alaw"] > 30  # telephone quality after the G.711 round trip
    with wave_open(custom / "main_menu.wav") as w:  # stored as the gateway plays it
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
    assert db.scalar(select(AuditLog).where(AuditLog.action == "voice.prompt.upload"))
    listed = {p["key"]: p["recorded"] for p in admin.get("/api/voice/prompts").json()}
    assert listed["main_menu"] == ["*"] and listed["queue_enter"] == []

    bad = {
        "not_wav": (b"ID3\x03" + b"\x00" * 2000, 422),
        "silent": (_wav(8000, 1.0, level=0.0), 422),
        "too_short": (_wav(8000, 0.1), 422),
        "8bit": (_wav(8000, 1.0, width=1), 422),
    }
    for name, (data, status) in bad.items():
        r = admin.post("/api/voice/prompts/queue_enter", params={"language": "ko"},
                       files={"file": (f"{name}.wav", data, "audio/wav")})
        assert r.status_code == status and r.json()["code"] == "prompt_invalid", (name, r.text)
    unknown = admin.post("/api/voice/prompts/no_such_prompt",
                         files={"file": ("x.wav", _wav(8000, 1.0), "audio/wav")})
    assert unknown.status_code == 404
    sup = login("supervisor")
    denied = sup.post("/api/voice/prompts/queue_enter",
                      files={"file": ("x.wav", _wav(8000, 1.0), "audio/wav")})
    assert denied.status_code == 403
    assert sorted(p.name for p in custom.iterdir()) == ["main_menu.wav"]  # nothing else saved
    admin = login("admin")
    assert admin.delete("/api/voice/prompts/main_menu").status_code == 204
    assert not (custom / "main_menu.wav").exists()
    get_voice_settings.cache_clear()


def wave_open(path: Path):  # type: ignore[no-untyped-def]
    import wave

    return wave.open(str(path), "rb")


def test_a_crisis_call_is_never_cut_off_by_warnings(db) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: warn, warn, terminate on an ordinary call; a crisis call stays at the second
    warning however often the agent presses "warn" (as on chat)."""
    from dasan.voice import calls

    ordinary = _call(db, "agent1")
    steps = [calls.warn(db, ordinary.id) for _ in range(3)]
    assert [w.action for w in steps] == ["warn_1", "warn_2", "terminated"]
    # Only the terminated call offers the agent a recovery break, as after a chat.
    assert [w.care_id is not None for w in steps] == [False, False, True]
    crisis = _call(db, "agent1")
    c = db.get(Consultation, crisis.consultation_id)
    c.crisis = True
    db.commit()
    assert [calls.warn(db, crisis.id).action for _ in range(4)] == ["warn_1", "warn_2",
                                                                    "warn_2", "warn_2"]
