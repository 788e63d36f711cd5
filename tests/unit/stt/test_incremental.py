"""Early recognition: the decoding started at the caller's pause is used when no speech
followed it, and redone on the whole utterance when the caller went on."""

from __future__ import annotations

import asyncio

from dasan.stt.incremental import Early
from dasan.stt.port import Segment


class Counting:
    name = "counting"

    def __init__(self) -> None:
        self.heard: list[int] = []

    def transcribe(self, pcm8k: bytes, language: str | None = None) -> list[Segment]:
        self.heard.append(len(pcm8k))
        return [Segment(0, len(pcm8k) // 16, f"{len(pcm8k)} bytes")]


def test_the_early_result_is_used_only_for_the_same_speech() -> None:
    async def run() -> None:
        stt = Counting()
        early = Early(stt)
        early.pause(b"\0" * 3200, speech=40)
        early.pause(b"\0" * 4800, speech=50)  # one early decoding at a time: ignored
        assert (await early.result(b"\0" * 6400, speech=40))[0].text == "3200 bytes"
        assert (early.used, early.redone) == (1, 0)
        early.pause(b"\0" * 3200, speech=10)
        assert (await early.result(b"\0" * 9600, speech=25))[0].text == "9600 bytes"
        assert (early.used, early.redone) == (1, 1)
        assert (await early.result(b"\0" * 1600, speech=5))[0].text == "1600 bytes"
        assert stt.heard[0] == 3200 and stt.heard[-1] == 1600

    asyncio.run(run())
