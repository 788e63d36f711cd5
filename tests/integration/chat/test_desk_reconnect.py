"""Issue 11, the reconnect storm's desktops: a desktop that reconnects while chats are being
assigned to its agent shows exactly the agent's chats in the database (its `hello` plus the
`assigned`/`unassigned` events that follow), even while the assistant's threads are busy.

The 2,000-socket storm (`python -m bench.bench_chat --only storm`) ended with 8 desktops
showing one chat each where the database gave each agent three: the desktop's event writer
waited for the first chat's assistant recommendation, and in the storm the assistant's
threads were queued behind 2,000 citizens' message screening, so the next `assigned` events
stayed in the socket's queue. Here the assistant's threads are made busy with real jobs on the
hub's own pool (as the storm's screening backlog made them), so the case takes seconds."""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import Future
from typing import Any

from chat_helpers import Event, is_msg, recv, start, until
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat import hub as chat_hub
from dasan.config import PROJECT_ROOT
from dasan.db.models import Agent, Consultation

sys.path.insert(0, str(PROJECT_ROOT))  # the desktop's view is the storm driver's (bench)
from bench.chat_storm import desktop_view  # noqa: E402


def in_database(db: Session, agent_id: int) -> set[int]:
    db.expire_all()
    return set(db.scalars(select(Consultation.id).where(
        Consultation.agent_id == agent_id, Consultation.status == "open")))


def read_until(ws: Any, events: list[Event], done: Any, seconds: float) -> None:
    """Read frames into `events` until `done(events)` or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while not done(events):
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            events.append(recv(ws, guard_seconds=left))
        except TimeoutError:
            return


def test_a_reconnected_desktop_shows_every_chat_assigned_while_the_assistant_is_busy(
        client: Any, login: Any, db: Session) -> None:
    login("agent1")
    me = db.scalar(select(Agent).where(Agent.employee_no == "A0001"))
    assert me is not None and me.max_chats >= 3
    hub = client.app.state.chat_hub
    chats = []
    for _ in range(3):  # waiting chats (a hand-off without a question goes to the general queue)
        chats.append(start(client))

    with client.websocket_connect("/api/chat/ws/agent") as ws:  # the desktop before the drop
        assert recv(ws)["type"] == "hello"
        client.post(f"/api/chat/sessions/{chats[0][0]}/handoff", headers=chats[0][1])

    gate, running = threading.Event(), threading.Semaphore(0)

    def busy() -> None:  # one of the assistant's threads, taken (no database turn held)
        running.release()
        gate.wait(30)

    jobs: list[Future[Any]] = [client.portal.start_task_soon(hub._slow_call, busy)
                               for _ in range(chat_hub.SLOW_THREADS)]
    try:
        for _ in jobs:
            assert running.acquire(timeout=10)
        with client.websocket_connect("/api/chat/ws/agent") as ws:  # the desktop reconnects
            events = [recv(ws)]
            assert events[0]["type"] == "hello"
            for cid, h in chats[1:]:  # the assignment pass runs while the desktop is back
                client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
            db_chats = in_database(db, me.id)
            assert db_chats == {cid for cid, _h in chats}
            read_until(ws, events, lambda ev: desktop_view(ev) == db_chats, 3.0)
            assert desktop_view(events) == db_chats, (
                f"desktop shows {sorted(desktop_view(events))}, database "
                f"{sorted(db_chats)}: {[e['type'] for e in events]}")
            # The assistant is late, not lost: once its threads are free, each chat assigned
            # after the hello gets its recommendations on the desktop.
            gate.set()
            want = {cid for cid, _h in chats[1:]}
            read_until(ws, events, lambda ev: want <= {
                int(e["consultation_id"]) for e in ev if e.get("type") == "assist"}, 20.0)
            assert want <= {int(e["consultation_id"]) for e in events
                            if e.get("type") == "assist"}
    finally:
        gate.set()
        for job in jobs:
            job.result(timeout=30)



def test_a_message_published_after_a_later_one_still_reaches_both_sides(
        client: Any, login: Any, db: Session, citizen_ws: Any) -> None:
    """Two steps of one chat can publish out of their commit order (in a storm: a requeue
    notice from the presence sweep and the next assignment's "connected"). A socket skips a
    seq it has passed, so the earlier message was lost to both sides until a reload."""
    login("agent1")
    me = db.scalar(select(Agent).where(Agent.employee_no == "A0001"))
    assert me is not None
    hub = client.app.state.chat_hub
    cid, h = start(client)
    with client.websocket_connect("/api/chat/ws/agent") as desk:
        assert recv(desk)["type"] == "hello"
        client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        until(desk, is_msg("system", "연결되었습니다"))
        with citizen_ws(cid, h["X-Chat-Token"]) as cit:
            until(cit, is_msg("system", "연결되었습니다"))  # its backlog, up to now
            # Two steps commit in this order; the event loop resumes the second one first.
            first = chat_hub.store_citizen_message(db, cid, "먼저 보낸 말", "c-1")
            second = chat_hub.agent_message(db, me, cid, "나중에 보낸 말", "a-1")
            client.portal.call(hub.publish, second)
            client.portal.call(hub.publish, first)
            want = [int(first.result["seq"]), int(second.result["seq"])]
            assert want[1] == want[0] + 1
            for ws in (desk, cit):
                got: list[Event] = []
                read_until(ws, got, lambda ev: want[1] in _seqs(ev), 3.0)
                read_until(ws, got, lambda ev: False, 0.3)  # anything sent twice
                assert _seqs(got) == want, [e.get("type") for e in got]


def _seqs(events: list[Event]) -> list[int]:
    return [int(e["seq"]) for e in events if e.get("type") == "message"]
