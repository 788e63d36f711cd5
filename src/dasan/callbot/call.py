"""One callbot conversation on a live call (the flow's `bot` node).

Listen (the caller's leg is cut into utterances by the live segmenter), transcribe (STT port),
decide (`brain.decide`), and either read the answer by TTS (the gateway's prompt library on the
TTS port) followed by "도움이 되셨으면 1번, 상담사 연결은 0번", or hand off. Speech or a key while
the bot talks stops it (barge-in). A silent caller is asked again, then handed off; 0 hands off
at any time. The caller's words are stored masked as transcript lines (source `bot`), and a
hand-off puts them and the bot's guesses on the agent's screen pop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from dasan.callbot import brain
from dasan.db.models import Consultation
from dasan.db.models_voice import VoiceCall
from dasan.protection import crisis_playbook
from dasan.stt.incremental import Early
from dasan.stt.live import LiveRecorder
from dasan.stt.port import Segment, SttPort, SttUnavailable, make_stt
from dasan.stt.segmenter import Gate, Segmenter
from dasan.stt.transcripts import store_segments
from dasan.voice.flows.engine import BotVerdict
from dasan.voice.flows.schema import BotNode, Flow

if TYPE_CHECKING:
    from dasan.voice.gateway import Call, Gateway

log = logging.getLogger(__name__)

PROMPTS = {
    "bot_unclear": "잘 듣지 못했습니다. 다시 한 번 말씀해 주세요.",
    "bot_feedback": "도움이 되셨으면 1번, 상담사 연결은 0번을 눌러 주세요.",
    "bot_more": "다른 궁금한 점을 말씀해 주세요.",
    "bot_thanks": "이용해 주셔서 감사합니다.",
    "bot_handoff": "상담사에게 연결해 드리겠습니다. 말씀하신 내용은 상담사에게 전달됩니다.",
}
BARGE_IN = "voice"  # put on the digit queue when the caller starts talking over the bot


class Listener:
    """The caller's leg while the bot runs: utterances out, speech barge-in."""

    def __init__(self, gw: Gateway, call: Call, stt: SttPort) -> None:
        self.call = call
        self.utterances: asyncio.Queue[tuple[bytes, int]] = asyncio.Queue(8)
        self.speaking = False
        self.early = Early(stt)
        folder = gw.settings.recording_dir / date.today().isoformat()
        path = folder / f"call-{call.record_id}-{int(time.time())}-bot.wav"
        self.segmenter = Segmenter(self._utterance, Gate(max_seconds=15.0), self._started,
                                   self.early.pause)
        self.previous = call.rtp.recorder
        call.rtp.recorder = LiveRecorder(path, self.segmenter)

    def _utterance(self, pcm: bytes, start_ms: int, end_ms: int) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self.utterances.put_nowait((pcm, self.segmenter.emitted_speech))

    def _started(self) -> None:
        if self.speaking:
            with contextlib.suppress(asyncio.QueueFull):
                self.call.rtp.digits.put_nowait(BARGE_IN)
            self.call.rtp.digit_arrived.set()

    async def next_input(self, timeout: float) -> tuple[str | None, tuple[bytes, int] | None]:
        """(digit, None), (None, (utterance, its speech frames)) or (None, None) after
        `timeout` of silence."""
        deadline = time.monotonic() + timeout
        while True:
            digit = self.call.rtp.take_digit()
            if digit is not None and digit != BARGE_IN:
                return digit, None
            if self.segmenter.active and \
                    time.monotonic() - self.call.rtp.last_rx > self.segmenter.gate.end_silence:
                self.segmenter.flush()  # the caller's audio stopped (no RTP): end of speech
            if not self.utterances.empty():
                return None, self.utterances.get_nowait()
            left = deadline - time.monotonic()
            if left <= 0:
                if self.segmenter.active:  # still talking: wait for the end of it
                    deadline = time.monotonic() + self.segmenter.gate.max_seconds
                    continue
                return None, None
            getter = asyncio.ensure_future(self.utterances.get())
            waiter = asyncio.ensure_future(self.call.rtp.digit_arrived.wait())
            done, pending = await asyncio.wait({getter, waiter}, timeout=min(left, 0.5),
                                               return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            if getter in done:
                return None, getter.result()

    def close(self) -> None:
        recorder = self.call.rtp.recorder
        self.call.rtp.recorder = self.previous
        if recorder is not None:
            recorder.close()


def warm_stt() -> None:
    """Load the STT model and run it once, so that the first caller does not wait for it."""
    try:
        stt = make_stt()
        warm = getattr(stt, "warm", None)
        if warm is not None:
            warm()
    except SttUnavailable as exc:
        log.warning("STT unavailable: %s", exc)


def answer_speeches(session: Session) -> list[tuple[int, str]]:
    return brain.answerable_speeches(session)


async def _say(gw: Gateway, call: Call, listener: Listener, key: str, text: str) -> None:
    listener.speaking = True
    try:
        await gw._play(call, key, text, barge_in=True)
    finally:
        listener.speaking = False
        _drop_barge_in(call)


def _drop_barge_in(call: Call) -> None:
    """The speech that stopped the bot is heard as an utterance, not kept as a key press."""
    keys = []
    while (digit := call.rtp.take_digit()) is not None:
        if digit != BARGE_IN:
            keys.append(digit)
    for digit in keys:
        call.rtp.digits.put_nowait(digit)
    if keys:
        call.rtp.digit_arrived.set()


def record_question(session: Session, call_id: int, segments: list[Segment], engine: str
                    ) -> str:
    call = session.get(VoiceCall, call_id)
    assert call is not None
    rows = store_segments(session, call, "caller", segments, source="bot", engine=engine)
    session.commit()
    return " ".join(r.text for r in rows)


def screen_crisis(session: Session, heard: str, consultation_id: int | None
                  ) -> tuple[str | None, list[tuple[str, dict[str, Any]]]] | None:
    """The caller's words to the callbot screened for a crisis (issue 17): when there is one,
    the kind's playbook runs on the call's consultation (crisis queue and priority, supervisor
    alert, welfare case by law, audit; committed) and the callbot hands over at once. Returns
    (queue, live events) or None."""
    c = session.get(Consultation, consultation_id) if consultation_id is not None else None
    if c is None or not heard.strip():
        return None
    screened = crisis_playbook.screen(session, c, heard)
    if screened is None:
        return None
    found, resp = screened
    assert found.kind is not None
    queue = resp.queue_code or crisis_playbook.playbook(session, found.kind).queue_code
    session.commit()
    return queue, list(resp.events)


def decide(session: Session, heard: str, consultation_id: int | None) -> brain.BotTurn:
    turn = brain.decide(session, heard, consultation_id)
    session.commit()  # the chatbot records a missed question as a KB gap
    return turn


async def converse(gw: Gateway, call: Call, node: BotNode, flow: Flow) -> BotVerdict:
    try:
        stt: SttPort = make_stt()
    except (SttUnavailable, ValueError):
        log.warning("callbot without STT: handing off")
        return BotVerdict("handoff")
    if not getattr(stt, "warmed", True):  # load the model while the intro prompt plays
        gw._spawn(asyncio.to_thread(warm_stt))
    listener = Listener(gw, call, stt)
    heard: list[str] = []
    last: brain.BotTurn | None = None
    try:
        prompt = flow.prompt(node.prompt)
        await _say(gw, call, listener, node.prompt, prompt.text)
        for turn in range(node.max_turns):
            digit, said = await listener.next_input(node.listen_seconds)
            if digit == "0":
                break
            if said is None:
                if turn + 1 < node.max_turns:
                    await _say(gw, call, listener, "bot_unclear", PROMPTS["bot_unclear"])
                continue
            try:
                segments = await listener.early.result(*said)
            except SttUnavailable:
                break
            if call.record_id is not None and segments:
                heard.append(await gw._db(record_question, call.record_id, segments, stt.name))
            text = " ".join(s.text for s in segments)
            crisis = await gw._db(screen_crisis, text, call.consultation_id)
            if crisis is not None:  # a crisis: to a crisis-trained agent now, ahead of the queue
                queue, events = crisis
                for channel, event in events:
                    await gw.pubsub.publish(channel, event)
                call.context["bot"] = {"heard": heard, "guesses": [], "question": "",
                                       "crisis": True}
                await _say_plain(gw, call, "bot_handoff", PROMPTS["bot_handoff"])
                return BotVerdict("handoff", queue)
            last = await gw._db(decide, text, call.consultation_id)
            if last.kind == "unclear":
                await _say(gw, call, listener, "bot_unclear", PROMPTS["bot_unclear"])
                continue
            if last.kind == "handoff":
                break
            await _say(gw, call, listener, f"bot_answer:{last.entry_id}", last.speech)
            await _say(gw, call, listener, "bot_feedback", PROMPTS["bot_feedback"])
            digit, _ = await listener.next_input(gw.settings.digit_timeout)
            if digit == "1":
                await _say(gw, call, listener, "bot_thanks", PROMPTS["bot_thanks"])
                return BotVerdict("resolved")
            if digit == "0":
                break
            if turn + 1 < node.max_turns:
                await _say(gw, call, listener, "bot_more", PROMPTS["bot_more"])
    finally:
        listener.close()
    call.context["bot"] = {"heard": heard, "guesses": last.guesses if last else [],
                           "question": last.question if last else ""}
    await _say_plain(gw, call, "bot_handoff", PROMPTS["bot_handoff"])
    return BotVerdict("handoff", last.queue if last else None)


async def _say_plain(gw: Gateway, call: Call, key: str, text: str) -> None:
    await gw._play(call, key, text, barge_in=False)
