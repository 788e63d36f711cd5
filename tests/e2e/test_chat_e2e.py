"""The chat in a real browser: citizen, chatbot, handoff, agent with the assistant, wrap-up;
and an abusive citizen warned twice and then cut off."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from dasan.db.models import AbuseIncident, Agent, Consultation, Message
from dasan.db.models_protection import AgentCare
from dasan.db.models_quality import SurveyAnswer

pytestmark = pytest.mark.e2e
TIMEOUT = 30_000


def login(ctx: Any, base: str, username: str, next_path: str) -> Any:
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/login?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "dasan1234!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")
    return page


def citizen_page(browser: Any, base: str) -> Any:
    ctx = browser.new_context(bypass_csp=True, locale="ko-KR", viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/chat")
    return page


def send(page: Any, text: str) -> None:
    page.fill("#msg", text)
    page.keyboard.press("Enter")


def db_session(url: str) -> Session:
    return Session(create_engine(url))


def release_agent(url: str, employee_no: str) -> None:
    with db_session(url) as s:
        agent = s.scalar(select(Agent).where(Agent.employee_no == employee_no))
        assert agent is not None
        for c in s.scalars(select(Consultation).where(Consultation.agent_id == agent.id,
                                                      Consultation.status == "open")):
            c.status = "closed"
        s.commit()


def test_bot_answers_hands_off_and_agent_closes_with_summary(
        live_server: Any, browser: Any, screenshots: Path) -> None:
    base = live_server.base_url
    agent_ctx = browser.new_context(bypass_csp=True, locale="ko-KR", viewport={"width": 1400, "height": 900})
    agent = login(agent_ctx, base, "agent1", "/agent")
    agent.wait_for_selector("#conn.ok")

    citizen = citizen_page(browser, base)
    # Keyboard only: type and press Enter.
    citizen.focus("#msg")
    send(citizen, "기후동행카드 환불하고 싶어요")
    answer = citizen.locator("li.msg.from-bot", has_text="기후동행카드 환불 방법")
    answer.wait_for(timeout=3 * TIMEOUT)  # the first answer may wait for the server's warm-up
    assert "도시교통실" in answer.inner_text()  # the entry's owner is shown
    assert answer.locator(".answer-steps li").count() == 2  # the answer's steps, as a list
    assert re.search(r"\d{4}-\d{2} 기준", answer.inner_text())  # the entry's review month
    citizen.get_by_role("group", name="도움이 되었나요?").wait_for()

    # Not what I needed: ask for a person.
    citizen.get_by_role("button", name="아니요").click()
    citizen.locator("li.msg.from-bot", has_text="불편을 드려 죄송합니다").wait_for()
    send(citizen, "환불 받으려면 카드를 어디에 가져가야 하나요?")
    citizen.click("#handoff")
    citizen.wait_for_selector("#status[data-phase=live]")
    assert "이상담" in citizen.inner_text("#status")

    # The agent sees the chat with the bot conversation carried over.
    agent.locator(".chat-tab").first.wait_for()
    carried = agent.locator("#log li.msg.from-citizen", has_text="기후동행카드 환불하고 싶어요")
    carried.first.wait_for()
    # The chat's line names its queue, never a raw language code ("교통 · ko" had been shown).
    meta = agent.inner_text("#conv-meta").split(" · ")
    assert meta[0].startswith("대기열: ") and not set(meta) & {"ko", "en", "zh", "ja", "vi", "mn"}
    agent.locator("#log li.msg.from-bot", has_text="기후동행카드 환불 방법").first.wait_for()
    rec = agent.locator("#recs li.rec", has_text="기후동행카드 환불 방법").first
    rec.wait_for()
    assert "도시교통실" in rec.inner_text() and "2031-01-31" in rec.inner_text()

    # Typing indicator reaches the agent.
    citizen.fill("#msg", "")
    citizen.type("#msg", "빨리")
    agent.wait_for_selector("#typing:has-text('입력 중')")
    citizen.fill("#msg", "")

    # "/" in the reply box offers the canned answers, filled in for this chat.
    agent.focus("#msg")
    agent.keyboard.type("/greet")
    agent.locator("#slash-menu li.slash-item", has_text="인사").wait_for()
    agent.keyboard.press("Enter")
    assert "이상담 상담사입니다" in agent.input_value("#msg")
    assert "{" not in agent.input_value("#msg")
    agent.fill("#msg", "")
    # A tag and a private note stay on the desk; the shortcut sheet opens with Alt+/.
    agent.fill("#tag-input", "환불")
    agent.press("#tag-input", "Enter")
    agent.locator("#tags li", has_text="#환불").wait_for()
    agent.fill("#note-body", "카드 실물 여부 확인 필요")
    agent.click("#note-add")
    agent.locator("#notes li", has_text="카드 실물").wait_for()
    agent.keyboard.press("Alt+/")
    agent.wait_for_selector("#shortcuts[open]")
    agent.keyboard.press("Escape")
    agent.focus("#msg")

    agent.keyboard.press("Alt+r")  # inserts the top recommendation
    assert "티머니" in agent.input_value("#msg")
    agent.click("#send")
    citizen.locator("li.msg.from-agent", has_text="티머니 앱").wait_for()
    citizen.screenshot(path=str(screenshots / "citizen-chat.png"), full_page=True)

    agent.click("#end")
    agent.wait_for_selector("#wrapup:not([hidden])")
    agent.wait_for_function("document.querySelector('#wrapup-summary').value.length > 10")
    summary = agent.input_value("#wrapup-summary")
    assert "기후동행카드" in summary
    assert agent.input_value("#wrapup-category") == "교통"
    agent.screenshot(path=str(screenshots / "agent-desktop.png"), full_page=True)
    agent.click("#wrapup-save")
    agent.wait_for_selector("#alert:has-text('저장되었습니다')")
    citizen.wait_for_selector("#status[data-phase=closed]")
    assert "카드 실물" not in citizen.inner_text("#log")  # the note never reached the citizen
    # The satisfaction survey is offered once the answered chat has ended; answered once.
    citizen.wait_for_selector("#survey:not([hidden])")
    citizen.get_by_label("4 · 만족").check()
    citizen.fill("#survey-comment", "친절했어요")
    citizen.click("#survey button[type=submit]")
    citizen.wait_for_selector("#survey-status:has-text('감사합니다')")
    assert citizen.is_hidden("#survey")
    citizen.wait_for_selector("#transcript:not([hidden])")

    with db_session(live_server.db_url) as s:
        c = s.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
        assert c is not None
        assert c.status == "closed" and c.outcome == "answered"
        assert c.summary and "기후동행카드" in c.summary
        assert c.category == "교통"
        assert c.kb_entry_id is not None  # the agent used a recommendation
        survey = s.scalars(select(SurveyAnswer).where(
            SurveyAnswer.consultation_id == c.id)).one()  # answered once, as chosen
        assert survey.score == 4 and survey.comment_masked == "친절했어요"
        seqs = list(s.scalars(select(Message.seq).where(Message.consultation_id == c.id)
                              .order_by(Message.seq)))
        assert seqs == list(range(1, len(seqs) + 1))
        survey = s.scalar(select(SurveyAnswer).where(SurveyAnswer.consultation_id == c.id))
        assert survey is not None and survey.score == 4 and survey.channel == "chat"
    agent_ctx.close()
    citizen.context.close()


def test_abusive_citizen_is_warned_twice_then_ended(live_server: Any, browser: Any,
                                                     screenshots: Path) -> None:
    base = live_server.base_url
    release_agent(live_server.db_url, "A0001")
    agent_ctx = browser.new_context(bypass_csp=True, locale="ko-KR", viewport={"width": 1400, "height": 900})
    agent = login(agent_ctx, base, "agent1", "/agent")
    agent.wait_for_selector("#conn.ok")
    agent.select_option("#state", "available")

    citizen = citizen_page(browser, base)
    send(citizen, "따릉이 요금 문의요")
    citizen.locator("li.msg.from-bot").nth(1).wait_for()
    citizen.click("#handoff")
    citizen.wait_for_selector("#status[data-phase=live]")
    agent.locator(".chat-tab").first.wait_for()

    send(citizen, "야 씨발 대답을 왜 이렇게 해")
    citizen.locator("li.msg.policy", has_text="1차 경고").wait_for()
    agent.locator("#log li.msg.abuse").first.wait_for()
    agent.wait_for_selector("#alert:not([hidden])")
    send(citizen, "씨발 진짜 짜증나네")
    citizen.locator("li.msg.policy", has_text="2차 경고").wait_for()
    send(citizen, "병신 같은 상담사 새끼")
    citizen.locator("li.msg.policy", has_text="상담을 종료합니다").wait_for()
    citizen.wait_for_selector("#status[data-phase=closed]")
    assert citizen.is_disabled("#msg")

    agent.wait_for_selector("#break-dialog:not([hidden])")
    assert re.search(r"10분", agent.inner_text("#break-text"))
    agent.screenshot(path=str(screenshots / "agent-abuse.png"), full_page=True)
    agent.click("#take-break")
    agent.wait_for_function("document.querySelector('#state').value.startsWith('break')")

    with db_session(live_server.db_url) as s:
        c = s.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
        assert c is not None and c.outcome == "forced_terminated" and c.status == "closed"
        actions = list(s.scalars(select(AbuseIncident.action).where(
            AbuseIncident.consultation_id == c.id).order_by(AbuseIncident.id)))
        assert actions == ["warn_1", "warn_2", "terminated"]
        a = s.scalar(select(Agent).where(Agent.employee_no == "A0001"))
        assert a is not None and a.state == "break"
    # The recovery-break offer itself is recorded as taken (the programme's care figures).
    deadline = time.monotonic() + 10
    while True:
        with db_session(live_server.db_url) as s:
            # this break's offer (the shared browser server keeps other tests' care rows)
            care = s.scalar(select(AgentCare.status).where(
                AgentCare.agent_id == a.id, AgentCare.kind == "break")
                .order_by(AgentCare.id.desc()).limit(1))
        if care == "taken" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert care == "taken"
    agent_ctx.close()
    citizen.context.close()


def test_archive_hit_shows_the_chats_day_on_seouls_clock(live_server: Any, browser: Any) -> None:
    """The history search (이전 상담) dates each closed chat on the desk's clock: a chat begun at
    05:30 in Seoul is the day before in UTC, and the list printed the stored string's UTC day."""
    from datetime import UTC, datetime, timedelta

    from dasan.db.models import User
    from dasan.timeutil import to_local

    started = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)  # 2026-03-02 05:30 in Seoul
    with db_session(live_server.db_url) as s:
        agent_id = s.scalar(select(Agent.id).join(User, User.id == Agent.user_id)
                            .where(User.username == "agent1"))
        c = Consultation(channel="web", started_at=started, ended_at=started + timedelta(minutes=9),
                         agent_id=agent_id, status="closed", outcome="answered",
                         subject="새벽 보일러 동파 문의")
        s.add(c)
        s.commit()
        cid = c.id
    ctx = browser.new_context(bypass_csp=True, locale="ko-KR", timezone_id="Asia/Seoul")
    page = login(ctx, live_server.base_url, "agent1", "/agent")
    page.fill("#archive-q", "보일러 동파")
    page.click("#archive-form button[type=submit]")
    page.wait_for_selector("#archive-results li.archive-hit")
    hit = page.locator("#archive-results li.archive-hit", has_text=f"#{cid}")
    meta = hit.locator("p.meta").inner_text()
    assert meta.startswith(to_local(started).strftime("%Y-%m-%d")), meta  # 2026-03-02
    assert not meta.startswith(started.strftime("%Y-%m-%d")), meta
    ctx.close()
