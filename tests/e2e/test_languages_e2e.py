"""Citizens who do not write Korean, in Chromium: an English-speaking citizen asks the chatbot
in English and gets the answer in English through the translation port (the e2e server's
translation endpoint is a local OpenAI-compatible stub that tags what it translates: the
plumbing is tested here, translation quality in the benchmark), and a Chinese-reading citizen
gets the chat page, its language menu and the bot's greeting in Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dasan.channels.catalog import MESSAGES
from dasan.web.citizen_language import translate

# The browser tests run in their own pytest processes (scripts/test.sh): Playwright's sync API
# keeps an event loop running in the main thread, which the suite's asyncio tests must not
# inherit.
pytestmark = pytest.mark.e2e

TIMEOUT = 30_000


def _citizen(browser: Any, url: str, locale: str) -> Any:
    ctx = browser.new_context(locale=locale, viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    return page


def test_english_speaking_citizen_gets_an_english_answer(live_server: Any, browser: Any,
                                                         screenshots: Path) -> None:
    page = _citizen(browser, f"{live_server.base_url}/chat?lang=en", "en-US")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.inner_text("#chat-title") == "120 Dasan chat"
    page.fill("#msg", "How much does it cost to rent a Ttareungi bike?")
    page.keyboard.press("Enter")
    # the stub tags its translations "[English] ...": the answer went through the port
    answer = page.locator("li.msg.from-bot", has_text="[English]")
    answer.wait_for()
    text = answer.inner_text()
    assert "따릉이 대여 요금" in text and MESSAGES["translated"]["en"] in text
    # the answer asks whether it helped, in the page's language
    assert answer.locator(".feedback button").first.inner_text() == "Yes"
    page.screenshot(path=str(screenshots / "chat-english.png"), full_page=True)
    page.context.close()


def test_chinese_reading_citizen_gets_the_page_and_greeting_in_chinese(
        live_server: Any, browser: Any, screenshots: Path) -> None:
    page = _citizen(browser, f"{live_server.base_url}/chat", "zh-CN")
    page.get_by_role("link", name="中文").click()
    page.wait_for_url("**/chat?lang=zh")
    assert page.locator("html").get_attribute("lang") == "zh"
    title = translate("120 다산콜 채팅 상담", "120 Dasan chat", "zh")
    assert page.inner_text("#chat-title") == title and title != "120 Dasan chat"
    assert page.locator('ul.languages a[aria-current="true"]').inner_text() == "中文"
    page.fill("#msg", "你好")
    page.keyboard.press("Enter")
    page.locator("li.msg.from-bot", has_text=MESSAGES["chat_greeting"]["zh"][:12]).wait_for()
    page.screenshot(path=str(screenshots / "chat-chinese.png"), full_page=True)
    page.context.close()
