"""The crisis playbook in a real browser: a crisis chat jumps the queue, and the supervisor
sees the alert live (badge, list) and acknowledges it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from dasan.db.models import AuditLog, Consultation
from dasan.db.models_protection import CrisisAlert

pytestmark = pytest.mark.e2e
TIMEOUT = 30_000


def chat(base: str, text: str | None, handoff: bool = False) -> tuple[int, dict[str, str]]:
    r = httpx.post(f"{base}/api/chat/sessions", json={"language": "ko"}, timeout=30)
    data = r.json()
    cid, h = int(data["consultation_id"]), {"X-Chat-Token": data["token"]}
    if handoff:
        httpx.post(f"{base}/api/chat/sessions/{cid}/handoff", headers=h, timeout=30)
    if text:
        httpx.post(f"{base}/api/chat/sessions/{cid}/messages",
                   json={"body": text, "client_msg_id": "m1"}, headers=h, timeout=60)
    return cid, h


def until(check: Any, timeout: float = TIMEOUT / 1000) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the page never reached the expected state")
        time.sleep(0.2)


def test_crisis_chat_jumps_the_queue_and_the_supervisor_acknowledges(
        live_server: Any, browser: Any, screenshots: Path) -> None:
    base = live_server.base_url
    ctx = browser.new_context(bypass_csp=True, locale="ko-KR")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/login?next=/supervisor")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", "dasan1234!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/supervisor")
    page.wait_for_selector("#crisis-badge")
    assert page.inner_text("#crisis-badge") == "0"

    calm, _ = chat(base, None, handoff=True)  # waiting first
    cid, h = chat(base, "약을 한 통 다 먹었어요")
    item = page.wait_for_selector("li[data-alert-id]")
    assert str(cid) in item.inner_text()
    page.wait_for_function("document.getElementById('crisis-badge').textContent === '1'")
    assert "warn" in (page.get_attribute("#crisis-badge", "class") or "")
    status = httpx.get(f"{base}/api/chat/sessions/{cid}", headers=h, timeout=30).json()
    assert status["queue"] == "crisis" and status["crisis"] is True
    with Session(create_engine(live_server.db_url)) as s:
        waiting = list(s.scalars(select(Consultation.id).where(
            Consultation.status == "open", Consultation.agent_id.is_(None),
            Consultation.queue_id.is_not(None)).order_by(Consultation.priority.desc(),
                                                         Consultation.queued_at)))
        assert waiting.index(cid) < waiting.index(calm)  # it jumped the queue
    page.screenshot(path=str(screenshots / "crisis-alert.png"), full_page=True)
    page.click("li[data-alert-id] button")
    page.wait_for_function("document.getElementById('crisis-badge').textContent === '0'")
    with Session(create_engine(live_server.db_url)) as s:
        alert = s.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == cid))
        assert alert is not None and alert.status == "acknowledged"
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "crisis.acknowledged"))
    ctx.close()


def test_crisis_panel_shows_guidance_hands_over_and_disables_stale_buttons(
        live_server: Any, browser: Any, screenshots: Path) -> None:
    """The agent desktop's crisis panel: the kind's guidance and hand-over numbers; the welfare
    case sent to a chosen dong's community centre; one click hands the chat to the crisis
    queue; a contact that leaves the desk keeps its card with every button disabled."""
    from dasan.db.models import Agent, AgentSkill, Skill, User
    from dasan.db.models_protection import WelfareCase

    base = live_server.base_url
    engine = create_engine(live_server.db_url)
    with Session(engine) as s:
        agent = s.scalar(select(Agent).join(User, User.id == Agent.user_id)
                         .where(User.username == "agent1"))
        assert agent is not None
        agent_id = agent.id
    ctx = browser.new_context(locale="ko-KR")  # the real CSP: no inline script
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/login?next=/agent")
    page.fill("input[name=username]", "agent1")
    page.fill("input[name=password]", "dasan1234!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/agent")
    cid, _h = chat(base, "너무 힘들어서 죽고 싶어요")
    gone, _h2 = chat(base, "며칠째 아무것도 못 먹었어요 전기도 끊겼어요")
    with Session(engine) as s:
        skill = s.scalar(select(Skill.id).where(Skill.code == "crisis"))
        row = s.get(AgentSkill, (agent_id, skill)) if skill else None
        if row is not None:
            s.delete(row)  # nobody crisis-trained is on the floor: the hand-over stays queued
        for c in (s.get(Consultation, cid), s.get(Consultation, gone)):
            assert c is not None and c.crisis
            c.agent_id = agent_id  # the agent has taken both chats
        s.commit()
    card = f"#crisis-guidance article[data-consultation-id='{cid}']"
    page.wait_for_selector(card)
    text = page.inner_text(card)
    assert "끊지 말고" in text and "109" in text  # the suicide playbook's guidance and number
    other = f"#crisis-guidance article[data-consultation-id='{gone}']"
    page.wait_for_selector(other)
    # the welfare case with the citizen's consent, to the chosen dong's community centre
    # (an <option> of a closed <select> is never visible, and this page's CSP forbids the eval
    # that wait_for_function needs: poll from here)
    until(lambda: page.locator(f"{card} select[data-role=dong] option[value='11545101']")
          .count() == 1)
    page.select_option(f"{card} select[data-role=dong]", "11545101")  # 가산동 (금천구)
    page.click(f"{card} .cg-welfare button")
    until(lambda: "가산동" in page.inner_text(f"{card} .cg-status"))
    page.screenshot(path=str(screenshots / "crisis-panel.png"), full_page=True)
    # one click: to a crisis-trained agent; the card's buttons disable
    page.click(f"{card} button[data-action=crisis-agent]")
    page.wait_for_selector(f"{card}.stale")
    assert page.eval_on_selector_all(f"{card} button", "bs => bs.every(b => b.disabled)")
    # the other contact ends elsewhere: its card goes stale and its buttons disable
    assert not page.eval_on_selector_all(f"{other} button", "bs => bs.some(b => b.disabled)")
    with Session(engine) as s:
        c = s.get(Consultation, gone)
        assert c is not None
        c.status, c.outcome = "closed", "answered"
        s.commit()
    page.wait_for_selector(f"{other}.stale")
    assert page.eval_on_selector_all(f"{other} button", "bs => bs.every(b => b.disabled)")
    with Session(engine) as s:
        moved = s.get(Consultation, cid)
        assert moved is not None and moved.agent_id is None
        case = s.scalar(select(WelfareCase).where(WelfareCase.consultation_id == cid))
        assert case is not None and case.dong == "가산동" and case.status == "referred"
        actions = set(s.scalars(select(AuditLog.action)))
        assert {"crisis.handover", "welfare_case.opened", "welfare_case.referred"} <= actions
    ctx.close()
