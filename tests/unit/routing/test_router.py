from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from dasan.chat.service import start_chat
from dasan.db.base import utcnow
from dasan.db.models import Agent, AgentSkill, Citizen, Consultation, Queue, Skill, Team
from dasan.errors import DomainError
from dasan.protection.policy import register
from dasan.routing import router


@pytest.fixture(autouse=True)
def restore_agents(database_url: str) -> Iterator[None]:
    """Agents and their skills are seeded once per session: put back what a test changed."""
    from dasan.db.session import new_session

    s = new_session(database_url)
    agents = [(a.id, a.team_id, a.max_chats, list(a.languages or ["ko"]))
              for a in s.scalars(select(Agent))]
    skills = [(x.agent_id, x.skill_id, x.level) for x in s.scalars(select(AgentSkill))]
    s.close()
    yield
    s = new_session(database_url)
    try:
        s.execute(delete(AgentSkill))
        s.add_all(AgentSkill(agent_id=a, skill_id=k, level=lv) for a, k, lv in skills)
        for aid, team, max_chats, langs in agents:
            s.execute(update(Agent).where(Agent.id == aid).values(
                team_id=team, max_chats=max_chats, languages=langs, state="offline"))
        s.commit()
    finally:
        s.close()


def agent(db: Session, no: str) -> Agent:
    a = db.scalar(select(Agent).where(Agent.employee_no == no))
    assert a is not None
    return a


def only_skills(db: Session, a: Agent, codes: list[str]) -> None:
    for row in db.scalars(select(AgentSkill).where(AgentSkill.agent_id == a.id)):
        db.delete(row)
    db.flush()
    for code in codes:
        sid = db.scalar(select(Skill.id).where(Skill.code == code))
        db.add(AgentSkill(agent_id=a.id, skill_id=sid))
    db.flush()


def waiting(db: Session, queue: str, minutes_ago: float, priority: int = 0,
            language: str = "ko") -> Consultation:
    c = start_chat(db, language=language)
    c.channel = "web"
    c.queue_id = db.scalar(select(Queue.id).where(Queue.code == queue))
    c.queued_at = utcnow() - timedelta(minutes=minutes_ago)
    c.priority = priority
    db.flush()
    return c


def test_decide_queues_and_priorities(db: Session) -> None:
    d = router.decide(db, "버스 노선이 바뀌었나요")
    assert d.queue_code == "transport" and d.priority == 0
    assert router.decide(db, "수돗물에서 냄새가 나요").queue_code == "water"
    welfare = router.decide(db, "긴급복지 지원을 받고 싶어요")
    assert welfare.queue_code == "welfare_admin"
    assert welfare.priority > 1  # queue priority plus the welfare bump
    crisis = router.decide(db, "아무것도", crisis=True)
    assert crisis.queue_code == "welfare_admin" and crisis.priority >= router.CRISIS_PRIORITY
    assert router.decide(db, "where is city hall", language="en").queue_code == "foreign"
    assert router.decide(db, "여권 발급").queue_code == "general"


def test_registered_malicious_caller_goes_to_dedicated_queue(db: Session) -> None:
    citizen = Citizen(phone_masked="010-****-0000")
    db.add(citizen)
    db.flush()
    register(db, citizen.id, "반복 폭언")
    assert router.decide(db, "버스", citizen_id=citizen.id).queue_code == "malicious"
    with pytest.raises(DomainError, match="reason"):
        register(db, citizen.id, " ")


