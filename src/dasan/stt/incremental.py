"""Recognition that starts before the end of an utterance is confirmed.

The segmenter confirms the end of an utterance after `end_silence` (0.6 s) of silence; a
recogniser that starts only then adds its whole decoding time to the caller's wait. `Early`
starts decoding the utterance so far as soon as the caller pauses (`Gate.pause`, 0.2 s): when
the end is then confirmed with no more speech, that result is used (the decoding overlapped the
endpointing wait); when the caller went on speaking, it is dropped and the whole utterance is
decoded. One early decoding at a time per leg, so a talkative caller cannot pile them up.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from dasan.stt.port import Segment, SttPort


@dataclass
class Early:
    stt: SttPort
    used: int = 0  # utterances answered by an early decoding
    redone: int = 0  # utterances decoded again (the caller spoke after the pause)
    _task: asyncio.Future[list[Segment]] | None = field(default=None, repr=False)
    _speech: int = -1

    def pause(self, pcm: bytes, speech: int) -> None:
        """The caller paused with `speech` frames said (call it in the event loop)."""
        if self._task is not None and not self._task.done():
            return
        self._speech = speech
        self._task = asyncio.ensure_future(asyncio.to_thread(self.stt.transcribe, pcm))

    async def result(self, pcm: bytes, speech: int) -> list[Segment]:
        """The segments of the utterance the segmenter emitted with `speech` frames."""
        task, self._task = self._task, None
        if task is not None and self._speech == speech:
            try:
                segments = await task
            except Exception:  # the early run failed: decode the whole utterance below
                pass
            else:
                self.used += 1
                return segments
        self.redone += 1
        return await asyncio.to_thread(self.stt.transcribe, pcm)
