"""The demo installation: organisation, people, the real FAQ and a generated history."""

from __future__ import annotations

import re
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
from dasan.voice.flows.schema import Flow

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


# -- the visible-ARS page's answers ----------------------------------------------------------

# A queue's own KB category (its department's), tried first among the entries routed to it.
QUEUE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "transport": ("교통",), "water": ("환경",), "welfare_admin": ("복지", "행정"),
    "general": ("행정",),
}
# The foreign-language leaves: entries about residents from abroad.
_FOREIGN_RE = re.compile(r"외국인|외국어|다국어|통역|다문화")
VISIBLE_ARS_OFFER = "화면으로 메뉴를 보시려면 샵 버튼을 눌러 주세요."
VISIBLE_ARS_TRIES = 40  # candidates asked of the bot per menu item


def visible_ars_answers(session: Session, flow: Flow, today: date) -> dict[str, str]:
    """For each leaf (queue) of the visible-ARS page, the title of a seeded KB entry the
    chatbot answers with (`find_answer`: the page shows an answer only when the bot would give
    it), chosen by a rule over the KB, never by id: the answerable published entries the
    router sends to that leaf's queue (`router.decide` on the title; for a foreign-language
    leaf, entries about residents from abroad), those of the queue's own category and the
    city's own first, the first whose title the bot answers with that same entry. A leaf no
    entry passes keeps its label's query (no answer shown)."""
    from dasan.knowledge.bot_answer import find_answer
    from dasan.routing.router import decide
    from dasan.voice.visible_ars.menu import build

    root = build(flow)
    if root is None:
        return {}
    entries = [(eid, title, cat, kind == "district") for eid, title, cat, kind in session.execute(
        select(KbEntry.id, KbEntry.title, KbEntry.category, Agency.kind)
        .outerjoin(Agency, Agency.id == KbEntry.owner_agency_id)
        .where(KbEntry.status == "published", KbEntry.needs_answer.is_(False),
               KbEntry.answer != "")
        .order_by(KbEntry.id))]
    routed: dict[int, str] = {e[0]: decide(session, e[1]).queue_code for e in entries}
    out: dict[str, str] = {}
    for leaf in root.walk():
        if leaf.kind != "queue" or leaf.queue is None:
            continue
        if leaf.queue == "foreign":
            pool = [e for e in entries if _FOREIGN_RE.search(e[1])]
        else:
            own = QUEUE_CATEGORIES.get(leaf.queue, ())
            # the queue's own category first, the city's entries before a district's; by id
            # within each group (a stable sort)
            pool = sorted((e for e in entries if routed[e[0]] == leaf.queue),
                          key=lambda e: (e[2] not in own, e[3]))
        for eid, title, _cat, _district in pool[:VISIBLE_ARS_TRIES]:
            result = find_answer(session, title, today)
            if result.decision.kind == "answer" and result.found[0][0].id == eid:
                out[leaf.node] = title
                break
    return out


def seed_visible_ars(session: Session, today: date) -> dict[str, str]:
    """Publish the demo's phone flow: the shipped one, offering the visible-ARS link (the
    caller presses #) with each menu item's answer pointed at the seeded KB
    (`visible_ars_answers`). Only over the shipped flow (version 0): a flow an admin published
    is kept. Returns the answers' queries by node (empty when nothing was published). The
    knowledge index must be built (`get_live_index().sync`)."""
    from dasan.voice.flows import store
    from dasan.voice.flows.default import default_flow
    from dasan.voice.flows.schema import validate

    _flow, version = store.live(session)
    if version != 0:
        return {}
    doc = default_flow()
    doc["prompts"]["visible_ars_offer"] = VISIBLE_ARS_OFFER
    doc["visible_ars"] = {"mode": "offer", "key": "#", "answers": {}}
    answers = visible_ars_answers(session, validate(doc), today)
    doc["visible_ars"]["answers"] = answers
    row = store.save_draft(session, doc, None, "demo: visible ARS answers from the seeded KB")
    store.publish(session, row.name, row.version, None)
    return answers
