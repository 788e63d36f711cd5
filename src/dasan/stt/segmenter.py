"""Cutting a leg's live audio into utterances for near-real-time transcription.

An energy gate on 20 ms frames: an utterance starts with speech, ends after `end_silence` of
silence (or at `max_seconds`, so a 10-minute monologue is transcribed in pieces while it runs),
and is dropped when it holds less than `min_speech` of speech (a cough, line noise).

`on_pause` (optional) hears the utterance so far once the speaker has paused for `pause`
(before `end_silence` confirms the end): the callbot starts recognising it there, so the text
is ready when the end is confirmed, and is thrown away if the caller goes on speaking. The
`speech` count it gets identifies what was heard: the utterance finally emitted with the same
count (`Segmenter.emitted_speech`) holds no more speech than that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

RATE = 8000
FRAME_BYTES = 320  # 20 ms of 8 kHz s16le
Sink = Callable[[bytes, int, int], None]  # (pcm, start_ms, end_ms) of one utterance
Pause = Callable[[bytes, int], None]  # (pcm so far, speech frames so far)


@dataclass
class Gate:
    threshold: float = 600.0  # RMS of s16 samples (about -35 dBFS)
    end_silence: float = 0.6
    min_speech: float = 0.3
    max_seconds: float = 12.0
    pre_roll: float = 0.2
    pause: float = 0.2  # silence after which `on_pause` hears the utterance so far


class Segmenter:
    def __init__(self, sink: Sink, gate: Gate | None = None,
                 on_start: Callable[[], None] | None = None,
                 on_pause: Pause | None = None) -> None:
        self.sink = sink
        self.on_start = on_start  # speech began (the callbot stops talking: barge-in)
        self.on_pause = on_pause
        self.emitted_speech = 0  # speech frames of the utterance last given to the sink
        self.gate = gate or Gate()
        self._pending = bytearray()
        self._utterance = bytearray()
        self._history = bytearray()
        self._frames = 0  # frames seen since the start of the leg
        self._start_frame = 0
        self._speech = 0
        self._silence = 0

    def _frames_of(self, seconds: float) -> int:
        return max(1, int(seconds * 50))

    def feed(self, pcm: bytes) -> None:
        self._pending += pcm
        while len(self._pending) >= FRAME_BYTES:
            frame = bytes(self._pending[:FRAME_BYTES])
            del self._pending[:FRAME_BYTES]
            self._frame(frame)

    def _frame(self, frame: bytes) -> None:
        g = self.gate
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float32)
        loud = float(np.sqrt(np.mean(samples * samples))) >= g.threshold
        self._frames += 1
        if not self._utterance:
            self._history += frame
            keep = self._frames_of(g.pre_roll) * FRAME_BYTES
            if len(self._history) > keep:
                del self._history[:-keep]
            if loud:
                self._utterance = bytearray(self._history)
                self._start_frame = self._frames - len(self._history) // FRAME_BYTES
                self._history.clear()
                self._speech, self._silence = 1, 0
                if self.on_start is not None:
                    self.on_start()
            return
        self._utterance += frame
        if loud:
            self._speech += 1
            self._silence = 0
        else:
            self._silence += 1
            if self.on_pause is not None and self._silence == self._frames_of(g.pause) and \
                    self._speech >= self._frames_of(g.min_speech):
                self.on_pause(bytes(self._utterance), self._speech)
        if self._silence >= self._frames_of(g.end_silence) or \
                len(self._utterance) >= self._frames_of(g.max_seconds) * FRAME_BYTES:
            self._emit()

    def _emit(self) -> None:
        if self._speech >= self._frames_of(self.gate.min_speech):
            start_ms = self._start_frame * 20
            self.emitted_speech = self._speech
            self.sink(bytes(self._utterance), start_ms,
                      start_ms + len(self._utterance) // FRAME_BYTES * 20)
        self._utterance = bytearray()
        self._speech = self._silence = 0

    @property
    def active(self) -> bool:
        """An utterance is open (the caller is speaking or just paused)."""
        return bool(self._utterance)

    def flush(self) -> None:
        if self._utterance:
            self._emit()
