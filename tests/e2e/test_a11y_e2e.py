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
from dasan.db.base import utcnow
from dasan.db.models import Consultation, KbEntry
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope
from dasan.voice.visible_ars import service

pytestmark = pytest.mark.e2e
AXE = PROJECT_ROOT / "var" / "test-assets" / "axe-core" / "axe.min.js"
TIMEOUT = 15_000
NAV_TIMEOUT = 60_000  # the first analytics page warms its engine
LIVE_INDEX_TIMEOUT = 240_000  # the live visible-ARS page waits for the knowledge index
RUN_AXE = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""

ANONYMOUS = ["/", "/login", "/chat", "/sign", "/report", "/qna", "/written"]
ROLES: dict[str, list[str]] = {
    "agent1": ["/agent", "/qa/mine"],
    "supervisor": ["/supervisor", "/supervisor/canned", "/kb", "/kb/dashboard", "/kb/gaps",
                   "/kb/review",
                   "/kb/entries/{entry}", "/reports", "/reports/voc", "/reports/policy",
                   "/reports/drill", "/crisis/playbooks", "/crisis/dong-centres", "/protection",
                   "/protection/legal-cases", "/qa", "/qa/calibrations", "/qa/forms",
                   "/qa/disputes", "/qa/evaluate/{call}", "/workforce",
                   "/workforce/erlang", "/workforce/forecast", "/workforce/plan",
                   "/workforce/simulate", "/workforce/validate", "/voice",
                   "/complaints/overview", "/privacy/reveals"],
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


def _check(page: Any, base: str, path: str, status: int | None = 200,
           ready: str | None = None) -> list[str]:
    r = page.goto(base + path, wait_until="domcontentloaded")
    if r is None or r.status != (status or r.status):
        return [f"{path}: HTTP {r and r.status}"]
    # the page itself: /supervisor's header is not on /supervisor/canned
    ready = ready or READY.get(path.split("?")[0])
    if path == "/chat":  # the log fills with the citizen's question and the bot's answer
        page.fill("#msg", "여권 재발급은 어떻게 하나요?")
        page.keyboard.press("Enter")
    if ready:
        page.wait_for_selector(ready)
    page.add_script_tag(content=_axe())
    return [f"{path}: {v['impact']} {v['id']} at {v['nodes']}" for v in page.evaluate(RUN_AXE)]


def _live_visible_ars_path(db_url: str) -> str:
    """A one-time visible-ARS link of a call waiting in the queue (as test_visible_ars_e2e)."""
    with session_scope(db_url) as s:
        c = Consultation(channel="phone", started_at=utcnow())
        s.add(c)
        s.flush()
        call = VoiceCall(sip_call_id=f"a11y-vars-{c.id}", consultation_id=c.id, dialed="120",
                         queued_at=utcnow(), queue_code="general")
        s.add(call)
        s.commit()
        link = service.start(s, call.id, "01098765432")
    assert link is not None
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _walks() -> list[tuple[str, str | None, list[str]]]:
    """The pages in walks of a few pages each (one per test, so that the browser workers share
    them): (name, user or None for anonymous, paths)."""
    walks: list[tuple[str, str | None, list[str]]] = [("anonymous", None, ANONYMOUS),
                                                      ("visible-ars", None, [])]
    for user, paths in ROLES.items():
        size = 8
        for n in range(0, len(paths), size):
            walks.append((f"{user}-{n // size + 1}", user, paths[n:n + size]))
    return walks


@pytest.mark.parametrize(("walk", "user", "paths"), _walks(), ids=[w[0] for w in _walks()])
def test_every_page_has_no_serious_axe_violation(live_server: Any, browser: Any, walk: str,
                                                 user: str | None, paths: list[str]) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (scripts/web-assets.sh)")
    base = live_server.base_url
    with session_scope(live_server.db_url) as s:
        entry = s.scalar(select(KbEntry.id).order_by(KbEntry.id).limit(1))
        call = _recorded_call(s)
    found: list[str] = []
    if walk == "visible-ars":
        ctx = browser.new_context(bypass_csp=True, locale="ko-KR",
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        # The visible-ARS page for a link that is no longer valid, and the live page of a call
        # waiting in the queue (its menu drawn by the page's script). The live page draws each
        # leaf's KB answer on the server, so its first request waits for the knowledge index
        # (the server's warm-up loads the embedder and embeds the KB): on a cold, loaded
        # machine that took longer than NAV_TIMEOUT. Wait for it as long as the warm-up may.
        page.set_default_navigation_timeout(LIVE_INDEX_TIMEOUT)
        found += _check(page, base, "/ars/v/not-a-valid-link", status=None)
        found += _check(page, base, _live_visible_ars_path(live_server.db_url),
                        ready=".vars-item")
        ctx.close()
        assert not found, "\n".join(found)
        return
    ctx = browser.new_context(bypass_csp=True, locale="ko-KR")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.set_default_navigation_timeout(NAV_TIMEOUT)
    if user is not None:
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
