"""The TTS port and its adapters, chosen by `DASAN_VOICE_TTS`.

* `espeak` (shipped default): Debian's `espeak-ng` renders the text to WAV, resampled to
  8 kHz mono for G.711.
* `tone`: no speech, a short beep per prompt (a site without espeak-ng still runs).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

from dasan.voice.media import audio

ESPEAK_VOICES = {"ko": "ko", "en": "en-us", "zh": "cmn", "ja": "ja", "vi": "vi", "mn": "en-us"}


class TtsError(Exception):
    """The TTS backend could not render a prompt."""


class TtsPort(Protocol):
    name: str

    def render(self, text: str, language: str) -> bytes:
        """8 kHz mono s16le PCM for `text`."""
        ...


class EspeakTts:
    name = "espeak"

    def __init__(self, speed: int = 175, binary: str | None = None) -> None:
        self.speed = speed
        self.binary = binary or shutil.which("espeak-ng") or "espeak-ng"

    def render(self, text: str, language: str) -> bytes:
        voice = ESPEAK_VOICES.get(language, "en-us")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "p.wav"
            try:
                subprocess.run([self.binary, "-v", voice, "-s", str(self.speed), "-w", str(out),
                                "--", text], check=True, capture_output=True, timeout=60)
            except (OSError, subprocess.SubprocessError) as exc:
                raise TtsError(f"espeak-ng failed: {exc}") from exc
            return audio.read_wav_8k(out)


class ToneTts:
    name = "tone"

    def render(self, text: str, language: str) -> bytes:
        return audio.tone([660.0], 0.15) + audio.silence(0.1)


def make_tts(kind: str, speed: int = 175) -> TtsPort:
    if kind == "espeak":
        return EspeakTts(speed)
    if kind == "tone":
        return ToneTts()
    raise ValueError(f"unknown TTS adapter {kind!r}: use espeak or tone")
