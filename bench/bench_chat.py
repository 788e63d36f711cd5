"""Chat benchmark: concurrent sessions and message delivery latency, assistant
recommendation latency, and wrap-up summary quality.

Run: ``uv run python -m bench.bench_chat`` (``--quick`` for 200 sessions, a short run and the
small knowledge base; ``--only delivery``, ``--only floor`` or ``--only storm`` for one part).

1. Delivery. A real uvicorn server (one worker, SQLite, in-process pub/sub) holds N chat
   sessions, queued for an agent; each has two citizen WebSockets (a sender and a second tab
   that receives). Every sender posts a message every `period` seconds, cycling through the
   citizen turns of `bench/data/transcripts.jsonl` (the clean ones: an abusive turn would end
   the chat, which the abuse tests cover); delivery latency is from send to arrival on
   the other socket — persisted in the database, published and pushed — and ack latency is
   from send to the `ack` (which is only sent after the commit). Peer, same load generator and
   same client: a bare relay (the `websockets` library broadcasting to the other sockets of a
   room, no persistence, no checks) in its own process.
   Production shape, when `--postgres-url` and `--redis-url` are given (or
   DASAN_TEST_POSTGRES_URL / DASAN_TEST_REDIS_URL, which `make bench` sets): the same load on
   two uvicorn workers over PostgreSQL and Redis pub/sub, so a citizen's two sockets often sit
   on different workers and every delivery crosses Redis.
2. Assistant. p50/p99 of `assist.recommend.search` (live hybrid index, entry lookup with owner
   and review date) over the seed FAQ imported into a fresh database (or the small test KB
   with --quick or when ../shared is absent); peer: rank-bm25 `get_top_n` over kiwi tokens
   of the same titles, on the same queries.
3. Summaries. ROUGE-1/2/L F1 (kiwi morphemes as tokens) of the extractive summariser against
   hand-written reference summaries of `bench/data/transcripts.jsonl`, with lead-3 (the first
   three sentences, same sentence splitting and filtering) as the peer.
4./5. Presence change and the supervisor overview at 1 M consultations: see
   `bench/chat_floor.py` (``--only floor`` runs just those two).
6. Reconnect storm (``--only storm``; ``--storm-sockets``, default 2,000): every citizen and
   desktop socket of one server drops at once and reconnects at once; the checks of
   `bench/chat_storm.py` (nothing lost, duplicated or assigned twice) must pass, and the time
   until every citizen's resent message is acknowledged is printed. Peer, same run: a bare
   websockets relay taking the same storm with the same number of sockets (reconnect and one
   frame through each room).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench import wipe_postgres
from dasan.config import PROJECT_ROOT, default_shared_data, get_settings
from dasan.web.server_options import server_command

TRANSCRIPTS = PROJECT_ROOT / "bench" / "data" / "transcripts.jsonl"
SMALL_KB = PROJECT_ROOT / "tests" / "integration" / "chat" / "kb_small.json"
BODY = "기후동행카드 환불 문의드립니다. 잔여 기간은 어떻게 계산하나요?"


@functools.cache
def citizen_bodies() -> list[str]:
    """Clean citizen turns of the hand-written transcripts (BODY when there are none)."""
    from dasan.protection.screening import screen_many

    turns = [t["body"] for line in TRANSCRIPTS.read_text(encoding="utf-8").splitlines()
             if line.strip() for t in json.loads(line)["turns"] if t["sender"] == "citizen"]
    clean = [b for b, r in zip(turns, screen_many(turns), strict=True)
             if not r.is_abusive and not r.crisis]
    return clean or [BODY]

RELAY_CODE = r"""
import asyncio, sys
from collections import defaultdict
import websockets

rooms = defaultdict(set)

async def handler(ws):
    room = ws.request.path
    rooms[room].add(ws)
    try:
        async for msg in ws:
            for other in list(rooms[room]):
                if other is not ws:
                    try:
                        await other.send(msg)
                    except websockets.ConnectionClosed:
                        pass
    finally:
        rooms[room].discard(ws)

