"""원문 보기 in a real browser: the agent of an open chat reveals the citizen's masked phone number
on the desk; a supervisor monitoring the chat, and evaluating it afterwards, does the same; each
gives a reason, sees the raw text marked in place, and hides it again; every reveal is in the
audit log with its reason; the agent's evaluation page offers no such control."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from test_chat_e2e import citizen_page, db_session, login, send
from test_presence_e2e import empty_floor

from dasan.db.models import AuditLog, Consultation, User

pytestmark = pytest.mark.e2e

RAW = "010-2345-6789"
MASKED = "010-****-6789"


def _reveal(page: Any, reason: str, api: str = "**/api/privacy/reveal") -> Any:
    """Open the control, try without a reason (refused), then reveal with `reason`; the
    reveal's HTTP response."""
    page.get_by_role("button", name="원문 보기").click()
    form = page.locator("form.reveal-form")
    form.get_by_role("button", name="원문 보기").click()  # no reason: the form refuses
    assert page.locator("li.revealed").count() == 0
    page.get_by_label("열람 사유").fill(reason)
    with page.expect_response(api) as answer:
        form.get_by_role("button", name="원문 보기").click()
    return answer.value


def _reveal_rows(url: str, cid: int) -> list[AuditLog]:
    with db_session(url) as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal",
                                                     AuditLog.object_id == str(cid))))


def test_the_agent_reveals_their_open_chat_and_the_supervisor_any(
        live_server: Any, browser: Any, screenshots: Path) -> None:
    base, url = live_server.base_url, live_server.db_url
    empty_floor(url, browser)
    desk_ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    desk = login(desk_ctx, base, "agent1", "/agent")
    desk.wait_for_selector("#conn.ok")
    desk.select_option("#state", "available")
    desk.wait_for_selector("#presence:has-text('상담 가능')")

    citizen = citizen_page(browser, base)
    send(citizen, "따릉이 정기권 환불 문의")
    citizen.locator("li.msg.from-bot").nth(1).wait_for(timeout=90_000)  # a cold bot is slow
    citizen.click("#handoff")
    citizen.wait_for_selector("#status[data-phase=live]")
    desk.locator(".chat-tab").first.wait_for()
    send(citizen, f"제 연락처는 {RAW} 입니다")
    with db_session(url) as s:
        c = s.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
        assert c is not None
        cid = c.id
    # The agent's desk shows the chat masked; its own open chat offers the reveal (no call:
    # the call panel's transcript offers none to an agent).
    mine = desk.locator("#log li.msg", has_text="제 연락처는").first
    mine.wait_for()
    assert MASKED in mine.inner_text() and RAW not in desk.content()
    assert desk.locator("#call-transcript[data-reveal]").count() == 0
    agent_reason = "시민 회신 번호 확인 (콜백 약속)"
    answer = _reveal(desk, agent_reason)
    assert answer.status == 200
    desk.locator("#log li.revealed", has_text=RAW).wait_for()
    assert desk.locator("#log li.revealed .reveal-marker").inner_text() == "원문"
    assert agent_reason in desk.locator(".reveal-banner").inner_text()
    desk.locator(".desk-main").screenshot(path=screenshots / "reveal-agent-desk.png")
    desk.get_by_role("button", name="원문 숨기기").click()
    desk.locator("#log li.revealed").first.wait_for(state="detached")
    assert MASKED in mine.inner_text() and RAW not in desk.content()
    rows = _reveal_rows(url, cid)
    assert [(r.actor, r.outcome, r.detail["reason"]) for r in rows] == [
        ("agent1", "ok", agent_reason)]

    lead_ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    lead = login(lead_ctx, base, "supervisor", "/supervisor")
    lead.locator("#sv-live tr", has_text=f"#{cid}").get_by_role("button", name="모니터").click()
    line = lead.locator("#sv-monitor-log li", has_text="제 연락처는").first
    line.wait_for()
    assert MASKED in line.inner_text() and RAW not in lead.content()

    reason = "상담사 응대 민원 확인 (민원 2026-77)"
    answer = _reveal(lead, reason)
    assert answer.status == 200
    assert answer.headers.get("cache-control") == "no-store"
    shown = lead.locator("#sv-monitor-log li.revealed", has_text=RAW)
    shown.wait_for()
    assert shown.locator(".reveal-body .reveal-marker").inner_text() == "원문"
    assert reason in lead.locator(".reveal-banner").inner_text()
    lead.locator("#sv-monitor").screenshot(path=screenshots / "reveal-monitor.png")
    rows = _reveal_rows(url, cid)[1:]
    assert len(rows) == 1 and rows[0].outcome == "ok" and rows[0].actor == "supervisor"
    assert rows[0].detail["reason"] == reason and rows[0].detail["consultation_id"] == cid

    lead.get_by_role("button", name="원문 숨기기").click()
    lead.locator("#sv-monitor-log li.revealed").first.wait_for(state="detached")
    assert MASKED in line.inner_text()
    assert RAW not in lead.content() and reason not in lead.content()
    assert lead.get_by_role("button", name="원문 보기").is_visible()

    # The chat ends; the evaluator's page reveals the same way (a second audited row).
    with db_session(url) as s:
        c = s.get(Consultation, cid)
        assert c is not None
        c.status = "closed"
        s.commit()
    lead.goto(f"{base}/qa/evaluate/{cid}")
    lead.locator("#qa-transcript li", has_text=MASKED).first.wait_for()
    assert _reveal(lead, "수사기관 요청 공문 제2026-118호").status == 200
    lead.locator("#qa-transcript li.revealed", has_text=RAW).wait_for()
    assert len(_reveal_rows(url, cid)) == 3
    lead.get_by_role("button", name="원문 숨기기").click()
    assert RAW not in lead.content()

    # The agent may not open the evaluation page; nothing there offers a reveal.
    desk.goto(f"{base}/qa/evaluate/{cid}")
    assert desk.get_by_role("button", name="원문 보기").count() == 0
    assert RAW not in desk.content()
    with db_session(url) as s:
        agent_user = s.scalar(select(User).where(User.username == "agent1"))
        assert agent_user is not None
    assert [r.detail["reason"] for r in _reveal_rows(url, cid)
            if r.actor_user_id == agent_user.id] == [agent_reason]
    for ctx in (desk_ctx, lead_ctx, citizen.context):
        ctx.close()


