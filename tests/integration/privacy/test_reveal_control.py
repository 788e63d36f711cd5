"""The 원문 보기 control on the staff screens (issue 12): drawn for a role that may reveal any
consultation (supervisor, admin) beside the masked transcript of the monitor and of the QA
evaluation page, with its strings in the screen's language, never for an analyst; on the agent
desk for the agent's own open chat, and on the call panel only for supervisors and admins.
(The browser flow - reason, raw text in place, hide, audit row - is tests/e2e/test_reveal_e2e.)"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Agent, AuditLog, Consultation, Message, User
from dasan.privacy import vault
from dasan.privacy.reveal import may_reveal_any
from dasan.web.reveal_strings import REVEAL_STRINGS, reveal_strings

RAW = "제 연락처는 010-7741-2093 입니다"
MASKED = "제 연락처는 010-****-2093 입니다"


def sealed_chat(db: Session) -> int:
    """A closed chat whose one citizen message is stored masked, its raw text sealed."""
    c = Consultation(channel="chat", started_at=datetime.now(UTC), status="closed",
                     outcome="answered")
    db.add(c)
    db.flush()
    m = Message(consultation_id=c.id, seq=1, sender="citizen", body=MASKED, body_masked=MASKED)
    db.add(m)
    db.flush()
    vault.seal(db, vault.MESSAGE_BODY, m.id, RAW)
    db.commit()
    return c.id


def _strings(html: str) -> dict[str, str]:
    found = re.search(r'<script id="reveal-i18n" type="application/json">(.*?)</script>', html,
                      re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


@pytest.mark.parametrize("role,allowed", [("supervisor", True), ("admin", True),
                                          ("agent", False), ("analyst", False),
                                          ("kb_editor", False), ("district_officer", False)])
def test_only_supervisors_and_admins_may_reveal_any(role: str, allowed: bool) -> None:
    assert may_reveal_any(User(username="x", role=role)) is allowed
    assert may_reveal_any(None) is False


def test_every_string_has_korean_and_english() -> None:
    for key, (ko, en) in REVEAL_STRINGS.items():
        assert ko and en and ko != en, key
    assert reveal_strings("ko")["open"] == "원문 보기"
    assert reveal_strings("en")["open"] == "Show raw text"


def test_the_evaluation_page_offers_the_reveal_to_a_supervisor_only(
        client: Any, login: Any, db: Session) -> None:
    cid = sealed_chat(db)
    login("supervisor")
    page = client.get(f"/qa/evaluate/{cid}")
    assert page.status_code == 200
    assert f'data-reveal data-reveal-cid="{cid}"' in page.text
    assert '<li data-seq="1">' in page.text and f'<span class="reveal-body">{MASKED}</span>' \
        in page.text
    assert "/static/reveal.js" in page.text and RAW not in page.text
    assert _strings(page.text)["open"] == "원문 보기"
    assert _strings(client.get(f"/qa/evaluate/{cid}?lang=en").text)["open"] == "Show raw text"
    monitor = client.get("/supervisor?lang=ko")
    assert 'data-reveal data-reveal-live' in monitor.text and "/static/reveal.js" in monitor.text

    # what the control calls: the raw text, never cached, and audited with the reason
    r = client.post("/api/privacy/reveal",
                    json={"consultation_id": cid, "reason": "상담사 응대 민원 확인"})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert [m["body"] for m in r.json()["messages"]] == [RAW]

    for username in ("agent1", "analyst"):
        login(username)
        for path in (f"/qa/evaluate/{cid}", "/supervisor"):
            html = client.get(path).text
            assert "reveal.js" not in html and "data-reveal" not in html, (username, path)
            assert RAW not in html


def _attributes(html: str, element_id: str) -> str:
    found = re.search(rf'<ol id="{element_id}"([^>]*)>', html)
    assert found is not None, element_id
    return found.group(1)


def test_the_agent_desk_offers_the_reveal_where_the_policy_allows(
        client: Any, login: Any) -> None:
    """An agent may reveal their own open chat (the desk's script shows the control only on
    such a chat) but never a call's transcript; a supervisor on the desk may reveal both."""
    desk = login("agent1").get("/agent").text
    log = _attributes(desk, "log")
    assert "data-reveal data-reveal-live" in log and "data-reveal-any" not in log
    assert "data-reveal" not in _attributes(desk, "call-transcript")
    assert "/static/reveal.js" in desk and _strings(desk)["open"] == "원문 보기"

    desk = login("supervisor").get("/agent?lang=en").text
    assert "data-reveal-any" in _attributes(desk, "log")
    call = _attributes(desk, "call-transcript")
    assert 'data-reveal data-reveal-kind="call" data-reveal-live' in call
    assert "data-reveal-cid" not in call  # no call yet: the control waits for one
    assert _strings(desk)["open"] == "Show raw text"
    assert login("analyst").get("/agent").status_code == 403


