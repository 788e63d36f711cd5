"""Reconnect storm (issue 11, "bad input"): every citizen and agent socket of a real server drops
at once and reconnects at once. Nothing may be lost, duplicated or assigned twice.

Used by `tests/integration/chat/test_reconnect_storm.py` (a few hundred sockets) and by
`python -m bench.bench_chat --only storm` (2,000 sockets, with a bare websockets relay taking
the same storm as the peer).

The storm: N chats waiting in the queue, a citizen socket on each, `tabs` desktop sockets for
each of the logged-in agents; the server assigns what the agents can hold. Every citizen sends
a message and waits for its ack. Then every socket's TCP connection is aborted (no close
frame, as when a network drops) and all reconnect together: a citizen resumes after the last
seq it saw and sends a new message twice with one `client_msg_id` (a client that does not know
whether the first went through); each desktop gets its `hello` again. Checked afterwards:

* no chat lost: every chat still open, every message acknowledged, every citizen got every
  message of its chat, with no seq twice on a connection or across the resume;
* none duplicated: one stored message per `client_msg_id`;
* none assigned twice: the chats each desktop holds (its `hello` plus `assigned`, minus
  `unassigned`) are disjoint across agents, equal the database, and within `max_chats`; the
  agent holding a chat got the citizen's post-storm message;
* the floor counters still equal a full scan.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

DEMO_PASSWORD = "dasan1234!"
GUARD = 180.0
HEARTBEAT = 10.0  # the desktop's ping interval (`DASAN_PRESENCE_HEARTBEAT_SECONDS`)


@dataclass
class StormResult:
    citizens: int
    agent_sockets: int
    assigned_before: int = 0
    assigned_after: int = 0
    reconnect_seconds: float = 0.0  # from the drop until every citizen's resend was acked
    ack_latency: list[float] = field(default_factory=list)
    hello_latency: list[float] = field(default_factory=list)  # desktops, from the drop
    problems: list[str] = field(default_factory=list)


def add_agent_logins(db_url: str, n: int) -> list[str]:
    """Usernames of up to `n` agents that can log in (demo agents first, then new logins for
    the seeded agents without one)."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from dasan.auth import create_user
    from dasan.db.models import Agent, User

    engine = create_engine(db_url)
    names: list[str] = []
    with Session(engine) as s:
        for agent in s.scalars(select(Agent).order_by(Agent.id)):
            if len(names) >= n:
                break
            if agent.user_id is None:
                user = create_user(s, f"storm-{agent.employee_no.lower()}", DEMO_PASSWORD,
                                   "agent", display_name=agent.name)
                s.flush()
                agent.user_id = user.id
                names.append(user.username)
            else:
                existing = s.get(User, agent.user_id)
                assert existing is not None
                names.append(existing.username)
        s.commit()
    engine.dispose()
    return names


def queue_chats(base: str, db_url: str, n: int) -> list[tuple[int, str]]:
    """Open `n` chats over the API and put them in the general queue (as after a handoff)."""
    from sqlalchemy import create_engine, update

    from dasan.db.base import utcnow
    from dasan.db.models import Consultation, Queue

    out: list[tuple[int, str]] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(n):
            r = client.post("/api/chat/sessions", json={"language": "ko"})
            r.raise_for_status()
            out.append((int(r.json()["consultation_id"]), str(r.json()["token"])))
    engine = create_engine(db_url)
    with engine.begin() as conn:
        q = conn.execute(Queue.__table__.select().where(Queue.code == "general")).first()
        assert q is not None
        conn.execute(update(Consultation).where(Consultation.id.in_([c for c, _ in out]))
                     .values(queue_id=q.id, queued_at=utcnow(), channel="web"))
    engine.dispose()
    return out


def login_cookies(base: str, usernames: Sequence[str]) -> list[str]:
    cookies = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for name in usernames:
            r = client.post("/api/auth/login", json={"username": name, "password": DEMO_PASSWORD})
            r.raise_for_status()
            cookies.append("; ".join(f"{k}={v}" for k, v in r.cookies.items()))
            client.cookies.clear()
    return cookies


