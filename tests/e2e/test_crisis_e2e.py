"""The crisis playbook in a real browser: a crisis chat jumps the queue, and the supervisor
sees the alert live (badge, list) and acknowledges it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from dasan.db.models import AuditLog, Consultation
from dasan.db.models_protection import CrisisAlert

pytestmark = pytest.mark.e2e
TIMEOUT = 30_000


def chat(base: str, text: str | None, handoff: bool = False) -> tuple[int, dict[str, str]]:
    r = httpx.post(f"{base}/api/chat/sessions", json={"language": "ko"}, timeout=30)
    data = r.json()
    cid, h = int(data["consultation_id"]), {"X-Chat-Token": data["token"]}
    if handoff:
        httpx.post(f"{base}/api/chat/sessions/{cid}/handoff", headers=h, timeout=30)
    if text:
        httpx.post(f"{base}/api/chat/sessions/{cid}/messages",
                   json={"body": text, "client_msg_id": "m1"}, headers=h, timeout=60)
    return cid, h


def test_crisis_chat_jumps_the_queue_and_the_supervisor_acknowledges(
        live_server: Any, browser: Any, screenshots: Path) -> None:
    base = live_server.base_url
    ctx = browser.new_context(bypass_csp=True, locale="ko-KR")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/login?next=/supervisor")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", "dasan1234!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/supervisor")
    page.wait_for_selector("#crisis-badge")
    assert page.inner_text("#crisis-badge") == "0"

    calm, _ = chat(base, None, handoff=True)  # waiting first
    cid, h = chat(base, "약을 한 통 다 먹었어요")
    item = page.wait_for_selector("li[data-alert-id]")
    assert str(cid) in item.inner_text()
    page.wait_for_function("document.getElementById('crisis-badge').textContent === '1'")
    assert "warn" in (page.get_attribute("#crisis-badge", "class") or "")
    status = httpx.get(f"{base}/api/chat/sessions/{cid}", headers=h, timeout=30).json()
    assert status["queue"] == "crisis" and status["crisis"] is True
    with Session(create_engine(live_server.db_url)) as s:
        waiting = list(s.scalars(select(Consultation.id).where(
            Consultation.status == "open", Consultation.agent_id.is_(None),
            Consultation.queue_id.is_not(None)).order_by(Consultation.priority.desc(),
                                                         Consultation.queued_at)))
        assert waiting.index(cid) < waiting.index(calm)  # it jumped the queue
    page.screenshot(path=str(screenshots / "crisis-alert.png"), full_page=True)
    page.click("li[data-alert-id] button")
    page.wait_for_function("document.getElementById('crisis-badge').textContent === '0'")
    with Session(create_engine(live_server.db_url)) as s:
        alert = s.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == cid))
        assert alert is not None and alert.status == "acknowledged"
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "crisis.acknowledged"))
    ctx.close()