async def main():
    # no per-message compression, as Dasan's server (dasan.web.server_options)
    async with websockets.serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None,
                                compression=None):
        await asyncio.Future()

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def wait_http(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def wait_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("relay exited")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("relay did not come up")


# --- 1. delivery ------------------------------------------------------------------------------


@dataclass
class LoadResult:
    sessions: int
    open_at_end: int = 0
    sent: int = 0
    delivered: int = 0
    delivery: list[float] = field(default_factory=list)
    ack: list[float] = field(default_factory=list)
    connect_seconds: float = 0.0
    server_cpu_seconds: float | None = None  # the server's processes, during the load only
    steal_share: float = 0.0  # share of the machine's CPU time stolen by the host meanwhile


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its living descendants (Linux
    /proc; the screening processes are children of the server)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
        todo += children.get(p, [])
    return total


def cpu_steal() -> tuple[int, int]:
    """(steal, total) jiffies of the machine so far (Linux /proc/stat): time the hypervisor gave
    this virtual machine's CPUs to others. A latency figure measured while much was stolen
    says more about the host than about the server."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


async def run_load(urls: list[tuple[str, str]], duration: float, period: float,
                   with_ack: bool, tokens: list[str] | None = None,
                   server_pid: int | None = None) -> LoadResult:
    """`urls`: (sender URL, receiver URL) per session; `tokens`: the chat token each socket
    sends as its first frame (Dasan's citizen socket), None for the peer relay; `server_pid`:
    whose CPU (with its children) the load costs."""
    import websockets

    res = LoadResult(sessions=len(urls))
    bodies = citizen_bodies()
    sent_at: dict[str, float] = {}
    stop = asyncio.Event()
    t0 = time.perf_counter()
    sem = asyncio.Semaphore(50)

    async def open_ws(url: str, token: str | None) -> Any:
        async with sem:
            ws = await websockets.connect(url, max_queue=None, open_timeout=60,
                                          ping_interval=None)
            if token is not None:
                await ws.send(json.dumps({"type": "auth", "token": token}))
                # connected when the server has answered (its first frame, the chat's state):
                # the load starts on a server that finished opening every socket
                first = json.loads(await ws.recv())
                if first.get("type") != "state":
                    raise RuntimeError(f"the citizen socket answered {first!r}")
            return ws

    pairs = []
    for i in range(0, len(urls), 100):
        chunk = urls[i:i + 100]
        toks = tokens[i:i + 100] if tokens is not None else [None] * len(chunk)
        pairs += await asyncio.gather(*[asyncio.gather(open_ws(a, tok), open_ws(b, tok))
                                        for (a, b), tok in zip(chunk, toks, strict=True)])
    res.connect_seconds = time.perf_counter() - t0

    async def receiver(ws: Any) -> None:
        try:
            async for raw in ws:
                now = time.perf_counter()
                ev = json.loads(raw)
                ref = ev.get("client_msg_id")
                if ev.get("type") == "message" and ref in sent_at:
                    res.delivery.append(now - sent_at[ref])
                    res.delivered += 1
        except websockets.ConnectionClosed:
            pass

    async def sender(i: int, ws: Any) -> None:
        await asyncio.sleep(random.uniform(0, period))
        k = 0
        while not stop.is_set():
            ref = f"s{i}-{k}"
            k += 1
            body = bodies[(i * 7 + k) % len(bodies)]
            frame = json.dumps({"type": "message", "body": body, "client_msg_id": ref},
                               ensure_ascii=False)
            sent_at[ref] = time.perf_counter()
            await ws.send(frame)
            res.sent += 1
            await asyncio.sleep(period)

    async def acks(ws: Any) -> None:
        try:
            async for raw in ws:
                now = time.perf_counter()
                ev = json.loads(raw)
                if ev.get("type") == "ack" and ev.get("client_msg_id") in sent_at:
                    res.ack.append(now - sent_at[ev["client_msg_id"]])
        except websockets.ConnectionClosed:
            pass

    cpu0 = process_tree_cpu(server_pid) if server_pid else 0.0
    steal0 = cpu_steal()
    tasks = [asyncio.create_task(receiver(b)) for _a, b in pairs]
    tasks += [asyncio.create_task(sender(i, a)) for i, (a, _b) in enumerate(pairs)]
    if with_ack:
        tasks += [asyncio.create_task(acks(a)) for a, _b in pairs]
    await asyncio.sleep(duration)
    stop.set()
    await asyncio.sleep(min(5.0, period))  # let the last messages arrive
    if server_pid:
        res.server_cpu_seconds = process_tree_cpu(server_pid) - cpu0
    steal1 = cpu_steal()
    res.steal_share = (steal1[0] - steal0[0]) / max(1, steal1[1] - steal0[1])
    res.open_at_end = sum(1 for a, b in pairs if a.state.name == "OPEN" and b.state.name == "OPEN")
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*[w.close() for pair in pairs for w in pair], return_exceptions=True)
    return res


def prepare_db(url: str, kb: bool) -> None:
    from dasan.db import session as dbs
    from dasan.db.migrate import upgrade
    from dasan.demo import seed_org, seed_people

    wipe_postgres(url)
    upgrade(url)
    with dbs.session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=4)
        if kb:
            load_kb(s, quick=True)
    dbs.get_engine(url).dispose()


def open_sessions(base: str, n: int, db_url: str) -> list[tuple[int, str]]:
    """Open n chats over the API and put them in the queue (as after a handoff)."""
    from bench import chat_storm

    return chat_storm.queue_chats(base, db_url, n)


def start_relay(procs: list[subprocess.Popen[bytes]]) -> int:
    """Start the bare websockets relay (the peer) on a free port; returns the port."""
    port = free_port()
    procs.append(subprocess.Popen([sys.executable, "-c", RELAY_CODE, str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    wait_port(port, procs[-1])
    return port


def stop_processes(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def bench_delivery(sessions: int, duration: float, period: float, db_url: str | None = None,
                   pubsub_url: str = "memory://", workers: int = 1, with_peer: bool = True
                   ) -> dict[str, Any]:
    """Dasan's server (SQLite in a temporary directory unless `db_url`) under the load, then
    (with `with_peer`) the bare relay under the same load."""
    tmp = Path(tempfile.mkdtemp(prefix="dasan-bench-chat-"))
    db_url = db_url or f"sqlite:///{tmp / 'chat.db'}"
    prepare_db(db_url, kb=False)
    port = free_port()
    env = {**os.environ, "DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": pubsub_url,
           "DASAN_CHAT_ASSIGN_INTERVAL": "0", "DASAN_CHAT_WARM_INDEX": "0",
           "DASAN_EMBEDDER": "none", "DASAN_CHAT_SESSIONS_PER_MINUTE": "1000000"}
    log = (tmp / "server.log").open("wb")
    procs = [subprocess.Popen(
        server_command(port, workers=workers),
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)]
    peer = None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/readyz", procs[0])
        time.sleep(3.0 * (workers - 1))  # let every worker finish its start-up
        chats = open_sessions(base, sessions, db_url)
        ws = base.replace("http://", "ws://")
        ours_urls = [(f"{ws}/api/chat/ws/citizen/{cid}",
                      f"{ws}/api/chat/ws/citizen/{cid}") for cid, _ in chats]
        ours = asyncio.run(run_load(ours_urls, duration, period, with_ack=True,
                                    tokens=[tok for _, tok in chats], server_pid=procs[0].pid))
        if with_peer:
            relay_port = start_relay(procs)
            peer_urls = [(f"ws://127.0.0.1:{relay_port}/room/{cid}",
                          f"ws://127.0.0.1:{relay_port}/room/{cid}") for cid, _ in chats]
            peer = asyncio.run(run_load(peer_urls, duration, period, with_ack=False))
    finally:
        stop_processes(procs)
    return {"ours": ours, "peer": peer}


# --- 6. reconnect storm -----------------------------------------------------------------------


STORM_AGENTS, STORM_TABS = 8, 3  # 24 desktop sockets; the rest of the storm are citizens


def bench_storm(sockets: int, agents: int = STORM_AGENTS, tabs: int = STORM_TABS
                ) -> dict[str, Any]:
    from bench import chat_storm

    tmp = Path(tempfile.mkdtemp(prefix="dasan-bench-storm-"))
    db_url = f"sqlite:///{tmp / 'storm.db'}"
    prepare_db(db_url, kb=False)
    with_agents = _more_agents(db_url, agents)
    users = chat_storm.add_agent_logins(db_url, with_agents)
    citizens = sockets - len(users) * tabs
    port = free_port()
    env = {**os.environ, "DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": "memory://",
           "DASAN_CHAT_ASSIGN_INTERVAL": "1", "DASAN_CHAT_WARM_INDEX": "0",
           "DASAN_EMBEDDER": "none", "DASAN_CHAT_SESSIONS_PER_MINUTE": "1000000",
           "DASAN_CHAT_CITIZEN_GONE_SECONDS": "600"}
    log = (tmp / "server.log").open("wb")
    procs = [subprocess.Popen(
        server_command(port),
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)]
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/readyz", procs[0])
        chats = chat_storm.queue_chats(base, db_url, citizens)
        cookies = chat_storm.login_cookies(base, users)
        ours = asyncio.run(chat_storm.storm(base, db_url, chats, cookies, tabs=tabs))
        relay_port = start_relay(procs)
        peer = asyncio.run(chat_storm.relay_storm(f"ws://127.0.0.1:{relay_port}", sockets))
    finally:
        stop_processes(procs)
    return {"ours": ours, "peer_seconds": peer}


def _more_agents(db_url: str, n: int) -> int:
    """`prepare_db` seeds 4 agents; the storm wants `n` (each with a login)."""
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from dasan.db.models import Agent, AgentSkill

    engine = create_engine(db_url)
    with Session(engine) as s:
        have = s.scalar(select(func.count(Agent.id))) or 0
        template = s.scalar(select(Agent).order_by(Agent.id).limit(1))
        assert template is not None
        skills = list(s.scalars(select(AgentSkill).where(AgentSkill.agent_id == template.id)))
        for i in range(have, n):
            agent = Agent(employee_no=f"S{i:04d}", name=f"폭풍{i}", team_id=template.team_id,
                          max_chats=template.max_chats, state="offline")
            s.add(agent)
            s.flush()
            for sk in skills:
                s.add(AgentSkill(agent_id=agent.id, skill_id=sk.skill_id, level=sk.level))
        s.commit()
    engine.dispose()
    return n


def print_storm(r: dict[str, Any]) -> None:
    o = r["ours"]
    total = o.citizens + o.agent_sockets
    print(f"  dasan, 1 worker, SQLite: {total} sockets ({o.citizens} citizens, "
          f"{o.agent_sockets} desktop tabs), {o.assigned_before} live chats before, "
          f"{o.assigned_after} after")
    print(f"    all reconnected and every resend acked in {o.reconnect_seconds:.1f} s; ack "
          f"p50 {ms(pct(o.ack_latency, 50))}, p99 {ms(pct(o.ack_latency, 99))}")
    print(f"    desktops had their hello again after p50 {pct(o.hello_latency, 50):.1f} s, "
          f"max {max(o.hello_latency, default=0):.1f} s")
    print(f"    problems: {len(o.problems)}" + ("" if not o.problems else
          " — " + "; ".join(o.problems[:5])))
    print(f"  peer: bare websockets relay, same storm: {r['peer_seconds']:.1f} s "
          f"(ratio {o.reconnect_seconds / max(r['peer_seconds'], 1e-9):.1f}x)")


# --- 2. assistant -----------------------------------------------------------------------------


def load_kb(session: Any, quick: bool) -> str:
    """The seed FAQ (or the small test KB); returns a label."""
    from sqlalchemy import select

    from dasan.db.models import Agency, KbEntry

    data = default_shared_data()
    if not quick and data.is_dir():
        from dasan.knowledge.importer import import_seed_faq

        report = import_seed_faq(session, data)
        return f"seed FAQ ({report.created} entries)"
    agencies = {code: aid for aid, code in session.execute(select(Agency.id, Agency.code))}
    items = json.loads(SMALL_KB.read_text(encoding="utf-8"))
    for item in items:
        session.add(KbEntry(title=item["title"], category=item["category"],
                            owner_agency_id=agencies[item["owner"]], answer=item["answer"],
                            question_variants=item["question_variants"], status="published",
                            review_due=date(2031, 1, 31)))
    session.flush()
    return f"small test KB ({len(items)} entries)"


def bench_assistant(quick: bool) -> dict[str, Any]:
    from rank_bm25 import BM25Okapi
    from sqlalchemy import select

    from dasan.assist import recommend
    from dasan.db import session as dbs
    from dasan.db.migrate import upgrade
    from dasan.db.models import KbEntry
    from dasan.demo import seed_org
    from dasan.text.korean import tokens

    tmp = Path(tempfile.mkdtemp(prefix="dasan-bench-assist-"))
    url = f"sqlite:///{tmp / 'kb.db'}"
    upgrade(url)
    with dbs.session_scope(url) as s:
        seed_org(s)
        label = load_kb(s, quick)
    os.environ["DASAN_DATABASE_URL"] = url
    get_settings.cache_clear()
    dbs.reset_caches()
    s = dbs.new_session(url)
    titles = list(s.scalars(select(KbEntry.title).where(KbEntry.status == "published")))
    rng = random.Random(7)
    queries = [json.loads(line)["turns"][0]["body"]
               for line in TRANSCRIPTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    queries += rng.sample(titles, min(len(titles), 100 if quick else 300))
    t0 = time.perf_counter()
    recommend.search(s, "기후동행카드 환불", 3)  # build the index (and load the models)
    build = time.perf_counter() - t0
    ours: list[float] = []
    for q in queries:
        t = time.perf_counter()
        recommend.search(s, q, 3)
        ours.append(time.perf_counter() - t)
    s.close()
    bm25 = BM25Okapi([tokens(t) or ["_"] for t in titles])
    peer: list[float] = []
    for q in queries:
        t = time.perf_counter()
        bm25.get_top_n(tokens(q) or ["_"], titles, n=3)
        peer.append(time.perf_counter() - t)
    return {"kb": label, "queries": len(queries), "build_seconds": build, "ours": ours,
            "peer": peer}


# --- 3. summaries -----------------------------------------------------------------------------


def bench_summaries() -> dict[str, Any]:
    from rouge_score import rouge_scorer

    from dasan.assist.summary import Turn, extractive, lead
    from dasan.text.korean import tokens

    class KiwiTokenizer:
        def tokenize(self, text: str) -> list[str]:
            return tokens(text)

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=KiwiTokenizer())
    rows = [json.loads(line) for line in TRANSCRIPTS.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    out: dict[str, dict[str, list[float]]] = {"extractive": {}, "lead-3": {}}
    times: list[float] = []
    for row in rows:
        turns = [Turn(t["sender"], t["body"]) for t in row["turns"]]
        t = time.perf_counter()
        ours = extractive(turns, max_sentences=3, tagged=False)
        times.append(time.perf_counter() - t)
        for name, text in (("extractive", ours), ("lead-3", lead(turns, 3, tagged=False))):
            for metric, score in scorer.score(row["reference"], text).items():
                out[name].setdefault(metric, []).append(score.fmeasure)
    return {"n": len(rows), "scores": {k: {m: statistics.mean(v) for m, v in d.items()}
                                       for k, d in out.items()}, "latency": times}


# --- main -------------------------------------------------------------------------------------


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def print_load(name: str, r: LoadResult) -> None:
    print(f"  {name}: held {r.open_at_end}/{r.sessions} sessions, sent {r.sent}, "
          f"delivered {r.delivered}, p50 {ms(pct(r.delivery, 50))}, "
          f"p99 {ms(pct(r.delivery, 99))}, connect {r.connect_seconds:.1f} s")


def print_delivery(name: str, o: LoadResult, peer: LoadResult) -> None:
    print_load(name, o)
    lost = o.sent - o.delivered
    print(f"    ack after commit: p50 {ms(pct(o.ack, 50))}, p99 {ms(pct(o.ack, 99))}; "
          f"lost messages: {lost}; p99 target < 100 ms: "
          f"{'met' if pct(o.delivery, 99) < 0.1 else 'NOT met'}; "
          f"p99 ratio dasan/peer = {pct(o.delivery, 99) / max(pct(peer.delivery, 99), 1e-9):.1f}x")
    if o.server_cpu_seconds is not None and o.sent:
        print(f"    server CPU during the load: {o.server_cpu_seconds:.1f} s, "
              f"{o.server_cpu_seconds / o.sent * 1000:.1f} ms per message sent")
    print(f"    CPU stolen by the host during the load: {o.steal_share:.0%} (ours), "
          f"{peer.steal_share:.0%} (peer)")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="200 sessions, short run, small KB")
    ap.add_argument("--sessions", type=int, default=None)
    ap.add_argument("--duration", type=float, default=None, help="seconds of load")
    ap.add_argument("--period", type=float, default=10.0,
                    help="seconds between two messages of one session")
    ap.add_argument("--postgres-url", default=os.environ.get("DASAN_TEST_POSTGRES_URL"),
                    help="PostgreSQL database for the production-shaped run (it is wiped)")
    ap.add_argument("--redis-url", default=os.environ.get("DASAN_TEST_REDIS_URL"))
    ap.add_argument("--only", choices=("all", "delivery", "floor", "storm"), default="all",
                    help="delivery: only the delivery section; floor: only the presence-change "
                         "and supervisor-overview sections; storm: only the reconnect storm")
    ap.add_argument("--storm-sockets", type=int, default=2000,
                    help="sockets in the reconnect storm (citizens + 8 agents x 3 desktop tabs)")
    ap.add_argument("--presence-trials", type=int, default=20)
    ap.add_argument("--overview-rows", type=int, default=1_000_000)
    ap.add_argument("--overview-runs", type=int, default=40)
    args = ap.parse_args(argv)
    if args.only == "floor":
        from bench import chat_floor

        chat_floor.report(args)
        return 0
    if args.storm_sockets <= STORM_AGENTS * STORM_TABS:
        print(f"--storm-sockets must be more than the {STORM_AGENTS * STORM_TABS} desktop tabs",
              file=sys.stderr)
        return 2
    if args.only == "storm":
        print(f"== 6. reconnect storm: {args.storm_sockets} sockets drop and reconnect at once")
        print_storm(bench_storm(args.storm_sockets))
        return 0
    sessions = args.sessions or (200 if args.quick else 1000)
    duration = args.duration or (15.0 if args.quick else 40.0)
    if sessions < 1 or duration <= 0 or args.period <= 0:
        print("sessions, duration and period must be positive", file=sys.stderr)
        return 2

    print(f"== 1. delivery: {sessions} sessions x 2 sockets, one message per session every "
          f"{args.period:g} s for {duration:g} s")
    d = bench_delivery(sessions, duration, args.period)
    p = d["peer"]
    print_load("peer: bare websockets relay", p)
    print_delivery("dasan, 1 worker, SQLite, in-process pub/sub", d["ours"], p)
    if args.postgres_url and args.redis_url:
        prod = bench_delivery(sessions, duration, args.period, db_url=args.postgres_url,
                              pubsub_url=args.redis_url, workers=2, with_peer=False)
        print_delivery("dasan, 2 workers, PostgreSQL, Redis pub/sub", prod["ours"], p)
    else:
        print("  (production shape skipped: pass --postgres-url and --redis-url)")
    if args.only == "delivery":
        return 0

    print("== 2. assistant recommendation latency")
    a = bench_assistant(args.quick)
    print(f"  {a['kb']}, {a['queries']} queries, index build {a['build_seconds']:.1f} s")
    print(f"  dasan recommend (hybrid + DB lookup): p50 {ms(pct(a['ours'], 50))}, "
          f"p99 {ms(pct(a['ours'], 99))}")
    print(f"  peer rank-bm25 get_top_n:            p50 {ms(pct(a['peer'], 50))}, "
          f"p99 {ms(pct(a['peer'], 99))}; p50 ratio "
          f"{pct(a['ours'], 50) / max(pct(a['peer'], 50), 1e-9):.2f}x")

    print("== 3. summary quality (ROUGE F1, kiwi tokens)")
    sres = bench_summaries()
    for name, sc in sres["scores"].items():
        print(f"  {name:10s} R1 {sc['rouge1']:.3f}  R2 {sc['rouge2']:.3f}  RL {sc['rougeL']:.3f}")
    e, b = sres["scores"]["extractive"], sres["scores"]["lead-3"]
    print(f"  {sres['n']} transcripts; extractive/lead-3: R1 {e['rouge1'] / b['rouge1']:.2f}x, "
          f"R2 {e['rouge2'] / b['rouge2']:.2f}x, RL {e['rougeL'] / b['rougeL']:.2f}x; "
          f"summary p50 {ms(pct(sres['latency'], 50))}")
    from bench import chat_floor

    chat_floor.report(args)
    print(f"== 6. reconnect storm: {args.storm_sockets} sockets drop and reconnect at once")
    print_storm(bench_storm(args.storm_sockets))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
