"""The AI callbot on live sipp calls (ARS option 8 in this test flow): a silent caller is asked
again and handed off with nothing lost; a caller who asks aloud (espeak-ng speech as RTP) is
transcribed, and handed off with the transcript and the bot's guesses (synthetic speech is not
expected to be understood: the pipeline is what is asserted)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from voice_helpers import SHORT_PROMPTS, run_sipp, settled, sipp_caller, speech_scenario

from dasan.db.models_smartvoice import CallTranscriptSegment
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope
from dasan.stt import whisper
from dasan.voice.flows import store
from dasan.voice.flows.default import default_flow

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(autouse=True)
def stt_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    from dasan.config import get_settings
    from dasan.stt.port import get_stt_settings

    monkeypatch.setenv("DASAN_EMBEDDER", "none")
    monkeypatch.setenv("DASAN_STT_CACHE_DIR", str(tmp_path.parent / "stt-models"))
    get_settings.cache_clear()
    get_stt_settings.cache_clear()
    yield
    get_settings.cache_clear()
    get_stt_settings.cache_clear()


def publish_bot_flow(url: str) -> None:
    doc = default_flow()
    doc["prompts"] = dict(SHORT_PROMPTS) | {"bot_intro": "말씀하세요"}
    doc["nodes"]["bot"] = {"type": "bot", "prompt": "bot_intro", "handoff": "q_general",
                           "max_turns": 2, "listen_seconds": 1.0}
    doc["nodes"]["main_menu"]["options"]["8"] = "bot"
    with session_scope(url) as s:
        row = store.save_draft(s, doc, None, "callbot")
        store.publish(s, row.name, row.version, None)


def the_call(url: str) -> VoiceCall:
    call = maybe_call(url)
    assert call is not None
    return call


def maybe_call(url: str) -> VoiceCall | None:
    with session_scope(url) as s:
        call = s.scalar(select(VoiceCall))
        if call is not None:
            s.expunge(call)
        return call


async def test_a_silent_caller_is_asked_again_then_handed_off(gateway_factory,
                                                              database_url: str) -> None:
    publish_bot_flow(database_url)
    gw = await gateway_factory(digit_timeout=3.0, media_timeout=30.0)  # sipp sends no RTP
    result = await run_sipp("caller_bot_silent.xml", gw.port)
    assert result.returncode == 0, result.output
    await settled(gw)
    call = the_call(database_url)
    assert "key:8" in call.ars_path and call.ars_path[-2:] == ["bot", "bot:handoff"]
    assert call.queue_code == "general" and call.queued_at is not None


@pytest.mark.stt_model
@pytest.mark.skipif(not whisper.shipped_model_available() or not shutil.which("espeak-ng"),
                    reason="the Whisper base parts or espeak-ng are not installed")
async def test_a_spoken_question_is_transcribed_and_handed_off_with_context(
        gateway_factory, database_url: str, tmp_path: Path) -> None:
    publish_bot_flow(database_url)
    from dasan.stt.port import make_stt

    await asyncio.to_thread(make_stt().model)  # type: ignore[attr-defined]  # warm, as a site is
    gw = await gateway_factory(digit_timeout=2.0, media_timeout=60.0)
    scenario = speech_scenario("caller_bot_speaks.xml", "수도 요금은 어디서 내나요", tmp_path)
    async with sipp_caller(scenario, gw.port):
        for _ in range(1200):  # until the ARS is over (STT on a loaded machine takes a while)
            call = maybe_call(database_url) if gw.calls else None
            if call is not None and call.ars_exit_at is not None:
                break
            await asyncio.sleep(0.1)
        assert call is not None and call.ars_exit_at is not None
        live = next(iter(gw.calls.values()))
        assert live.context["bot"]["heard"], live.context  # on the agent's screen pop
        assert "bot" in call.ars_path and call.queue_code is not None
        assert call.ars_path[-1] in ("bot:handoff", "bot:resolved")
    await gw.stop()
    await settled(gw)
    with session_scope(database_url) as s:
        rows = list(s.scalars(select(CallTranscriptSegment)))
        assert rows and all(r.source == "bot" and r.leg == "caller" and r.text for r in rows)
        assert all(r.start_ms < r.end_ms for r in rows)
