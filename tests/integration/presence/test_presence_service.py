"""The presence API on a real database (SQLite and PostgreSQL): tabs, grace periods, logout,
release of open chats to the front of their queue, capacity per channel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dasan.chat.service import start_chat
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, Queue
from dasan.db.models_presence import AgentPresence
from dasan.presence import service as presence
from dasan.presence import states as st
from dasan.presence.events import ContactsReleased, StateChanged
from dasan.routing import router

TIMERS = st.Timers(timedelta(seconds=8), timedelta(seconds=35), timedelta(seconds=300))


@pytest.fixture(autouse=True)
def _agents_offline(database_url: str) -> Iterator[None]:
    yield
    from dasan.db.session import new_session

    s = new_session(database_url)
    s.execute(update(Agent).values(state="offline"))
    s.commit()
    s.close()


def agent(db: Session, no: str) -> Agent:
    a = db.scalar(select(Agent).where(Agent.employee_no == no))
    assert a is not None
    return a


def chat(db: Session, queue: str, minutes_ago: float, agent_id: int | None = None
         ) -> Consultation:
    c = start_chat(db)
    c.channel = "web"
    c.queue_id = db.scalar(select(Queue.id).where(Queue.code == queue))
    c.queued_at = utcnow() - timedelta(minutes=minutes_ago)
    c.agent_id = agent_id
    db.commit()
    return c


def test_two_tabs_count_once_and_the_last_one_closing_starts_the_grace(db: Session) -> None:
    a = agent(db, "A0001")
    t0 = utcnow()
    events = presence.socket_opened(db, a.id, t0)
    assert [(e.state, e.why) for e in events if isinstance(e, StateChanged)] == [
        ("available", "connected")]
    assert presence.socket_opened(db, a.id, t0) == []  # second tab: same person
    presence.socket_closed(db, a.id, t0 + timedelta(seconds=1))
    assert presence.sweep(db, t0 + timedelta(seconds=30), TIMERS) == []
    presence.heartbeat(db, a.id, t0 + timedelta(seconds=30))
    presence.socket_closed(db, a.id, t0 + timedelta(seconds=31))
    assert presence.sweep(db, t0 + timedelta(seconds=38), TIMERS) == []  # within the grace
    events = presence.sweep(db, t0 + timedelta(seconds=39), TIMERS)
    assert [(e.state, e.why) for e in events if isinstance(e, StateChanged)] == [
        ("away", "socket_closed")]
    db.refresh(a)
    assert a.state == "away"
    events = presence.sweep(db, t0 + timedelta(seconds=39 + 300), TIMERS)
    assert [e.state for e in events if isinstance(e, StateChanged)] == ["offline"]


def test_a_desktop_opened_while_the_sweep_reads_is_not_swept_away(
        db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The agent reopens the desktop just as the grace runs out: between the sweeper's read
    (no socket, closed long enough) and its write. They stay available with one socket,
    not away with none until a heartbeat."""
    from dasan.db.session import new_session

    a = agent(db, "A0001")
    t0 = utcnow()
    presence.socket_opened(db, a.id, t0)
    presence.socket_closed(db, a.id, t0 + timedelta(seconds=1))
    swept_state = st.swept_state
    reopened: list[int] = []

    def read_then_desktop_opens(seen: st.Seen, now: object, timers: st.Timers) -> str | None:
        target = swept_state(seen, now, timers)  # type: ignore[arg-type]
        if not reopened:
            other = new_session(database_url)
            try:
                reopened.append(len(presence.socket_opened(other, a.id, t0 + timedelta(seconds=10))))
            finally:
                other.close()
        return target

    monkeypatch.setattr(st, "swept_state", read_then_desktop_opens)
    events = presence.sweep(db, t0 + timedelta(seconds=10), TIMERS)
    assert reopened and [e for e in events if isinstance(e, StateChanged)] == []
    monkeypatch.setattr(st, "swept_state", swept_state)
    db.expire_all()
    a = agent(db, "A0001")
    row = db.get(AgentPresence, a.id)
    assert (a.state, row.sockets if row else None) == ("available", 1)
    # Nothing in flight: the same sweep a grace later does make a closed desktop away.
    presence.socket_closed(db, a.id, t0 + timedelta(seconds=11))
    db.expire_all()  # the sweeper reads afresh (each of its runs has a session of its own)
    events = presence.sweep(db, t0 + timedelta(seconds=20), TIMERS)
    assert [(e.state, e.why) for e in events if isinstance(e, StateChanged)] == [
        ("away", "socket_closed")]


