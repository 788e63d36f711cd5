"""Live screening of phone callers (issue 17), on live sipp calls with speech (espeak-ng speech
as RTP):
- a caller waiting in a queue where nobody answers: the gateway cuts the utterance, transcribes
  it and screens it, and the waiting call moves to the crisis queue ahead of the others, with
  the supervisor's alert stored and published;
- a caller bridged to an agent (`stt.live.live_turn`): each utterance is stored masked as a
  live transcript line, reaches the agent's desktop with the assistant's answers, and a crisis
  runs the playbook (alert, guidance) while the call stays with the agent.

The recogniser is a stand-in that hears the issue's sentence in any utterance (Whisper on a
loaded machine takes tens of seconds, and synthetic speech is not expected to be understood):
SIP, RTP, the segmenter, the transcription queue, the screening and the playbook are real."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from voice_helpers import publish_short_flow, settled, sipp_caller, speech_scenario

from dasan.chat import events as chat_events
from dasan.db.models import AuditLog, Consultation
from dasan.db.models_protection import CrisisAlert
from dasan.db.models_smartvoice import CallTranscriptSegment
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope
from dasan.protection.crisis_playbook import CRISIS_CHANNEL
from dasan.stt import live
from dasan.stt.port import Segment
from dasan.voice import cti

pytestmark = [pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
              pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is needed")]


class HearsACrisis:
    """Hears `said` in every utterance once `listening` (before that: nothing)."""

    name = "stand-in"

    def __init__(self, said: str = "한강 다리 위에 와 있어요", listening: bool = True) -> None:
        self.said = said
        self.listening = listening
        self.heard = 0

    def transcribe(self, pcm8k: bytes, language: str | None = None) -> list[Segment]:
        if not self.listening:
            return []
        self.heard += 1
        return [Segment(0, len(pcm8k) // 16, self.said, "ko")]


async def test_a_crisis_said_while_waiting_moves_the_call_to_the_crisis_queue(
        gateway_factory, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    stt = HearsACrisis()
    monkeypatch.setattr(live, "make_stt", lambda: stt)
    publish_short_flow(database_url)
    gw = await gateway_factory(live_stt=True, queue_timeout=60.0, media_timeout=60.0)
    published: list[tuple[str, dict[str, Any]]] = []
    real_publish = gw.pubsub.publish

    async def publish(channel: str, event: dict[str, Any]) -> None:
        published.append((channel, event))
        await real_publish(channel, event)

    gw.pubsub.publish = publish  # type: ignore[method-assign]
    scenario = speech_scenario("caller_queue_speaks.xml", "다리 위에 와 있어요", tmp_path)
    async with sipp_caller(scenario, gw.port):
        waiting = None
        for _ in range(600):
            waiting = next(iter(gw.calls.values()), None)
            if waiting is not None and waiting.queue == "crisis":
                break
            await asyncio.sleep(0.1)
        assert waiting is not None and waiting.stage == "queue", (waiting, gw.stats)
        assert waiting.queue == "crisis" and waiting.context.get("crisis") is True, (
            stt.heard, dict(gw.stats), waiting.ars_path, type(waiting.rtp.recorder))
        assert stt.heard >= 1 and gw.stats.get("queue_crises") == 1
        cid = waiting.consultation_id
        alerts = [e for ch, e in published if e.get("type") == "crisis_alert"]
        assert alerts and alerts[0]["alert"]["consultation_id"] == cid
        assert alerts[0]["alert"]["kind"] == "suicide" and alerts[0]["alert"]["imminent"]
    await gw.stop()
    await settled(gw)
    assert live._taps == 0  # the listener was let go with the call
    with session_scope(database_url) as s:
        c = s.get(Consultation, cid)
        assert c is not None and c.crisis and c.priority >= 20
        alert = s.scalars(select(CrisisAlert).where(CrisisAlert.consultation_id == cid)).one()
        assert alert.channel == "phone" and "한강" in alert.excerpt_masked
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.object_id == cid)))
        assert {"crisis.detected", "crisis.routed"} <= actions


async def next_of(events: asyncio.Queue[dict[str, Any]], kind: str,
                  timeout: float = 60.0) -> dict[str, Any]:
    while True:
        event = await asyncio.wait_for(events.get(), timeout)
        if event["type"] == kind:
            return event


@pytest.fixture
def lexical_assistant(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The assistant's KB answers without the sentence encoder (loading it takes longer than
    the call; the search itself is not what this test is about)."""
    from dasan.config import get_settings

    monkeypatch.setenv("DASAN_EMBEDDER", "none")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_what_a_bridged_caller_says_reaches_the_agent_masked_and_is_screened(
        call_center, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        lexical_assistant: None) -> None:
    # Heard from the moment the agent answered (the queue listener hears nothing before).
    stt = HearsACrisis("한강 다리 위에 와 있어요 제 번호는 010-9876-5432예요", listening=False)
    monkeypatch.setattr(live, "make_stt", lambda: stt)
    scenario = speech_scenario("caller_speaks_until_bye.xml", "다리 위에 와 있어요", tmp_path)
    cc = await call_center("agent_phone.xml", caller={"scenario": str(scenario), "timeout": 90},
                           live_stt=True, media_timeout=60.0, wrap_up_seconds=0.2)
    gw, (agent_id,), (events,), (phone,), caller, cid = (
        cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
    crisis: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await gw.pubsub.subscribe(CRISIS_CHANNEL, crisis)
    stt.listening = True
    # One caller turn publishes the guidance, its transcript line(s) and the assistant's answers
    seen: dict[str, dict[str, Any]] = {}
    while not {"call.transcript", "assist", "crisis_guidance"} <= seen.keys():
        event = await asyncio.wait_for(events.get(), 60)
        if event["type"] != "call.transcript" or event["leg"] == "caller":  # the phone talks too
            seen.setdefault(event["type"], event)
    line = chat_events.validate(seen["call.transcript"])
    assert line.consultation_id == cid and line.flags["crisis"] == "suicide"  # type: ignore[attr-defined]
    assert "한강" in line.text and "9876" not in line.text  # type: ignore[attr-defined]  # masked
    assert chat_events.validate(seen["assist"]).consultation_id == cid  # type: ignore[attr-defined]
    guidance = seen["crisis_guidance"]
    assert guidance["consultation_id"] == cid and guidance["kind"] == "suicide"
    alert = await next_of(crisis, "crisis_alert")
    assert alert["alert"]["consultation_id"] == cid and alert["alert"]["imminent"]
    call = next(iter(gw.calls.values()))
    assert call.stage == "talk" and call.agent is not None  # the call stays with the agent
    assert call.agent.phone.agent_id == agent_id and call.queue == "transport"
    await cti.send(gw.pubsub, cti.command("hangup", cid, agent_id))
    assert (await caller).returncode == 0
    assert (await phone).returncode == 0
    await settled(gw)
    with session_scope(database_url) as s:
        record = s.scalars(select(VoiceCall)).one()
        rows = list(s.scalars(select(CallTranscriptSegment).where(
            CallTranscriptSegment.call_id == record.id, CallTranscriptSegment.leg == "caller")))
        assert rows and all(r.source == "live" and "9876" not in r.text for r in rows)
        assert record.outcome == "answered" and record.agent_id == agent_id
        stored = s.scalars(select(CrisisAlert).where(CrisisAlert.consultation_id == cid)).one()
        assert stored.channel == "phone" and "9876" not in stored.excerpt_masked
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.object_id == cid)))
        assert "crisis.detected" in actions
