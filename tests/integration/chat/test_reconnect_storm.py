"""Issue 11, bad input: a reconnect storm against a real server process. Every citizen and
agent socket (72 citizens and 24 desktop tabs) drops at once (TCP aborted, no close frame) and
reconnects at once; no chat is lost, none duplicated, none assigned twice (the checks:
`bench/chat_storm.py`). The 2,000-socket scale is the benchmark's
(`python -m bench.bench_chat --only storm`); this test keeps the same checks at a size the
suite can afford, with three times as many citizens as the desktops can hold."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from chat_helpers import free_port, prepare_database, start_server, stop_server

from dasan.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT))  # the storm driver is shared with the benchmark
from bench import chat_storm  # noqa: E402

CITIZENS = int(os.environ.get("DASAN_STORM_CITIZENS", "72"))
AGENTS, TABS = 8, 3  # 24 desktop sockets; 8 agents x 3 chats are live, the rest wait


def test_a_reconnect_storm_loses_duplicates_and_double_assigns_nothing(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'storm.db'}"
    prepare_database(db_url)
    users = chat_storm.add_agent_logins(db_url, AGENTS)
    assert len(users) == AGENTS
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": "memory://",
           "DASAN_EMBEDDER": "none", "DASAN_CHAT_ASSIGN_INTERVAL": "1",
           "DASAN_CHAT_SESSIONS_PER_MINUTE": "100000"}
    server = start_server(port, env, tmp_path / "storm.log")
    try:
        chats = chat_storm.queue_chats(base, db_url, CITIZENS)
        cookies = chat_storm.login_cookies(base, users)
        res = asyncio.run(chat_storm.storm(base, db_url, chats, cookies, tabs=TABS))
    finally:
        stop_server(server)
    assert res.problems == [], "\n".join(res.problems[:20])
    assert res.assigned_before == AGENTS * 3  # the storm found a full floor
    assert res.assigned_after == AGENTS * 3
    assert len(res.ack_latency) == CITIZENS