class _Conn:
    """One socket with a reader that keeps every event."""

    def __init__(self) -> None:
        self.ws: Any = None
        self.events: list[dict[str, Any]] = []
        self.changed = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def open(self, url: str, headers: dict[str, str] | None = None) -> None:
        import websockets

        self.ws = await websockets.connect(url, additional_headers=headers, max_queue=None,
                                           open_timeout=GUARD, ping_interval=None)
        self.events = []
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        import websockets

        try:
            async for raw in self.ws:
                self.events.append(json.loads(raw))
                self.changed.set()
        except websockets.ConnectionClosed:
            pass

    def drop(self) -> None:
        """Abort the TCP connection: no close frame, as when the network goes."""
        self.ws.transport.abort()
        if self.task is not None:
            self.task.cancel()

    async def wait_for(self, pred: Any, deadline: float) -> dict[str, Any]:
        seen = 0
        while True:
            for ev in self.events[seen:]:
                if pred(ev):
                    return ev
            seen = len(self.events)
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("event never came")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout=min(left, 1.0))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            self.task.cancel()


def _msg_seqs(events: list[dict[str, Any]]) -> list[int]:
    return [int(e["seq"]) for e in events if e.get("type") == "message"]


def desktop_view(events: list[dict[str, Any]]) -> set[int]:
    """The chats a desktop shows, by its own frames (as the desktop's script keeps them)."""
    held: set[int] = set()
    for e in events:
        kind = e.get("type")
        if kind == "hello":
            held = {int(c["id"]) for c in e["chats"]}
        elif kind == "assigned":
            held.add(int(e["consultation"]["id"]))
        elif kind == "unassigned":
            held.discard(int(e["consultation_id"]))
        elif kind == "snoozed":
            held.discard(int(e["consultation"]["id"]))
    return held


async def _settle(db_url: str, seconds: float) -> int:
    """Wait until the number of assigned chats stops changing (at least `seconds`)."""
    last, stable = -1, 0
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        await asyncio.sleep(seconds)
        now = await asyncio.to_thread(_assigned_count, db_url)
        stable = stable + 1 if now == last else 0
        last = now
        if stable >= 2:
            break
    return last


def _assigned_count(db_url: str) -> int:
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from dasan.db.models import Consultation

    engine = create_engine(db_url)
    with Session(engine) as s:
        n = s.scalar(select(func.count(Consultation.id)).where(
            Consultation.status == "open", Consultation.agent_id.is_not(None))) or 0
    engine.dispose()
    return int(n)


