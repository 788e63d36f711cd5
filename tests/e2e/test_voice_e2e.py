"""CTI in a real browser: a sipp call goes through the real voice gateway, the
agent desktop in Chromium pops the screen (masked number, queue), the agent answers on the
desktop (phones in auto-answer: the caller is put through only then) and hangs up; the call
is recorded as answered and the agent goes to after-call work. Gateway and web server share
the database and Redis pub/sub, as in production."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from test_chat_e2e import db_session, login

from dasan.config import PROJECT_ROOT
from dasan.db.models import Agent, User
from dasan.db.models_smartvoice import CallConferenceLeg
from dasan.db.models_voice import VoiceCall

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "integration" / "voice"))
sys.path.insert(0, str(PROJECT_ROOT / "tests" / "integration" / "chat"))
from chat_helpers import free_port, prepare_database, start_server, stop_server  # noqa: E402
from voice_helpers import (  # noqa: E402
    SCENARIOS,
    SIPP,
    free_media_port,
    free_udp_port,
    publish_short_flow,
    voice_settings,
)

from dasan.chat.pubsub import RedisPubSub  # noqa: E402
from dasan.voice.agents import set_endpoint  # noqa: E402
from dasan.voice.gateway import Gateway  # noqa: E402

pytestmark = pytest.mark.e2e


def sipp(scenario: str, gateway_port: int, uas_port: int | None = None) -> subprocess.Popen[bytes]:
    assert SIPP is not None
    args = [SIPP, "-sf", str(SCENARIOS / scenario), "-m", "1", "-nostdin", "-nr",
            "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(free_media_port()),
            "-key", "caller", "01012345678", "-s", "120", "-timeout", "120s", "-timeout_error"]
    args += ["-p", str(uas_port)] if uas_port else ["-p", str(free_udp_port()),
                                                    f"127.0.0.1:{gateway_port}"]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def phone_center(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A web server and a `dasan voice` gateway process on one database and Redis."""
    redis_url = os.environ.get("DASAN_TEST_REDIS_URL")
    if not redis_url or SIPP is None:
        pytest.skip("needs Redis (DASAN_TEST_REDIS_URL) and sipp (scripts/system-deps.sh)")
    db_url = f"sqlite:///{tmp_path / 'voice-e2e.db'}"
    prepare_database(db_url)
    publish_short_flow(db_url)
    env = {"DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": redis_url,
           "DASAN_CHAT_ASSIGN_INTERVAL": "1"}
    web_port = free_port()
    server = start_server(web_port, env, tmp_path / "server.log")
    outside = free_udp_port()  # an outside interpreter line, through the "trunk"
    gateway = GatewayThread(voice_settings(
        tmp_path, desktop_answer=True, ring_timeout=30.0, wrap_up_seconds=60.0,
        digit_timeout=1.0, media_timeout=60.0,  # sipp sends 7 s of audio; the page is slower
        external_uri=f"sip:{{number}}@127.0.0.1:{outside}"), redis_url,
        db_url)
    try:
        yield {"db": db_url, "gateway_port": gateway.start(), "outside_port": outside,
               "base": f"http://127.0.0.1:{web_port}", "redis": redis_url}
    finally:
        gateway.stop()
        stop_server(server)


class GatewayThread:
    """The real gateway on its own event loop in a thread of the test process (it shares
    nothing with the web server but the database and Redis, like `dasan voice`)."""

    def __init__(self, settings: Any, redis_url: str, db_url: str) -> None:
        self.settings, self.redis_url, self.db_url = settings, redis_url, db_url
        self.ready = threading.Event()
        self.port = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.done: asyncio.Event | None = None
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        pubsub = RedisPubSub(self.redis_url)
        gw = Gateway(self.settings, pubsub, self.db_url)
        self.loop, self.done = asyncio.get_running_loop(), asyncio.Event()
        try:
            await gw.start()
            self.port = gw.port
            self.ready.set()
            await self.done.wait()
        finally:
            self.ready.set()
            await gw.stop()
            await pubsub.close()

    def start(self) -> int:
        self.thread.start()
        assert self.ready.wait(90) and self.port, "the gateway did not start"
        return self.port

    def stop(self) -> None:
        if self.loop is not None and self.done is not None:
            self.loop.call_soon_threadsafe(self.done.set)
        self.thread.join(20)


