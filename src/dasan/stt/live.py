"""Near-real-time transcription while a call is bridged, feeding the agent's desktop.

The gateway records each leg with `recorder()`: the WAV is written as before, and each
utterance the segmenter cuts is transcribed in a worker thread (one at a time per process, so
transcription never starves the calls), stored masked (`transcripts.store_segments`, source
`live`) and published: the line to the agent's desktop, and for the caller's turns the
assistant's KB answers (like a chat message) and the abuse/crisis screening.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from dasan.assist import recommend
from dasan.chat.hub import agent_channel
from dasan.db.models import Consultation
from dasan.db.models_voice import VoiceCall
from dasan.protection import crisis_playbook
from dasan.protection.screening import screen
from dasan.stt.port import Segment, SttPort, SttUnavailable, make_stt
from dasan.stt.segmenter import Segmenter
from dasan.stt.transcripts import store_segments
from dasan.voice.media import audio
from dasan.voice.media.audio import WavRecorder

if TYPE_CHECKING:
    from dasan.voice.gateway import Call, Gateway

log = logging.getLogger(__name__)
_ONE_AT_A_TIME: asyncio.Semaphore | None = None
# Utterances waiting for the one transcriber. Past this many, new ones are dropped (counted
# as `stt_dropped`): under a full load of calls the transcriber cannot keep up anyway, and an
# unbounded backlog held audio in memory and kept the machine busy long after the calls.
MAX_BACKLOG = 8
_backlog = 0


class LiveRecorder(WavRecorder):
    """A WAV recorder that also cuts utterances for live transcription."""

    def __init__(self, path: Path, segmenter: Segmenter) -> None:
        super().__init__(path)
        self.segmenter = segmenter

    def write(self, pcm: bytes) -> None:
        super().write(pcm)
        self.segmenter.feed(pcm)

    def write_g711(self, payload_type: int, payload: bytes) -> None:
        """RTP hands packets over still encoded (the WAV decodes in bulk); the segmenter needs
        the linear audio now."""
        super().write_g711(payload_type, payload)
        self.segmenter.feed(audio.decode(payload_type, payload))

    def close(self) -> None:
        if self._w is not None:
            self.segmenter.flush()
        super().close()


def recorder(path: Path, gw: Gateway, call: Call, leg: str) -> WavRecorder:
    """The leg's recorder: live-transcribing when `DASAN_VOICE_LIVE_STT` is on."""
    if not gw.settings.live_stt:
        return WavRecorder(path)
    try:
        stt = make_stt()
    except (SttUnavailable, ValueError):
        return WavRecorder(path)
    if stt.name == "none":
        return WavRecorder(path)

    def sink(pcm: bytes, start_ms: int, end_ms: int) -> None:
        global _backlog
        if _backlog >= MAX_BACKLOG:
            gw.stats["stt_dropped"] = gw.stats.get("stt_dropped", 0) + 1
            return
        _backlog += 1
        gw._spawn(_transcribe(gw, call, leg, stt, pcm, start_ms))

    return LiveRecorder(path, Segmenter(sink))


async def _transcribe(gw: Gateway, call: Call, leg: str, stt: SttPort, pcm: bytes,
                      start_ms: int) -> None:
    global _ONE_AT_A_TIME, _backlog
    if _ONE_AT_A_TIME is None:
        _ONE_AT_A_TIME = asyncio.Semaphore(1)
    try:
        try:
            async with _ONE_AT_A_TIME:
                segments = await asyncio.to_thread(stt.transcribe, pcm)
        finally:
            _backlog -= 1
        if not segments or call.record_id is None:
            return
        events = await gw._db(live_turn, call.record_id, leg, segments, start_ms, stt.name)
        for channel, event in events:
            await gw.pubsub.publish(channel, event)
    except SttUnavailable as exc:
        log.warning("live transcription unavailable: %s", exc)
    except Exception:
        log.exception("live transcription of call %s failed", call.sip_call_id)


def live_turn(session: Session, call_id: int, leg: str, segments: list[Segment],
              offset_ms: int, engine: str) -> list[tuple[str, dict[str, Any]]]:
    """Store one live utterance (masked) and the events it raises: the transcript line to the
    agent; for the caller, the assistant's answers and the screening (crisis: playbook)."""
    call = session.get(VoiceCall, call_id)
    if call is None:
        return []
    rows = store_segments(session, call, leg, segments, source="live", engine=engine,
                          offset_ms=offset_ms)
    raw = " ".join(s.text for s in segments)
    masked = " ".join(r.text for r in rows)
    events: list[tuple[str, dict[str, Any]]] = []
    flags: dict[str, Any] = {}
    c = session.get(Consultation, call.consultation_id) if call.consultation_id else None
    if leg == "caller":
        found = screen(raw)
        if found.is_abusive:
            flags["abuse"] = {"category": found.category, "severity": found.severity}
        if found.crisis and c is not None and found.crisis_kind:
            flags["crisis"] = found.crisis_kind
            response = crisis_playbook.respond(session, c, found.crisis_kind,
                                               found.crisis_severity, found.crisis_imminent,
                                               raw)
            events += response.events
    agent = agent_channel(call.agent_id) if call.agent_id is not None else None
    if agent is not None:
        for r in rows:
            events.append((agent, {"type": "call.transcript",
                                   "consultation_id": call.consultation_id, "leg": leg,
                                   "seq": r.seq, "start_ms": r.start_ms, "end_ms": r.end_ms,
                                   "text": r.text, "flags": flags}))
        if leg == "caller" and masked.strip():
            items = [x.to_dict() for x in recommend.search(session, masked, k=3)]
            events.append((agent, {"type": "assist", "consultation_id": call.consultation_id,
                                   "items": items}))
    session.commit()
    return events
