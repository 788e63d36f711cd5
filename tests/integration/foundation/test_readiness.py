"""Liveness and readiness: /healthz answers at once, /readyz only after the warm-up."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from dasan.config import get_settings


def test_readyz_answers_503_until_the_warm_up_is_over(  # type: ignore[no-untyped-def]
        app, monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.chat import runtime

    monkeypatch.setenv("DASAN_CHAT_WARM_INDEX", "false")
    monkeypatch.setenv("DASAN_CHAT_SCREEN_PROCESSES", "0")  # the warm-up screens in-process
    get_settings.cache_clear()
    gate = threading.Event()
    monkeypatch.setattr(runtime, "screen_many", lambda texts: gate.wait(10))
    try:
        with TestClient(app) as client:
            assert client.get("/healthz").status_code == 200
            warming = client.get("/readyz")
            assert warming.status_code == 503 and warming.json()["status"] == "warming_up"
            gate.set()  # the warm-up's screening step ends
            deadline = time.monotonic() + 10
            while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert client.get("/readyz").json()["status"] == "ready"
    finally:
        gate.set()
        get_settings.cache_clear()


def test_the_warm_up_builds_the_index_beside_the_models(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The index build does not wait for the screening models: while it did, the first
    request that searched found the index free and built it itself (20 s on the demo)."""
    import asyncio
    from types import SimpleNamespace

    from dasan.chat import runtime

    models, index_started = threading.Event(), threading.Event()
    monkeypatch.setattr(runtime, "screen_many", lambda texts: models.wait(10))
    monkeypatch.setattr(runtime, "_warm_index", lambda session: index_started.set())
    monkeypatch.setattr(runtime, "_HEAP_SETTLED", True)

    async def warm() -> bool:
        task = asyncio.create_task(runtime.warm_up(SimpleNamespace(screening=None), True))
        started = await asyncio.to_thread(index_started.wait, 5)
        models.set()
        await task
        return started

    try:
        assert asyncio.run(warm()), "the index build waited for the screening models"
    finally:
        models.set()
