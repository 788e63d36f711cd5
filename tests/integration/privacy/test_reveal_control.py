"""The 원문 보기 control on the staff screens (issue 12): drawn only for a role that may reveal
any consultation (supervisor, admin), beside the masked transcript of the monitor and of the QA
evaluation page, with its strings in the screen's language; never for an agent or an analyst.
(The browser flow - reason, raw text in place, hide, audit row - is tests/e2e/test_reveal_e2e.)"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import AuditLog, Consultation, Message, User
from dasan.privacy import vault
from dasan.privacy.reveal import may_reveal_any
from dasan.web.reveal_strings import REVEAL_STRINGS, reveal_strings

RAW = "제 연락처는 010-7741-2093 입니다"
MASKED = "제 연락처는 010-****-2093 입니다"


def _chat(db: Session) -> int:
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
    cid = _chat(db)
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
        for path in (f"/qa/evaluate/{cid}", "/supervisor", "/agent"):
            html = client.get(path).text
            assert "reveal.js" not in html and "data-reveal" not in html, (username, path)
            assert RAW not in html


def test_an_agent_and_an_analyst_are_refused_the_reveal_of_a_closed_chat(
        client: Any, login: Any, db: Session) -> None:
    cid = _chat(db)
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
