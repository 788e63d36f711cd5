"""Voice tests: a real gateway on 127.0.0.1 (free ports), real `sipp` as the caller and as the
agent's phone. Skipped only where sipp cannot be installed (`make test` installs it through
scripts/system-deps.sh)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from voice_helpers import SIPP, voice_settings

from dasan.chat.pubsub import InMemoryPubSub
from dasan.voice.gateway import Gateway


@pytest.fixture
def sipp() -> str:
    if SIPP is None:
        pytest.skip("sipp is not installed (Debian sip-tester: scripts/system-deps.sh)")
    return SIPP


@pytest.fixture
async def gateway_factory(tmp_path: Path, sipp: str, database_url: str
                          ) -> AsyncIterator[object]:
    started: list[Gateway] = []

    async def make(**overrides: object) -> Gateway:
        gw = Gateway(voice_settings(tmp_path, **overrides), InMemoryPubSub(), database_url)
        await gw.start()
        started.append(gw)
        return gw

    yield make
    for gw in started:
        await gw.stop()