def test_a_ghost_agents_chats_go_back_to_the_front_of_their_queue(db: Session) -> None:
    ghost, other = agent(db, "A0001"), agent(db, "A0002")
    t0 = utcnow()
    presence.socket_opened(db, ghost.id, t0)
    mine = chat(db, "general", 5, ghost.id)
    later = chat(db, "general", 1)
    presence.socket_closed(db, ghost.id, t0)
    events = presence.sweep(db, t0 + timedelta(seconds=9), TIMERS)
    released = [e for e in events if isinstance(e, ContactsReleased)]
    assert released == [ContactsReleased(ghost.id, (mine.id,), "away")]
    db.refresh(mine)
    assert mine.agent_id is None and mine.status == "open" and mine.outcome == "open"
    pos = router.position(db, mine, "omni")
    assert pos is not None and pos.position == 1  # ahead of the chat that queued later
    # The away agent is offered nothing; a present one gets the chat first.
    presence.socket_opened(db, other.id, utcnow())
    done = router.assign_waiting(db, "omni")
    assert [d.consultation_id for d in done][:1] == [mine.id]
    assert {d.agent_id for d in done} == {other.id}
    db.refresh(later)
    assert later.agent_id in (None, other.id)


def test_logout_is_offline_at_once_and_releases_chats(db: Session) -> None:
    a = agent(db, "A0001")
    presence.socket_opened(db, a.id)
    c = chat(db, "general", 2, a.id)
    events = presence.logout(db, a.id)
    assert [e.state for e in events if isinstance(e, StateChanged)] == ["offline"]
    assert [e.consultation_ids for e in events if isinstance(e, ContactsReleased)] == [(c.id,)]
    db.refresh(a)
    assert a.state == "offline"


def test_break_keeps_chats_and_its_reason_survives_a_dropped_desktop(db: Session) -> None:
    a = agent(db, "A0001")
    t0 = utcnow()
    presence.socket_opened(db, a.id, t0)
    c = chat(db, "general", 2, a.id)
    events = presence.set_state(db, a, "break", "meal", t0)
    assert [e for e in events if isinstance(e, ContactsReleased)] == []  # still present
    db.refresh(c)
    assert c.agent_id == a.id
    presence.socket_closed(db, a.id, t0)
    presence.sweep(db, t0 + timedelta(seconds=60), TIMERS)
    db.refresh(a)
    assert a.state == "away"
    events = presence.socket_opened(db, a.id, t0 + timedelta(seconds=61))
    changed = [e for e in events if isinstance(e, StateChanged)]
    assert [(e.state, e.reason) for e in changed] == [("break", "meal")]


def test_capacity_is_one_call_or_chats_up_to_the_limit(db: Session) -> None:
    a = agent(db, "A0001")
    limit = a.max_chats
    a.max_chats = 2
    presence.socket_opened(db, a.id)
    db.refresh(a)
    assert presence.capacity_for(db, a, "web") == 2
    assert presence.capacity_for(db, a, "phone") == 1
    chat(db, "general", 1, a.id)
    assert presence.capacity_for(db, a, "web") == 1
    assert presence.capacity_for(db, a, "phone") == 0  # in a chat: no call on top
    call = Consultation(channel="phone", started_at=utcnow(), status="open", outcome="open",
                        agent_id=a.id)
    db.add(call)
    db.commit()
    assert presence.capacity_for(db, a, "web") == 0
    presence.set_state(db, a, "break")
    db.refresh(a)
    assert presence.capacity_for(db, a, "phone") == 0
    a.max_chats = limit
    db.commit()


def test_after_call_work_ends_at_its_stored_deadline_without_the_process_that_began_it(
        db: Session) -> None:
    """The voice gateway begins wrap-up with a deadline; if it dies, the sweep (web process)
    still ends it. An agent who picked another state meanwhile is left alone, and a wrap-up
    the agent chose (no deadline) lasts until they pick again."""
    a, b, c = agent(db, "A0001"), agent(db, "A0002"), agent(db, "A0003")
    t0 = utcnow()
    for x in (a, b, c):
        presence.socket_opened(db, x.id, t0)
        presence.set_state(db, x, "available", now=t0)
    presence.start_wrap_up(db, a.id, t0, seconds=30)
    presence.start_wrap_up(db, b.id, t0, seconds=30)
    presence.set_state(db, c, "after_call_work", now=t0)
    db.commit()
    presence.set_state(db, b, "break", "meal", now=t0 + timedelta(seconds=5))
    for x in (a, b, c):
        presence.heartbeat(db, x.id, t0 + timedelta(seconds=29))
    assert presence.sweep(db, t0 + timedelta(seconds=29), TIMERS) == []  # not yet
    events = presence.sweep(db, t0 + timedelta(seconds=31), TIMERS)
    assert [(e.agent_id, e.state, e.why) for e in events if isinstance(e, StateChanged)] == [
        (a.id, "available", "wrap_up_over")]
    for x in (a, b, c):
        db.refresh(x)
    assert (a.state, b.state, c.state) == ("available", "break", "after_call_work")
