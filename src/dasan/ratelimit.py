"""Counters for rate limits and progressive lockouts, shared by every room that needs one.

In-process by default; when `DASAN_PUBSUB_URL` is a Redis URL the counters live in Redis, so
several workers (and several hosts) share them. Two shapes:

- `allow(key, limit, window)`: at most `limit` hits per fixed window of `window` seconds.
- `Lockout`: after `max_failures` consecutive failures a key is locked for `base_seconds`,
  doubling with every further failure (capped); a success clears it.
"""

from __future__ import annotations

import math
import threading
import time
from functools import lru_cache
from typing import Protocol

from dasan.errors import TooMany

PREFIX = "dasan:rl:"


class Store(Protocol):
    def incr(self, key: str, window: float) -> int:
        """Add one to `key` (created with a lifetime of `window` seconds); the new count."""

    def ttl(self, key: str) -> float:
        """Seconds until `key` expires (0 when absent)."""

    def put(self, key: str, value: int, ttl: float) -> None: ...

    def delete(self, *keys: str) -> None: ...


class MemoryStore:
    """One process's counters (a dict of value and expiry)."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> tuple[int, float] | None:
        item = self._data.get(key)
        if item is not None and item[1] <= now:
            del self._data[key]
            return None
        return item

    def incr(self, key: str, window: float) -> int:
        now = time.monotonic()
        with self._lock:
            item = self._live(key, now)
            value, expires = (item[0] + 1, item[1]) if item else (1, now + window)
            self._data[key] = (value, expires)
            if len(self._data) > 100_000:  # forget expired keys now and then
                for k in [k for k, (_v, e) in self._data.items() if e <= now]:
                    del self._data[k]
            return value

    def ttl(self, key: str) -> float:
        now = time.monotonic()
        with self._lock:
            item = self._live(key, now)
            return max(0.0, item[1] - now) if item else 0.0

    def put(self, key: str, value: int, ttl: float) -> None:
        with self._lock:
            self._data[key] = (value, time.monotonic() + ttl)

    def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class RedisStore:
    """Counters in Redis (INCR + PEXPIRE), shared by every worker."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def incr(self, key: str, window: float) -> int:
        pipe = self._redis.pipeline()
        pipe.incr(PREFIX + key)
        pipe.pexpire(PREFIX + key, max(1, int(window * 1000)), nx=True)
        value, _ = pipe.execute()
        return int(value)

    def ttl(self, key: str) -> float:
        ms = int(self._redis.pttl(PREFIX + key))
        return ms / 1000 if ms > 0 else 0.0

    def put(self, key: str, value: int, ttl: float) -> None:
        self._redis.set(PREFIX + key, value, px=max(1, int(ttl * 1000)))

    def delete(self, *keys: str) -> None:
        if keys:
            self._redis.delete(*(PREFIX + k for k in keys))


_memory = MemoryStore()


@lru_cache(maxsize=4)
def _redis_store(url: str) -> RedisStore:
    return RedisStore(url)


def store() -> Store:
    """Redis when the pub/sub runs on Redis (several workers), else this process's memory."""
    from dasan.config import get_settings

    url = get_settings().pubsub_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        return _redis_store(url)
    return _memory


def reset() -> None:
    """Forget every in-process counter (tests; a restart does the same)."""
    _memory.clear()


def allow(key: str, limit: int, window: float, *, backend: Store | None = None) -> bool:
    """Count a hit on `key`; False once more than `limit` hits fell in the current window."""
    return (backend or store()).incr(key, window) <= limit


def retry_after(key: str, *, backend: Store | None = None) -> int:
    """Whole seconds until the window or lock of `key` ends (at least 1)."""
    return max(1, math.ceil((backend or store()).ttl(key)))


class RateLimited(TooMany):
    """429 with the seconds to wait (the web layer sends them as Retry-After)."""

    def __init__(self, message: str, retry_after: int, code: str = "rate_limited") -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


def enforce(key: str, limit: int, window: float, what: str) -> None:
    """`allow()` or raise `RateLimited`."""
    if not allow(key, limit, window):
        raise RateLimited(f"too many {what}; try again later", retry_after(key))


class Lockout:
    """Progressive lockout: `max_failures` in a row lock a key, each further failure doubles
    the lock (up to `max_seconds`); failures are forgotten after `memory_seconds`."""

    def __init__(self, name: str, max_failures: int, base_seconds: float, *,
                 max_seconds: float = 3600.0, memory_seconds: float = 86400.0,
                 backend: Store | None = None) -> None:
        self.name = name
        self.max_failures = max_failures
        self.base_seconds = base_seconds
        self.max_seconds = max_seconds
        self.memory_seconds = memory_seconds
        self._backend = backend

    @property
    def backend(self) -> Store:
        return self._backend or store()

    def _keys(self, key: str) -> tuple[str, str]:
        return f"{self.name}:fail:{key}", f"{self.name}:lock:{key}"

    def locked_for(self, key: str) -> float:
        """Seconds the key stays locked (0: not locked)."""
        return self.backend.ttl(self._keys(key)[1])

    def failure(self, key: str) -> float:
        """Record a failure; returns the lock it caused in seconds (0: none yet)."""
        fail_key, lock_key = self._keys(key)
        n = self.backend.incr(fail_key, self.memory_seconds)
        if n < self.max_failures:
            return 0.0
        seconds = min(self.max_seconds, self.base_seconds * 2 ** (n - self.max_failures))
        self.backend.put(lock_key, 1, seconds)
        return seconds

    def success(self, key: str) -> None:
        self.backend.delete(*self._keys(key))
