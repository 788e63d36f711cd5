"""Visible ARS page in Chromium on a phone-sized screen, under the enforced CSP: the one-time
link opens the live flow's menu (rendered by the static script), a leaf shows its KB answer,
"콜백 예약" books the callback, and the same link on another phone is refused. (The page
steering a live sipp call is tests/integration/voice/test_visible_ars.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dasan.db.base import utcnow
from dasan.db.models import Consultation
from dasan.db.models_voice import CallbackRequest, VoiceCall
from dasan.db.session import session_scope
from dasan.voice.visible_ars import service

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "ko-KR"}


def test_visible_ars_page_on_a_phone(live_server: Any, browser: Any, screenshots: Path) -> None:
    with session_scope(live_server.db_url) as s:
        c = Consultation(channel="phone", started_at=utcnow())
        s.add(c)
        s.flush()
        call = VoiceCall(sip_call_id="e2e-vars", consultation_id=c.id, dialed="120",
                         queued_at=utcnow(), queue_code="general")
        s.add(call)
        s.commit()
        link = service.start(s, call.id, "01098765432")
        call_id = call.id
    assert link is not None
    path = link.split("://", 1)[1].split("/", 1)[1]
    ctx = browser.new_context(**PHONE)  # CSP enforced: no bypass
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.base_url}/{path}")
    page.wait_for_selector(".vars-item")
    assert page.locator("#vars-status").inner_text().startswith("상담사 연결을 기다리고")
    labels = page.locator(".vars-item").all_inner_texts()
    assert any("교통" in x for x in labels) and any("외국어" in x for x in labels)
    page.locator(".vars-item", has_text="외국어").click()  # a sub-menu opens on the page
    page.wait_for_selector("text=영어")
    page.click("#vars-back")
    page.locator(".vars-item", has_text="교통").click()
    assert page.locator("#vars-answer").is_visible()
    page.click("#vars-callback")
    page.locator("#vars-status", has_text="콜백이 예약").wait_for()  # no eval: CSP stays on
    page.screenshot(path=str(screenshots / "visible-ars-phone.png"))
    assert not [e for e in errors if "Content Security Policy" in e], errors
    other = browser.new_context(**PHONE).new_page()
    other.goto(f"{live_server.base_url}/{path}")
    assert "이미" in other.locator("[role=alert]").inner_text()
    with session_scope(live_server.db_url) as s:
        booked = s.scalar(select(CallbackRequest).where(CallbackRequest.call_id == call_id))
        assert booked is not None and booked.queue_code == "transport"
    ctx.close()
    other.context.close()
