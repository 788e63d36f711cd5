"""The supervisor floor in a real browser: monitor a live chat, whisper to its agent (the
citizen never sees it), broadcast a notice, then take the chat over and answer it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from test_chat_e2e import citizen_page, db_session, login, send
from test_presence_e2e import empty_floor

from dasan.db.models import Agent, Consultation, User

pytestmark = pytest.mark.e2e


def test_supervisor_monitors_whispers_and_takes_over(live_server: Any, browser: Any) -> None:
    base, url = live_server.base_url, live_server.db_url
    empty_floor(url, browser)
    desk_ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    desk = login(desk_ctx, base, "agent1", "/agent")
    desk.wait_for_selector("#conn.ok")
    desk.select_option("#state", "available")
    desk.wait_for_selector("#presence:has-text('상담 가능')")

    citizen = citizen_page(browser, base)
    send(citizen, "따릉이 정기권 환불 문의")
    citizen.locator("li.msg.from-bot").nth(1).wait_for()
    citizen.click("#handoff")
    citizen.wait_for_selector("#status[data-phase=live]")
    desk.locator(".chat-tab").first.wait_for()
    with db_session(url) as s:
        c = s.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
        assert c is not None
        cid = c.id

    lead_ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    lead = login(lead_ctx, base, "supervisor", "/supervisor")
    row = lead.locator("#sv-live tr", has_text=f"#{cid}")
    row.get_by_role("button", name="모니터").click()
    lead.locator("#sv-monitor-log li", has_text="따릉이 정기권").first.wait_for()

    lead.fill("#whisper-body", "환불 수수료부터 안내하세요")
    lead.press("#whisper-body", "Enter")
    desk.locator("#notes li.whisper", has_text="환불 수수료").wait_for()
    lead.locator("#sv-monitor-log li.whisper", has_text="환불 수수료").wait_for()
    lead.fill("#broadcast-body", "점심 교대 10분 전입니다")
    lead.press("#broadcast-body", "Enter")
    desk.locator("#broadcast", has_text="점심 교대").wait_for()

    lead.on("dialog", lambda d: d.accept())
    lead.click("#sv-take-over")
    lead.wait_for_url(f"{base}/agent?chat={cid}")
    lead.locator(f"#tab-{cid}").wait_for()
    desk.locator(f"#tab-{cid}").wait_for(state="detached")  # gone from the agent's desk
    lead.wait_for_selector("#msg:not([disabled])")
    lead.fill("#msg", "책임자가 직접 도와드리겠습니다")
    lead.click("#send")
    citizen.locator("li.msg.from-agent", has_text="책임자가 직접").wait_for()
    citizen.locator("li.msg", has_text="이어받았습니다").wait_for()
    assert "환불 수수료" not in citizen.inner_text("#log")  # the whisper stayed with staff

    with db_session(url) as s:
        c = s.get(Consultation, cid)
        lead_user = s.scalar(select(User).where(User.username == "supervisor"))
        assert c is not None and lead_user is not None and c.agent_id is not None
        taker = s.get(Agent, c.agent_id)
        assert taker is not None and taker.user_id == lead_user.id
        assert c.answered_at is not None
        c.status = "closed"  # leave the shared server's floor empty for the next tests
        s.commit()
    for ctx in (desk_ctx, lead_ctx, citizen.context):
        ctx.close()
