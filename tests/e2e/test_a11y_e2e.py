"""Accessibility: axe-core (from npm, `scripts/web-assets.sh`) runs on every page of the web
routes — as the citizen, an agent, the floor lead, the district officer and the admin, plus
the Korean forbidden page — and finds no serious or critical violation. One browser, one
context per role; axe is injected with the page's CSP bypassed (the pages' own CSP is tested
in test_security_e2e)."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from sqlalchemy import select

from dasan.config import PROJECT_ROOT
from dasan.db.models import Consultation, KbEntry
from dasan.db.session import session_scope

pytestmark = pytest.mark.e2e
AXE = PROJECT_ROOT / "var" / "test-assets" / "axe-core" / "axe.min.js"
TIMEOUT = 15_000
NAV_TIMEOUT = 60_000  # the first analytics page warms its engine
RUN_AXE = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""

ANONYMOUS = ["/", "/login", "/chat", "/report", "/qna", "/written"]
ROLES: dict[str, list[str]] = {
    "agent1": ["/agent", "/qa/mine"],
    "supervisor": ["/supervisor", "/kb", "/kb/dashboard", "/kb/gaps", "/kb/review",
                   "/kb/entries/{entry}", "/reports", "/reports/voc", "/reports/policy",
                   "/reports/drill", "/crisis/playbooks", "/protection",
                   "/protection/legal-cases", "/qa", "/qa/calibrations", "/qa/forms",
                   "/qa/disputes", "/qa/evaluate/{call}", "/workforce",
                   "/workforce/erlang", "/workforce/forecast", "/workforce/plan",
                   "/workforce/simulate", "/workforce/validate", "/voice",
                   "/complaints/overview"],
    "kbeditor": ["/kb/new"],
    "district": ["/district", "/district/complaints"],
    "admin": ["/admin/users"],
}
FORBIDDEN = ("agent1", "/admin/users")  # the Korean forbidden page


def _recorded_call(s: Any) -> int:
    """A recorded, transcribed call for the QA evaluation page (its player and timed lines)."""
    from datetime import UTC, datetime

    from dasan.db.models import Agent
    from dasan.db.models_smartvoice import CallTranscriptSegment
    from dasan.db.models_voice import VoiceCall

    agent = s.scalar(select(Agent.id).order_by(Agent.id).limit(1))
    c = Consultation(channel="phone", started_at=datetime.now(UTC), status="closed",
                     outcome="answered", answered_at=datetime.now(UTC), agent_id=agent)
    s.add(c)
    s.flush()
    call = VoiceCall(sip_call_id=f"a11y-{c.id}", consultation_id=c.id, dialed="120",
                     agent_id=agent, recording_caller="var/voice/recordings/a11y.wav")
    s.add(call)
    s.flush()
    s.add(CallTranscriptSegment(call_id=call.id, consultation_id=c.id, leg="caller", seq=1,
                                start_ms=1500, end_ms=3000, text="버스 노선 문의", engine="test"))
    return int(c.id)


@functools.cache
def _axe() -> str:
    return AXE.read_text(encoding="utf-8")


# Pages that draw their content from the API or a socket: wait for it before checking.
READY = {"/chat": "#log li", "/agent": "#presence:not(:empty)",
         "/supervisor": "#sv-meta:not(:empty)"}


def _check(page: Any, base: str, path: str, status: int | None = 200) -> list[str]:
    r = page.goto(base + path, wait_until="domcontentloaded")
    if r is None or r.status != (status or r.status):
        return [f"{path}: HTTP {r and r.status}"]
    ready = next((sel for prefix, sel in READY.items() if path.startswith(prefix)), None)
    if path == "/chat":  # the log fills with the citizen's question and the bot's answer
        page.fill("#msg", "여권 재발급은 어떻게 하나요?")
        page.keyboard.press("Enter")
    if ready:
        page.wait_for_selector(ready)
    page.add_script_tag(content=_axe())
    return [f"{path}: {v['impact']} {v['id']} at {v['nodes']}" for v in page.evaluate(RUN_AXE)]


def test_every_page_has_no_serious_axe_violation(live_server: Any, browser: Any) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (scripts/web-assets.sh)")
    base = live_server.base_url
    with session_scope(live_server.db_url) as s:
        entry = s.scalar(select(KbEntry.id).order_by(KbEntry.id).limit(1))
        call = _recorded_call(s)
    found: list[str] = []
    ctx = browser.new_context(bypass_csp=True, locale="ko-KR")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.set_default_navigation_timeout(NAV_TIMEOUT)
    for path in ANONYMOUS:
        found += _check(page, base, path)
    # The visible-ARS page for a link that is no longer valid (the live page is checked by
    # test_visible_ars_e2e under its CSP; its one-time link belongs to that test's call).
    found += _check(page, base, "/ars/v/not-a-valid-link", status=None)
    ctx.close()
    for user, paths in ROLES.items():
        ctx = browser.new_context(bypass_csp=True, locale="ko-KR")
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        page.set_default_navigation_timeout(NAV_TIMEOUT)
        page.goto(f"{base}/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", "dasan1234!")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        for path in paths:
            found += _check(page, base, path.format(entry=entry, call=call))
        if user == FORBIDDEN[0]:
            found += _check(page, base, FORBIDDEN[1], status=403)
        ctx.close()
    assert not found, "\n".join(found)