async def storm(base: str, db_url: str, chats: list[tuple[int, str]], cookies: list[str],
                tabs: int = 2, settle_seconds: float = 1.5) -> StormResult:
    ws_base = base.replace("http://", "ws://")
    res = StormResult(citizens=len(chats), agent_sockets=len(cookies) * tabs)
    sem = asyncio.Semaphore(100)
    citizens = {cid: _Conn() for cid, _t in chats}
    tokens = dict(chats)
    desks = [[_Conn() for _ in range(tabs)] for _ in cookies]
    first_seqs: dict[int, list[int]] = {}

    async def open_citizen(cid: int, after: int) -> None:
        async with sem:
            await citizens[cid].open(f"{ws_base}/api/chat/ws/citizen/{cid}")
            await citizens[cid].ws.send(json.dumps(
                {"type": "auth", "token": tokens[cid], "after_seq": after}))

    async def open_desk(i: int, j: int) -> None:
        async with sem:
            await desks[i][j].open(f"{ws_base}/api/chat/ws/agent",
                                   {"Cookie": cookies[i], "Origin": base})

    async def say(cid: int, ref: str, times: int, deadline: float) -> float:
        t0 = time.perf_counter()
        frame = json.dumps({"type": "message", "body": f"문의 {ref}", "client_msg_id": ref},
                           ensure_ascii=False)
        for _ in range(times):
            await citizens[cid].ws.send(frame)
        await citizens[cid].wait_for(
            lambda e: e.get("type") == "ack" and e.get("client_msg_id") == ref, deadline)
        return time.perf_counter() - t0

    async def heartbeat() -> None:
        """Each open desktop pings every `HEARTBEAT` seconds, as the desktop's script does: a
        silent desktop is rightly swept away after 35 s, and a storm can take longer."""
        while True:
            await asyncio.sleep(HEARTBEAT)
            for tabs_ in desks:
                for conn in tabs_:
                    with contextlib.suppress(Exception):  # a dropped or reopening socket
                        await conn.ws.send('{"type": "ping"}')

    # Before: everyone connected, one message each, assignments settled.
    await asyncio.gather(*[open_desk(i, j) for i in range(len(cookies)) for j in range(tabs)])
    beats = asyncio.create_task(heartbeat())
    await asyncio.gather(*[open_citizen(cid, 0) for cid in citizens])
    deadline = time.monotonic() + GUARD
    await asyncio.gather(*[say(cid, f"pre-{cid}", 1, deadline) for cid in citizens])
    res.assigned_before = await _settle(db_url, settle_seconds)
    for cid, conn in citizens.items():
        first_seqs[cid] = _msg_seqs(conn.events)

    # The storm: every socket drops, all reconnect at once.
    t0 = time.perf_counter()
    for conn in citizens.values():
        conn.drop()
    for tabs_ in desks:
        for conn in tabs_:
            conn.drop()
    resume = {cid: max(seqs, default=0) for cid, seqs in first_seqs.items()}
    await asyncio.gather(
        *[open_desk(i, j) for i in range(len(cookies)) for j in range(tabs)],
        *[open_citizen(cid, resume[cid]) for cid in citizens])
    deadline = time.monotonic() + GUARD
    res.ack_latency = list(await asyncio.gather(
        *[say(cid, f"storm-{cid}", 2, deadline) for cid in citizens]))
    res.reconnect_seconds = time.perf_counter() - t0
    res.hello_latency = await asyncio.gather(*[
        _hello_after(conn, t0, deadline) for tabs_ in desks for conn in tabs_])
    res.assigned_after = await _settle(db_url, settle_seconds)
    await asyncio.sleep(settle_seconds)  # the last backlogs and events
    beats.cancel()
    await asyncio.to_thread(_check, db_url, res, citizens, first_seqs, desks)
    for conn in citizens.values():
        await conn.close()
    for tabs_ in desks:
        for conn in tabs_:
            await conn.close()
    return res


async def _hello_after(conn: _Conn, t0: float, deadline: float) -> float:
    """Seconds from the drop until this desktop had its hello again (inf when it never did)."""
    try:
        await conn.wait_for(lambda e: e.get("type") == "hello", deadline)
    except TimeoutError:
        return float("inf")
    return time.perf_counter() - t0