def test_the_assigned_agent_reveals_an_open_chat_and_not_once_it_is_closed(
        client: Any, login: Any, db: Session) -> None:
    agent = db.scalar(select(Agent).join(User, User.id == Agent.user_id)
                      .where(User.username == "agent1"))
    assert agent is not None
    cid = sealed_chat(db)
    c = db.get(Consultation, cid)
    assert c is not None
    c.status, c.agent_id = "active", agent.id
    db.commit()
    me = login("agent1")
    r = me.post("/api/privacy/reveal", json={"consultation_id": cid, "reason": "회신 번호 확인"})
    assert r.status_code == 200 and r.json()["messages"][0]["body"] == RAW
    assert login("agent2").post("/api/privacy/reveal", json={
        "consultation_id": cid, "reason": "회신 번호 확인"}).status_code == 403
    c.status = "closed"
    db.commit()
    assert login("agent1").post("/api/privacy/reveal", json={
        "consultation_id": cid, "reason": "회신 번호 확인"}).status_code == 403


def test_an_agent_and_an_analyst_are_refused_the_reveal_of_a_closed_chat(
        client: Any, login: Any, db: Session) -> None:
    cid = sealed_chat(db)
    for username in ("agent1", "analyst"):
        login(username)
        r = client.post("/api/privacy/reveal",
                        json={"consultation_id": cid, "reason": "궁금해서 열어 봅니다"})
        assert r.status_code == 403 and RAW not in r.text
    db.expire_all()
    denied = db.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal",
                                               AuditLog.object_id == str(cid))).all()
    assert sorted(r.actor for r in denied) == ["agent1", "analyst"]
    assert all(r.outcome == "denied" for r in denied)


def test_a_written_threads_message_is_revealed_as_having_personal_data(
        client: Any, login: Any, db: Session) -> None:
    """A written thread's message keeps its raw text in `body` (not in the vault): the reveal
    gives it and marks it as personal data, so the control shows it in place."""
    c = Consultation(channel="sms", started_at=datetime.now(UTC), status="closed")
    db.add(c)
    db.flush()
    db.add_all([Message(consultation_id=c.id, seq=1, sender="citizen", body=RAW,
                        body_masked=MASKED),
                Message(consultation_id=c.id, seq=2, sender="agent", body="확인했습니다",
                        body_masked="확인했습니다")])
    db.commit()
    r = login("supervisor").post("/api/privacy/reveal",
                                 json={"consultation_id": c.id, "reason": "회신 번호 확인"})
    assert [(m["body"], m["had_pii"]) for m in r.json()["messages"]] == [
        (RAW, True), ("확인했습니다", False)]
    db.expire_all()
    row = db.scalar(select(AuditLog).where(AuditLog.action == "pii.reveal",
                                           AuditLog.object_id == str(c.id)))
    assert row is not None and row.detail["unmasked"] == [r.json()["messages"][0]["message_id"]]
