"""Automatic call distribution: which agent's phone rings for a waiting call.

`candidates` is the one place that reads who can take a call now, from the shared presence
model: an agent who is available (or busy) with capacity for a call, i.e. no call and no
written contact open or offered (`presence.capacity_of`: one call, or chats up to the limit,
never both). The eligibility rules are the chat router's: the malicious queue goes only to the
dedicated team, a foreign-language call only to an agent who speaks it, and in `skill` mode
only to an agent with the queue's skill (`omni` mode: any agent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dasan.db.base import utcnow
from dasan.db.models import Agent, AgentSkill, Queue, Team
from dasan.db.models_voice import VoiceEndpoint
from dasan.presence import service as presence
from dasan.presence import states as presence_states
from dasan.routing.router import DEFAULT_AHT_SECONDS
from dasan.voice.records import batchable


@dataclass(frozen=True)
class AgentPhone:
    agent_id: int
    name: str
    sip_uri: str
    skills: frozenset[int]
    dedicated: bool
    languages: tuple[str, ...]
    since: datetime


@dataclass
class QueueInfo:
    code: str
    skill_id: int | None
    priority: int
    name: str = ""


@dataclass
class Roster:
    agents: list[AgentPhone] = field(default_factory=list)
    queues: dict[str, QueueInfo] = field(default_factory=dict)


@batchable
def candidates(session: Session) -> Roster:
    """Agents with room for a call (presence) and an active SIP endpoint, and the queues."""
    rows = session.execute(
        select(Agent, VoiceEndpoint.sip_uri).join(VoiceEndpoint, VoiceEndpoint.agent_id == Agent.id)
        .where(Agent.state.in_(sorted(presence_states.OFFERABLE)),
               VoiceEndpoint.active.is_(True),
               or_(VoiceEndpoint.registered_until.is_(None),
                   VoiceEndpoint.registered_until > utcnow()))).all()
    load = presence.loads(session, [a.id for a, _ in rows])
    free = [(a, uri) for a, uri in rows if presence.capacity_of(a, load[a.id], "phone") > 0]
    ids = [a.id for a, _ in free]
    skills: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        for aid, sid in session.execute(select(AgentSkill.agent_id, AgentSkill.skill_id)
                                        .where(AgentSkill.agent_id.in_(ids))):
            skills[aid].add(sid)
    dedicated = set(session.scalars(select(Team.id).where(Team.dedicated_malicious)))
    agents = [AgentPhone(a.id, a.name, uri, frozenset(skills[a.id]), a.team_id in dedicated,
                         tuple(a.languages or ["ko"]), a.state_since) for a, uri in free]
    queues = {q.code: QueueInfo(q.code, q.skill_id, q.priority, q.name)
              for q in session.scalars(select(Queue))}
    return Roster(agents, queues)


def eligible(agent: AgentPhone, queue: QueueInfo, language: str, mode: str) -> bool:
    if queue.code == "malicious":
        return agent.dedicated
    if language != "ko" and language not in agent.languages:
        return False
    if mode == "omni" or queue.skill_id is None:
        return True
    return queue.skill_id in agent.skills


def pick(roster: Roster, queue_code: str, language: str, mode: str,
         exclude: set[int]) -> AgentPhone | None:
    """The longest-idle eligible agent not already ringing or talking."""
    queue = roster.queues.get(queue_code)
    if queue is None:
        return None
    pool = [a for a in roster.agents
            if a.agent_id not in exclude and eligible(a, queue, language, mode)]
    return min(pool, key=lambda a: (a.since, a.agent_id)) if pool else None


def expected_wait(position: int, serving: int, aht: float = DEFAULT_AHT_SECONDS) -> int:
    """Seconds until the caller at `position` (1 = next) is likely answered."""
    if serving <= 0:
        return int(aht * position)
    return int(math.ceil(position / serving) * aht) if position > serving else 0


def serving(roster: Roster, queue_code: str, language: str, mode: str) -> int:
    queue = roster.queues.get(queue_code)
    return 0 if queue is None else sum(1 for a in roster.agents
                                       if eligible(a, queue, language, mode))
