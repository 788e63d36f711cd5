"""A caller waiting in the phone queue is screened for a crisis (issue 17): a live sipp call
goes to a queue where nobody answers and speaks (espeak-ng speech as RTP); the gateway cuts the
utterance, transcribes it and screens it, and the waiting call moves to the crisis queue ahead
of the others, with the supervisor's alert stored and published.

The recogniser is a stand-in that hears the issue's sentence in any utterance (Whisper on a
loaded machine takes tens of seconds, and synthetic speech is not expected to be understood):
SIP, RTP, the segmenter, the transcription queue, the screening and the playbook are real."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from rtp_pcap import espeak_pcm, scenario_with_audio, write_pcap
from sqlalchemy import select
from voice_helpers import CALLER, SCENARIOS, SIPP, free_udp_port, publish_short_flow, settled

from dasan.db.models import AuditLog, Consultation
from dasan.db.models_protection import CrisisAlert
from dasan.db.session import session_scope
from dasan.stt import live
from dasan.stt.port import Segment

pytestmark = [pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
              pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is needed")]


class HearsACrisis:
    name = "stand-in"

    def __init__(self) -> None:
        self.heard = 0

    def transcribe(self, pcm8k: bytes, language: str | None = None) -> list[Segment]:
        self.heard += 1
        return [Segment(0, len(pcm8k) // 16, "한강 다리 위에 와 있어요", "ko")]


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
    # A phone sends RTP all the time: the silence after the words ends the utterance.
    speech = espeak_pcm("다리 위에 와 있어요", tmp_path) + b"\x00\x00" * 8000
    pcap = write_pcap(speech, tmp_path / "q.pcap")
    scenario = scenario_with_audio(SCENARIOS / "caller_queue_speaks.xml", pcap,
                                   tmp_path / "caller_queue_speaks.xml")
    assert SIPP is not None
    proc = await asyncio.create_subprocess_exec(
        SIPP, "-sf", str(scenario), "-m", "1", "-nostdin", "-nr", "-i", "127.0.0.1",
        "-mi", "127.0.0.1", "-mp", str(free_udp_port() & ~1), "-key", "caller", CALLER,
        "-s", "120", "-p", str(free_udp_port()), f"127.0.0.1:{gw.port}",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
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
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
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
