"""Voice tests: a real gateway on 127.0.0.1 (free ports), real `sipp` as the caller and as the
agent's phone. Skipped only where sipp cannot be installed (`make test` installs it through
scripts/system-deps.sh)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from voice_helpers import (
    SIPP,
    SippResult,
    agent_phone,
    collect,
    publish_short_flow,
    run_sipp,
    voice_settings,
)

from dasan.chat.hub import agent_channel
from dasan.chat.pubsub import InMemoryPubSub
from dasan.db.models import Agent
from dasan.db.session import session_scope
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


@dataclass
class CallCenter:
    """A gateway with sipp agent phones, a sipp caller answered by the first agent, and each
    agent's CTI events (`events[i]` for `agents[i]`)."""

    gw: Gateway
    agents: list[int]
    events: list[asyncio.Queue[dict[str, Any]]]
    phones: list[asyncio.Task[SippResult]]
    caller: asyncio.Task[SippResult]
    cid: int


Phone = str | dict[str, Any]  # a scenario, or {"scenario": ..., **run_sipp keywords}


@pytest.fixture
def call_center(gateway_factory: Any, database_url: str) -> Any:
    """`await call_center(phone1, phone2, ..., caller=..., **gateway settings)`: the first
    agent (A0001) takes the call; the others (A0002, ...) are offline until it is answered,
    then available (to be transferred to, consulted, or added as interpreters)."""

    async def start(*phones: Phone, caller: Phone = "caller_talk_until_bye.xml",
                    **overrides: object) -> CallCenter:
        publish_short_flow(database_url)
        placed = [agent_phone(database_url, f"A{i + 1:04d}") for i in range(len(phones))]
        ids = [agent_id for agent_id, _ in placed]
        set_state(database_url, ids[1:], "offline")
        gw = await gateway_factory(**overrides)
        queues: list[asyncio.Queue[dict[str, Any]]] = []
        for agent_id in ids:
            queues.append(asyncio.Queue())
            await gw.pubsub.subscribe(agent_channel(agent_id), queues[-1])
        tasks = [asyncio.create_task(run_sipp(**_sipp(phone, gw.port), uas_port=port))
                 for phone, (_, port) in zip(phones, placed, strict=True)]
        caller_task = asyncio.create_task(run_sipp(**_sipp(caller, gw.port)))
        cid = (await collect(queues[0], "answered"))["consultation_id"]
        set_state(database_url, ids[1:], "available")
        return CallCenter(gw, ids, queues, tasks, caller_task, cid)

    return start


def _sipp(phone: Phone, port: int) -> dict[str, Any]:
    spec = {"scenario": phone} if isinstance(phone, str) else dict(phone)
    return {**spec, "target_port": port}


def set_state(url: str, agent_ids: list[int], state: str) -> None:
    if agent_ids:
        with session_scope(url) as s:
            s.execute(update(Agent).where(Agent.id.in_(agent_ids)).values(state=state))
