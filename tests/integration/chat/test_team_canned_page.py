"""The floor lead's team canned answers page (`/supervisor/canned`): create, edit, delete
through the page's forms; a refused form changes nothing and says why in Korean; agents are
refused the page and see the team's answers on their desktop (`/api/chat/canned`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Agent, Team, User
from dasan.db.models_desk import CannedAnswer


def _team_answers(db: Session) -> list[tuple[str, str, str]]:
    db.expire_all()
    return [(r.code, r.label, r.text) for r in db.scalars(
        select(CannedAnswer).where(CannedAnswer.team_id.is_not(None)).order_by(CannedAnswer.id))]


def _agent1_team(db: Session) -> Team:
    user = db.scalar(select(User).where(User.username == "agent1"))
    assert user is not None
    agent = db.scalar(select(Agent).where(Agent.user_id == user.id))
    assert agent is not None and agent.team_id is not None
    team = db.get(Team, agent.team_id)
    assert team is not None
    return team


def test_floor_lead_keeps_team_answers_on_the_page(client: Any, login: Any, db: Session
                                                   ) -> None:
    team = _agent1_team(db)
    login("supervisor")
    page = client.get("/supervisor/canned")
    assert page.status_code == 200 and team.name in page.text and "{citizen_name}" in page.text
    r = client.post("/supervisor/canned", data={
        "team_id": team.id, "code": "환불", "label": "환불 안내",
        "text": "{citizen_name}님, 환불은 {today}부터 가능합니다."}, follow_redirects=False)
    assert r.status_code == 303 and "notice=created" in r.headers["location"]
    assert _team_answers(db) == [("환불", "환불 안내",
                                  "{citizen_name}님, 환불은 {today}부터 가능합니다.")]
    page = client.get(r.headers["location"]).text
    assert "팀 상용구를 추가했습니다" in page and "환불 안내" in page
    row_id = db.scalar(select(CannedAnswer.id).where(CannedAnswer.code == "환불"))

    # Bad input: an unknown variable, a bad code, no team: refused in Korean, nothing changes.
    for data, ko in (({"code": "환불", "label": "x", "text": "{phone} 주세요"}, "알 수 없는 변수"),
                     ({"code": "공백 코드", "label": "x", "text": "y"}, "코드는"),):
        r = client.post(f"/supervisor/canned/{row_id}", data=data, follow_redirects=False)
        assert r.status_code == 303 and "error=" in r.headers["location"]
        shown = client.get(r.headers["location"]).text
        assert ko in shown and "unknown variables" not in shown
    r = client.post("/supervisor/canned", data={"team_id": "", "code": "a", "label": "b",
                                                "text": "c"}, follow_redirects=False)
    assert "팀을 선택하세요" in client.get(r.headers["location"]).text
    assert _team_answers(db) == [("환불", "환불 안내",
                                  "{citizen_name}님, 환불은 {today}부터 가능합니다.")]

    r = client.post(f"/supervisor/canned/{row_id}", data={
        "code": "환불", "label": "환불 절차", "text": "{agent_name}입니다. 환불 절차 안내"},
        follow_redirects=False)
    assert "notice=saved" in r.headers["location"]
    assert _team_answers(db) == [("환불", "환불 절차", "{agent_name}입니다. 환불 절차 안내")]

    # The team's agent sees it filled in on the desktop; the agent cannot keep it.
    login("agent1")
    items = client.get("/api/chat/canned?q=환불").json()
    assert [(i["scope"], i["text"]) for i in items] == [("team", "이상담입니다. 환불 절차 안내")]
    refused = client.get("/supervisor/canned", headers={"Accept": "text/html"})
    assert refused.status_code == 403 and "권한" in refused.text
    assert client.post(f"/supervisor/canned/{row_id}/delete",
                       follow_redirects=False).status_code == 403
    assert client.delete(f"/api/chat/canned/{row_id}").status_code == 403
    assert len(_team_answers(db)) == 1

    login("supervisor")
    r = client.post(f"/supervisor/canned/{row_id}/delete", follow_redirects=False)
    assert "notice=deleted" in r.headers["location"]
    assert _team_answers(db) == []


def test_the_page_never_edits_a_personal_answer(client: Any, login: Any, db: Session) -> None:
    login("agent1")
    mine = client.post("/api/chat/canned", json={"code": "내것", "label": "내 상용구",
                                                 "text": "개인 답변"}).json()["id"]
    login("supervisor")
    for path in (f"/supervisor/canned/{mine}", f"/supervisor/canned/{mine}/delete"):
        r = client.post(path, data={"code": "x", "label": "y", "text": "z"},
                        follow_redirects=False)
        assert "error=canned_not_team" in r.headers["location"]
    db.expire_all()
    row = db.get(CannedAnswer, mine)
    assert row is not None and (row.code, row.text) == ("내것", "개인 답변")
    assert client.post("/supervisor/canned/999999/delete",
                       follow_redirects=False).headers["location"].endswith("error=not_found")
