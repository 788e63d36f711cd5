"""Canned answers (상용구) on the agent desktop: the shared defaults, each team's and each
agent's own, searchable, with variables filled in for the chat at hand.

Variables are written in braces: ``{citizen_name}``, ``{agent_name}``, ``{queue}``, ``{today}``.
Unknown braces are left as they are (a typo shows, it does not break the answer).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dasan import access
from dasan.chat.service import get_consultation
from dasan.db.base import utcnow
from dasan.db.models import Agent, Citizen, Queue, Team, User
from dasan.db.models_desk import CannedAnswer
from dasan.errors import Invalid, NotFound
from dasan.timeutil import local_today

CANNED: tuple[tuple[str, str, str], ...] = (
    ("greet", "인사", "안녕하세요, {citizen_name}님. 120다산콜 {agent_name} 상담사입니다. "
                     "무엇을 도와드릴까요?"),
    ("check", "확인 중", "확인해 드리겠습니다. 잠시만 기다려 주세요."),
    ("more", "추가 문의", "더 궁금하신 점이 있으실까요?"),
    ("transfer", "부서 안내",
     "해당 업무는 담당 부서 확인이 필요합니다. 담당 부서로 안내해 드리겠습니다."),
    ("privacy", "개인정보", "개인정보 보호를 위해 주민등록번호 등은 입력하지 말아 주세요."),
    ("close", "종료 인사", "{citizen_name}님, 이용해 주셔서 감사합니다. 좋은 하루 보내세요."),
)
VARIABLES: dict[str, tuple[str, str]] = {
    "citizen_name": ("시민 이름 (모르면 '고객')", "Citizen's name ('고객' when unknown)"),
    "agent_name": ("상담사 이름", "Agent's name"),
    "queue": ("대기열 이름", "Queue name"),
    "today": ("오늘 날짜", "Today's date"),
}
CODE_RE = re.compile(r"^[0-9A-Za-z가-힣_-]{1,32}$")
_VAR_RE = re.compile(r"\{([a-z_]+)\}")
SCOPES = ("personal", "team")


def render(text: str, values: dict[str, str]) -> str:
    """`text` with its known variables filled in."""
    return _VAR_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def values_for(s: Session, agent: Agent | None, cid: int | None, today: date | None = None
               ) -> dict[str, str]:
    """The variables' values for one chat (and the agent answering it)."""
    today = today or local_today()  # the city's day (ADR 0018)
    values = {"agent_name": agent.name if agent else "", "citizen_name": "고객",
              "queue": "", "today": f"{today.year}년 {today.month}월 {today.day}일"}
    if cid is not None:
        c = get_consultation(s, cid)
        citizen = s.get(Citizen, c.citizen_id) if c.citizen_id else None
        if citizen is not None and citizen.display_name:
            values["citizen_name"] = citizen.display_name
        queue = s.get(Queue, c.queue_id) if c.queue_id else None
        if queue is not None:
            values["queue"] = queue.name
    return values


def _view(code: str, label: str, text: str, scope: str, values: dict[str, str],
          row_id: int | None = None) -> dict[str, Any]:
    return {"id": row_id, "code": code, "label": label, "scope": scope, "template": text,
            "text": render(text, values)}


def listing(s: Session, user: User, agent: Agent | None, cid: int | None = None,
            q: str | None = None) -> list[dict[str, Any]]:
    """The user's canned answers (personal, then team, then shared), filled in for chat `cid`
    and filtered by `q` (code, label or text)."""
    if cid is not None:
        access.access_chat(s, user, agent, get_consultation(s, cid), "chat.canned")
    values = values_for(s, agent, cid)
    own = [CannedAnswer.owner_user_id == user.id]
    if agent is not None and agent.team_id is not None:
        own.append(CannedAnswer.team_id == agent.team_id)
    items = [_view(r.code, r.label, r.text, "personal" if r.owner_user_id else "team", values,
                   r.id)
             for r in s.scalars(select(CannedAnswer).where(or_(*own))
                                .order_by(CannedAnswer.owner_user_id.is_(None), CannedAnswer.code))]
    items += [_view(code, label, text, "shared", values) for code, label, text in CANNED]
    needle = (q or "").strip().lower()
    if needle:
        items = [i for i in items if needle in i["code"].lower() or needle in i["label"].lower()
                 or needle in i["text"].lower()]
    return items


