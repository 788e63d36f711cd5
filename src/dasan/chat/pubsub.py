"""Pub/sub for live chat events, behind one small interface.

`InMemoryPubSub` fans events out inside one process (laptop, tests); `RedisPubSub` carries them
between API workers through Redis. Events are JSON-serialisable dicts. Subscribers hand in an
`asyncio.Queue`; one queue may listen to many channels (an agent's desktop listens to its own
channel and to each of its consultations).

Pub/sub is only the delivery path: every chat message is persisted in the database before it
is published, so a subscriber that missed an event reads it back with `after_seq`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any, Protocol

log = logging.getLogger(__name__)

Event = dict[str, Any]


class PubSub(Protocol):
    async def publish(self, channel: str, event: Event) -> None: ...

    async def subscribe(self, channel: str, queue: asyncio.Queue[Event]) -> None: ...

    async def unsubscribe(self, channel: str, queue: asyncio.Queue[Event]) -> None: ...

    async def close(self) -> None: ...


class _LocalFanout:
    """Channel -> local subscriber queues (shared by both implementations)."""

    def __init__(self) -> None:
        self._subs: dict[str, set[asyncio.Queue[Event]]] = defaultdict(set)

    def add(self, channel: str, queue: asyncio.Queue[Event]) -> None:
        self._subs[channel].add(queue)

    def remove(self, channel: str, queue: asyncio.Queue[Event]) -> None:
        subs = self._subs.get(channel)
        if subs is None:
            return
        subs.discard(queue)
        if not subs:
            del self._subs[channel]

    def has(self, channel: str) -> bool:
        return bool(self._subs.get(channel))

    def deliver(self, channel: str, event: Event) -> None:
        for queue in list(self._subs.get(channel, ())):
            queue.put_nowait(event)


class InMemoryPubSub:
    """Single-process pub/sub (`memory://`)."""

    def __init__(self) -> None:
        self._fanout = _LocalFanout()

    async def publish(self, channel: str, event: Event) -> None:
        # Round-trip through JSON so both implementations deliver the same shapes.
        self._fanout.deliver(channel, json.loads(json.dumps(event, default=str)))

    async def subscribe(self, channel: str, queue: asyncio.Queue[Event]) -> None:
        self._fanout.add(channel, queue)

    async def unsubscribe(self, channel: str, queue: asyncio.Queue[Event]) -> None:
        self._fanout.remove(channel, queue)

    async def close(self) -> None:
        return None


class RedisPubSub:
    """Pub/sub across processes through Redis (`redis://host:port/db`).

    Each process listens once, to the pattern `dasan:*`, on one Redis PUBSUB connection, and a
    reader task fans what arrives out to the local subscribers of each channel (events for
    channels nobody here listens to are dropped). Subscribing is therefore local and instant:
    a Redis command per chat socket, serialised on the one PUBSUB connection, made thousands of
    citizens who connected at once wait seconds before their first message was read. The cost
    is that every process receives every event, which a contact center's event rate (tens a
    second) makes negligible for a handful of workers.

    Publishing goes through one writer task: `publish` queues the event and waits until it
    is on Redis; the writer sends whatever queued meanwhile as one pipeline. That keeps a
    single connection however many chats publish at once (a connection per concurrent
    publish exhausted the pool at 100 messages a second), and keeps the order of events as
    they were published, which several connections would not.
    """

    PREFIX = "dasan:"

    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis

        self._url = url
        self._redis = aioredis.from_url(url)
        self._pubsub = self._redis.pubsub()
        self._fanout = _LocalFanout()
        self._reader: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._lock = asyncio.Lock()
        self._outbox: list[tuple[str, str, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    async def publish(self, channel: str, event: Event) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._outbox.append((self.PREFIX + channel, json.dumps(event, default=str), done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self._outbox:
            batch, self._outbox = self._outbox[:500], self._outbox[500:]
            try:
                pipe = self._redis.pipeline(transaction=False)
                for channel, payload, _ in batch:
                    pipe.publish(channel, payload)
                await pipe.execute()
            except Exception as exc:  # every waiting publisher learns it failed
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, _, done in batch:
                if not done.done():
                    done.set_result(None)

    async def subscribe(self, channel: str, queue: asyncio.Queue[Event]) -> None:
        """From when this returns, every event published on `channel` reaches `queue`."""
        self._fanout.add(channel, queue)
        if not self._listening.is_set():
            await self._listen()

    async def _listen(self) -> None:
        async with self._lock:
            if self._reader is None or self._reader.done():
                await self._pubsub.psubscribe(self.PREFIX + "*")
                self._reader = asyncio.create_task(self._read())
        # Redis confirms the pattern subscription on the PUBSUB connection; the reader sees it.
        await asyncio.wait_for(self._listening.wait(), timeout=10)

    async def unsubscribe(self, channel: str, queue: asyncio.Queue[Event]) -> None:
        self._fanout.remove(channel, queue)

    async def _read(self) -> None:
        while True:
            try:
                msg = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:  # connection hiccup: log and keep reading (redis-py resubscribes)
                log.exception("redis pub/sub read failed")
                await asyncio.sleep(0.5)
                continue
            if msg is None:
                continue
            if msg.get("type") == "psubscribe":
                self._listening.set()
                continue
            if msg.get("type") != "pmessage":
                continue
            raw_channel = msg["channel"]
            channel = raw_channel.decode() if isinstance(raw_channel, bytes) else raw_channel
            channel = channel.removeprefix(self.PREFIX)
            if not self._fanout.has(channel):
                continue
            try:
                event = json.loads(msg["data"])
            except (TypeError, ValueError):
                log.warning("dropping malformed pub/sub payload on %s", channel)
                continue
            self._fanout.deliver(channel, event)

    async def close(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        with contextlib.suppress(Exception):
            await self._pubsub.aclose()
        with contextlib.suppress(Exception):
            await self._redis.aclose()


def make_pubsub(url: str) -> InMemoryPubSub | RedisPubSub:
    """The implementation for `pubsub_url`: `memory://` or `redis://...`."""
    if url.startswith("memory://") or url == "memory":
        return InMemoryPubSub()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisPubSub(url)
    raise ValueError(f"unsupported pub/sub URL {url!r}: use memory:// or redis://host:port/db")


# --- publishing from a thread outside the event loop (the scheduler's jobs) --------------------

_PROCESS_BUS: tuple[asyncio.AbstractEventLoop, PubSub] | None = None


def register_process_bus(loop: asyncio.AbstractEventLoop, pubsub: PubSub) -> None:
    """The web process's chat runtime offers its pub/sub to jobs running in other threads of
    the same process (`dasan demo` runs the scheduler in a thread beside the server)."""
    global _PROCESS_BUS
    _PROCESS_BUS = (loop, pubsub)


def unregister_process_bus(pubsub: PubSub) -> None:
    global _PROCESS_BUS
    if _PROCESS_BUS is not None and _PROCESS_BUS[1] is pubsub:
        _PROCESS_BUS = None


async def _publish_all(pubsub: PubSub, events: list[tuple[str, Event]]) -> None:
    for channel, event in events:
        await pubsub.publish(channel, event)


def publish_from_thread(events: list[tuple[str, Event]], url: str | None = None) -> int:
    """Publish `events` from synchronous code; the number published.

    Inside a web process: through its running pub/sub (so in-memory subscribers get them).
    Elsewhere (`dasan worker`): through Redis when `DASAN_PUBSUB_URL` is ``redis://``; with
    ``memory://`` a separate process cannot reach any socket, so nothing is published (the
    state is in the database and supervisors see it when their page connects)."""
    if not events:
        return 0
    bus = _PROCESS_BUS
    if bus is not None and bus[0].is_running():
        future = asyncio.run_coroutine_threadsafe(_publish_all(bus[1], events), bus[0])
        future.result(timeout=10)
        return len(events)
    if url is None:
        from dasan.config import get_settings

        url = get_settings().pubsub_url
    pubsub = make_pubsub(url)
    if isinstance(pubsub, InMemoryPubSub):
        log.warning("%d live event(s) not delivered: no web process here and pub/sub is "
                    "memory:// (set DASAN_PUBSUB_URL=redis://... for `dasan worker`)", len(events))
        return 0

    async def run() -> None:
        try:
            await _publish_all(pubsub, events)
        finally:
            await pubsub.close()

    asyncio.run(run())
    return len(events)
