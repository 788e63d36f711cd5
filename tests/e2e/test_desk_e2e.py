"""The agent desktop in a real browser (issue 11's remaining pieces): a chat put on hold
(보류) leaves the list for the 보류 group and comes back when the citizen writes."""

from __future__ import annotations

from typing import Any

import pytest
from test_chat_e2e import citizen_page, login, release_agent, send

pytestmark = pytest.mark.e2e


def test_a_held_chat_goes_to_the_hold_group_and_back_when_the_citizen_writes(
        live_server: Any, browser: Any) -> None:
    base = live_server.base_url
    release_agent(live_server.db_url, "A0001")
    agent_ctx = browser.new_context(bypass_csp=True, locale="ko-KR",
                                    viewport={"width": 1400, "height": 900})
    agent = login(agent_ctx, base, "agent1", "/agent")
    agent.wait_for_selector("#conn.ok")
    assert agent.is_visible("#snoozed-empty")

    citizen = citizen_page(browser, base)
    send(citizen, "여권 재발급은 어떻게 하나요?")
    citizen.locator("li.msg.from-bot").first.wait_for(timeout=90_000)
    citizen.click("#handoff")
    citizen.wait_for_selector("#status[data-phase=live]")
    tab = agent.locator(".chat-tab").first
    tab.wait_for()
    cid = int((tab.get_attribute("id") or "").removeprefix("tab-"))

    agent.click(f"#tab-{cid}")
    agent.select_option("#snooze-for", "")  # until the citizen replies
    agent.click("#snooze")
    held = agent.locator("#snoozed-list li", has_text=f"#{cid}")
    held.wait_for()
    assert "시민이 답하면 돌아옴" in held.inner_text()
    agent.wait_for_selector(f"#tab-{cid}", state="detached")
    assert agent.is_hidden("#snoozed-empty")
    citizen.wait_for_selector("#status[data-phase=pending]")
    assert "보류" in citizen.inner_text("#status")
    citizen.locator("li.msg", has_text="잠시 보류했습니다").wait_for()

    send(citizen, "서류 준비했어요")  # the citizen writes: back to the same agent
    agent.wait_for_selector(f"#tab-{cid}")
    agent.wait_for_selector(f"#snoozed-list li:has-text('#{cid}')", state="detached")
    agent.click(f"#tab-{cid}")
    agent.locator("#log li.msg.from-citizen", has_text="서류 준비했어요").wait_for()
    citizen.wait_for_selector("#status[data-phase=live]")
    # And the take-back button on a hold with a time.
    agent.select_option("#snooze-for", "15")
    agent.click("#snooze")
    agent.locator("#snoozed-list li", has_text="돌아옴").wait_for()
    agent.click(f"#snoozed-list button[data-wake='{cid}']")
    agent.wait_for_selector(f"#tab-{cid}")
    assert agent.locator("#snoozed-list li").count() == 0
    agent_ctx.close()
    citizen.context.close()
    release_agent(live_server.db_url, "A0001")
