"""Rate limits and progressive lockouts, in process and on Redis (shared by workers)."""

from __future__ import annotations

import time
import uuid

import pytest

from dasan import ratelimit


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> ratelimit.Store:
    if request.param == "memory":
        return ratelimit.MemoryStore()
    import os

    url = os.environ.get("DASAN_TEST_REDIS_URL")
    if not url:
        pytest.skip("DASAN_TEST_REDIS_URL not set")
    return ratelimit.RedisStore(url)


@pytest.fixture
def ns() -> str:
    """A key namespace of this test's own, so tests never share a Redis key. With fixed names
    and a clean-up in the fixture, two tests running at once could reset each other's counter:
    the likely cause of a CI run where a lockout counter restarted in the middle of a test."""
    return f"t{uuid.uuid4().hex[:12]}"


def test_allow_counts_hits_per_window(backend: ratelimit.Store, ns: str) -> None:
    hits = [ratelimit.allow(f"{ns}:win", 3, 60, backend=backend) for _ in range(5)]
    assert hits == [True, True, True, False, False]
    assert 1 <= ratelimit.retry_after(f"{ns}:win", backend=backend) <= 60
    backend.delete(f"{ns}:win")
    assert ratelimit.allow(f"{ns}:win", 3, 60, backend=backend)


def test_window_expires(backend: ratelimit.Store, ns: str) -> None:
    assert ratelimit.allow(f"{ns}:win", 1, 0.2, backend=backend)
    assert not ratelimit.allow(f"{ns}:win", 1, 0.2, backend=backend)
    time.sleep(0.35)
    assert ratelimit.allow(f"{ns}:win", 1, 0.2, backend=backend)


def test_lockout_starts_at_max_failures_and_doubles(backend: ratelimit.Store, ns: str) -> None:
    lock = ratelimit.Lockout(ns, max_failures=3, base_seconds=10, backend=backend)
    assert [lock.failure("k") for _ in range(2)] == [0.0, 0.0]
    assert lock.locked_for("k") == 0
    assert lock.failure("k") == 10
    assert 0 < lock.locked_for("k") <= 10
    assert lock.failure("k") == 20
    assert lock.failure("k") == 40
    lock.success("k")
    assert lock.locked_for("k") == 0 and lock.failure("k") == 0.0


def test_lockout_is_capped(backend: ratelimit.Store, ns: str) -> None:
    lock = ratelimit.Lockout(ns, max_failures=1, base_seconds=100, max_seconds=150,
                             backend=backend)
    assert lock.failure("k") == 100
    assert lock.failure("k") == 150
    assert lock.failure("k") == 150


def test_enforce_raises_429_with_retry_after() -> None:
    ratelimit.reset()  # enforce() uses the process store (no Redis configured here)
    ratelimit.enforce("e", 1, 30, "things")
    with pytest.raises(ratelimit.RateLimited) as exc:
        ratelimit.enforce("e", 1, 30, "things")
    assert exc.value.status == 429 and 1 <= exc.value.retry_after <= 30
    ratelimit.reset()


def test_enforce_counts_each_key_apart_and_names_what_was_limited() -> None:
    ratelimit.reset()
    ratelimit.enforce("e:a", 1, 30, "chats")
    ratelimit.enforce("e:b", 1, 30, "chats")  # another key has its own count
    with pytest.raises(ratelimit.RateLimited) as exc:
        ratelimit.enforce("e:a", 1, 30, "chats")
    assert exc.value.code == "rate_limited" and "too many chats" in str(exc.value)
    assert exc.value.retry_after >= 29  # the key's own window, not a floor of 1
    ratelimit.reset()


def test_memory_ttl_is_fractional_and_retry_after_rounds_up_to_one() -> None:
    store = ratelimit.MemoryStore()
    store.put("k", 1, 0.5)
    assert 0 < store.ttl("k") < 1
    assert ratelimit.retry_after("k", backend=store) == 1
    assert store.ttl("absent") == 0.0
    store.delete("absent", "k")  # deleting a missing key is fine
    assert store.ttl("k") == 0.0


def test_lockouts_are_named_kept_on_their_backend_and_default_to_an_hour() -> None:
    ratelimit.reset()
    mine = ratelimit.MemoryStore()
    a = ratelimit.Lockout("a", max_failures=1, base_seconds=10, backend=mine)
    b = ratelimit.Lockout("b", max_failures=1, base_seconds=10, backend=mine)
    assert a.failure("k") == 10
    assert a.locked_for("k") > 0 and b.locked_for("k") == 0  # names keep lockouts apart
    assert mine.ttl("a:lock:k") > 0 and ratelimit.store().ttl("a:lock:k") == 0
    assert (a.max_seconds, a.memory_seconds) == (3600.0, 86400.0)
    big = ratelimit.Lockout("c", max_failures=1, base_seconds=10_000, backend=mine)
    assert big.failure("k") == 3600.0


def test_a_stored_ttl_reads_back_in_seconds(backend: ratelimit.Store, ns: str) -> None:
    # A lockout of 1,000 s reads back as 1,000 s (less the moments that passed), on both stores.
    backend.put(f"{ns}:lock:k", 1, 1000)
    assert 999.5 < backend.ttl(f"{ns}:lock:k") <= 1000.0
    backend.delete(f"{ns}:lock:k")
    assert backend.ttl(f"{ns}:lock:k") == 0.0
