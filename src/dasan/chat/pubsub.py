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

    def add(self, channel: str, queue: asyncio.Queue[Event]) -> bool:
        """Register; True when this is the channel's first local subscriber."""
        first = channel not in self._subs or not self._subs[channel]
        self._subs[channel].add(queue)
        return first

    def remove(self, channel: str, queue: asyncio.Queue[Event]) -> bool:
        """Unregister; True when the channel has no local subscriber left."""
        subs = self._subs.get(channel)
        if not subs:
            return False
        subs.discard(queue)
        if not subs:
            del self._subs[channel]
            return True
        return False

    def deliver(self, channel: str, event: Event) -> None:
        for queue in list(self._subs.get(channel, ())):
            queue.put_nowait(event)

    def channels(self) -> list[str]:
        return list(self._subs)


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

    One Redis connection publishes; one Redis PUBSUB connection per process carries every
    channel that has a local subscriber, and a reader task fans messages out locally.
    """

    PREFIX = "dasan:"

    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis

        self._url = url
        self._redis = aioredis.from_url(url)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._fanout = _LocalFanout()
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    async def publish(self, channel: str, event: Event) -> None:
        await self._redis.publish(self.PREFIX + channel, json.dumps(event, default=str))

    async def subscribe(self, channel: str, queue: asyncio.Queue[Event]) -> None:
        async with self._lock:
            if self._fanout.add(channel, queue):
                await self._pubsub.subscribe(self.PREFIX + channel)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read())

    async def unsubscribe(self, channel: str, queue: asyncio.Queue[Event]) -> None:
        async with self._lock:
            if self._fanout.remove(channel, queue):
                await self._pubsub.unsubscribe(self.PREFIX + channel)

    async def _read(self) -> None:
        while True:
            try:
                if not self._pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                msg = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:  # connection hiccup: log and keep reading
                log.exception("redis pub/sub read failed")
                await asyncio.sleep(0.5)
                continue
            if msg is None or msg.get("type") != "message":
                continue
            raw_channel = msg["channel"]
            channel = raw_channel.decode() if isinstance(raw_channel, bytes) else raw_channel
            try:
                event = json.loads(msg["data"])
            except (TypeError, ValueError):
                log.warning("dropping malformed pub/sub payload on %s", channel)
                continue
            self._fanout.deliver(channel.removeprefix(self.PREFIX), event)

    async def close(self) -> None:
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
