"""End to end in Chromium (issue 17): the agent desktop's protection panel on a written thread
(a nomination without an incident is refused in Korean; with the incident it goes to the
supervisors; counselling and the hand-over to the 전담 team are one click each), and the QA
form-authoring page (weights that do not sum to 100 are refused; then a new version saved)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from dasan.channels.signing import hex_signature, timestamped_message
from dasan.db.models import AbuseIncident, Agent, Consultation, Queue, User
from dasan.db.models_channels import WrittenThread
from dasan.db.models_protection import AgentCare, MaliciousDesignation
from dasan.db.models_quality import QaForm
from dasan.db.session import session_scope
from dasan.timeutil import to_local

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000  # the first SMS warms the bot and the crisis model on a shared machine
SMS_SECRET = "e2e-sms-webhook-secret-0d1f"  # the live server's (tests/e2e/conftest.py)


def _sms(base: str, message_id: str, sender: str, text: str) -> dict[str, Any]:
    body = json.dumps({"message_id": message_id, "from": sender, "to": "120", "text": text},
                      ensure_ascii=False).encode()
    ts = str(int(time.time()))
    r = httpx.post(f"{base}/api/channels/sms/inbound", content=body, timeout=240, headers={
        "Content-Type": "application/json", "X-Sms-Timestamp": ts,
        "X-Sms-Signature": hex_signature(SMS_SECRET, timestamped_message(ts, body))})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _login(browser: Any, base: str, user: str, landing: str) -> Any:
    # a browser in Seoul, as the staff's (the screens show stored UTC times on its clock)
    ctx = browser.new_context(bypass_csp=True, locale="ko-KR", timezone_id="Asia/Seoul")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/login?next={landing}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "dasan1234!")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def test_desk_protection_panel_on_a_written_thread(live_server: Any, browser: Any,
                                                   screenshots: Path) -> None:
    base = live_server.base_url
    taken = _sms(base, "e2e-protect-1", "01077778888", "우리 동네 도로 공사 소음이 언제 끝나나요? 대답 좀 해요")
    assert taken["bot_answered"] is False
    with session_scope(live_server.db_url) as s:
        thread = s.get(WrittenThread, taken["thread_id"])
        assert thread is not None
        cid = thread.consultation_id
    page = _login(browser, base, "agent1", "/agent")
    tab = f"#written-list button[data-thread='{taken['thread_id']}']"
    page.wait_for_selector(tab)
    page.click(tab)
    page.wait_for_selector("#protect:not([hidden])")
    # No incident on this contact: the nomination is refused, in Korean, and nothing is stored.
    page.fill("#nominate-note", "폭언")
    page.click("#nominate")
    page.wait_for_function(
        "document.querySelector('#protect-status').textContent.includes('폭언 기록')")
    assert "incident" not in page.inner_text("#protect-status")
    said_at = datetime.now(UTC).replace(second=0, microsecond=0)
    with session_scope(live_server.db_url) as s:
        assert s.scalar(select(MaliciousDesignation.id)) is None
        agent_id = s.scalar(select(Agent.id).join(User, User.id == Agent.user_id)
                            .where(User.username == "agent1"))
        s.add(AbuseIncident(consultation_id=cid, citizen_id=s.get(Consultation, cid).citizen_id,
                            agent_id=agent_id, category="insult", severity=2,
                            action="warn_1", at=said_at))
    # Open the thread again: the incident is offered, at its time on Seoul's clock (the option
    # had printed the stored UTC's digits); nominate from it.
    page.click(tab)
    page.wait_for_function("document.querySelectorAll('#nominate-incident option').length == 2")
    offered = page.inner_text("#nominate-incident option:nth-child(2)")
    assert offered.endswith(to_local(said_at).strftime("%Y-%m-%d %H:%M")), offered
    page.fill("#nominate-note", "상담사에게 반복 모욕")
    page.click("#nominate")
    page.wait_for_function(
        "document.querySelector('#protect-status').textContent.includes('추천했습니다')")
    page.click("#counselling")
    page.wait_for_function(
        "document.querySelector('#protect-status').textContent.includes('심리상담')")
    page.click("#to-team")
    page.wait_for_function(
        "document.querySelector('#protect-status').textContent.includes('전담팀')")
    page.screenshot(path=str(screenshots / "desk-protection.png"), full_page=True)
    with session_scope(live_server.db_url) as s:
        d = s.scalar(select(MaliciousDesignation))
        assert d is not None and d.status == "nominated" and d.evidence_note == "상담사에게 반복 모욕"
        care = s.scalar(select(AgentCare).where(AgentCare.kind == "counselling"))
        assert care is not None and care.agent_id == agent_id
        c = s.get(Consultation, cid)
        assert c is not None and s.get(Queue, c.queue_id).code == "malicious"
    page.context.close()
    # The supervisor designates it on /protection.
    sup = _login(browser, base, "supervisor", "/protection")
    sup.goto(f"{base}/protection")
    sup.click("button[name=decision][value=approve]")
    sup.wait_for_selector("p.badge.ok")
    assert "분리 중" in sup.content()
    sup.context.close()


def test_qa_form_authoring_in_the_browser(live_server: Any, browser: Any,
                                          screenshots: Path) -> None:
    base = live_server.base_url
    page = _login(browser, base, "supervisor", "/qa/forms")
    page.goto(f"{base}/qa/forms")

    def fill(weights: tuple[str, str]) -> None:
        page.fill("input[name=code]", "e2e_form")
        page.fill("input[name=title_ko]", "시험 평가표")
        for n in range(20):  # clear the standard form's rows
            if page.locator(f"input[name=key_{n}]").count() == 0:
                break
            page.fill(f"input[name=key_{n}]", "")
            page.fill(f"input[name=label_ko_{n}]", "")
            page.fill(f"input[name=weight_{n}]", "")
            if page.is_checked(f"input[name=auto_fail_{n}]"):
                page.uncheck(f"input[name=auto_fail_{n}]")
        for n, (key, label) in enumerate((("greeting", "첫인사"), ("accuracy", "정확한 안내"))):
            page.fill(f"input[name=key_{n}]", key)
            page.fill(f"input[name=label_ko_{n}]", label)
            page.fill(f"input[name=weight_{n}]", weights[n])
        page.click("#qa-form-editor button[type=submit]")

    fill(("30", "60"))
    page.wait_for_selector("p.error[role=alert]")
    assert "100" in page.inner_text("p.error[role=alert]")
    with session_scope(live_server.db_url) as s:
        assert s.scalar(select(QaForm.id).where(QaForm.code == "e2e_form")) is None
    fill(("40", "60"))
    page.wait_for_selector("p.badge.ok")
    assert "e2e_form v1" in page.inner_text("p.badge.ok")
    page.screenshot(path=str(screenshots / "qa-forms.png"), full_page=True)
    page.context.close()