def _check(db_url: str, res: StormResult, citizens: dict[int, _Conn],
           first_seqs: dict[int, list[int]], desks: list[list[_Conn]]) -> None:
    from collections import Counter

    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from dasan.db import floor_counters
    from dasan.db.models import Agent, Consultation, Message

    bad = res.problems
    engine = create_engine(db_url)
    with Session(engine) as s:
        rows = {c.id: c for c in s.scalars(select(Consultation).where(
            Consultation.id.in_(list(citizens))))}
        for cid, conn in citizens.items():
            c = rows.get(cid)
            if c is None or c.status != "open":
                bad.append(f"chat {cid} lost (status {c and c.status})")
                continue
            refs = Counter(s.scalars(select(Message.client_msg_id).where(
                Message.consultation_id == cid, Message.client_msg_id.is_not(None))))
            for ref in (f"pre-{cid}", f"storm-{cid}"):
                if refs[ref] != 1:
                    bad.append(f"chat {cid}: {ref} stored {refs[ref]} times")
            stored = sorted(s.scalars(select(Message.seq).where(Message.consultation_id == cid)))
            got = first_seqs[cid] + _msg_seqs(conn.events)
            dup = [q for q, k in Counter(got).items() if k > 1]
            if dup:
                bad.append(f"chat {cid}: seq {dup} delivered twice to the citizen")
            if sorted(set(got)) != stored:
                bad.append(f"chat {cid}: citizen got seqs {sorted(set(got))}, stored {stored}")
        # None assigned twice: each desktop's own view, disjoint, equal to the database.
        owner: dict[int, int] = {}
        by_agent: dict[int, set[int]] = {}
        for tabs_ in desks:
            hello = next((e for e in tabs_[0].events if e.get("type") == "hello"), None)
            if hello is None:
                bad.append("a desktop got no hello after the storm")
                continue
            agent_id = int(hello["agent"]["id"])
            views = [desktop_view(t.events) for t in tabs_]
            if any(v != views[0] for v in views):
                bad.append(f"agent {agent_id}: its tabs disagree {views}")
            by_agent[agent_id] = views[0]
            for cid in views[0]:
                if cid in owner:
                    bad.append(f"chat {cid} on two desktops: agents {owner[cid]} and {agent_id}")
                owner[cid] = agent_id
        for agent_id, held in by_agent.items():
            in_db = {cid for cid, c in rows.items() if c.agent_id == agent_id
                     and c.status == "open"}
            if held != in_db:
                bad.append(f"agent {agent_id}: desktop holds {sorted(held)}, "
                           f"database {sorted(in_db)}")
            agent = s.get(Agent, agent_id)
            if agent is not None and len(in_db) > agent.max_chats:
                bad.append(f"agent {agent_id} holds {len(in_db)} > max {agent.max_chats}")
            for cid in held:  # the agent got the citizen's post-storm message
                seen = any(e.get("type") == "message" and e.get("client_msg_id") == f"storm-{cid}"
                           for t in desks_of(desks, by_agent, agent_id) for e in t.events)
                if not seen:
                    bad.append(f"agent {agent_id} never got storm-{cid}")
        outsiders = {cid for cid, c in rows.items() if c.agent_id is not None
                     and c.agent_id not in by_agent}
        if outsiders:
            bad.append(f"chats assigned to agents without a desktop: {sorted(outsiders)}")
        counted = floor_counters.read(s)
        if counted != floor_counters.scan_counts(s):
            bad.append("floor counters differ from the scan")
        total = s.scalar(select(func.count(Consultation.id)).where(
            Consultation.id.in_(list(citizens)), Consultation.status == "open"))
        if total != len(citizens):
            bad.append(f"{len(citizens) - (total or 0)} chats not open")
    engine.dispose()


def desks_of(desks: list[list[_Conn]], by_agent: dict[int, set[int]], agent_id: int
             ) -> list[_Conn]:
    for tabs_ in desks:
        hello = next((e for e in tabs_[0].events if e.get("type") == "hello"), None)
        if hello is not None and int(hello["agent"]["id"]) == agent_id:
            return tabs_
    return []


async def relay_storm(url: str, n: int) -> float:
    """The peer: `n` sockets to a bare websockets relay, all dropped and reconnected at once;
    seconds until every socket is open again and has echoed one frame through its room."""
    import websockets

    sem = asyncio.Semaphore(100)

    async def pair(i: int) -> tuple[Any, Any]:
        async with sem:
            a = await websockets.connect(f"{url}/r{i}", max_queue=None, open_timeout=GUARD,
                                         ping_interval=None)
            b = await websockets.connect(f"{url}/r{i}", max_queue=None, open_timeout=GUARD,
                                         ping_interval=None)
            return a, b

    pairs = await asyncio.gather(*[pair(i) for i in range(n // 2)])
    for a, b in pairs:
        a.transport.abort()
        b.transport.abort()
    t0 = time.perf_counter()
    pairs = await asyncio.gather(*[pair(i) for i in range(n // 2)])

    async def echo(a: Any, b: Any) -> None:
        await a.send("x")
        await asyncio.wait_for(b.recv(), GUARD)

    await asyncio.gather(*[echo(a, b) for a, b in pairs])
    took = time.perf_counter() - t0
    await asyncio.gather(*[w.close() for p in pairs for w in p], return_exceptions=True)
    return took
