"""Chat benchmark, floor part (called by `bench.bench_chat`): presence change and the
supervisor overview.

4. Presence change. A real uvicorn server (SQLite, in-process pub/sub, the default presence
   timers and tick); an agent's desktop socket takes a chat, then the socket is dropped; the
   figure is the time from the drop to the citizen's socket receiving the "re-queued" notice
   (grace period + tick + the release step). Target p99 < 5 s. Peer: the grace period alone
   (`DASAN_PRESENCE_AWAY_AFTER_CLOSE_SECONDS`), the floor any design with a reload grace has.
5. Supervisor overview at 1 M consultations (SQLite, and PostgreSQL when a URL is given):
   p50/p95 of `chat.desk.overview` over a history of 1 M closed consultations plus a live floor
   (waiting and live chats): counts from the floor counters (ADR 0010), lists from the
   open-contacts index. Peer: the overview as it was before the counters
   (`bench/peers/floor_overview_scan_v1.py`: counts by scanning, every waiting chat loaded) on
   the same database without the open-contacts index — the full scan. Target p95 < 300 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench import wipe_postgres
from dasan.config import PROJECT_ROOT

INDEX = "ix_consultations_status_queue_agent"


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def _prepare(url: str) -> None:
    from dasan.db import session as dbs
    from dasan.db.migrate import upgrade
    from dasan.demo import seed_org, seed_people

    wipe_postgres(url)
    upgrade(url)
    with dbs.session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=60)
    dbs.get_engine(url).dispose()


# --- 4. presence change ---------------------------------------------------------------------


async def _one_drop(base: str, ws_base: str, cookie: str) -> float:
    import websockets

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        r = await client.post("/api/chat/sessions", json={"language": "ko"})
        r.raise_for_status()
        cid, token = int(r.json()["consultation_id"]), str(r.json()["token"])
        agent = await websockets.connect(f"{ws_base}/api/chat/ws/agent",
                                         additional_headers={"Cookie": cookie})
        citizen = await websockets.connect(f"{ws_base}/api/chat/ws/citizen/{cid}")
        await citizen.send(json.dumps({"type": "auth", "token": token}))
        await client.post(f"/api/chat/sessions/{cid}/handoff",
                          headers={"X-Chat-Token": token})
        while True:  # the agent's desktop has the chat
            ev = json.loads(await asyncio.wait_for(agent.recv(), 30))
            if ev.get("type") == "assigned" and ev["consultation"]["id"] == cid:
                break
        await agent.send(json.dumps({"type": "ping"}))
        dropped = time.perf_counter()
        agent.transport.abort()  # the desktop dies without a goodbye
        while True:
            ev = json.loads(await asyncio.wait_for(citizen.recv(), 60))
            if ev.get("type") == "message" and (ev.get("flags") or {}).get("kind") == "requeued":
                took = time.perf_counter() - dropped
                break
        await client.post(f"/api/chat/sessions/{cid}/leave", headers={"X-Chat-Token": token})
        await citizen.close()
        return took


def bench_presence(trials: int) -> dict[str, Any]:
    from bench.bench_chat import free_port, wait_http
    from dasan.config import get_settings
    from dasan.web.server_options import server_command

    tmp = Path(tempfile.mkdtemp(prefix="dasan-bench-presence-"))
    url = f"sqlite:///{tmp / 'presence.db'}"
    _prepare(url)
    port = free_port()
    env = {**os.environ, "DASAN_DATABASE_URL": url, "DASAN_PUBSUB_URL": "memory://",
           "DASAN_CHAT_WARM_INDEX": "false", "DASAN_EMBEDDER": "none",
           "DASAN_CHAT_SESSIONS_PER_MINUTE": "1000000"}
    proc = subprocess.Popen(server_command(port),
                            env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    try:
        wait_http(base + "/readyz", proc)
        r = httpx.post(base + "/api/auth/login",
                       json={"username": "agent1", "password": "dasan1234!"})
        r.raise_for_status()
        cookie = "; ".join(f"{k}={v}" for k, v in r.cookies.items())
        times = [asyncio.run(_one_drop(base, ws_base, cookie)) for _ in range(trials)]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    st = get_settings()
    return {"times": times, "grace": st.presence_away_after_close_seconds,
            "tick": st.chat_assign_interval}


# --- 5. supervisor overview ----------------------------------------------------------------


def _history(url: str, n: int) -> None:
    """n closed consultations (batched inserts) and a live floor of waiting and live chats."""
    from sqlalchemy import insert, select, update

    from dasan.db.base import utcnow
    from dasan.db.models import Agent, Consultation, Queue
    from dasan.db.session import make_engine

    eng = make_engine(url)
    now = utcnow()
    with eng.begin() as c:
        queues = [q for q, in c.execute(select(Queue.id))]
        agents = [a for a, in c.execute(select(Agent.id))]
        c.execute(update(Agent).values(state="available"))
    rng = np.random.default_rng(120)
    batch = 50_000
    for start in range(0, n, batch):
        rows = []
        for i in range(start, min(n, start + batch)):
            t = now - timedelta(seconds=int(rng.integers(60, 365 * 86400)))
            rows.append({"channel": "phone" if i % 3 else "web", "started_at": t,
                         "queued_at": t, "answered_at": t, "ended_at": t, "status": "closed",
                         "outcome": "answered", "queue_id": queues[i % len(queues)],
                         "agent_id": agents[i % len(agents)], "language": "ko",
                         "priority": 0, "crisis": False, "created_at": t})
        with eng.begin() as c:
            c.execute(insert(Consultation), rows)
    floor = []
    for i in range(600):  # 300 waiting, 300 live
        t = now - timedelta(seconds=int(rng.integers(1, 900)))
        floor.append({"channel": "web", "started_at": t, "queued_at": t, "status": "open",
                      "outcome": "open", "queue_id": queues[i % len(queues)],
                      "agent_id": agents[i % len(agents)] if i % 2 else None,
                      "language": "ko", "priority": 0, "crisis": False, "created_at": t})
    with eng.begin() as c:
        c.execute(insert(Consultation), floor)
        # PostgreSQL's autovacuum analyses tables by itself; SQLite is never ANALYZEd by
        # Dasan (and its stat1 without histograms rates status = 'open' at half the table).
        if url.startswith("postgresql"):
            c.exec_driver_sql("ANALYZE consultations")
    eng.dispose()


def _time_overview(url: str, runs: int, peer: bool = False) -> list[float]:
    from bench.peers import floor_overview_scan_v1
    from dasan.chat import desk
    from dasan.db.session import new_session, reset_caches

    reset_caches()
    s = new_session(url)
    call = floor_overview_scan_v1.overview if peer else desk.overview
    try:
        call(s)  # warm
        out = []
        for _ in range(runs):
            t0 = time.perf_counter()
            call(s)
            out.append(time.perf_counter() - t0)
            s.rollback()
        return out
    finally:
        s.close()


def bench_overview(url: str, n: int, runs: int) -> dict[str, Any]:
    from dasan.db.session import make_engine

    os.environ["DASAN_DATABASE_URL"] = url
    from dasan.config import get_settings

    get_settings.cache_clear()
    _prepare(url)
    t0 = time.perf_counter()
    _history(url, n)
    built = time.perf_counter() - t0
    ours = _time_overview(url, runs)
    from dasan.db import floor_counters
    from dasan.db.session import new_session

    with new_session(url) as s:  # the counters are right, not just fast
        assert floor_counters.read(s) == floor_counters.scan_counts(s)
    eng = make_engine(url)
    with eng.begin() as c:
        c.exec_driver_sql(f"DROP INDEX {INDEX}")
        if url.startswith("postgresql"):
            c.exec_driver_sql("ANALYZE consultations")
    eng.dispose()
    peer = _time_overview(url, runs, peer=True)
    return {"ours": ours, "peer": peer, "build_seconds": built, "n": n}


def report(args: Any) -> None:
    if args.presence_trials > 0:
        _report_presence(args)
    _report_overview(args)


def _report_presence(args: Any) -> None:
    print(f"== 4. presence change: desktop socket dropped -> chat re-queued "
          f"({args.presence_trials} drops)")
    p = bench_presence(args.presence_trials)
    print(f"  dasan drop -> citizen told + re-queued: p50 {pct(p['times'], 50):.2f} s, "
          f"p99 {pct(p['times'], 99):.2f} s (target < 5 s)")
    print(f"  peer: the reload grace alone {p['grace']:.2f} s (+ tick up to {p['tick']:.1f} s)")


def _report_overview(args: Any) -> None:
    print(f"== 5. supervisor overview at {args.overview_rows:,} consultations "
          f"({args.overview_runs} calls)")
    tmp = Path(tempfile.mkdtemp(prefix="dasan-bench-floor-"))
    targets = [("SQLite", f"sqlite:///{tmp / 'floor.db'}")]
    if args.postgres_url:
        targets.append(("PostgreSQL", args.postgres_url))
    for name, url in targets:
        o = bench_overview(url, args.overview_rows, args.overview_runs)
        sys.stdout.flush()
        print(f"  {name}: history built in {o['build_seconds']:.0f} s")
        print(f"    dasan (floor counters):      p50 {pct(o['ours'], 50) * 1000:.1f} ms, "
              f"p95 {pct(o['ours'], 95) * 1000:.1f} ms (target < 300 ms)")
        print(f"    peer (old overview, scan):   p50 {pct(o['peer'], 50) * 1000:.1f} ms, "
              f"p95 {pct(o['peer'], 95) * 1000:.1f} ms; p95 ratio "
              f"{pct(o['peer'], 95) / max(pct(o['ours'], 95), 1e-9):.0f}x", flush=True)
