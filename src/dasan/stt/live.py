"""Near-real-time transcription while a call is bridged, feeding the agent's desktop.

The gateway records each leg with `recorder()`: the WAV is written as before, and each
utterance the segmenter cuts is transcribed in a worker thread (one at a time per process, so
transcription never starves the calls), stored masked (`transcripts.store_segments`, source
`live`) and published: the line to the agent's desktop, and for the caller's turns the
assistant's KB answers (like a chat message) and the abuse/crisis screening.

A caller waiting in the queue is listened to as well (`queue_tap`, issue 17): nothing is
recorded, but each utterance is transcribed when the transcriber is idle (the bridged calls'
turns come first) and screened for a crisis; a crisis runs the kind's playbook and moves the
waiting call to the crisis-trained queue ahead of the others (`queue_turn`).
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
from dasan.knowledge.live import IndexWarming
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
# Queued callers listened to at once per gateway process (each costs a G.711 decode and the
# segmenter's energy check per packet); callers beyond it wait unscreened, counted as
# `queue_screen_full`.
MAX_QUEUE_TAPS = 64
_taps = 0


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


class QueueTap:
    """Listens to a caller waiting in the queue: utterances cut for screening, no recording.
    Closing it drops an utterance not yet finished (the caller is being put through)."""

    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        self.closed = False

    def write_g711(self, payload_type: int, payload: bytes) -> None:
        if not self.closed:
            self.segmenter.feed(audio.decode(payload_type, payload))

    def close(self) -> None:
        global _taps
        if not self.closed:
            self.closed = True
            _taps -= 1


def queue_tap(gw: Gateway, call: Call) -> QueueTap | None:
    """A listener for a caller waiting in the queue (None when live STT is off or unavailable,
    or `MAX_QUEUE_TAPS` callers are listened to already)."""
    global _taps
    if not gw.settings.live_stt:
        return None
    if _taps >= MAX_QUEUE_TAPS:
        gw.stats["queue_screen_full"] = gw.stats.get("queue_screen_full", 0) + 1
        return None
    try:
        stt = make_stt()
    except (SttUnavailable, ValueError):
        return None
    if stt.name == "none":
        return None

    def sink(pcm: bytes, start_ms: int, end_ms: int) -> None:
        global _backlog
        if _backlog > 0:  # the transcriber is busy: bridged calls' turns come first
            gw.stats["queue_screen_skipped"] = gw.stats.get("queue_screen_skipped", 0) + 1
            return
        _backlog += 1
        gw._spawn(_screen_queued(gw, call, stt, pcm))

    _taps += 1
    return QueueTap(Segmenter(sink))


async def _transcribe_queued(stt: SttPort, pcm: bytes) -> list[Any]:
    """One utterance through the transcriber, one at a time; frees its backlog place."""
    global _ONE_AT_A_TIME, _backlog
    if _ONE_AT_A_TIME is None:
        _ONE_AT_A_TIME = asyncio.Semaphore(1)
    try:
        async with _ONE_AT_A_TIME:
            return list(await asyncio.to_thread(stt.transcribe, pcm))
    finally:
        _backlog -= 1


async def _screen_queued(gw: Gateway, call: Call, stt: SttPort, pcm: bytes) -> None:
    try:
        segments = await _transcribe_queued(stt, pcm)
        text = " ".join(s.text for s in segments).strip()
        if not text or call.consultation_id is None or call.finished:
            return
        found = await gw._db(queue_turn, call.consultation_id, text)
        if found is None:
            return
        queue, priority, events = found
        if call.stage in ("queue", "offer") and not call.finished:
            if queue is not None:
                call.queue = queue
            call.priority = max(call.priority, priority)
            call.context["crisis"] = True
            gw._wake.set()
        gw.stats["queue_crises"] = gw.stats.get("queue_crises", 0) + 1
        for channel, event in events:
            await gw.pubsub.publish(channel, event)
    except SttUnavailable as exc:
        log.warning("queue screening unavailable: %s", exc)
    except Exception:
        log.exception("queue screening of call %s failed", call.sip_call_id)


def queue_turn(session: Session, consultation_id: int, text: str
               ) -> tuple[str | None, int, list[tuple[str, dict[str, Any]]]] | None:
    """Screen what a waiting caller said; on a crisis run the kind's playbook on the call's
    consultation (crisis queue and priority, supervisor alert, welfare case by law, audit;
    committed) and return (queue, priority, live events). None when it is no crisis."""
    c = session.get(Consultation, consultation_id)
    if c is None:
        return None
    screened = crisis_playbook.screen(session, c, text)
    if screened is None:
        return None
    _found, resp = screened
    priority = c.priority or 0
    session.commit()
    return resp.queue_code, priority, list(resp.events)


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
    try:
        segments = await _transcribe_queued(stt, pcm)
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
            try:
                items = [x.to_dict() for x in recommend.search(session, masked, k=3)]
            except IndexWarming:  # just after start-up: the transcript goes out without them
                items = []
            events.append((agent, {"type": "assist", "consultation_id": call.consultation_id,
                                   "items": items}))
    session.commit()
    return events
