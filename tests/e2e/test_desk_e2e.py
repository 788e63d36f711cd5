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
    errors: list[str] = []
    agent.on("pageerror", lambda e: errors.append(str(e)))
    agent.wait_for_selector("#conn.ok")
    agent.select_option("#state", "available")  # an earlier test may have left a break
    assert agent.is_visible("#snoozed-empty")

    citizen = citizen_page(browser, base)
    send(citizen, "여권 재발급은 어떻게 하나요?")
    citizen.locator("li.msg.from-bot").first.wait_for(timeout=90_000)
    citizen.click("#handoff")
    citizen.wait_for_selector("#status[data-phase=live]")
    # This citizen's chat, not the first tab: earlier tests on the shared server may have left
    # other chats that reach this agent once it is available.
    cid = int(citizen.evaluate("JSON.parse(sessionStorage.getItem('dasan.chat.v1')).cid"))
    agent.wait_for_selector(f"#tab-{cid}")

    agent.click(f"#tab-{cid}")
    agent.select_option("#snooze-for", "")  # until the citizen replies
    agent.click("#snooze")
    held = agent.locator("#snoozed-list li", has_text=f"#{cid}")
    try:
        held.wait_for()
    except Exception as exc:
        raise AssertionError(f"alert: {agent.inner_text('#alert')!r}; errors: {errors}; "
                             f"held: {agent.inner_html('#snoozed-list')!r}") from exc
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


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(out, format="PNG")
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def test_files_both_ways_on_the_chat_page_and_the_desktop(live_server: Any, browser: Any
                                                          ) -> None:
    base = live_server.base_url
    release_agent(live_server.db_url, "A0001")
    agent_ctx = browser.new_context(bypass_csp=False, locale="ko-KR",
                                    viewport={"width": 1400, "height": 900})
    agent = login(agent_ctx, base, "agent1", "/agent")
    agent.wait_for_selector("#conn.ok")
    agent.select_option("#state", "available")  # an earlier test may have left a break
    citizen = citizen_page(browser, base)
    send(citizen, "여권 재발급은 어떻게 하나요?")
    citizen.locator("li.msg.from-bot").first.wait_for(timeout=90_000)
    citizen.click("#handoff")
    citizen.wait_for_selector("#status[data-phase=live]")
    tab = agent.locator(".chat-tab").first
    tab.wait_for()
    tab.click()

    # Citizen -> agent: a picture, shown on the desktop (fetched with the staff session).
    citizen.set_input_files("#attach", files=[{"name": "현장사진.png", "mimeType": "image/png",
                                               "buffer": _png()}])
    img = agent.locator("#log li.msg.from-citizen .attachment-img")
    img.wait_for()
    agent.wait_for_function(
        "document.querySelector('#log li.msg.from-citizen .attachment-img').naturalWidth === 40")
    assert img.get_attribute("alt") == "현장사진.jpg"  # re-encoded: stored as JPEG
    citizen.locator("li.msg.from-citizen .attachment-img").wait_for()  # and on the chat page
    # A file that is not what it claims: refused with a Korean notice, nothing sent.
    citizen.set_input_files("#attach", files=[{"name": "x.pdf", "mimeType": "application/pdf",
                                               "buffer": b"MZ not a pdf"}])
    citizen.wait_for_selector("#status:has-text('PDF 문서만')")
    # Agent -> citizen: a PDF, a download link on the chat page (fetched with the token).
    agent.set_input_files("#attach", files=[{"name": "안내문.pdf",
                                             "mimeType": "application/pdf", "buffer": PDF}])
    link = citizen.locator("li.msg.from-agent a.attachment-link", has_text="안내문.pdf")
    link.wait_for()
    citizen.wait_for_function(
        "(document.querySelector('li.msg.from-agent a.attachment-link') || {}).href"
        "?.startsWith('blob:')")
    assert citizen.locator("li.msg .attachment").count() == 2
    agent_ctx.close()
    citizen.context.close()
    release_agent(live_server.db_url, "A0001")
