"""A citizen who leaves or goes quiet, in a real browser (issue 11): a citizen who closes the
chat window while waiting (its pagehide beacon; a reload is not leaving) or presses "대기 취소"
leaves the queue and is recorded as abandoned in the queue (never answered); a citizen who stops writing after the agent answered is asked "아직 계신가요?", then
the chat closes itself with outcome idle-closed.

These tests run on a server of their own: its idle and leaving timers are seconds (minutes in
production), and the shared server's other tests must not meet them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chat_helpers import free_port, prepare_database, start_server, stop_server
from sqlalchemy import select, update
from test_chat_e2e import citizen_page, db_session, login, send

from dasan.db.models import Agent, Consultation
from dasan.db.models_presence import CitizenPresence

pytestmark = pytest.mark.e2e


class QuickServer:
    def __init__(self, base_url: str, db_url: str) -> None:
        self.base_url = base_url
        self.db_url = db_url


@pytest.fixture(scope="module")
def quick_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QuickServer]:
    tmp: Path = tmp_path_factory.mktemp("e2e-idle")
    db_url = f"sqlite:///{tmp / 'dasan-idle.db'}"
    prepare_database(db_url)
    port = free_port()
    env = {"DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": "memory://",
           "DASAN_CHAT_ASSIGN_INTERVAL": "0.5", "DASAN_ROUTING_MODE": "skill",
           # seconds instead of minutes: prompt, close after the prompt, a closed window
           "DASAN_CHAT_IDLE_PROMPT_SECONDS": "2", "DASAN_CHAT_IDLE_CLOSE_SECONDS": "2",
           # a dropped socket's grace is long here: only the page's own beacon ends a wait
           # quickly (after the reload window)
           "DASAN_CHAT_CITIZEN_GONE_SECONDS": "120", "DASAN_CHAT_CITIZEN_RELOAD_SECONDS": "1"}
    proc = start_server(port, env, tmp / "server.log")
    try:
        yield QuickServer(f"http://127.0.0.1:{port}", db_url)
    finally:
        stop_server(proc)


def _cid(citizen: Any) -> int:
    return int(citizen.evaluate("JSON.parse(sessionStorage.getItem('dasan.chat.v1')).cid"))


def _handed_off(browser: Any, base: str, question: str, ready: str) -> tuple[Any, int]:
    """A citizen's chat page that asked `question` and pressed 상담사 연결, once `ready` shows;
    the page and its chat id."""
    citizen = citizen_page(browser, base)
    send(citizen, question)
    citizen.locator("li.msg.from-citizen").first.wait_for()
    citizen.click("#handoff")
    citizen.wait_for_selector(ready)
    return citizen, _cid(citizen)


def _closed(url: str, cid: int, seconds: float = 30.0) -> Consultation:
    """Bounded wait for the server's own sweep to close the chat."""
    deadline = time.monotonic() + seconds
    while True:
        with db_session(url) as s:
            c = s.get(Consultation, cid)
            assert c is not None
            if c.status == "closed" or time.monotonic() > deadline:
                s.expunge(c)
                return c
        time.sleep(0.1)


def test_a_citizen_who_closes_the_window_while_waiting_leaves_the_queue(
        quick_server: QuickServer, browser: Any) -> None:
    base, url = quick_server.base_url, quick_server.db_url
    with db_session(url) as s:  # nobody is at a desk on this server: the citizen waits
        assert s.scalar(select(Agent.id).where(Agent.state == "available")) is None
    citizen, cid = _handed_off(browser, base, "주민등록등본 발급 문의드립니다",
                               "#status[data-phase=waiting]")
    with db_session(url) as s:
        row = s.get(CitizenPresence, cid)
        assert row is not None and row.sockets >= 1
    assert citizen.inner_text("#leave") == "대기 취소"
    # A reload sends the page's beacon too, but the reloaded page is back within the window.
    citizen.reload()
    citizen.wait_for_selector("#status[data-phase=waiting]")
    time.sleep(2)  # past the 1 s reload window, with the server's 0.5 s sweeps
    assert _closed(url, cid, seconds=0).status == "open", "a reload ended the wait"
    citizen.context.close()  # the citizen closes the tab: its pagehide beacon says so

    c = _closed(url, cid, seconds=15)  # far less than the 120 s grace of a dropped socket
    assert c.status == "closed", "the chat stayed in the queue after the citizen left"
    assert c.outcome == "abandoned_in_queue"
    assert c.answered_at is None and c.agent_id is None
    with db_session(url) as s:
        row = s.get(CitizenPresence, cid)
        assert row is not None and row.sockets == 0 and row.page_closed_at is not None

    # "대기 취소": the wait ends at the press.
    citizen, cid = _handed_off(browser, base, "주민등록등본 발급 문의드립니다",
                               "#status[data-phase=waiting]")
    citizen.click("#leave")
    citizen.wait_for_selector("#status[data-phase=closed]")
    c = _closed(url, cid, seconds=0)
    assert (c.status, c.outcome) == ("closed", "abandoned_in_queue")
    citizen.context.close()


