"""Chat routing: queue choice, priorities, fair assignment with per-agent limits, transfer.

* Queue choice: registered malicious callers -> `malicious` (dedicated team); a non-Korean
  chat -> `foreign`; crisis or emergency-welfare (긴급복지) words -> `welfare_admin`; transport
  and water words -> their queues; everything else -> `general`.
* Priority: the queue's priority, +1 for emergency welfare, +10 for a crisis.
* Modes: `skill` (an agent takes a queue only with its skill) and `omni` ("전방위": any agent
  takes any topic). In both modes the malicious queue goes only to the dedicated team and a
  foreign-language chat only to an agent who speaks the language.
* Assignment: waiting chats in priority order, oldest first; each goes to the eligible agent
  with the fewest open chats (below `max_chats`), ties to whoever has waited longest since
  their last chat. Shared state lives in the database, so several API workers can assign at
  once: waiting rows are taken with `FOR UPDATE SKIP LOCKED` on PostgreSQL and the whole pass
  runs under the write lock on SQLite, and a chat is claimed with a conditional update.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, bindparam, case, exists, func, select, update
from sqlalchemy.orm import Session

from dasan.config import get_settings
from dasan.consultations.channels import CHAT_ROOM_CHANNELS, SIGN_LANGUAGE
from dasan.db.base import UtcDateTime, utcnow
from dasan.db.models import Agent, AgentSkill, Consultation, Queue, Team
from dasan.db.models_channels import WrittenThread
from dasan.errors import BadRequest, NotFound
from dasan.presence import offers
from dasan.presence import service as presence
from dasan.presence import states as presence_states
from dasan.protection.policy import is_registered

MODES = ("skill", "omni")
# Only agents who are present and available (or busy below capacity) are offered contacts;
# the presence room moves agents whose desktop is gone to away/offline.
ACCEPTING = tuple(sorted(presence_states.OFFERABLE))
AGENT_STATES = presence_states.STATES
SIGN_QUEUE = SIGN_LANGUAGE  # the sign-language queue and skill share the channel's code
CRISIS_PRIORITY = 10
WELFARE_PRIORITY = 1
DEFAULT_AHT_SECONDS = 240.0
CHAT_CHANNELS = CHAT_ROOM_CHANNELS


def live_chat() -> ColumnElement[bool]:
    """A contact of the live chat room: a chat channel, and not a written thread. The web Q&A
    board's questions share the homepage channel (`web`) with the live web chat; without the
    second test the router "connected" an agent to a board question as if it were a chat, and
    the idle and overflow sweeps wrote chat notices into it (issue 11's flaky desktop test)."""
    return Consultation.channel.in_(CHAT_CHANNELS) & ~exists().where(
        WrittenThread.consultation_id == Consultation.id)
NEVER = datetime.min.replace(tzinfo=UTC)  # "never answered a chat" sorts first

_WELFARE_RE = re.compile(r"긴급\s*복지|긴급\s*지원|생계\s*(?:곤란|지원|급여)|기초\s*생활|끼니|굶|"
                         r"단전|단수|노숙|쪽방|주거\s*위기|위기\s*가구")
_TRANSPORT_RE = re.compile(r"버스|지하철|택시|교통|주차|따릉이|기후동행카드|티머니|도로|신호등|"
                           r"과태료|견인|운전")
_WATER_RE = re.compile(r"수도|상수도|수돗물|누수|단수|계량기|아리수|수질")


def routing_mode() -> str:
    """`DASAN_ROUTING_MODE` (skill | omni), skill by default."""
    return get_settings().routing_mode


@dataclass(frozen=True)
class Decision:
    queue_code: str
    priority: int
    reason: str


def decide(
    session: Session, text: str, *, language: str = "ko", crisis: bool = False,
    citizen_id: int | None = None,
) -> Decision:
    """Which queue a handed-off chat goes to, and with what priority."""
    queues = {q.code: q for q in session.scalars(select(Queue))}
    if not queues:
        raise ValueError("no queues configured: seed the organisation first")

    def pick(code: str, extra: int, reason: str) -> Decision:
        q = queues.get(code) or queues.get("general") or next(iter(queues.values()))
        return Decision(q.code, q.priority + extra, reason)

    if is_registered(session, citizen_id):
        return pick("malicious", CRISIS_PRIORITY if crisis else 0, "registered malicious caller")
    if crisis:
        return pick("welfare_admin", CRISIS_PRIORITY, "crisis")
    if language != "ko":
        return pick("foreign", 0, f"language {language}")
    if _WELFARE_RE.search(text):
        return pick("welfare_admin", WELFARE_PRIORITY, "emergency welfare")
    if _WATER_RE.search(text):
        return pick("water", 0, "water")
    if _TRANSPORT_RE.search(text):
        return pick("transport", 0, "transport")
    return pick("general", 0, "general")


def enqueue(session: Session, c: Consultation, decision: Decision) -> None:
    """Put a chat in a queue (caller commits)."""
    queue_id = session.scalar(select(Queue.id).where(Queue.code == decision.queue_code))
    if queue_id is None:
        raise BadRequest(f"unknown queue {decision.queue_code!r}")
    c.queue_id = queue_id
    c.agent_id = None
    c.queued_at = c.queued_at or utcnow()
    c.priority = max(c.priority or 0, decision.priority)


# --- load and eligibility ---------------------------------------------------------------------


def _chat_loads(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """Slots taken per agent: open written contacts and pending offers; an agent on a call
    has none left (presence: one call, or chats up to the limit)."""
    out: dict[int, int] = {}
    agents = {a.id: a for a in session.scalars(select(Agent).where(Agent.id.in_(list(ids))))}
    for aid, load in presence.loads(session, ids).items():
        cap = agents[aid].max_chats if aid in agents else 0
        out[aid] = cap if load.calls else load.written
    return out


def open_chat_counts(session: Session, agent_ids: Sequence[int] | None = None) -> dict[int, int]:
    q = (select(Consultation.agent_id, func.count(Consultation.id))
         .where(Consultation.status == "open", Consultation.agent_id.is_not(None),
                live_chat())
         .group_by(Consultation.agent_id))
    if agent_ids is not None:
        q = q.where(Consultation.agent_id.in_(list(agent_ids)))
    return {int(a): int(n) for a, n in session.execute(q) if a is not None}


@dataclass
class _Candidate:
    agent: Agent
    skills: set[int]
    dedicated: bool
    load: int
    last_answer: datetime


def _candidates(session: Session, states: Sequence[str] = ACCEPTING) -> list[_Candidate]:
    agents = list(session.scalars(select(Agent).where(Agent.state.in_(list(states)))))
    if not agents:
        return []
    ids = [a.id for a in agents]
    skills: dict[int, set[int]] = {i: set() for i in ids}
    for aid, sid in session.execute(select(AgentSkill.agent_id, AgentSkill.skill_id)
                                    .where(AgentSkill.agent_id.in_(ids))):
        skills[aid].add(sid)
    dedicated_teams = set(session.scalars(select(Team.id).where(Team.dedicated_malicious)))
    loads = _chat_loads(session, ids)
    last = dict(session.execute(
        select(Consultation.agent_id, func.max(Consultation.answered_at))
        .where(Consultation.agent_id.in_(ids), live_chat())
        .group_by(Consultation.agent_id)).all())
    return [_Candidate(a, skills[a.id], a.team_id in dedicated_teams, loads.get(a.id, 0),
                       last.get(a.id) or NEVER) for a in agents]


def eligible(cand: _Candidate, queue: Queue, language: str, mode: str) -> bool:
    a = cand.agent
    if cand.load >= a.max_chats:
        return False
    if queue.code == SIGN_QUEUE:
        # A video consultation needs a signer (in omni mode too) with nothing else open: it
        # takes the agent whole, like a call (presence: one call, or chats, never both).
        return queue.skill_id in cand.skills and cand.load == 0
    if queue.code == "malicious":
        return cand.dedicated
    if language != "ko" and language not in (a.languages or ["ko"]):
        return False
    if mode == "omni" or queue.skill_id is None:
        return True
    return queue.skill_id in cand.skills


@dataclass(frozen=True)
class Assignment:
    consultation_id: int
    agent_id: int
    queue_code: str
    offer_id: int | None = None
    offered: bool = False  # True: an offer waits for the agent's accept; False: assigned
    expires_at: datetime | None = None


def assign_waiting(session: Session, mode: str | None = None, limit: int = 200
                   ) -> list[Assignment]:
    """Offer (or, with auto-accept, assign) waiting chats to agents and COMMIT.

    A chat with an offer out is not offered again; an agent who missed or declined a chat is
    passed over for it while anyone else eligible is free.
    """
    mode = mode or routing_mode()
    if mode not in MODES:
        raise BadRequest(f"routing mode must be one of {MODES}, got {mode!r}")
    postgres = session.get_bind().dialect.name == "postgresql"
    if not postgres:
        # SQLite: take the database write lock now so that the whole pass is serialised.
        session.execute(update(Queue).values(priority=Queue.priority))
    q = (select(Consultation)
         .where(Consultation.status == "open", Consultation.agent_id.is_(None),
                Consultation.queue_id.is_not(None), live_chat())
         .order_by(Consultation.priority.desc(), Consultation.queued_at, Consultation.id)
         .limit(limit))
    if postgres:
        q = q.with_for_update(skip_locked=True)
    waiting = list(session.scalars(q))
    on_offer = offers.pending_for(session, [c.id for c in waiting])
    waiting = [c for c in waiting if c.id not in on_offer]
    if not waiting:
        session.commit()
        return []
    passed = offers.passed_by(session, [c.id for c in waiting])
    queues = {qq.id: qq for qq in session.scalars(select(Queue))}
    cands = _candidates(session)
    if postgres and cands:  # lock the agents we may load, then re-read their loads
        ids = [c.agent.id for c in cands]
        session.execute(select(Agent.id).where(Agent.id.in_(ids)).with_for_update())
        loads = _chat_loads(session, ids)
        for c in cands:
            c.load = loads.get(c.agent.id, 0)
    done: list[Assignment] = []
    now = utcnow()
    for chat in waiting:
        queue = queues[chat.queue_id] if chat.queue_id is not None else None
        if queue is None:
            continue
        pool = [c for c in cands if eligible(c, queue, chat.language, mode)]
        if not pool:
            continue
        fresh = [c for c in pool if c.agent.id not in passed.get(chat.id, set())]
        best = min(fresh or pool, key=lambda c: (c.load, c.last_answer, c.agent.id))
        auto = offers.auto_accept(session, best.agent.team_id)
        if auto:
            claimed = session.execute(  # type: ignore[attr-defined]
                update(Consultation)
                .where(Consultation.id == chat.id, Consultation.agent_id.is_(None),
                       Consultation.status == "open")
                .values(agent_id=best.agent.id)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed != 1:
                continue
        offer = offers.make(session, chat.id, best.agent.id, now, accepted=auto)
        best.load += 1
        best.last_answer = now
        if best.load >= best.agent.max_chats and best.agent.state == "available":
            best.agent.state, best.agent.state_since = "busy", now
        done.append(Assignment(chat.id, best.agent.id, queue.code, offer.id, not auto,
                               offer.expires_at))
    session.commit()
    return done


# --- queue position and expected wait ------------------------------------------------------


@dataclass(frozen=True)
class Position:
    position: int  # 1 = next
    waiting: int  # chats waiting in the same queue
    expected_wait_seconds: int | None  # None: nobody staffed can serve this queue
    agents_serving: int  # offerable agents who could take it
    staffed: int = 0  # present agents (also on a break or in after-call work) who could
    method: str = "free"  # free | service_rate | capacity | nobody


SERVICE_WINDOW = timedelta(minutes=30)
MIN_SERVED_FOR_RATE = 3


def average_handle_seconds(session: Session, sample: int = 200) -> float:
    rows = list(session.scalars(
        select(Consultation.handle_seconds)
        .where(live_chat(), Consultation.handle_seconds.is_not(None))
        .order_by(Consultation.id.desc()).limit(sample)))
    vals = [float(x) for x in rows if x and x > 0]
    return sum(vals) / len(vals) if vals else DEFAULT_AHT_SECONDS


def served_recently(session: Session, queue_id: int, now: datetime) -> int:
    """Contacts of the queue that agents took in the last `SERVICE_WINDOW` (accepted offers,
    auto-accepted ones included): the queue's real service rate."""
    from dasan.db.models_presence import ContactOffer

    return int(session.scalar(select(func.count(ContactOffer.id)).join(
        Consultation, Consultation.id == ContactOffer.consultation_id).where(
        Consultation.queue_id == queue_id, ContactOffer.status == "accepted",
        ContactOffer.decided_at >= now - SERVICE_WINDOW)) or 0)


def expected_wait(pos: int, free: int, slots: int, served: int, aht: float) -> tuple[int, str]:
    """Seconds until a contact at `pos` is offered, and how it was estimated.

    * a free slot for everyone ahead -> 0;
    * the queue's recent service rate (contacts taken per second over the last half hour)
      when there is enough of it: the contacts ahead of the free slots / that rate;
    * otherwise the staffed capacity: rounds of `slots` contacts, one handle time each.
    """
    if free >= pos:
        return 0, "free"
    behind = pos - free
    if served >= MIN_SERVED_FOR_RATE:
        rate = served / SERVICE_WINDOW.total_seconds()
        return int(math.ceil(behind / rate)), "service_rate"
    return int(math.ceil(behind / max(1, slots)) * aht), "capacity"


# A waiting chat's place in its queue and the queue's length, in one statement built once (a
# citizen's socket asks on every connect: a reconnect storm asks thousands of times).
_POSITION_COUNTS = select(
    func.count(Consultation.id).label("waiting"),
    func.sum(case(
        ((Consultation.priority > bindparam("priority"))
         | ((Consultation.priority == bindparam("priority"))
            & (Consultation.queued_at < bindparam("queued", type_=UtcDateTime())))
         | ((Consultation.priority == bindparam("priority"))
            & (Consultation.queued_at == bindparam("queued", type_=UtcDateTime()))
            & (Consultation.id < bindparam("id"))), 1),
        else_=0)).label("ahead"),
).where(Consultation.status == "open", Consultation.agent_id.is_(None),
        Consultation.queue_id == bindparam("queue_id"), live_chat())


def position(session: Session, c: Consultation, mode: str | None = None) -> Position | None:
    """Where a waiting chat stands in its queue, and an honest expected wait: None when no
    present agent can serve the queue at all (then nobody should promise a wait)."""
    if c.status != "open" or c.agent_id is not None or c.queue_id is None:
        return None
    mode = mode or routing_mode()
    queued = c.queued_at or c.started_at
    counted = session.execute(_POSITION_COUNTS, {
        "queue_id": c.queue_id, "priority": c.priority, "queued": queued, "id": c.id}).one()
    ahead, waiting = int(counted.ahead or 0), int(counted.waiting or 0)
    queue = session.get(Queue, c.queue_id)
    assert queue is not None
    pos = int(ahead) + 1

    def can_serve(x: _Candidate) -> bool:
        return eligible(_Candidate(x.agent, x.skills, x.dedicated, 0, x.last_answer),
                        queue, c.language, mode)

    staffed = [x for x in _candidates(session, sorted(presence_states.PRESENT)) if can_serve(x)]
    if not staffed:
        return Position(pos, int(waiting), None, 0, 0, "nobody")
    serving = [x for x in staffed if x.agent.state in ACCEPTING]
    slots = sum(x.agent.max_chats for x in staffed)
    free = sum(max(0, x.agent.max_chats - x.load) for x in serving)
    eta, method = expected_wait(pos, free, slots, served_recently(session, queue.id, utcnow()),
                                average_handle_seconds(session))
    return Position(pos, int(waiting), eta, len(serving), len(staffed), method)


def staffed_for(session: Session, queue: Queue, language: str, mode: str | None = None
                ) -> int:
    """Present agents (any present state) who could serve this queue and language."""
    mode = mode or routing_mode()
    return sum(1 for x in _candidates(session, sorted(presence_states.PRESENT))
               if eligible(_Candidate(x.agent, x.skills, x.dedicated, 0, x.last_answer),
                           queue, language, mode))


# --- agent state and transfer ---------------------------------------------------------------


def set_agent_state(session: Session, agent: Agent, state: str) -> None:
    """Set a state directly (seeding, tests); people go through `presence.set_state`."""
    state = presence_states.ALIASES.get(state, state)
    if state not in AGENT_STATES:
        raise BadRequest(f"unknown agent state {state!r}; use one of {', '.join(AGENT_STATES)}")
    if state == "available":
        load = open_chat_counts(session, [agent.id]).get(agent.id, 0)
        if load >= agent.max_chats:
            state = "busy"
    if agent.state != state:
        agent.state = state
        agent.state_since = utcnow()


def refresh_busy(session: Session, agent_id: int) -> None:
    """After a chat leaves or reaches an agent: busy <-> available by load."""
    presence.refresh_load(session, agent_id)


def transfer_to_queue(session: Session, c: Consultation, queue_code: str) -> int | None:
    """Back to a queue (keeps the original queued time, so the chat is not penalised)."""
    queue = session.scalar(select(Queue).where(Queue.code == queue_code))
    if queue is None:
        raise BadRequest(f"unknown queue {queue_code!r}", code="unknown_queue")
    previous = c.agent_id
    c.queue_id = queue.id
    c.agent_id = None
    c.priority = max(c.priority or 0, queue.priority)
    if previous is not None:
        refresh_busy(session, previous)
    return previous


def transfer_to_agent(session: Session, c: Consultation, agent_id: int) -> int | None:
    """Hand a chat to a named agent, who must be accepting chats and below the limit."""
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"agent {agent_id} not found", code="agent_not_found")
    if agent_id == c.agent_id:
        raise BadRequest("the chat is already with this agent", code="transfer_same_agent")
    if agent.state not in ACCEPTING:
        raise BadRequest(f"agent {agent.name} is not accepting chats (state {agent.state})",
                         code="agent_not_accepting")
    load = open_chat_counts(session, [agent_id]).get(agent_id, 0)
    if load >= agent.max_chats:
        raise BadRequest(f"agent {agent.name} already has {load} chats (limit {agent.max_chats})",
                         code="agent_at_limit")
    previous = c.agent_id
    c.agent_id = agent_id
    if load + 1 >= agent.max_chats and agent.state == "available":
        agent.state, agent.state_since = "busy", utcnow()
    if previous is not None:
        refresh_busy(session, previous)
    return previous