def test_supervisor_reveals_a_calls_speech_to_text_on_the_evaluation_page(
        live_server: Any, browser: Any) -> None:
    """A call's masked speech-to-text beside the QA form: 원문 보기 goes through the voice room's
    audited reveal and shows the caller's raw line in place."""
    from datetime import UTC, datetime

    from dasan.db.models_smartvoice import CallTranscriptSegment
    from dasan.db.models_voice import VoiceCall
    from dasan.privacy import vault
    from dasan.stt.transcripts import SEALED_KIND

    base, url = live_server.base_url, live_server.db_url
    with db_session(url) as s:
        c = Consultation(channel="phone", started_at=datetime.now(UTC), status="closed",
                         outcome="answered", answered_at=datetime.now(UTC))
        s.add(c)
        s.flush()
        call = VoiceCall(sip_call_id=f"reveal-{c.id}", consultation_id=c.id, dialed="120")
        s.add(call)
        s.flush()
        for leg, start, text, raw in (("agent", 2_100, "다산콜센터입니다", None),
                                      ("caller", 65_400, f"제 번호는 {MASKED} 입니다",
                                       f"제 번호는 {RAW} 입니다")):
            seg = CallTranscriptSegment(call_id=call.id, consultation_id=c.id, leg=leg, seq=1,
                                        start_ms=start, end_ms=start + 2_000, text=text,
                                        engine="test")
            s.add(seg)
            s.flush()
            if raw:
                vault.seal(s, SEALED_KIND, seg.id, raw)
        s.commit()
        cid = c.id

    lead_ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    lead = login(lead_ctx, base, "supervisor", f"/qa/evaluate/{cid}")
    lead.locator("#qa-call-transcript tr", has_text=MASKED).wait_for()
    assert _reveal(lead, "통화 응대 민원 확인 (민원 2026-91)",
                   f"**/api/voice/transcripts/{cid}/reveal").status == 200
    lead.locator("#qa-call-transcript tr.revealed", has_text=RAW).wait_for()
    assert lead.locator("#qa-call-transcript tr.revealed").count() == 1  # the agent's line had none
    with db_session(url) as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal",
                                                     AuditLog.object_type == "call_transcript",
                                                     AuditLog.object_id == str(cid))))
        assert [r.detail["reason"] for r in rows] == ["통화 응대 민원 확인 (민원 2026-91)"]
    lead.get_by_role("button", name="원문 숨기기").click()
    lead.locator("#qa-call-transcript tr", has_text=MASKED).wait_for()
    assert RAW not in lead.content()
    lead_ctx.close()


