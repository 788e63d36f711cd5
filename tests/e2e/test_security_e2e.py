"""In a real browser: every page runs under the strict Content-Security-Policy without a
violation, forms and fetch() carry the CSRF token, and a page on another origin cannot write."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e
# Every page runs under the enforced CSP here; the functional e2e tests elsewhere open their
# contexts with bypass_csp only because Playwright's own wait_for_function needs eval.
PAGES = ["/", "/kb", "/reports", "/workforce", "/workforce/erlang", "/district", "/docs",
         "/supervisor", "/chat", "/report", "/qna", "/written", "/complaints/overview", "/qa",
         "/crisis/playbooks", "/protection", "/voice", "/kb/gaps", "/kb/review",
         "/kb/dashboard", "/reports/voc", "/workforce/plan"]


def test_pages_run_under_the_csp_and_logout_carries_the_csrf_token(
        browser: Any, live_server: Any) -> None:
    base = live_server.base_url
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "dasan1234!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    for path in PAGES:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    assert not [p for p in problems if "Content Security Policy" in p], problems
    # A same-origin fetch() gets the token from dasan.js; a bare one from another page would not.
    status = page.evaluate("""async () => (await fetch('/api/auth/tokens', {method: 'POST',
        headers: {'content-type': 'application/json'}, body: JSON.stringify({name: 'e2e'})})).status""")
    assert status == 201
    page.goto(base + "/")
    page.click("form[action='/logout'] button")
    page.wait_for_url(f"{base}/")
    assert page.evaluate("async () => (await fetch('/api/auth/me')).status") == 401
    ctx.close()
