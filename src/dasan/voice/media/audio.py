"""PCM helpers: G.711 codecs (aiortp's lookup tables), WAV in/out at 8 kHz, tones."""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import queue
import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np
from aiortp.codecs.g711 import PcmaCodec, PcmuCodec, _LutCodec

from dasan.voice.media.wavappend import AppendWav

RATE = 8000
FRAME_SAMPLES = 160  # 20 ms at 8 kHz
FRAME_BYTES = FRAME_SAMPLES * 2  # s16le
_CODECS: dict[int, _LutCodec] = {0: PcmuCodec(), 8: PcmaCodec()}
log = logging.getLogger(__name__)


def codec(payload_type: int) -> _LutCodec:
    return _CODECS[payload_type]


def encode(payload_type: int, pcm: bytes) -> bytes:
    return _CODECS[payload_type].encode(pcm)


def decode(payload_type: int, payload: bytes) -> bytes:
    return _CODECS[payload_type].decode(payload)


def silence(seconds: float) -> bytes:
    return b"\x00\x00" * int(RATE * seconds)


def read_wav_8k(path: Path) -> bytes:
    """Mono s16le PCM at 8 kHz from any mono/stereo 16-bit WAV (resampled linearly)."""
    with wave.open(str(path), "rb") as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path.name}: only 16-bit WAV prompts are supported")
    samples = np.frombuffer(raw, dtype="<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype("<i2")
    if rate != RATE and len(samples):
        n_out = int(len(samples) * RATE / rate)
        x_new = np.linspace(0, len(samples) - 1, n_out)
        samples = np.interp(x_new, np.arange(len(samples)), samples).astype("<i2")
    return samples.astype("<i2").tobytes()


def write_wav_8k(path: Path, pcm: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm)


def tone(freqs: list[float], seconds: float, level: float = 0.25) -> bytes:
    t = np.arange(int(RATE * seconds)) / RATE
    wave_ = sum(np.sin(2 * np.pi * f * t) for f in freqs) / max(1, len(freqs))
    ramp = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01) if len(t) else t
    return (wave_ * ramp * level * 32767).astype("<i2").tobytes()


def hold_music() -> bytes:
    """A quiet, repeating four-note phrase (generated: no recorded asset to license)."""
    notes = [523.25, 659.25, 783.99, 659.25]
    return b"".join(tone([f, f / 2], 0.4, 0.12) + silence(0.1) for f in notes) + silence(0.6)


class _DiskWriter:
    """One thread does every recording's file work (create, append, close): the event loop
    that relays RTP only hands it bytes, so a slow disk never stalls calls."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._pending = 0
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        with self._idle:
            self._pending += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="wav-writer",
                                                daemon=True)
                self._thread.start()
        self._queue.put(job)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                job()
            except Exception:
                log.exception("writing a recording failed")
            finally:
                with self._idle:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.notify_all()

    def drain(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)


_WRITER = _DiskWriter()


def recordings_written(timeout: float = 10.0) -> bool:
    """Wait until every recording handed to the writer is on disk (tests, shutdown)."""
    return _WRITER.drain(timeout)


class LegRecorder(Protocol):
    """What a leg's RTP hands its inbound audio to: a WAV recorder, or a listener that only
    screens what a waiting caller says (`dasan.stt.live.QueueTap`)."""

    def write_g711(self, payload_type: int, payload: bytes) -> None: ...

    def close(self) -> None: ...


class WavRecorder:
    """Appends one leg's audio to an 8 kHz WAV file as it arrives; file work happens on the
    recording writer thread, G.711 is decoded in bulk (about once a second) there too."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.frames = 0
        self.closed = False
        self._w: wave.Wave_write | None = None  # used by the writer thread only
        self._buffer = bytearray()  # s16le PCM not yet handed over
        self._encoded = bytearray()  # G.711 bytes not yet handed over (one byte per sample)
        self._encoded_pt = 8
        self.suspended = False  # the media relay writes the file meanwhile (ADR 0020)
        _WRITER.submit(self._open)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        w = wave.open(str(self.path), "wb")  # noqa: SIM115 (closed in _close())
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        self._w = w

    def _append(self, pcm: bytes, payload_type: int, encoded: bytes) -> None:
        if self._w is not None:
            self._w.writeframesraw(pcm + (decode(payload_type, encoded) if encoded else b""))

    def _close(self) -> None:
        if self._w is not None:
            self._w.close()
            self._w = None

    def suspend(self) -> concurrent.futures.Future[None]:
        """The media relay takes the file over (ADR 0020): what is buffered is written and the
        file closed; the future is done when it is (then the relay may append)."""
        self._hand_over()
        self.suspended = True
        done: concurrent.futures.Future[None] = concurrent.futures.Future()

        def close_then_signal() -> None:
            try:
                self._close()
            finally:
                done.set_result(None)

        _WRITER.submit(close_then_signal)
        return done

    def resume(self) -> None:
        """The relay has closed the file: append to it again (unless closed meanwhile)."""
        if self.suspended and not self.closed:
            self.suspended = False
            _WRITER.submit(self._reopen)

    def _reopen(self) -> None:
        if self._w is None:
            self._w = AppendWav(self.path)  # type: ignore[assignment]

    def _hand_over(self) -> None:
        if self._buffer or self._encoded:
            _WRITER.submit(functools.partial(self._append, bytes(self._buffer),
                                             self._encoded_pt, bytes(self._encoded)))
            self._buffer.clear()
            self._encoded.clear()

    def write(self, pcm: bytes) -> None:
        """Buffered: handed over about once a second of audio, not once per packet."""
        if self.closed:
            return
        if self._encoded:
            self._hand_over()
        self._buffer += pcm
        self.frames += len(pcm) // 2
        if len(self._buffer) >= 2 * RATE:
            self._hand_over()

    def write_g711(self, payload_type: int, payload: bytes) -> None:
        """A packet's G.711 payload as it arrived (decoded later, in bulk)."""
        if self.closed or self.suspended:
            return
        if self._buffer or (self._encoded and payload_type != self._encoded_pt):
            self._hand_over()
        self._encoded_pt = payload_type
        self._encoded += payload
        self.frames += len(payload)
        if len(self._encoded) >= RATE:
            self._hand_over()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._hand_over()
            _WRITER.submit(self._close)