def test_supervisor_reveals_a_legal_cases_statement(live_server: Any, browser: Any,
                                                    screenshots: Path) -> None:
    """The legal case page's statement is shown masked; 원문 보기 goes through the case's own
    reveal (data-reveal-url) and shows it in place until hidden. An admin's raw evidence
    bundle asks for its reason in the page before any request."""
    from datetime import UTC, datetime

    from dasan.db.models import Citizen
    from dasan.db.models_protection import LegalCase

    base, url = live_server.base_url, live_server.db_url
    with db_session(url) as s:
        citizen = Citizen(phone_hash="e2e-reveal-" + "7" * 12, phone_masked="010-****-7777")
        s.add(citizen)
        s.flush()
        case = LegalCase(citizen_id=citizen.id, stage="filed", created_at=datetime.now(UTC),
                         agent_statement=f"민원인이 {RAW} 로 다시 전화해 협박했습니다",
                         history=[{"stage": "filed", "at": datetime.now(UTC).isoformat(),
                                   "by": "supervisor"}])
        s.add(case)
        s.commit()
        case_id = case.id
    lead_ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    lead = login(lead_ctx, base, "supervisor", f"/protection/legal-cases/{case_id}")
    statement = lead.locator("#case-statement")
    assert MASKED in statement.inner_text() and RAW not in lead.content()
    assert _reveal(lead, "경찰 제출 진술서 원문 확인",
                   f"**/api/protection/legal-cases/{case_id}/statement/reveal").status == 200
    lead.locator("#case-statement.revealed", has_text=RAW).wait_for()
    assert statement.locator(".reveal-marker").inner_text() == "원문"
    lead.get_by_role("button", name="원문 숨기기").click()
    lead.locator("#case-statement.revealed").wait_for(state="detached")
    assert MASKED in statement.inner_text() and RAW not in lead.content()
    with db_session(url) as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal",
                                                     AuditLog.object_type == "legal_case",
                                                     AuditLog.object_id == str(case_id))))
        assert [r.detail["reason"] for r in rows] == ["경찰 제출 진술서 원문 확인"]
    lead_ctx.close()

    admin_ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    admin = login(admin_ctx, base, "admin", f"/protection/legal-cases/{case_id}")
    raw_form = admin.locator("#raw-evidence")
    asked: list[str] = []
    admin.on("request", lambda r: asked.append(r.url) if "/evidence" in r.url else None)
    raw_form.get_by_role("button").click()  # no reason typed: the browser stops the form
    assert raw_form.locator("input[name=reason]:invalid").count() == 1 and not asked
    admin.locator("#e-title").locator("xpath=..").screenshot(
        path=screenshots / "legal-case-evidence.png")
    admin_ctx.close()
