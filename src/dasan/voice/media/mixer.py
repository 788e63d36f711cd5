"""A three-way (n-way) audio conference: each party hears the sum of the others.

The two-party relay forwards packets as they arrive; a conference cannot, since a party must
hear two sources at once. So while a conference lasts, each leg's `datagram_received` only
appends the packet's G.711 payload to that leg's inbox (a bytearray append: the receive path
stays as cheap as the relay's), and one paced task of the conference mixes every 20 ms:
take one frame (160 samples) from each inbox (silence for a leg that sent nothing), decode
(G.711 lookup tables), sum in 32-bit, and send each leg the total minus its own frame, clipped
to 16 bits and encoded in that leg's law. The sum is vectorised (numpy): three decodes, one
sum, three encodes per 20 ms per conference — a few tens of microseconds.

Each inbox keeps at most `MAX_BUFFERED` samples (100 ms): a leg that sends faster than it is
drained (a burst after a stall) loses its oldest audio rather than lagging behind for good.
A muted leg (held) is neither heard nor sent to.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import numpy as np

from dasan.voice.media import audio

if TYPE_CHECKING:
    from dasan.voice.media.rtp import RtpLeg

FRAME = audio.FRAME_SAMPLES
MAX_BUFFERED = 5 * FRAME  # 100 ms of G.711 (one byte a sample)


def mix_frames(frames: list[np.ndarray]) -> list[np.ndarray]:
    """Pure: for each party, the sum of the others' int16 frames, clipped to int16."""
    if not frames:
        return []
    wide = [f.astype(np.int32) for f in frames]
    total = np.sum(wide, axis=0)
    return [np.clip(total - own, -32768, 32767).astype("<i2") for own in wide]


class Conference:
    """The mixer of one call's conference (the caller, the agent and the interpreter)."""

    def __init__(self, legs: list[RtpLeg]) -> None:
        self.legs = list(legs)
        self.inbox: dict[int, bytearray] = {id(leg): bytearray() for leg in self.legs}
        self.frames_mixed = 0
        self._task: asyncio.Task[None] | None = None

    def push(self, leg: RtpLeg, payload: bytes) -> None:
        """Called from the leg's `datagram_received`: no decoding here."""
        buf = self.inbox.get(id(leg))
        if buf is None:
            return
        buf += payload
        if len(buf) > MAX_BUFFERED:
            del buf[:len(buf) - MAX_BUFFERED]

    def start(self) -> None:
        for leg in self.legs:
            leg.partner = None
            leg.mixer = self
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        for leg in self.legs:
            if leg.mixer is self:
                leg.mixer = None
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _frame(self, leg: RtpLeg) -> np.ndarray:
        buf = self.inbox[id(leg)]
        if leg.muted or not buf:
            buf.clear()
            return np.zeros(FRAME, dtype="<i2")
        take = bytes(buf[:FRAME])
        del buf[:FRAME]
        pcm = np.frombuffer(audio.decode(leg.pt, take), dtype="<i2")
        if len(pcm) < FRAME:
            pcm = np.concatenate([pcm, np.zeros(FRAME - len(pcm), dtype="<i2")])
        return pcm

    def tick(self) -> None:
        """One 20 ms frame to every leg."""
        live = [leg for leg in self.legs if leg.transport is not None]
        mixed = mix_frames([self._frame(leg) for leg in live])
        for leg, out in zip(live, mixed, strict=True):
            if not leg.muted:
                leg.send_audio(audio.encode(leg.pt, out.tobytes()), FRAME)
        self.frames_mixed += 1

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        i = 0
        with contextlib.suppress(asyncio.CancelledError):
            while True:
                self.tick()
                i += 1
                delay = start + i * 0.020 - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif delay < -0.2:  # the loop stalled: start the clock again, no burst
                    start, i = loop.time(), 0