def test_oldest_first_priority_first_and_concurrency_limit(db: Session) -> None:
    a1 = agent(db, "A0001")
    a1.state, a1.max_chats = "available", 2
    only_skills(db, a1, ["general"])
    old = waiting(db, "general", 10)
    new = waiting(db, "general", 1)
    newest = waiting(db, "general", 0.5)
    urgent = waiting(db, "general", 0.1, priority=router.CRISIS_PRIORITY)
    db.commit()
    done = router.assign_waiting(db, "skill")
    assert [d.consultation_id for d in done] == [urgent.id, old.id]
    for c in (old, new, newest, urgent):
        db.refresh(c)
    assert new.agent_id is None and newest.agent_id is None
    db.refresh(a1)
    assert a1.state == "busy"
    pos = router.position(db, new, "skill")
    assert pos is not None and pos.position == 1 and pos.waiting == 2
    assert router.position(db, newest, "skill").position == 2  # type: ignore[union-attr]
    # Closing one chat frees a slot: the next oldest goes.
    old.status = "closed"
    router.refresh_busy(db, a1.id)
    db.commit()
    assert [d.consultation_id for d in router.assign_waiting(db, "skill")] == [new.id]


def test_skill_mode_versus_omni_mode(db: Session) -> None:
    a1 = agent(db, "A0001")
    a1.state = "available"
    only_skills(db, a1, ["general"])
    water = waiting(db, "water", 3)
    db.commit()
    assert router.assign_waiting(db, "skill") == []
    done = router.assign_waiting(db, "omni")
    assert [(d.consultation_id, d.agent_id) for d in done] == [(water.id, a1.id)]
    with pytest.raises(DomainError, match="routing mode"):
        router.assign_waiting(db, "random")


def test_fair_spread_over_agents(db: Session) -> None:
    a1, a2 = agent(db, "A0001"), agent(db, "A0002")
    for a in (a1, a2):
        a.state = "available"
        only_skills(db, a, ["general"])
    chats = [waiting(db, "general", 5 - i) for i in range(4)]
    db.commit()
    done = router.assign_waiting(db, "skill")
    assert len(done) == 4
    per_agent = {a1.id: 0, a2.id: 0}
    for d in done:
        per_agent[d.agent_id] += 1
    assert per_agent == {a1.id: 2, a2.id: 2}
    assert {d.consultation_id for d in done} == {c.id for c in chats}


def test_malicious_queue_only_to_dedicated_team_and_language_match(db: Session) -> None:
    a1, a2 = agent(db, "A0001"), agent(db, "A0002")
    a1.state = a2.state = "available"
    a1.languages = ["ko"]
    a2.languages = ["ko", "en"]
    mal = waiting(db, "malicious", 5)
    foreign = waiting(db, "foreign", 4, language="en")
    db.commit()
    done = {d.consultation_id: d.agent_id for d in router.assign_waiting(db, "omni")}
    assert mal.id not in done  # nobody on the dedicated team is on shift
    assert done[foreign.id] == a2.id
    team = db.scalar(select(Team).where(Team.dedicated_malicious))
    assert team is not None
    a1.team_id = team.id
    db.commit()
    assert {d.consultation_id: d.agent_id for d in router.assign_waiting(db, "omni")} == {
        mal.id: a1.id}


def test_transfer_between_agents_and_to_queue(db: Session) -> None:
    a1, a2 = agent(db, "A0001"), agent(db, "A0002")
    a1.state, a2.state = "available", "available"
    c = waiting(db, "general", 2)
    c.agent_id = a1.id
    db.commit()
    assert router.transfer_to_agent(db, c, a2.id) == a1.id
    assert c.agent_id == a2.id
    with pytest.raises(DomainError, match="already"):
        router.transfer_to_agent(db, c, a2.id)
    a1.state = "break"
    with pytest.raises(DomainError, match="not accepting"):
        router.transfer_to_agent(db, c, a1.id)
    assert router.transfer_to_queue(db, c, "water") == a2.id
    assert c.agent_id is None and c.queue_id == db.scalar(
        select(Queue.id).where(Queue.code == "water"))
    with pytest.raises(DomainError, match="unknown queue"):
        router.transfer_to_queue(db, c, "nowhere")


def test_agent_state_validation(db: Session) -> None:
    a1 = agent(db, "A0001")
    with pytest.raises(DomainError, match="unknown agent state"):
        router.set_agent_state(db, a1, "sleeping")
    router.set_agent_state(db, a1, "break")
    assert a1.state == "break"
