"""The call records' single writer: every record step of every call goes through one queue,
and one writer runs what has queued up as a batch, in one transaction.

Why (ADR 0006, sixth pass): each step of a call's record (open, ARS exit, offer, answer, end,
presence) was its own short ORM transaction in a thread of the gateway's default pool. Under
load those threads held the interpreter lock about a quarter of the run and the event loop
that answers INVITEs and paces RTP waited behind them. Now:

* **One writer, FIFO.** The steps of a call are applied in the order the gateway asked for
  them, so a step may be written behind (`post`, the call goes on at once: the ARS exit, the
  answer) and a later step (`run`, awaited: the offer claim, the end) still finds it applied.
* **Batches.** Whatever queued while the writer was busy runs as one batch: the functions
  marked `@batchable` (they flush, never commit or roll back) share one session and one
  commit. A batch that fails is rolled back and its steps are run again one by one, each in
  its own transaction, so one bad step never costs the others. Other functions (they commit
  themselves) run alone, still in queue order.
* **Off the loop, and optionally off the interpreter.** The writer is a thread; with
  `process=True` (`DASAN_VOICE_DB_PROCESSES` >= 1) it hands each batch to one spawned record
  process, so the ORM work no longer holds the gateway's interpreter lock at all (the thread
  then only pickles). Should that process die, the writer runs the batches itself.
* **Nothing is lost on stop.** `close` lets the writer drain the queue before it stops: every
  step posted before `close` is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import pickle
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from dasan.db.session import session_scope

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

BATCH_MAX = 64
BEHIND_ATTEMPTS = 3  # a step written behind is retried alone this often before it is given up


def batchable(fn: F) -> F:
    """Mark a record step that may share a transaction with others: it only reads, adds and
    flushes (never commits or rolls back), and returns picklable values."""
    fn.__dict__["record_batch"] = True
    return fn


def is_batchable(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, "record_batch", False))


class RecordError(Exception):
    """A record step failed in the record process (the original exception, as text)."""


Step = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], int]  # fn, args, kw, tries


def _solo(url: str | None, fn: Callable[..., Any], args: tuple[Any, ...],
          kwargs: dict[str, Any], tries: int) -> tuple[bool, Any]:
    for attempt in range(tries):
        try:
            with session_scope(url) as session:
                return True, fn(session, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - handed to whoever awaits the step
            if attempt + 1 >= tries:
                return False, exc
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")


def run_batch(url: str | None, steps: list[Step]) -> list[tuple[bool, Any]]:
    """Run `steps` in order: consecutive batchable steps in one transaction, the others
    alone. Returns (ok, value or exception) per step."""
    results: list[tuple[bool, Any]] = []
    group: list[Step] = []

    def run_group() -> None:
        if not group:
            return
        if len(group) > 1:
            try:
                with session_scope(url) as session:
                    values = [fn(session, *args, **kwargs) for fn, args, kwargs, _ in group]
                results.extend((True, v) for v in values)
                group.clear()
                return
            except Exception:  # noqa: BLE001 - isolate the failing step below
                log.warning("a batch of %d record steps failed; running them one by one",
                            len(group), exc_info=True)
        results.extend(_solo(url, fn, args, kwargs, tries) for fn, args, kwargs, tries in group)
        group.clear()

    for step in steps:
        if is_batchable(step[0]):
            group.append(step)
            continue
        run_group()
        results.append(_solo(url, *step))
    run_group()
    return results


def _portable(results: list[tuple[bool, Any]]) -> list[tuple[bool, Any]]:
    """Results that cross a process boundary: exceptions that do not pickle become text."""
    out: list[tuple[bool, Any]] = []
    for ok, value in results:
        if not ok:
            try:
                pickle.dumps(value)
            except Exception:  # noqa: BLE001
                value = RecordError(f"{type(value).__name__}: {value}")
        out.append((ok, value))
    return out


def run_batch_portable(url: str | None, steps: list[Step]) -> list[tuple[bool, Any]]:
    return _portable(run_batch(url, steps))


def _ready() -> bool:
    from dasan.voice import acd, calls  # noqa: F401 - import the record code once, at start

    return True


@dataclass
class _Pending:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    future: asyncio.Future[Any]
    tries: int = 1


@dataclass
class WriterStats:
    steps: int = 0
    batches: int = 0
    largest: int = 0
    errors: int = 0
    behind_lost: int = 0
    busy_seconds: float = 0.0
    waits: list[float] = field(default_factory=list)  # queue wait of each batch's first step


_STOP = object()


class RecordWriter:
    def __init__(self, url: str | None, *, process: bool = False,
                 max_batch: int = BATCH_MAX) -> None:
        self.url = url
        self.process = process
        self.max_batch = max_batch
        self.stats = WriterStats()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.process:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            await self._loop.run_in_executor(self._pool, _ready)
        self._thread = threading.Thread(target=self._work, name="call-records", daemon=True)
        self._thread.start()

    def process_pids(self) -> list[int]:
        """The record process's pid (none when the writer runs the batches itself)."""
        pool = self._pool
        return list(getattr(pool, "_processes", None) or {}) if pool is not None else []

    # --- the loop's side ----------------------------------------------------------------

    def post(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> asyncio.Future[Any]:
        """Queue a step; its future resolves once it is committed. Written behind: nobody
        needs to await it (a failure is retried, then logged and counted)."""
        future = self._submit(fn, args, kwargs, BEHIND_ATTEMPTS)
        future.add_done_callback(self._behind_done)
        return future

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> asyncio.Future[Any]:
        """Queue a step now; the future gives its result (after every step queued before
        it). The step is written even if nobody awaits the future any more."""
        return self._submit(fn, args, kwargs, 1)

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self.submit(fn, *args, **kwargs)

    def _submit(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                tries: int) -> asyncio.Future[Any]:
        if self._closed or self._loop is None:
            raise RuntimeError("the record writer is not running")
        future: asyncio.Future[Any] = self._loop.create_future()
        self._queue.put((_Pending(fn, args, kwargs, future, tries), time.monotonic()))
        return future

    def _behind_done(self, future: asyncio.Future[Any]) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is not None:
            self.stats.behind_lost += 1
            log.error("a call record step written behind failed", exc_info=exc)

    async def close(self) -> None:
        """Write everything queued so far, then stop the writer."""
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self._queue.put(_STOP)
            await asyncio.to_thread(self._thread.join)
        if self._pool is not None:
            await asyncio.to_thread(self._pool.shutdown, True)
            self._pool = None

    # --- the writer thread --------------------------------------------------------------

    def _work(self) -> None:
        stop = False
        while not stop:
            batch: list[tuple[_Pending, float]] = []
            item = self._queue.get()
            while True:
                if item is _STOP:
                    stop = True
                else:
                    batch.append(item)
                if len(batch) >= self.max_batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._write(batch)

    def _write(self, batch: list[tuple[_Pending, float]]) -> None:
        started = time.monotonic()
        steps: list[Step] = [(p.fn, p.args, p.kwargs, p.tries) for p, _ in batch]
        results = None
        if self._pool is not None:
            try:
                results = self._pool.submit(run_batch_portable, self.url, steps).result()
            except BrokenExecutor:
                log.exception("the record process died: the writer runs the records itself")
                self._pool = None
        if results is None:
            results = run_batch(self.url, steps)
        s = self.stats
        s.batches += 1
        s.steps += len(batch)
        s.largest = max(s.largest, len(batch))
        s.errors += sum(1 for ok, _ in results if not ok)
        s.busy_seconds += time.monotonic() - started
        if len(s.waits) < 100_000:
            s.waits.append(started - batch[0][1])
        assert self._loop is not None
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            self._loop.call_soon_threadsafe(_deliver, [p.future for p, _ in batch], results)


def _deliver(futures: list[asyncio.Future[Any]], results: list[tuple[bool, Any]]) -> None:
    for future, (ok, value) in zip(futures, results, strict=True):
        if future.done():
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)
