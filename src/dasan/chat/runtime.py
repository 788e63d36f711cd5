"""The chat runtime of one server process: the hub, its warm-up and its periodic tick.

The tick (every `DASAN_CHAT_ASSIGN_INTERVAL` seconds) is the safety net across workers: it
applies the presence timing rules (away, offline, released chats), then assigns whatever is
waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from dasan.chat import hub as chat_hub
from dasan.chat import idle, overflow
from dasan.chat.pubsub import make_pubsub, register_process_bus, unregister_process_bus
from dasan.config import get_settings
from dasan.db.session import new_session
from dasan.protection.screening import screen_many

log = logging.getLogger(__name__)
T = TypeVar("T")
_HEAP_SETTLED = False


def _warm_index(s: Session) -> None:
    from dasan.knowledge.live import get_live_index

    get_live_index().sync(s)


def _with_session(fn: object) -> None:
    s = new_session()
    try:
        fn(s)  # type: ignore[operator]
    finally:
        s.close()


async def in_daemon_thread(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in a daemon thread of its own, awaited.

    For the warm-up's long steps (loading models, building the knowledge index: tens of
    seconds). A stop signal cancels the await at once, and the process then exits without
    waiting for the thread: in the server's worker threads (non-daemon) a SIGTERM during the
    warm-up kept `dasan serve` alive until the index was built (48 s on the demo). The steps
    write nothing but the embedding cache, which is replaced atomically."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.done():
            return  # cancelled meanwhile
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        try:
            result, error = fn(*args), None
        except BaseException as exc:  # handed to the awaiting task
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
            loop.call_soon_threadsafe(settle, result, error)

    thread = threading.Thread(target=target, name=f"warm-up {getattr(fn, '__name__', fn)}",
                              daemon=True)
    _WARMING.difference_update([t for t in _WARMING if not t.is_alive()])
    _WARMING.add(thread)
    thread.start()
    return await done


_WARMING: set[threading.Thread] = set()


def warm_up_running() -> bool:
    """True while a warm-up step is still running in its daemon thread (after a stop that
    cancelled it). The interpreter must not be finalised around such a thread: a model's
    native code still running when the C++ runtime's static objects go aborts the process
    (`terminate called without an active exception`, status 134); `dasan serve` then ends
    with `os._exit` (nothing of the warm-up needs saving)."""
    return any(t.is_alive() for t in _WARMING)


async def _warm_screening(hub: chat_hub.ChatHub) -> None:
    try:
        if hub.screening is not None:  # chat messages are screened in the screening workers
            await hub.screening.warm()
        # This process screens too (wrap-up summaries leave abusive sentences out; written
        # channels and records): its models load now, not on an agent's first 종료 click
        # (about 12 s for the crisis classifier on one core).
        await in_daemon_thread(screen_many, ["안녕하세요 문의드립니다"])
    except Exception:
        log.exception("loading the screening models failed (they load on first use)")


async def _warm_knowledge_index() -> None:
    try:
        await in_daemon_thread(_with_session, _warm_index)
    except Exception:
        log.exception("warming the knowledge index failed (it is built on first use)")


async def warm_up(hub: chat_hub.ChatHub, index: bool) -> None:
    """Load the screening models (and, with `index`, build the knowledge index) at start-up so
    that the first citizen does not wait for them; then settle the heap.

    Settling: everything alive after the warm-up (models, lexicons, the index, imported
    modules) lives as long as the process, yet CPython's full collections walk it again and
    again; under a 1,000-chat load each of those took 0.2-0.5 s with the event loop stopped,
    which was the whole tail of message delivery. `gc.freeze()` moves it out of the
    collector's sight, so later collections only walk what chats allocate. Once per process.
    """
    global _HEAP_SETTLED
    # The index build starts at once, beside the models: while it waited for them, the first
    # request that searched (a Q&A question's department suggestion) found the index free and
    # built it itself, 20 s on the demo.
    await asyncio.gather(_warm_screening(hub), *([_warm_knowledge_index()] if index else []))
    if not _HEAP_SETTLED:
        _HEAP_SETTLED = True
        gc.collect()
        gc.freeze()


# CPython collects its oldest generation whenever the objects promoted since the last full
# collection reach a quarter of those it holds. Two thousand open sockets are some 400,000
# objects, so under load a full collection came every few seconds and stopped every thread for
# 100-260 ms: the 250-300 ms delivery tails of a quiet run (bench_chat --only delivery).
NEVER = 1 << 30


def schedule_full_collections(interval: float) -> tuple[int, int, int]:
    """Full collections only when :func:`full_collections` runs them (`interval` > 0); the
    young generations are collected as before, so short-lived cycles still go at once.
    Returns the thresholds to put back when the runtime stops."""
    before = gc.get_threshold()
    if interval > 0:
        gc.set_threshold(before[0], before[1], NEVER)
    return before


async def full_collections(interval: float) -> None:
    """Every `interval` seconds, one full collection (the cycles that lived long enough to
    reach the oldest generation: a closed socket's, a finished chat's)."""
    while True:
        await asyncio.sleep(interval)
        gc.collect()


async def tick(hub: chat_hub.ChatHub) -> None:
    """Periodic duties: presence timing rules, offers that timed out, citizens who left or
    went quiet, then assignment."""
    await hub.run(chat_hub.sweep_presence)
    await hub.run(chat_hub.expire_offers)
    await hub.run(idle.sweep_citizens)
    await hub.run(overflow.sweep_overflow)
    await hub.run(chat_hub.sweep_snoozes)
    await hub.assign()


async def tick_loop(hub: chat_hub.ChatHub, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await tick(hub)
        except Exception:
            log.exception("periodic chat tick failed")


class Runtime:
    """Start and stop one process's chat machinery."""

    def __init__(self) -> None:
        settings = get_settings()
        self.hub = chat_hub.ChatHub(make_pubsub(settings.pubsub_url))
        self._interval = settings.chat_assign_interval
        self._full_gc = settings.chat_full_gc_seconds
        self._gc_before: tuple[int, int, int] | None = None
        self._warm_index = settings.chat_warm_index
        self._tasks: list[asyncio.Task[None]] = []
        self._warm: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        """True once the start-up warm-up (screening models, the knowledge index when asked,
        the heap settling) is over, whether it succeeded or not: before that the process
        answers, but its first requests pay for the warm-up (`/readyz`)."""
        return self._warm is not None and self._warm.done()

    def start(self) -> None:
        # The scheduler's jobs in this process (crisis escalation) publish through our pub/sub.
        register_process_bus(asyncio.get_running_loop(), self.hub.pubsub)
        if self._interval > 0:
            self._tasks.append(asyncio.create_task(tick_loop(self.hub, self._interval)))
        if self._full_gc > 0:
            self._gc_before = schedule_full_collections(self._full_gc)
            self._tasks.append(asyncio.create_task(full_collections(self._full_gc)))
        self._warm = asyncio.create_task(warm_up(self.hub, self._warm_index))
        self._tasks.append(self._warm)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._gc_before is not None:
            gc.set_threshold(*self._gc_before)
            self._gc_before = None
        unregister_process_bus(self.hub.pubsub)
        await self.hub.pubsub.close()