def test_nobody_staffed_the_citizen_gets_the_answer_by_sms(
        quick_server: QuickServer, browser: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """"문자로 답변 받기" pressed on the chat page (nobody is at a desk on this server): the chat
    ends as transferred, and the SMS receipt reaches a real HTTP SMS gateway."""
    import asyncio
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from dasan.channels import outbox
    from dasan.channels.senders import build_senders
    from dasan.config import get_settings
    from dasan.db.session import new_session

    base, url = quick_server.base_url, quick_server.db_url
    receiver = Path(__file__).parents[1] / "integration" / "channels" / "receiver.py"
    gateway = subprocess.Popen([sys.executable, str(receiver), "0"], stdout=subprocess.PIPE,
                               text=True)
    try:
        assert gateway.stdout is not None
        gw = f"http://127.0.0.1:{int(gateway.stdout.readline().strip())}"
        # nobody can serve: the page offers the choices
        citizen, cid = _handed_off(browser, base, "수돗물에서 냄새가 나요",
                                   "#callback:not([hidden])")
        citizen.fill("#callback-phone", "010-2345-6789")
        citizen.click("#sms-answer")
        citizen.locator("li.msg", has_text="010-****-6789").wait_for()
        citizen.wait_for_selector("#status[data-phase=closed]")
        c = _closed(url, cid, seconds=0)
        assert (c.status, c.outcome, c.answered_at) == ("closed", "transferred", None)
        citizen.context.close()
        # The outbox worker's drain, here, to the real gateway.
        for key, value in {"SMS_ADAPTER": "http", "SMS_GATEWAY_URL": gw,
                           "SMS_SENDER_NUMBER": "1588-0120"}.items():
            monkeypatch.setenv(f"DASAN_{key}", value)
        get_settings.cache_clear()
        with ThreadPoolExecutor(1) as pool:  # (Playwright's loop runs in this thread)
            report = pool.submit(asyncio.run, outbox.drain(
                lambda: new_session(url), build_senders())).result(timeout=60)
        assert report.sent == 1 and report.dead == 0
        sent = [entry["body"] for entry in httpx.get(f"{gw}/log", timeout=5).json()]
        assert [m["to"] for m in sent] == ["01023456789"] and "접수" in sent[0]["text"]
    finally:
        gateway.terminate()
        gateway.wait(timeout=10)
        get_settings.cache_clear()


def test_a_silent_citizen_is_asked_then_the_chat_closes_as_idle(
        quick_server: QuickServer, browser: Any) -> None:
    base, url = quick_server.base_url, quick_server.db_url
    with db_session(url) as s:  # the previous test's chat is closed; start from no open chat
        s.execute(update(Consultation).where(Consultation.status != "closed")
                  .values(status="closed"))
        s.commit()
    agent_ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    agent = login(agent_ctx, base, "agent1", "/agent")
    agent.wait_for_selector("#conn.ok")
    agent.select_option("#state", "available")
    agent.wait_for_selector("#presence:has-text('상담 가능')")
    citizen, cid = _handed_off(browser, base, "여권 재발급 문의드립니다",
                               "#status[data-phase=live]")
    agent.click(f"#tab-{cid}")
    agent.fill("#msg", "안녕하세요, 무엇을 도와드릴까요?")
    agent.click("#send")
    citizen.locator("li.msg.from-agent", has_text="무엇을 도와드릴까요").wait_for()

    # The citizen writes nothing more: first the question, then the chat ends by itself.
    citizen.locator("li.msg", has_text="아직 계신가요?").wait_for()
    citizen.wait_for_selector("#status[data-phase=closed]")
    citizen.locator("li.msg", has_text="응답이 없어 상담을 종료합니다").wait_for()
    assert citizen.is_disabled("#msg")
    agent.locator(f"#tab-{cid} .badge", has_text="종료").wait_for()
    c = _closed(url, cid)
    assert c.outcome == "idle_closed"
    assert c.answered_at is not None  # the agent had answered: idle-closed, not abandoned
    agent_ctx.close()
    citizen.context.close()
