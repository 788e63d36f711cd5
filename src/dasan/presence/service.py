"""The presence API every channel uses.

* `set_state`           what the agent picks on the desktop (available, after-call work,
                        break with a reason, offline);
* `socket_opened`, `heartbeat`, `socket_closed`, `logout`   what the desktop does;
* `sweep`               the timing rules (`states.swept_state`), run every few seconds by the
                        chat runtime: away after a short grace, offline after a long one;
                        after-call work ends at its stored deadline (`wrap_up_until`);
* `capacity_for`        how many more contacts of a channel an agent may be offered now: one
                        call, or up to `max_chats` written contacts (chat, SMS, ...), never both.

Going away or offline releases the agent's open contacts back to their queues (they keep
their place: the original queue time) and withdraws pending offers. Functions commit, and
return typed events (`presence.events`) for the caller to publish.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, bindparam, func, literal_column, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation
from dasan.db.models_presence import AgentPresence, ContactOffer
from dasan.db.models_smartvoice import CallConferenceLeg
from dasan.presence import states as st
from dasan.presence.events import ContactsReleased, PresenceEvent, StateChanged

VOICE_CHANNELS = ("phone", "visible_ars", "sign_language")
# Contacts the presence room hands back to a queue when their agent disappears. Calls are
# not: a call in progress belongs to the voice gateway, which ends or re-routes it itself.
REQUEUED_CHANNELS = ("chatbot", "web", "sms", "portal", "foreign_language")


@dataclass(frozen=True)
class Load:
    calls: int = 0
    written: int = 0  # chats and other written contacts (open or offered)


@functools.cache
def _loads_statement() -> Any:
    """Built once (building the three grouped selects was a good part of its cost)."""
    ids: BindParameter[Any] = bindparam("ids", expanding=True)
    contacts = (select(Consultation.agent_id, Consultation.channel, func.count(Consultation.id))
                .where(Consultation.status == "open", Consultation.agent_id.in_(ids))
                .group_by(Consultation.agent_id, Consultation.channel))
    # An agent interpreting on someone else's call is on a call too (while the leg rings, the
    # gateway that rings it holds the phone itself): counted as a `phone` contact. A pending
    # offer holds a written slot.
    legs = (select(CallConferenceLeg.agent_id, literal_column("'phone'", String),
                   func.count(CallConferenceLeg.id))
            .where(CallConferenceLeg.agent_id.in_(ids), CallConferenceLeg.result == "joined",
                   CallConferenceLeg.left_at.is_(None))
            .group_by(CallConferenceLeg.agent_id))
    offers = (select(ContactOffer.agent_id, literal_column("'offer'", String),
                     func.count(ContactOffer.id))
              .where(ContactOffer.status == "pending", ContactOffer.agent_id.in_(ids))
              .group_by(ContactOffer.agent_id))
    return union_all(contacts, legs, offers)


def loads(s: Session, agent_ids: Sequence[int]) -> dict[int, Load]:
    """Open contacts (and pending offers, which hold a slot) per agent; an interpreter leg
    that is joined counts as a call. One statement (it runs for every offer, claim and end of
    a call or chat: three round trips here were most of a phone call's SQL)."""
    ids = list(agent_ids)
    if not ids:
        return {}
    calls: dict[int, int] = {}
    written: dict[int, int] = {}
    rows: Sequence[Any] = s.execute(_loads_statement(), {"ids": ids}).all()
    for aid, channel, n in rows:
        if aid is None:
            continue
        target = calls if channel in VOICE_CHANNELS else written
        target[int(aid)] = target.get(int(aid), 0) + int(n)
    return {i: Load(calls.get(i, 0), written.get(i, 0)) for i in ids}


def capacity_of(agent: Agent, load: Load, channel: str) -> int:
    """Pure: how many more contacts of `channel` the agent may be offered."""
    if agent.state not in st.OFFERABLE or load.calls > 0:
        return 0
    if channel in VOICE_CHANNELS:
        return 1 if load.written == 0 else 0
    return max(0, int(agent.max_chats) - load.written)


def capacity_for(s: Session, agent: Agent, channel: str) -> int:
    return capacity_of(agent, loads(s, [agent.id])[agent.id], channel)


def _row(s: Session, agent_id: int, now: datetime) -> AgentPresence:
    row = s.get(AgentPresence, agent_id)
    if row is None:
        try:
            with s.begin_nested():
                row = AgentPresence(agent_id=agent_id, sockets=0, last_seen_at=now)
                s.add(row)
                s.flush()
        except IntegrityError:  # another process (a second voice gateway) created it just now
            row = s.get(AgentPresence, agent_id)
            assert row is not None
    return row


def _release(s: Session, agent_id: int, now: datetime) -> tuple[int, ...]:
    """Hand the agent's open written contacts back to their queues; withdraw offers."""
    ids = tuple(int(i) for i in s.scalars(
        select(Consultation.id).where(Consultation.agent_id == agent_id,
                                      Consultation.status == "open",
                                      Consultation.queue_id.is_not(None),
                                      Consultation.channel.in_(REQUEUED_CHANNELS))
        .order_by(Consultation.id)))
    if ids:
        s.execute(update(Consultation).where(Consultation.id.in_(ids))
                  .values(agent_id=None).execution_options(synchronize_session=False))
        for c in s.scalars(select(Consultation).where(Consultation.id.in_(ids))):
            s.refresh(c)
    s.execute(update(ContactOffer).where(ContactOffer.agent_id == agent_id,
                                         ContactOffer.status == "pending")
              .values(status="withdrawn", decided_at=now)
              .execution_options(synchronize_session=False))
    return ids


def _change(s: Session, agent: Agent, row: AgentPresence, state: str, reason: str | None,
            now: datetime, why: str, events: list[PresenceEvent]) -> None:
    previous = agent.state
    if previous == state and row.break_reason == reason:
        return
    agent.state = state
    agent.state_since = now
    if state == st.BREAK:
        row.break_reason = reason
    elif state != st.AWAY:  # an away agent on a break resumes the same break
        row.break_reason = None
    if state not in (st.AFTER_CALL_WORK, st.AWAY):
        row.wrap_up_until = None  # an away agent keeps the deadline for their return
    if state == st.AWAY:
        row.away_since = now
        row.resume_state = previous
    else:
        row.away_since = None
        if state != st.OFFLINE:
            row.resume_state = None
    events.append(StateChanged(agent.id, state, previous, row.break_reason, now, why))
    if state not in st.PRESENT and previous in st.PRESENT:
        released = _release(s, agent.id, now)
        if released:
            events.append(ContactsReleased(agent.id, released, state))


def _fit(s: Session, agent: Agent, state: str, load: Load | None = None) -> str:
    """available <-> busy follow the agent's load on written contacts (`load`: already
    known in this transaction, e.g. by the claim that just added a call)."""
    if state not in (st.AVAILABLE, st.BUSY):
        return state
    if load is None:
        load = loads(s, [agent.id])[agent.id]
    return st.BUSY if load.calls > 0 or load.written >= agent.max_chats else st.AVAILABLE


def set_state(s: Session, agent: Agent, state: str, reason: str | None = None,
              now: datetime | None = None) -> list[PresenceEvent]:
    """The agent picks a state (PresenceError for anything else)."""
    state, reason = st.choose(state, reason)
    now = now or utcnow()
    events: list[PresenceEvent] = []
    row = _row(s, agent.id, now)
    _change(s, agent, row, _fit(s, agent, state), reason, now, "chosen", events)
    s.commit()
    return events


def refresh_load(s: Session, agent_id: int, now: datetime | None = None,
                 load: Load | None = None) -> list[PresenceEvent]:
    """After a contact left or reached an agent: busy <-> available by load (caller commits;
    `load`, if the caller already knows it in this transaction, saves reading it again)."""
    agent = s.get(Agent, agent_id)
    events: list[PresenceEvent] = []
    if agent is not None and agent.state in st.OFFERABLE:
        now = now or utcnow()
        _change(s, agent, _row(s, agent_id, now), _fit(s, agent, agent.state, load), None,
                now, "load", events)
    return events


def start_wrap_up(s: Session, agent_id: int, now: datetime | None = None,
                  seconds: float | None = None) -> list[PresenceEvent]:
    """A call the agent answered ended: after-call work (후처리, no offers) for an agent who
    was taking contacts; anyone on a break or away keeps that state (caller commits).

    With `seconds`, the wrap-up ends then: the deadline is stored on the presence record and
    `sweep` enforces it, so it holds even if the process that began it (the voice gateway)
    is gone. Without, it lasts until the agent picks a state."""
    agent = s.get(Agent, agent_id)
    events: list[PresenceEvent] = []
    if agent is not None and agent.state in st.OFFERABLE:
        now = now or utcnow()
        row = _row(s, agent_id, now)
        _change(s, agent, row, st.AFTER_CALL_WORK, None, now, "call_ended", events)
        row.wrap_up_until = now + timedelta(seconds=seconds) if seconds is not None else None
    return events


def end_wrap_up(s: Session, agent_id: int, since: datetime, now: datetime | None = None
                ) -> list[PresenceEvent]:
    """The configured wrap-up time is over: available (or busy, by load) again, unless the
    agent changed state since the wrap-up began at `since` (caller commits)."""
    agent = s.get(Agent, agent_id)
    events: list[PresenceEvent] = []
    if agent is None or agent.state != st.AFTER_CALL_WORK or agent.state_since != since:
        return events
    now = now or utcnow()
    _change(s, agent, _row(s, agent_id, now), _fit(s, agent, st.AVAILABLE), None, now,
            "wrap_up_over", events)
    return events


def socket_opened(s: Session, agent_id: int, now: datetime | None = None
                  ) -> list[PresenceEvent]:
    now = now or utcnow()
    agent = s.get(Agent, agent_id)
    if agent is None:
        return []
    row = _row(s, agent_id, now)
    s.execute(update(AgentPresence).where(AgentPresence.agent_id == agent_id)
              .values(sockets=AgentPresence.sockets + 1, last_seen_at=now,
                      disconnected_at=None).execution_options(synchronize_session=False))
    s.refresh(row)
    s.refresh(agent)  # read after the write: a sweep that committed meanwhile made them away
    events: list[PresenceEvent] = []
    back = st.on_return(agent.state, row.resume_state)
    if back is not None:
        reason = row.break_reason if back == st.BREAK else None
        _change(s, agent, row, _fit(s, agent, back), reason, now, "connected", events)
    s.commit()
    return events


def heartbeat(s: Session, agent_id: int, now: datetime | None = None) -> list[PresenceEvent]:
    """The desktop is alive; an agent swept away meanwhile (a long network hiccup with the
    socket still open) comes back."""
    now = now or utcnow()
    s.execute(update(AgentPresence).where(AgentPresence.agent_id == agent_id)
              .values(last_seen_at=now).execution_options(synchronize_session=False))
    events: list[PresenceEvent] = []
    agent = s.get(Agent, agent_id)
    if agent is not None and agent.state == st.AWAY:
        row = _row(s, agent_id, now)
        s.refresh(row)
        back = st.on_return(agent.state, row.resume_state)
        if back is not None:
            _change(s, agent, row, _fit(s, agent, back), row.break_reason, now, "heartbeat",
                    events)
    s.commit()
    return events


def socket_closed(s: Session, agent_id: int, now: datetime | None = None) -> None:
    """One desktop socket closed; the sweeper decides after the grace period."""
    now = now or utcnow()
    s.execute(update(AgentPresence).where(AgentPresence.agent_id == agent_id,
                                          AgentPresence.sockets > 0)
              .values(sockets=AgentPresence.sockets - 1)
              .execution_options(synchronize_session=False))
    s.execute(update(AgentPresence).where(AgentPresence.agent_id == agent_id,
                                          AgentPresence.sockets <= 0)
              .values(disconnected_at=now).execution_options(synchronize_session=False))
    s.commit()


def logout(s: Session, agent_id: int, now: datetime | None = None) -> list[PresenceEvent]:
    """Logged out: offline at once, contacts released."""
    now = now or utcnow()
    agent = s.get(Agent, agent_id)
    if agent is None:
        return []
    row = _row(s, agent_id, now)
    row.sockets = 0
    row.disconnected_at = now
    events: list[PresenceEvent] = []
    _change(s, agent, row, st.OFFLINE, None, now, "logout", events)
    s.commit()
    return events


def sweep(s: Session, now: datetime | None = None, timers: st.Timers | None = None
          ) -> list[PresenceEvent]:
    """Apply the timing rules to every present or away agent; commits."""
    now = now or utcnow()
    timers = timers or st.Timers.from_settings()
    q = (select(Agent, AgentPresence)
         .outerjoin(AgentPresence, AgentPresence.agent_id == Agent.id)
         .where(Agent.state.in_([*st.PRESENT, st.AWAY])).order_by(Agent.id))
    if s.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(of=Agent, skip_locked=True)
    events: list[PresenceEvent] = []
    for agent, row in s.execute(q).all():
        if (agent.state == st.AFTER_CALL_WORK and row is not None
                and row.wrap_up_until is not None and row.wrap_up_until <= now):
            _change(s, agent, row, _fit(s, agent, st.AVAILABLE), None, now, "wrap_up_over",
                    events)
        seen = st.Seen(agent.state, row.sockets if row else 0,
                       row.last_seen_at if row else agent.state_since,
                       row.disconnected_at if row else None,
                       row.away_since if row else None)
        target = st.swept_state(seen, now, timers)
        if target is None:
            continue
        if row is None:
            row = _row(s, agent.id, now)
            row.last_seen_at = seen.last_seen_at
        elif not _unchanged_since_read(s, row, seen):
            continue  # a desktop opened or spoke after the read: never swept on stale facts
        why = ("away_timeout" if target == st.OFFLINE else
               "socket_closed" if seen.sockets <= 0 and seen.disconnected_at else "silence")
        if target == st.AWAY:
            row.sockets = 0  # a stale count (crashed worker) must not keep them present
        _change(s, agent, row, target, None, now, why, events)
    s.commit()
    return events


def _unchanged_since_read(s: Session, row: AgentPresence, seen: st.Seen) -> bool:
    """Claim the agent's presence row for the sweep, on condition that no desktop opened,
    closed or sent a heartbeat since `seen` was read (a guarded write: it waits for such a
    change in flight, and a `socket_opened` after it waits for the sweep's commit and finds
    the agent away, so brings them back). Without it an agent who reopened the desktop just
    as the grace ran out was left away with no socket counted."""
    claimed = s.execute(
        update(AgentPresence)
        .where(AgentPresence.agent_id == row.agent_id,
               AgentPresence.sockets == seen.sockets,
               AgentPresence.last_seen_at == seen.last_seen_at,
               AgentPresence.disconnected_at.is_(None) if seen.disconnected_at is None
               else AgentPresence.disconnected_at == seen.disconnected_at)
        .values(sockets=seen.sockets).execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    return bool(claimed)


TAKEOVER_GRACE = timedelta(seconds=30)


def hold_for_takeover(s: Session, agent: Agent, now: datetime | None = None
                      ) -> list[PresenceEvent]:
    """A floor lead took a chat over: they are working (busy) from now. Without an open
    desktop they have `TAKEOVER_GRACE` (on top of the usual grace) to open one; if none
    connects, the chat goes back to its queue like any absent agent's (caller commits)."""
    now = now or utcnow()
    row = _row(s, agent.id, now)
    events: list[PresenceEvent] = []
    if agent.state not in st.PRESENT:
        if row.sockets <= 0:
            # The sweeper counts the grace from `disconnected_at`: start it a little later.
            row.sockets, row.disconnected_at = 0, now + TAKEOVER_GRACE
        row.last_seen_at = now
        _change(s, agent, row, st.BUSY, None, now, "take_over", events)
    return events
