from __future__ import annotations

import asyncio

import pytest
import redis.exceptions

from dasan.chat.pubsub import InMemoryPubSub, RedisPubSub, make_pubsub


async def test_memory_fanout_to_every_subscriber_and_unsubscribe() -> None:
    ps = InMemoryPubSub()
    a: asyncio.Queue[dict] = asyncio.Queue()
    b: asyncio.Queue[dict] = asyncio.Queue()
    await ps.subscribe("consult:1", a)
    await ps.subscribe("consult:1", b)
    await ps.subscribe("consult:2", b)
    await ps.publish("consult:1", {"type": "message", "seq": 1})
    await ps.publish("consult:2", {"type": "message", "seq": 7})
    assert a.get_nowait()["seq"] == 1
    assert [b.get_nowait()["seq"], b.get_nowait()["seq"]] == [1, 7]
    await ps.unsubscribe("consult:1", a)
    await ps.publish("consult:1", {"type": "message", "seq": 2})
    assert a.empty()
    assert b.get_nowait()["seq"] == 2


async def test_memory_events_are_plain_json() -> None:
    ps = InMemoryPubSub()
    q: asyncio.Queue[dict] = asyncio.Queue()
    await ps.subscribe("x", q)
    original = {"items": (1, 2)}
    await ps.publish("x", original)
    got = q.get_nowait()
    assert got == {"items": [1, 2]} and got is not original


def test_make_pubsub_rejects_unknown_urls() -> None:
    assert isinstance(make_pubsub("memory://"), InMemoryPubSub)
    with pytest.raises(ValueError, match="unsupported pub/sub URL"):
        make_pubsub("kafka://localhost")


@pytest.mark.redis
async def test_redis_delivers_between_two_connections(redis_url: str) -> None:
    one, two = RedisPubSub(redis_url), RedisPubSub(redis_url)
    try:
        q: asyncio.Queue[dict] = asyncio.Queue()
        await two.subscribe("consult:42", q)
        await asyncio.sleep(0.2)  # let the subscription reach the server
        await one.publish("consult:42", {"type": "message", "seq": 3, "body": "안녕하세요"})
        got = await asyncio.wait_for(q.get(), timeout=5)
        assert got == {"type": "message", "seq": 3, "body": "안녕하세요"}
        await two.unsubscribe("consult:42", q)
        await asyncio.sleep(0.2)
        await one.publish("consult:42", {"type": "message", "seq": 4})
        await asyncio.sleep(0.3)
        assert q.empty()
    finally:
        await one.close()
        await two.close()


@pytest.mark.redis
async def test_redis_a_burst_of_publishes_arrives_whole_and_in_order(redis_url: str) -> None:
    one, two = RedisPubSub(redis_url), RedisPubSub(redis_url)
    try:
        q: asyncio.Queue[dict] = asyncio.Queue()
        await two.subscribe("consult:7", q)
        await asyncio.sleep(0.2)
        # 3,000 chats' worth of publishes at once: one connection, the order they were made in
        await asyncio.gather(*[one.publish("consult:7", {"seq": i}) for i in range(3000)])
        got = [(await asyncio.wait_for(q.get(), timeout=5))["seq"] for _ in range(3000)]
        assert got == list(range(3000))
    finally:
        await one.close()
        await two.close()


async def test_redis_unreachable_fails_every_waiting_publisher() -> None:
    ps = RedisPubSub("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        results = await asyncio.gather(*[ps.publish("consult:1", {"seq": i}) for i in range(3)],
                                       return_exceptions=True)
        assert len(results) == 3 and all(isinstance(r, redis.exceptions.ConnectionError) for r in results)
    finally:
        await ps.close()


@pytest.mark.redis
async def test_a_job_thread_publishes_through_redis(redis_url: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`dasan worker`'s jobs (crisis escalation) have no web process to publish through: their
    events go to Redis, and a web process's subscriber gets them whole and in order."""
    import uuid

    from dasan.chat import pubsub

    monkeypatch.setattr(pubsub, "_PROCESS_BUS", None)  # a worker process: no chat runtime
    channel = f"crisis-test-{uuid.uuid4().hex}"  # the test Redis is shared: no crosstalk
    web = RedisPubSub(redis_url)
    try:
        q: asyncio.Queue[dict] = asyncio.Queue()
        await web.subscribe(channel, q)  # returns once Redis confirmed the subscription
        events = [(channel, {"type": "crisis_escalation", "alert_id": i, "kind": "suicide"})
                  for i in range(3)]
        sent = await asyncio.to_thread(pubsub.publish_from_thread, events, redis_url)
        assert sent == 3
        got = [await asyncio.wait_for(q.get(), timeout=5) for _ in range(3)]
        assert got == [e for _, e in events]
    finally:
        await web.close()


async def test_a_job_thread_without_redis_publishes_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.chat import pubsub

    monkeypatch.setattr(pubsub, "_PROCESS_BUS", None)
    events = [("crisis", {"type": "crisis_escalation", "alert_id": 1})]
    assert await asyncio.to_thread(pubsub.publish_from_thread, events, "memory://") == 0
    assert await asyncio.to_thread(pubsub.publish_from_thread, [], "memory://") == 0


async def test_a_job_thread_in_the_web_process_publishes_through_its_bus(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.chat import pubsub

    bus = InMemoryPubSub()
    q: asyncio.Queue[dict] = asyncio.Queue()
    await bus.subscribe("crisis", q)
    monkeypatch.setattr(pubsub, "_PROCESS_BUS", None)
    pubsub.register_process_bus(asyncio.get_running_loop(), bus)
    try:
        event = {"type": "crisis_escalation", "alert_id": 9}
        assert await asyncio.to_thread(pubsub.publish_from_thread, [("crisis", event)],
                                       "redis://127.0.0.1:1/0") == 1  # the bus, not the URL
        assert await asyncio.wait_for(q.get(), timeout=5) == event
    finally:
        pubsub.unregister_process_bus(bus)
