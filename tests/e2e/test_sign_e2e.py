"""Sign-language video consultation (수어 상담) in two real Chromium pages with fake cameras:
the citizen starts on a phone-sized page, the signer accepts the offer on the desktop, and a
WebRTC call runs between the two browsers with its signalling over the app's sockets. Frames
are decoded on both sides (`getStats()`), and the consultation is recorded with channel 수어,
answered when the media connected, then ended with a wrap-up and its handle time."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from test_chat_e2e import TIMEOUT, db_session, login, release_agent

from dasan.consultations import outcomes as oc
from dasan.db.models import Agent, Consultation
from dasan.db.models_presence import ContactOffer, TeamSetting
from dasan.presence.states import AVAILABLE

pytestmark = pytest.mark.e2e

FRAMES_DECODED = """async () => {
  const pc = Dasan.sign.pc();
  if (!pc) return 0;
  const stats = await pc.getStats();
  let frames = 0;
  stats.forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0; });
  return frames;
}"""


def frames_decoded(page: Any, at_least: int = 1) -> int:
    for _ in range(200):  # bounded: 20 s
        n = int(page.evaluate(FRAMES_DECODED))
        if n >= at_least:
            return n
        page.wait_for_timeout(100)
    return int(page.evaluate(FRAMES_DECODED))


def only_the_signer_available(url: str, browser: Any, employee_no: str) -> None:
    """Desks an earlier test left open are closed, and this waits (bounded) until the server
    has made their agents away: an agent whose desk closed a moment ago is still available for
    the presence grace period, and would be given the sign contact without an offer."""
    for ctx in list(browser.contexts):
        ctx.close()
    others: list[str] = []
    for _ in range(150):  # bounded: 15 s (the e2e server's grace period is 2 s)
        with db_session(url) as s:
            others = list(s.scalars(select(Agent.employee_no).where(
                Agent.state == AVAILABLE, Agent.employee_no != employee_no)))
        if not others:
            return
        time.sleep(0.1)
    raise AssertionError(f"agents still available from earlier tests: {others}")


def floor_facts(url: str) -> str:
    """The agents present, the pending offers and the open contacts (a failure's message)."""
    with db_session(url) as s:
        agents = [(a.employee_no, a.state) for a in s.scalars(
            select(Agent).where(Agent.state != "offline").order_by(Agent.id))]
        offers = [(o.consultation_id, o.agent_id, o.status) for o in s.scalars(
            select(ContactOffer).order_by(ContactOffer.id))]
        contacts = [(c.id, c.channel, c.status, c.agent_id) for c in s.scalars(
            select(Consultation).where(Consultation.status != "closed"))]
    return f"agents {agents}, offers {offers}, contacts {contacts}"


def test_sign_language_video_between_two_browsers(live_server: Any, browser: Any,
                                                  screenshots: Path) -> None:
    base, url = live_server.base_url, live_server.db_url
    with db_session(url) as s:
        # Contacts earlier e2e tests left open would be offered first: close them; and let
        # the signer's team take offers by hand (the agent accepts on the desktop).
        s.execute(delete(ContactOffer))
        for c in s.scalars(select(Consultation).where(Consultation.status == "open")):
            c.status = "closed"
        signer = s.scalar(select(Agent).where(Agent.employee_no == "A0001"))
        assert signer is not None
        signer_id = signer.id
        s.add(TeamSetting(team_id=signer.team_id, auto_accept=False))
        s.commit()
    release_agent(url, "A0001")
    only_the_signer_available(url, browser, "A0001")
    try:
        agent_ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
        agent = login(agent_ctx, base, "agent1", "/agent")
        console: list[str] = []
        agent.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        agent.wait_for_selector("#conn.ok")
        # an earlier test may have left agent1 on a break: an away agent's desk resumes it
        # (presence.states.on_return), and an agent on a break is offered nothing
        agent.select_option("#state", "available")
        for _ in range(100):  # bounded: 10 s, until the server has the agent available
            with db_session(url) as s:
                if s.get(Agent, signer_id).state == AVAILABLE:  # type: ignore[union-attr]
                    break
            time.sleep(0.1)
        else:
            raise AssertionError(f"agent1 never became available: {floor_facts(url)}")

        citizen_ctx = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844},
                                          is_mobile=True, has_touch=True)
        citizen = citizen_ctx.new_page()
        citizen.set_default_timeout(TIMEOUT)
        citizen.goto(f"{base}/sign")
        citizen.get_by_role("button", name="영상 상담 시작").click()
        try:
            citizen.wait_for_selector("#status:has-text('수어 상담사 연결 대기 중')")
        except Exception as exc:
            raise AssertionError(f"the citizen never waits: status {citizen.inner_text('#status')!r}"
                                 ) from exc

        offer = agent.locator(".offer")
        try:
            offer.wait_for()
        except Exception as exc:
            raise AssertionError(f"no offer on the desk: {floor_facts(url)}") from exc
        assert "수어" in offer.inner_text()  # the queue's name on the offer
        offer.get_by_role("button", name="수락").click()
        agent.wait_for_selector("#sign-panel:not([hidden])")
        agent.wait_for_selector("#sign-state:has-text('영상 연결됨')")
        citizen.wait_for_selector("#status:has-text('영상 상담 중')")

        assert frames_decoded(agent) > 0, "the agent decodes no video from the citizen"
        assert frames_decoded(citizen) > 0, "the citizen decodes no video from the agent"
        citizen.screenshot(path=str(screenshots / "sign-citizen-mobile.png"))
        agent.screenshot(path=str(screenshots / "sign-agent-desk.png"))

        with db_session(url) as s:
            c = s.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
            assert c is not None
            assert (c.channel, c.status, c.agent_id) == ("sign_language", "open", signer_id)
            assert c.answered_at is not None  # answered when the media connected
            cid = c.id

        # The agent ends it and confirms the wrap-up, as on a chat.
        agent.click("#end")
        try:
            # The first wrap-up proposal of a fresh server loads the Korean tokenizer (no
            # citizen text warmed it): at load ~25 that once took longer than 30 s.
            agent.wait_for_selector("#wrapup:not([hidden])", timeout=3 * TIMEOUT)
        except Exception as exc:
            raise AssertionError(f"no wrap-up form: alert {agent.inner_text('#alert')!r}, "
                                 f"console {console}") from exc
        agent.fill("#wrapup-summary", "수어로 여권 재발급 절차 안내")
        agent.select_option("#wrapup-category", "행정")
        agent.click("#wrapup-save")
        citizen.wait_for_selector("#status:has-text('영상 상담이 종료되었습니다')")
        agent.wait_for_selector("#sign-panel[hidden]", state="attached")

        with db_session(url) as s:
            c = s.get(Consultation, cid)
            assert c is not None
            assert (c.channel, c.status, c.outcome) == ("sign_language", "closed", oc.ANSWERED)
            assert oc.is_answered(c.answered_at, c.outcome)
            assert c.handle_seconds is not None and c.handle_seconds > 0
            assert (c.category, c.summary) == ("행정", "수어로 여권 재발급 절차 안내")
        agent_ctx.close()
        citizen_ctx.close()
    finally:
        with db_session(url) as s:
            s.execute(delete(TeamSetting))
            s.commit()