def live_lines_reach_the_call_panel(page: Any, db: str, redis_url: str) -> None:
    """Live STT turns of the call (what `dasan.stt.live` publishes for each utterance the
    gateway transcribes) show in the call panel, masked, with the assistant's KB answers."""
    from dasan.stt.live import live_turn
    from dasan.stt.port import Segment

    with db_session(db) as s:
        call_id = s.scalars(select(VoiceCall.id)).one()
        events = live_turn(s, call_id, "caller", [Segment(
            0, 2500, "제 번호는 공일공 일이삼사 오육칠팔 입니다 따릉이 요금 문의요")], 0, "test")
        events += live_turn(s, call_id, "agent", [Segment(0, 1500, "네 안내해 드릴게요")],
                            2500, "test")

    async def publish() -> None:
        pubsub = RedisPubSub(redis_url)
        for channel, event in events:
            await pubsub.publish(channel, event)
        await pubsub.close()

    sender = threading.Thread(target=lambda: asyncio.run(publish()))  # Playwright owns this loop
    sender.start()
    sender.join(30)
    page.wait_for_selector("#call-transcript li.leg-agent", timeout=10_000)
    lines = page.inner_text("#call-transcript")
    assert "민원인" in lines and "상담사" in lines and "1234" not in lines  # masked
    items = next(ev["items"] for _ch, ev in events if ev["type"] == "assist")
    if items:
        page.wait_for_selector("#call-assist li", timeout=10_000)
        assert items[0]["title"] in page.inner_text("#call-assist")
    assert page.is_visible("#call-hangup"), page.inner_text("#call-state")  # not a state change


def test_agent_desktop_pops_answers_and_hangs_up_a_sipp_call(phone_center: dict[str, Any],
                                                            browser: Any) -> None:
    db = phone_center["db"]
    phone_port = free_udp_port()
    with db_session(db) as s:
        agent = s.scalars(select(Agent).join(User, User.id == Agent.user_id)
                          .where(User.username == "agent1")).one()
        set_endpoint(s, agent.employee_no, f"sip:agent1@127.0.0.1:{phone_port}")
        s.commit()
        agent_id = agent.id
    ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    page = login(ctx, phone_center["base"], "agent1", "/agent")
    page.wait_for_selector("#conn.ok")
    page.select_option("#state", "available")
    page.wait_for_selector("#presence:has-text('상담 가능')")

    phone = sipp("agent_phone.xml", phone_center["gateway_port"], uas_port=phone_port)
    time.sleep(0.3)
    caller = sipp("caller_talk_until_bye.xml", phone_center["gateway_port"])
    procs = [caller, phone]
    try:
        page.wait_for_selector("#call-panel:not([hidden])", timeout=30_000)  # the screen pop
        assert page.inner_text("#call-caller") == "010-****-5678"  # masked
        assert page.inner_text("#call-queue") == "transport"
        page.wait_for_selector("#call-state:has-text('벨 울림')")
        page.click("#call-answer")
        page.wait_for_selector("#call-state:has-text('통화 중')", timeout=20_000)
        page.wait_for_selector("#presence:has-text('상담 중')")  # busy: no chat offered now
        live_lines_reach_the_call_panel(page, db, phone_center["redis"])
        # The interpreter button: an outside interpreter joins (three-way), then is dropped.
        interpreter = sipp("agent_phone.xml", phone_center["gateway_port"],
                           uas_port=phone_center["outside_port"])
        procs.append(interpreter)
        page.fill("#call-interp-target", "external:0215551234")
        page.click("#call-interpreter")
        page.wait_for_selector("#call-state:has-text('3자 통화 중')", timeout=20_000)
        assert page.is_visible("#call-drop_interpreter") and not page.is_visible("#call-transfer")
        page.click("#call-drop_interpreter")
        page.wait_for_selector("#call-state:has-text('통역사 나감')",
                               timeout=20_000)
        assert interpreter.wait(timeout=30) == 0  # the interpreter's line got BYE
        page.click("#call-hangup")
        page.wait_for_selector("#call-state:has-text('통화 종료 · 응대 완료')", timeout=20_000)
        page.wait_for_selector("#presence:has-text('후처리')")  # after-call work
        assert caller.wait(timeout=30) == 0  # the caller got BYE
        assert phone.wait(timeout=30) == 0  # and so did the agent's phone
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        ctx.close()
    with db_session(db) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "answered" and call.end_reason == "agent_hangup"
        assert call.agent_id == agent_id and call.answered_at is not None
        leg = s.scalars(select(CallConferenceLeg)).one()
        assert (leg.result, leg.left_reason, leg.added_by) == ("joined", "dropped", agent_id)
