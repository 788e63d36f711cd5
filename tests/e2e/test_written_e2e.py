"""End to end in Chromium: a citizen's SMS arrives through the signed gateway webhook, an agent
opens it in the agent desktop's conversation list (beside chats, with its SLA), claims it,
answers with a canned answer through the desktop's own composer, and the answer is queued for
the gateway; a citizen asks on the Q&A board and reads the answer on the tracking page."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from dasan.channels.signing import hex_signature, timestamped_message

pytestmark = pytest.mark.e2e
TIMEOUT = 30_000
SMS_SECRET = "e2e-sms-webhook-secret-0d1f"  # the live server's (tests/e2e/conftest.py)


def _sms(base: str, message_id: str, text: str) -> dict[str, Any]:
    body = json.dumps({"message_id": message_id, "from": "01024681357", "to": "120",
                       "text": text}, ensure_ascii=False).encode()
    ts = str(int(time.time()))
    r = httpx.post(f"{base}/api/channels/sms/inbound", content=body, timeout=60, headers={
        "Content-Type": "application/json", "X-Sms-Timestamp": ts,
        "X-Sms-Signature": hex_signature(SMS_SECRET, timestamped_message(ts, body))})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _agent(browser: Any, base: str) -> Any:
    ctx = browser.new_context(bypass_csp=True, locale="ko-KR")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/login?next=/written")  # /written sends agents to the desktop
    page.fill("input[name=username]", "agent1")
    page.fill("input[name=password]", "dasan1234!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/agent")
    return page


def test_sms_thread_answered_on_the_agent_desktop(live_server: Any, browser: Any,
                                                  screenshots: Path) -> None:
    base = live_server.base_url
    taken = _sms(base, "e2e-sms-1", "우리 동네 도로 공사 소음이 언제 끝나나요?")
    assert taken["bot_answered"] is False
    page = _agent(browser, base)
    tab = f"#written-list button[data-thread='{taken['thread_id']}']"
    page.wait_for_selector(tab)
    assert "남음" in page.inner_text(tab)  # the SLA countdown of an asynchronous channel
    page.click(tab)
    page.wait_for_selector("#log li.written-msg")
    assert "공사 소음" in page.inner_text("#log")
    page.click("#written-claim")
    page.wait_for_function("document.querySelector('#written-load').textContent.includes('1/')")
    page.fill("#msg", "구청 도로과에 확인한 결과 ")
    page.select_option("#canned", index=1)  # the desktop's canned answers work for the thread
    assert page.input_value("#msg") != ""
    page.fill("#msg", "구청 도로과에 확인한 결과 이번 주 금요일에 끝납니다.")
    page.click("#send")
    page.wait_for_function(
        "document.querySelectorAll('#log li.written-msg.out').length >= 2")  # notice + answer
    log = page.inner_text("#log")
    assert "금요일에 끝납니다" in log and "발송 대기" in log
    page.screenshot(path=str(screenshots / "written-desk.png"), full_page=True)
    page.context.close()


# Make the desktop re-read its written list (as a pushed event does) and resolve once it has
# been drawn again (the load counter is rewritten by the same re-read, just before the list).
RE_READ = """() => new Promise((done) => {
  const load = document.getElementById("written-load");
  const seen = new MutationObserver(() => { seen.disconnect(); setTimeout(done, 0); });
  seen.observe(load, { childList: true, characterData: true, subtree: true });
  document.dispatchEvent(new CustomEvent("dasan:written", { detail: { type: "hello" } }));
})"""


def test_board_question_answered_and_tracked(live_server: Any, browser: Any) -> None:
    base = live_server.base_url
    ctx = browser.new_context(bypass_csp=True, locale="en-US")
    citizen = ctx.new_page()
    citizen.set_default_timeout(TIMEOUT)
    citizen.goto(f"{base}/qna?lang=en")
    citizen.fill("#title", "Noise at night")
    citizen.fill("#body", "Construction in front of my house goes on after 10 pm.")
    citizen.click("#qna-form button[type=submit]")
    citizen.wait_for_selector("#code")
    tracking = citizen.url
    assert "Received" in citizen.inner_text("#status")
    page = _agent(browser, base)
    tab = "#written-list button:has-text('Noise at night')"
    page.wait_for_selector(tab)
    # A pushed change that re-reads the list between the press and the release of the click
    # (the socket's hello just after the page loads, under load) must not swallow the click:
    # the tabs are updated in place. They were redrawn, the press and the release fell on two
    # different nodes, the browser dropped the click and the thread never opened.
    page.eval_on_selector(tab, "b => { b.kept = true; }")
    box = page.locator(tab).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.evaluate(RE_READ)
    page.mouse.up()
    assert page.eval_on_selector(tab, "b => b.kept === true"), "the re-read replaced the tab"
    try:
        page.wait_for_selector("#log li.written-msg")
    except Exception as exc:  # say what the desktop showed instead
        raise AssertionError(f"alert: {page.inner_text('#alert')!r}; list: "
                             f"{page.inner_text('#written-list')!r}; log: "
                             f"{page.inner_html('#log')[:800]!r}") from exc
    page.fill("#msg", "구청에 야간 공사 중지를 요청했습니다.")
    page.click("#send")
    page.wait_for_function("document.querySelectorAll('#log li.written-msg.out').length >= 1")
    citizen.goto(tracking)
    assert "Answered" in citizen.inner_text("#status")
    assert "야간 공사" in citizen.inner_text("ol.thread")
    ctx.close()
    page.context.close()


def test_department_answers_a_handed_question_on_its_written_desk(live_server: Any,
                                                                  browser: Any) -> None:
    """The owning department's /written view (a kb_editor; agents answer on /agent): the
    handed question opens, the assistant panel's search finds KB answers, the answer is
    confirmed as sent, closing names the outcome in Korean, and no request is refused."""
    from sqlalchemy import select

    from dasan.channels import desk
    from dasan.db.models import Agency, Message, User
    from dasan.db.models_channels import ChannelMessage
    from dasan.db.session import session_scope
    from dasan.timeutil import to_local

    base = live_server.base_url
    r = httpx.post(f"{base}/qna", data={"title": "버스 노선 문의",
                                        "body": "472번 버스 노선이 바뀌었나요?"}, timeout=60)
    assert r.status_code in (200, 303), r.text
    with session_scope(live_server.db_url) as s:
        supervisor = s.scalar(select(User).where(User.username == "supervisor"))
        transport = s.scalar(select(Agency.id).where(Agency.code == "city-transport"))
        [waiting] = [t for t in desk.queue(s, supervisor) if t.subject == "버스 노선 문의"]
        desk.hand_to_department(s, supervisor, waiting.id, transport)
        s.commit()
    # the CSP enforced; a browser in Seoul, as the department's
    page = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul").new_page()
    page.set_default_timeout(TIMEOUT)
    refused: list[str] = []
    page.on("response", lambda res: refused.append(f"{res.status} {res.url}")
            if res.status >= 400 else None)
    page.goto(f"{base}/login?next=/written")
    page.fill("input[name=username]", "kbeditor")
    page.fill("input[name=password]", "dasan1234!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/written")
    page.click(f"button.open-thread[data-thread='{waiting.id}']")
    page.wait_for_selector("#thread-log li")
    # the question's time on the reader's clock (it had been the stored UTC's digits)
    with session_scope(live_server.db_url) as s:
        asked = s.scalar(select(Message.created_at).join(
            ChannelMessage, ChannelMessage.message_id == Message.id)
            .where(ChannelMessage.thread_id == waiting.id).order_by(Message.seq))
    assert asked is not None
    shown = page.locator("#thread-log li").first.locator("time").inner_text()
    assert shown.startswith(to_local(asked).strftime("%Y-%m-%d %H:%M")), shown
    page.wait_for_selector("#w-recs li")  # the thread's own recommendations first
    page.fill("#w-q", "기후동행카드 구매")
    page.click("#w-search button[type=submit]")
    # the search's answers replace the thread's (whose first is not about the card)
    page.locator("#w-recs li.rec").first.locator("strong", has_text="기후동행카드").wait_for()
    page.fill("#reply", "472번 노선은 3월부터 변경되었습니다.")
    page.click("#reply-form button[type=submit]")
    page.locator("#reply-status", has_text="전송됨").wait_for()
    page.click("#close")
    page.locator("#reply-status", has_text="종료되었습니다 (응대 완료)").wait_for()
    assert "answered" not in page.inner_text("#reply-status")
    assert not refused, refused
    page.context.close()


def test_written_thread_actions_stay_hidden_without_a_written_thread(live_server: Any,
                                                                    browser: Any) -> None:
    """The written thread's bar (translate, claim, close, propose for the KB) shows only when
    a written thread is open in the desktop's pane: its stylesheet's `display: flex` had
    overridden `hidden`, so its claim and a second "상담 종료" stood under every chat. No other
    element of the desk marked hidden is displayed either."""
    page = _agent(browser, live_server.base_url)
    page.wait_for_selector("#conn.ok")
    assert page.locator("#written-bar").get_attribute("hidden") is not None
    assert not page.locator("#written-bar").is_visible()
    assert not page.locator("#written-claim").is_visible()
    shown = page.evaluate("() => [...document.querySelectorAll('[hidden]')]"
                          ".filter(e => getComputedStyle(e).display !== 'none').map(e => e.id)")
    assert shown == [], f"hidden yet displayed: {shown}"  # (the empty offers box had been)
    page.context.close()


def test_the_agent_reveals_a_thread_they_hold_and_not_before(live_server: Any,
                                                              browser: Any) -> None:
    """원문 보기 on a written thread: none while the thread is nobody's, offered once this agent
    holds it; the raw number shows marked in place and goes when hidden."""
    from sqlalchemy import select
    from test_chat_e2e import db_session

    from dasan.db.models import AuditLog

    base = live_server.base_url
    taken = _sms(base, "e2e-sms-reveal", "제 번호 010-3579-2468 로 답 문자 주세요")
    page = _agent(browser, base)
    tab = f"#written-list button[data-thread='{taken['thread_id']}']"
    page.wait_for_selector(tab)
    page.click(tab)
    line = page.locator("#log li.written-msg", has_text="제 번호").first
    line.wait_for()
    assert "010-****-2468" in line.inner_text() and "3579" not in page.content()
    assert not page.get_by_role("button", name="원문 보기").is_visible()  # nobody's thread yet
    page.click("#written-claim")
    page.get_by_role("button", name="원문 보기").wait_for()
    page.get_by_role("button", name="원문 보기").click()
    page.get_by_label("열람 사유").fill("회신 문자 번호 확인")
    with page.expect_response("**/api/privacy/reveal") as answer:
        page.locator("form.reveal-form").get_by_role("button", name="원문 보기").click()
    assert answer.value.status == 200
    page.locator("#log li.revealed", has_text="010-3579-2468").wait_for()
    # A pushed event about the thread (its own claim's, arriving late) re-reads it; nothing in it
    # changed, so the raw text being read stays (it was wiped mid-read, and the control with it).
    with page.expect_response(f"**/api/channels/threads/{taken['thread_id']}"):
        page.evaluate("id => document.dispatchEvent(new CustomEvent('dasan:written', "
                      "{detail: {type: 'thread', thread_id: id}}))", taken["thread_id"])
    page.wait_for_timeout(200)
    assert page.locator("#log li.revealed", has_text="010-3579-2468").count() == 1
    page.get_by_role("button", name="원문 숨기기").click()
    page.locator("#log li.revealed").first.wait_for(state="detached")
    assert "3579" not in page.content()
    with db_session(live_server.db_url) as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal",
                                                     AuditLog.actor == "agent1")))
        assert [r.detail["reason"] for r in rows][-1] == "회신 문자 번호 확인"
    page.context.close()
