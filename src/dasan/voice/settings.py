"""Voice gateway settings, read from DASAN_VOICE_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from dasan.config import PROJECT_ROOT


class VoiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DASAN_VOICE_", env_file=".env", extra="ignore")

    number: str = Field(default="120", description="the dialled user part that reaches the ARS")
    host: str = "127.0.0.1"
    port: int = 5060
    rtp_host: str = Field(default="127.0.0.1", description="address announced in SDP")
    rtp_port_min: int = Field(default=20000, ge=1024, le=65000)
    rtp_port_max: int = Field(default=29998, ge=1026, le=65534)
    prompt_dir: Path = Field(default=PROJECT_ROOT / "var" / "voice" / "prompts")
    recording_dir: Path = Field(default=PROJECT_ROOT / "var" / "voice" / "recordings")
    recording_retention_days: int = Field(default=90, ge=1)
    recording_purge_seconds: float = Field(default=3600.0, gt=0,
        description="how often the gateway deletes recordings past their retention period")
    tts: str = Field(default="espeak", description="espeak (espeak-ng) | tone (beeps, no TTS)")
    tts_speed: int = Field(default=175, ge=80, le=450, description="espeak-ng words per minute")
    digit_timeout: float = Field(default=5.0, gt=0, description="seconds to wait for a digit")
    media_timeout: float = Field(default=30.0, gt=0,
        description="hang up after this long without RTP")
    wrap_up_seconds: float = Field(default=30.0, ge=0,
        description="after-call work (후처리) after a call before the agent is offered again")
    external_uri: str = Field(default="sip:{number}@127.0.0.1:5070",
        description="where outside numbers (transfers to a district office) are dialled: the "
                    "site's SIP trunk or SBC, {number} is replaced by the digits")
    desktop_answer: bool = Field(default=False,
        description="the caller is put through when the agent presses answer on the desktop "
                    "(phones in auto-answer); off: when the phone answers")
    media_relay: Literal["process", "loop"] = Field(default="process",
        description="process: bridged legs are relayed (and recorded) by a media relay child "
                    "process, off the event loop; loop: in the gateway's event loop (ADR 0020)")
    db_processes: int | None = Field(default=None, ge=0, le=1,
        description="1: the call records' single writer hands its batches to a record "
                    "process of its own (the ORM work and every database round trip leave "
                    "the gateway's interpreter lock); 0: the writer thread runs them in the "
                    "gateway process (ADR 0006); unset: 1 on PostgreSQL, 0 on SQLite (ADR "
                    "0021)")
    callback_attempts: int = Field(default=3, ge=1, le=10,
        description="tries at a callback before it is recorded failed")
    callback_retry_seconds: float = Field(default=300.0, ge=0,
        description="wait after a failed callback try before the next one")
    ring_timeout: float = Field(default=15.0, gt=0, description="seconds an agent phone rings")
    queue_timeout: float = Field(default=120.0, gt=0, description="wait before the callback offer")
    queue_announce_every: float = Field(default=30.0, gt=0)
    max_calls: int = Field(default=300, ge=1, description="concurrent calls; more get 503")
    invite_rate: float = Field(default=50.0, gt=0, description="new INVITEs per second per source")
    ack_timeout: float = Field(default=32.0, gt=0, description="give up on a 200 OK never ACKed")
    max_call_seconds: float = Field(default=4 * 3600.0, gt=0)
    live_stt: bool = Field(default=True,
        description="transcribe both legs while a call is bridged (DASAN_STT_* adapter)")
    prerender_answers: bool = Field(default=True,
        description="when the gateway starts, render the callbot's spoken KB answers into the "
                    "TTS cache in the background (an answer then starts without TTS time)")
    visible_ars_ttl: float = Field(default=1800.0, gt=0,
        description="seconds a visible-ARS link and page stay valid")
    survey: bool = Field(default=False,
        description="after the agent hangs up, ask the caller for a 1-5 satisfaction key")


def record_process(settings: VoiceSettings, database_url: str) -> bool:
    """Whether the call records are written by a record process (`db_processes`; unset: on
    PostgreSQL, whose round trips release and retake the interpreter lock once per statement
    in a writer thread, where SQLite's in-process statements do not wait)."""
    if settings.db_processes is not None:
        return settings.db_processes > 0
    return database_url.startswith("postgresql")


@lru_cache
def get_voice_settings() -> VoiceSettings:
    return VoiceSettings()