def _clean(code: str, label: str, text: str) -> tuple[str, str, str]:
    code, label, text = code.strip(), label.strip(), text.strip()
    if "\x00" in label + text:
        raise Invalid("control characters are not allowed", code="canned_bad_text")
    if not CODE_RE.match(code):
        raise Invalid("code: 1-32 letters, digits, Hangul, _ or -", code="canned_bad_code")
    if not label or len(label) > 64:
        raise Invalid("label: 1-64 characters", code="canned_bad_label")
    if not text or len(text) > 2000:
        raise Invalid("text: 1-2000 characters", code="canned_bad_text")
    unknown = sorted(set(_VAR_RE.findall(text)) - set(VARIABLES))
    if unknown:
        raise Invalid(f"unknown variables: {', '.join(unknown)}; use {', '.join(VARIABLES)}",
                      code="canned_bad_variable")
    return code, label, text


def save(s: Session, user: User, scope: str, code: str, label: str, text: str,
         team_id: int | None = None, row_id: int | None = None) -> dict[str, Any]:
    """Create (or, with `row_id`, edit) a personal or a team canned answer (caller commits).
    Team answers are kept by floor leads for one team."""
    if scope not in SCOPES:
        raise Invalid(f"scope must be one of {', '.join(SCOPES)}", code="canned_bad_scope")
    code, label, text = _clean(code, label, text)
    if row_id is not None:
        row = s.get(CannedAnswer, row_id)
        if row is None:
            raise NotFound(f"canned answer {row_id} not found")
    else:
        if scope == "team" and (team_id is None or s.get(Team, team_id) is None):
            raise Invalid("a team answer needs an existing team_id", code="canned_no_team")
        row = CannedAnswer(owner_user_id=user.id if scope == "personal" else None,
                           team_id=team_id if scope == "team" else None, uses=0)
    access.access_canned_edit(s, user, row.owner_user_id, row.team_id)
    if row_id is None:
        s.add(row)
    row.code, row.label, row.text, row.updated_at = code, label, text, utcnow()
    s.flush()
    return _view(row.code, row.label, row.text, "personal" if row.owner_user_id else "team",
                 {}, row.id)


def delete(s: Session, user: User, row_id: int) -> None:
    row = s.get(CannedAnswer, row_id)
    if row is None:
        raise NotFound(f"canned answer {row_id} not found")
    access.access_canned_edit(s, user, row.owner_user_id, row.team_id)
    s.delete(row)
    s.flush()


def canned() -> list[dict[str, str]]:
    """The shared defaults, unfilled (kept for callers without a chat)."""
    return [{"code": c, "label": label, "text": text} for c, label, text in CANNED]


def team_board(s: Session) -> list[dict[str, Any]]:
    """Every team with its canned answers (the floor lead's page), teams by name."""
    rows = s.scalars(select(CannedAnswer).where(CannedAnswer.team_id.is_not(None))
                     .order_by(CannedAnswer.code)).all()
    by_team: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        assert r.team_id is not None
        by_team.setdefault(r.team_id, []).append(
            {"id": r.id, "code": r.code, "label": r.label, "text": r.text, "uses": r.uses,
             "updated_at": r.updated_at})
    return [{"id": t.id, "code": t.code, "name": t.name, "answers": by_team.get(t.id, [])}
            for t in s.scalars(select(Team).order_by(Team.name))]


def team_of(s: Session, row_id: int) -> int | None:
    """The team of a canned answer (None for a personal one); NotFound when there is none."""
    row = s.get(CannedAnswer, row_id)
    if row is None:
        raise NotFound(f"canned answer {row_id} not found")
    return row.team_id
