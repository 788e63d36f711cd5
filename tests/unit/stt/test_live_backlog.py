"""Live transcription never piles up behind a full gateway: past `MAX_BACKLOG` utterances
waiting for the one transcriber, new ones are dropped and counted."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from dasan.stt import live
from dasan.stt.port import Segment
from dasan.voice.media import audio


class SlowStt:
    name = "slow"

    def __init__(self) -> None:
        self.calls = 0

    def transcribe(self, pcm8k: bytes, language: str | None = None) -> list[Segment]:
        self.calls += 1
        return []


async def test_the_live_transcription_backlog_is_bounded(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    stt = SlowStt()
    monkeypatch.setattr(live, "make_stt", lambda: stt)
    monkeypatch.setattr(live, "_backlog", 0)
    spawned: list[Any] = []
    gw = SimpleNamespace(settings=SimpleNamespace(live_stt=True), stats={},
                         _spawn=spawned.append)
    call = SimpleNamespace(record_id=None, sip_call_id="c1")
    rec = live.recorder(tmp_path / "leg.wav", gw, call, "caller")  # type: ignore[arg-type]
    assert isinstance(rec, live.LiveRecorder)
    for i in range(live.MAX_BACKLOG + 5):
        rec.segmenter.sink(b"\x00\x00" * 800, i * 100, i * 100 + 100)
    assert len(spawned) == live.MAX_BACKLOG and gw.stats["stt_dropped"] == 5
    await asyncio.gather(*spawned)  # transcribed: the backlog is free again
    assert stt.calls == live.MAX_BACKLOG and live._backlog == 0
    rec.segmenter.sink(b"\x00\x00" * 800, 0, 100)
    assert len(spawned) == live.MAX_BACKLOG + 1
    await spawned[-1]
    rec.close()
    audio.recordings_written()
