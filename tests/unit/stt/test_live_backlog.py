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


def test_waiting_callers_are_heard_only_when_the_transcriber_is_idle(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The queue's listeners never compete with bridged calls: an utterance of a waiting
    caller is skipped while any utterance waits for the transcriber, and at most
    `MAX_QUEUE_TAPS` callers are listened to; closing a listener frees its place."""
    stt = SlowStt()
    monkeypatch.setattr(live, "make_stt", lambda: stt)
    monkeypatch.setattr(live, "_backlog", 1)  # a bridged call's utterance is waiting
    monkeypatch.setattr(live, "_taps", 0)
    monkeypatch.setattr(live, "MAX_QUEUE_TAPS", 2)
    spawned: list[Any] = []
    gw = SimpleNamespace(settings=SimpleNamespace(live_stt=True), stats={},
                         _spawn=lambda coro: (spawned.append(coro), coro.close()))
    call = SimpleNamespace(record_id=None, consultation_id=None, sip_call_id="q1")
    first = live.queue_tap(gw, call)  # type: ignore[arg-type]
    second = live.queue_tap(gw, call)  # type: ignore[arg-type]
    assert first is not None and second is not None
    assert live.queue_tap(gw, call) is None and gw.stats["queue_screen_full"] == 1  # type: ignore[arg-type]
    first.segmenter.sink(b"\x00\x00" * 800, 0, 100)
    assert not spawned and gw.stats["queue_screen_skipped"] == 1
    live._backlog = 0  # the transcriber is idle: the next utterance is screened
    first.segmenter.sink(b"\x00\x00" * 800, 0, 100)
    assert len(spawned) == 1 and live._backlog == 1
    first.close()
    first.close()  # twice is once
    assert live._taps == 1 and live.queue_tap(gw, call) is not None  # type: ignore[arg-type]
    assert live.queue_tap(SimpleNamespace(settings=SimpleNamespace(live_stt=False)),  # type: ignore[arg-type]
                          call) is None  # type: ignore[arg-type]
