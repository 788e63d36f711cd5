"""The call records' cost per call, in CPU time (what holds the gateway's interpreter lock when
the records are written by threads of its process), measured apart from the SIP load so that
a loaded machine shifts it little (CPU seconds, not wall time).

Run: ``uv run --frozen python -m bench.bench_voice_records [--calls 200]`` (SQLite; with
``DASAN_TEST_POSTGRES_URL`` set, PostgreSQL too, and the server's CPU: its backends serving
the bench database, read from /proc).

Each call takes the gateway's record steps in its order: open, ARS exit, roster read, offer
claim, answer, end (with after-call work), end of the wrap-up.

* ``per-step`` (the peer: how the gateway wrote them before the record writer): each step in
  its own session and transaction, one after another.
* ``writer`` (what the gateway does now, ``dasan.voice.records``): the same steps through the
  single writer with `--inflight` calls at a time, so steps queue up and are written in
  batches.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, select

from dasan.db import session as db_session
from dasan.db.models import Agent, Queue
from dasan.db.session import session_scope
from dasan.voice import acd, calls
from dasan.voice.flows.engine import FlowResult

TRANSPORT = FlowResult(kind="queue", path=["menu", "key:1"], digits=["1"], queue="transport")


def _end_wrap_up(session: Any, agent_id: int, since: Any) -> Any:
    from dasan.presence import service as presence

    return presence.end_wrap_up(session, agent_id, since)


def agents(url: str) -> list[int]:
    with session_scope(url) as s:
        assert s.scalar(select(Queue.id).where(Queue.code == "transport")) is not None
        return list(s.scalars(select(Agent.id).order_by(Agent.id)))


def per_step(url: str, n: int, agent_ids: list[int]) -> None:
    def step(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with session_scope(url) as s:
            return fn(s, *args, **kwargs)

    for i in range(n):
        agent = agent_ids[i % len(agent_ids)]
        opened = step(calls.open_call, f"rec-{i}@bench", "01055550000", "120")
        step(calls.ars_done, opened.call_id, TRANSPORT, "default", 1, "PCMA")
        step(acd.candidates)
        assert step(calls.offered, opened.call_id, agent) is not None
        step(calls.answered, opened.call_id, agent, ("c.wav", "a.wav"))
        events = step(calls.ended, opened.call_id, "answered", "normal", talked_agent=agent,
                      wrap_up_seconds=0.0)
        if events:
            step(_end_wrap_up, agent, events[0].at)


async def through_writer(url: str, n: int, agent_ids: list[int], inflight: int) -> str:
    from dasan.voice.records import RecordWriter, batchable

    wrap = batchable(_end_wrap_up)
    writer = RecordWriter(url)
    await writer.start()
    free: asyncio.Queue[int] = asyncio.Queue()
    for agent_id in agent_ids[:inflight]:
        free.put_nowait(agent_id)

    async def one(i: int) -> None:
        agent = await free.get()  # one call per agent at a time, as the ACD rings them
        try:
            opened = await writer.run(calls.open_call, f"rec-{i}@bench", "01055550000", "120")
            writer.post(calls.ars_done, opened.call_id, TRANSPORT, "default", 1, "PCMA")
            await writer.run(acd.candidates)
            assert await writer.run(calls.offered, opened.call_id, agent) is not None
            writer.post(calls.answered, opened.call_id, agent, ("c.wav", "a.wav"))
            events = await writer.run(calls.ended, opened.call_id, "answered", "normal",
                                      talked_agent=agent, wrap_up_seconds=0.0)
            if events:
                await writer.run(wrap, agent, events[0].at)
        finally:
            free.put_nowait(agent)

    await asyncio.gather(*(one(i) for i in range(n)))
    await writer.close()
    st = writer.stats
    return f"{st.steps} steps in {st.batches} batches (mean {st.steps / max(1, st.batches):.1f})"


def main() -> None:
    from bench import wipe_postgres
    from bench.bench_voice import cpu_since, db_server_cpu, prepare_db

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--inflight", type=int, default=20)
    parser.add_argument("--mode", choices=("per-step", "writer", "both"), default="both")
    args = parser.parse_args()
    modes = ["per-step", "writer"] if args.mode == "both" else [args.mode]
    pg = os.environ.get("DASAN_TEST_POSTGRES_URL")
    databases = ["sqlite"] + (["postgresql"] if pg else [])
    print(f"call-record steps, {args.calls} calls each ({' and '.join(databases)}; load "
          f"average {os.getloadavg()[0]:.1f} at start on {os.cpu_count()} CPUs)")
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    for database in databases:
        for mode in modes:
            tmp = Path(tempfile.mkdtemp(prefix="dasan-records-bench-"))
            url = pg if database == "postgresql" and pg else f"sqlite:///{tmp / 'bench.db'}"
            wipe_postgres(url)
            os.environ["DASAN_DATABASE_URL"] = url
            db_session.reset_caches()
            prepare_db(url, max(args.inflight, 20), 5999)
            ids = agents(url)[:args.inflight]
            server0 = db_server_cpu(url)
            cpu0, wall0, n0 = time.process_time(), time.perf_counter(), statements[0]
            note = ""
            if mode == "per-step":
                per_step(url, args.calls, ids)
            else:
                note = asyncio.run(through_writer(url, args.calls, ids, args.inflight))
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            server = cpu_since(server0, db_server_cpu(url))
            print(f"{database:10} {mode:9} CPU {cpu * 1000 / args.calls:6.1f} ms per call "
                  f"(database server {server * 1000 / args.calls:5.1f} ms), wall "
                  f"{wall * 1000 / args.calls:6.1f} ms per call, "
                  f"{(statements[0] - n0) / args.calls:.1f} statements per call {note}")
            db_session.reset_caches()
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")

if __name__ == "__main__":
    main()
