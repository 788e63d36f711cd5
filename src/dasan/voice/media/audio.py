"""PCM helpers: G.711 codecs (aiortp's lookup tables), WAV in/out at 8 kHz, tones."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from aiortp.codecs.g711 import PcmaCodec, PcmuCodec, _LutCodec

RATE = 8000
FRAME_SAMPLES = 160  # 20 ms at 8 kHz
FRAME_BYTES = FRAME_SAMPLES * 2  # s16le
_CODECS: dict[int, _LutCodec] = {0: PcmuCodec(), 8: PcmaCodec()}


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


class WavRecorder:
    """Appends one leg's decoded audio to a WAV file as it arrives."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._w = wave.open(str(path), "wb")  # noqa: SIM115 (closed in close())
        self._w.setnchannels(1)
        self._w.setsampwidth(2)
        self._w.setframerate(RATE)
        self.frames = 0
        self._buffer = bytearray()
        self._encoded = bytearray()  # G.711 bytes not yet decoded (one byte per sample)
        self._encoded_pt = 8

    def write(self, pcm: bytes) -> None:
        """Buffered: one file write per second of audio, not one per packet."""
        if self._w is not None:
            self._flush_encoded()
            self._buffer += pcm
            self.frames += len(pcm) // 2
            if len(self._buffer) >= 2 * RATE:
                self._w.writeframesraw(bytes(self._buffer))
                self._buffer.clear()

    def write_g711(self, payload_type: int, payload: bytes) -> None:
        """A packet's G.711 payload as it arrived: decoded in bulk (about once a second)
        rather than per packet, which kept the relay's per-packet work on the event loop."""
        if self._w is None:
            return
        if self._encoded and payload_type != self._encoded_pt:
            self._flush_encoded()
        self._encoded_pt = payload_type
        self._encoded += payload
        self.frames += len(payload)
        if len(self._encoded) >= RATE:
            self._flush_encoded()

    def _flush_encoded(self) -> None:
        if self._encoded and self._w is not None:
            self._w.writeframesraw(self._buffer + decode(self._encoded_pt, bytes(self._encoded)))
            self._buffer.clear()
            self._encoded.clear()

    def close(self) -> None:
        if self._w is not None:
            self._flush_encoded()
            if self._buffer:
                self._w.writeframesraw(bytes(self._buffer))
                self._buffer.clear()
            self._w.close()
            self._w = None  # type: ignore[assignment]
