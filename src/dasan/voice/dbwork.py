"""The gateway's database work, off the event loop that carries SIP and RTP.

Every record step of a call (open, ARS exit, offer, answer, end, presence) is a short ORM
transaction. In threads of the gateway's own process that Python work holds the GIL and
stalls the loop that relays RTP and answers INVITEs (bench/bench_voice.py: setup and jitter
tails). With `DASAN_VOICE_DB_PROCESSES` > 0 the work runs in that many worker processes
(spawned once at start, each with its own engine); 0 keeps threads (tests, tiny sites). The
functions must be module-level (they travel by reference) and return picklable values.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from dasan.db.session import session_scope


def _run(url: str | None, fn: Callable[..., Any], args: tuple[Any, ...],
         kwargs: dict[str, Any]) -> Any:
    with session_scope(url) as session:
        return fn(session, *args, **kwargs)


def _ready() -> bool:
    return True


class DbWork:
    def __init__(self, processes: int, url: str | None) -> None:
        self.url = url
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    async def start(self) -> None:
        if self.processes <= 0:
            return
        self._pool = ProcessPoolExecutor(self.processes,
                                         mp_context=multiprocessing.get_context("spawn"))
        loop = asyncio.get_running_loop()
        # Spawn and import every worker now, not on the first call.
        await asyncio.gather(*(loop.run_in_executor(self._pool, _ready)
                               for _ in range(self.processes * 2)))

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._pool is None:
            return await asyncio.to_thread(_run, self.url, fn, args, kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool,
                                          functools.partial(_run, self.url, fn, args, kwargs))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=False)
            self._pool = None
