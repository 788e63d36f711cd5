"""The demo installation: organisation, people, the real FAQ and a generated history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from dasan.auth import create_user
from dasan.consultations.channels import ARS_MENU, SIGN_LANGUAGE
from dasan.consultations.districts import DISTRICTS
from dasan.consultations.generator import GeneratorConfig, Topic, batch_rows, generate
from dasan.db.models import (
    Agency,
    Agent,
    AgentSkill,
    Consultation,
    KbEntry,
    Queue,
    Skill,
    Team,
    User,
)

DEMO_PASSWORD = "dasan1234!"

# City departments that own knowledge-base entries, keyed by the category they mostly answer.
CITY_DEPARTMENTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("city-admin", "행정국", "Administration Bureau", "행정"),
    ("city-economy", "경제실", "Economic Policy Office", "경제"),
    ("city-welfare", "복지실", "Welfare Office", "복지"),
    ("city-climate", "기후환경본부", "Climate & Environment HQ", "환경"),
    ("city-housing", "주택실", "Housing Office", "주택도시계획"),
    ("city-culture", "문화본부", "Culture HQ", "문화관광"),
    ("city-transport", "도시교통실", "Urban Transportation Office", "교통"),
    ("city-safety", "안전총괄실", "Safety Office", "안전"),
    ("city-health", "시민건강국", "Citizen Health Bureau", "건강"),
    ("city-women", "여성가족실", "Women & Family Office", "여성가족"),
    ("city-water", "상수도사업본부", "Waterworks HQ", None),
)


def department_for_category(category: str | None) -> str:
    for code, _ko, _en, cat in CITY_DEPARTMENTS:
        if cat is not None and cat == category:
            return code
    return "city-admin"


def seed_org(session: Session) -> None:
    """Agencies (city departments, 25 districts, the center), skills, queues and teams."""
    if session.scalar(select(Agency.id).limit(1)) is not None:
        return
    session.add(Agency(code="center", name="120다산콜재단", name_en="120 Dasan Call Foundation",
                       kind="center"))
    for code, ko, en, _cat in CITY_DEPARTMENTS:
        session.add(Agency(code=code, name=ko, name_en=en, kind="city_department"))
    for d in DISTRICTS:
        session.add(Agency(code=f"gu-{d.code}", name=d.name_ko, name_en=d.name_en,
                           kind="district", district_code=d.code))
    for digit, (code, ko, en) in ARS_MENU.items():
        skill = Skill(code=code, name=ko, name_en=en)
        session.add(skill)
        session.flush()
        priority = 1 if code == "welfare_admin" else 0
        session.add(Queue(code=code, name=ko, name_en=en, skill_id=skill.id, ars_digit=digit,
                          priority=priority))
    sign = Skill(code=SIGN_LANGUAGE, name="수어 상담", name_en="Sign language")
    session.add(sign)
    session.flush()
    session.add(Queue(code=SIGN_LANGUAGE, name="수어 상담", name_en="Sign language",
                      skill_id=sign.id, priority=0))
    session.add(Queue(code="malicious", name="악성민원 전담", name_en="Malicious-caller team",
                      priority=0))
    session.add(Team(code="team-a", name="상담1팀"))
    session.add(Team(code="team-b", name="상담2팀"))
    session.add(Team(code="team-remote", name="재택상담팀"))
    session.add(Team(code="team-protect", name="악성민원 전담팀", dedicated_malicious=True))
    session.flush()
    from dasan.complaints.catalogue import seed_catalogue  # field-complaint catalogue

    seed_catalogue(session)


def _agency_id(session: Session, code: str) -> int:
    agency_id = session.scalar(select(Agency.id).where(Agency.code == code))
    if agency_id is None:
        raise ValueError(f"unknown agency {code!r}")
    return agency_id


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    agency: str | None = None
    district: str | None = None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "admin", "관리자"),
    DemoUser("supervisor", "supervisor", "김감독"),
    DemoUser("agent1", "agent", "이상담"),
    DemoUser("agent2", "agent", "박상담"),
    DemoUser("agent3", "agent", "최상담"),
    DemoUser("kbeditor", "kb_editor", "도시교통실 편집자", agency="city-transport"),
    DemoUser("kbeditor-gc", "kb_editor", "금천구 편집자", agency="gu-11545"),
    DemoUser("district", "district_officer", "금천구 담당자", agency="gu-11545", district="11545"),
    DemoUser("analyst", "analyst", "정분석"),
    DemoUser("citizen", "citizen", "시민"),
)


def seed_people(session: Session, agents: int = 60, password: str = DEMO_PASSWORD) -> None:
    """Demo accounts for every role and a floor of agents (the first few can log in)."""
    if session.scalar(select(User.id).limit(1)) is not None:
        return
    users: dict[str, User] = {}
    for du in DEMO_USERS:
        agency_id = _agency_id(session, du.agency) if du.agency else None
        users[du.username] = create_user(
            session, du.username, password, du.role, display_name=du.display_name,
            agency_id=agency_id, district_code=du.district,
        )
    teams = list(session.scalars(select(Team).order_by(Team.id)))
    skills = list(session.scalars(select(Skill).order_by(Skill.id)))
    login_agents = [u for u in users.values() if u.role == "agent"]
    for i in range(agents):
        user = login_agents[i] if i < len(login_agents) else None
        team = teams[2] if i % 5 == 4 else teams[i % 2]
        agent = Agent(
            user_id=user.id if user else None,
            team_id=team.id,
            employee_no=f"A{i + 1:04d}",
            name=user.display_name if user else f"상담사{i + 1:03d}",
            remote=team.code == "team-remote",
            max_chats=3,
            languages=["ko", "en"] if i % 10 == 0 else ["ko"],
        )
        session.add(agent)
        session.flush()
        for j, skill in enumerate(skills):
            # The first agent signs (the demo's sign-language video consultations, ADR 0015).
            signer = skill.code == SIGN_LANGUAGE and i == 0
            if skill.code == "general" or (i + j) % 3 == 0 or signer:
                session.add(AgentSkill(agent_id=agent.id, skill_id=skill.id))
    session.flush()


def topics_from_kb(session: Session, limit: int = 2000) -> list[Topic]:
    rows = session.execute(
        select(KbEntry.program, KbEntry.title, KbEntry.category).limit(limit)
    ).all()
    return [Topic(program=p, title=t, category=c or "행정") for p, t, c in rows]


def write_history(
    session: Session,
    start: date,
    days: int,
    seed: int = 120,
    daily_average: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Generate and insert a consultation history; returns the number of rows written."""
    queue_ids = {code: qid for qid, code in session.execute(select(Queue.id, Queue.code))}
    agent_ids = list(session.scalars(select(Agent.id).order_by(Agent.id)))
    if not agent_ids:
        raise ValueError("no agents: seed the organisation first")
    topics = topics_from_kb(session) or None
    cfg = GeneratorConfig(start=start, days=days, seed=seed, agents=len(agent_ids))
    if topics:
        cfg.topics = topics
    if daily_average is not None:
        cfg.daily_average = daily_average
    total = 0
    for batch in generate(cfg):
        rows = []
        for r in batch_rows(batch):
            queue = r.pop("queue")
            agent = r.pop("agent")
            r["queue_id"] = queue_ids.get(str(queue)) if queue else None
            r["agent_id"] = agent_ids[int(str(agent)) - 1] if agent else None
            r["status"] = "closed"
            rows.append(r)
        if rows:  # Core executemany: the driver's fast path, no ORM bookkeeping
            session.connection().execute(insert(Consultation), rows)
        total += len(rows)
        if progress:
            progress(total)
    return total
