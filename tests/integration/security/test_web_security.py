"""Web security: CSRF, WebSocket Origin, login lockout and audit, API token revocation and
expiry, security headers, request-size limit, chat-start rate limit, non-JSON frames."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.websockets import WebSocketDisconnect

from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.models import AuditLog, KbEntry

DEMO = "dasan1234!"


def _login_no_csrf(client: TestClient, username: str) -> TestClient:
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    r = client.post("/api/auth/login", json={"username": username, "password": DEMO})
    assert r.status_code == 200, r.text
    return client


# --- CSRF ---------------------------------------------------------------------------------------


def test_cookie_json_call_without_csrf_token_is_refused_and_changes_nothing(
        client: TestClient, db: Session) -> None:
    c = _login_no_csrf(client, "kbeditor")
    body = {"title": "CSRF 시험 항목", "answer": "가짜 답변", "category": "교통"}
    r = c.post("/api/knowledge/entries", json=body)
    assert r.status_code == 403 and r.json()["code"] == "csrf"
    assert db.scalar(select(KbEntry).where(KbEntry.title == "CSRF 시험 항목")) is None
    r = c.post("/api/knowledge/entries", json=body,
               headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    # The token from the login answer (what the pages' JavaScript sends) passes.
    c.cookies.clear()
    r = c.post("/api/auth/login", json={"username": "kbeditor", "password": DEMO})
    r = c.post("/api/knowledge/entries", json=body,
               headers={"X-CSRF-Token": r.headers["X-CSRF-Token"]})
    assert r.status_code == 201, r.text


def test_form_post_needs_the_csrf_field(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("agent1")
    token = c.headers.pop("X-CSRF-Token")
    assert c.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert c.get("/api/auth/me").status_code == 200  # still logged in
    r = c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/api/auth/me").status_code == 401


def test_pages_carry_the_token_in_forms_and_meta(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("agent1")
    token = c.headers["X-CSRF-Token"]
    page = c.get("/").text
    assert f'name="csrf-token" content="{token}"' in page
    assert f'name="csrf_token" value="{token}"' in page


def test_bearer_token_calls_need_no_csrf_token(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("supervisor")
    raw = c.post("/api/auth/tokens", json={"name": "cti"}).json()["token"]
    c.cookies.clear()
    c.headers.pop("X-CSRF-Token")
    r = c.post("/api/auth/tokens", json={"name": "second"},
               headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 201, r.text


# --- WebSocket Origin ---------------------------------------------------------------------------


def test_cross_site_websocket_handshake_is_refused(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("supervisor")
    with pytest.raises(WebSocketDisconnect) as refused, c.websocket_connect(
            "/api/chat/ws/supervisor", headers={"origin": "http://127.0.0.1:9999"}) as ws:
        ws.receive_json()
    assert refused.value.code == 4403
    with c.websocket_connect("/api/chat/ws/supervisor",
                             headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "overview"


def test_cross_site_citizen_socket_is_refused(client: TestClient, citizen_ws: Any) -> None:
    r = client.post("/api/chat/sessions", json={"language": "ko"})
    cid, token = r.json()["consultation_id"], r.json()["token"]
    with pytest.raises(WebSocketDisconnect) as refused, citizen_ws(cid, token,
            headers={"origin": "https://evil.example"}) as ws:
        ws.receive_json()
    assert refused.value.code == 4403


def test_frames_that_are_not_json_text_get_an_error_frame(client: TestClient, citizen_ws: Any) -> None:
    r = client.post("/api/chat/sessions", json={"language": "ko"})
    cid, token = r.json()["consultation_id"], r.json()["token"]
    with citizen_ws(cid, token) as ws:
        assert ws.receive_json()["type"] == "state"
        ws.send_bytes(b"\xff\xfe binary")
        assert _next_not_message(ws)["type"] == "error"
        ws.send_text("{not json")
        err = _next_not_message(ws)
        assert err["type"] == "error" and err["status"] == 400
        ws.send_text('{"type": "ping"}')  # the socket is still there
        assert _next_not_message(ws)["type"] == "pong"


def _next_not_message(ws) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The next frame that is not a chat message (the bot's greeting may come first)."""
    while True:
        frame = ws.receive_json()
        if frame["type"] != "message":
            return frame


# --- login ----------------------------------------------------------------------------------


def _attempt(client: TestClient, username: str, password: str) -> int:
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    return r.status_code


def test_account_lockout_after_repeated_failures(client: TestClient, db: Session) -> None:
    n = get_settings().login_max_failures
    for _ in range(n):
        assert _attempt(client, "agent2", "wrong-password-1") == 401
    r = client.post("/api/auth/login", json={"username": "agent2", "password": DEMO})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert r.json()["code"] == "login_locked"
    # The lock is per account: another user from the same address still logs in.
    assert _attempt(client, "agent3", DEMO) == 200
    rows = list(db.scalars(select(AuditLog).where(AuditLog.action == "auth.login")))
    reasons = [row.detail["reason"] for row in rows]
    assert reasons.count("bad_password") == n and reasons.count("locked") == 1
    assert all(row.detail["username"] == "agent2" for row in rows)


def test_form_login_failures_are_audited_and_locked(client: TestClient, db: Session) -> None:
    n = get_settings().login_max_failures
    for _ in range(n):
        r = client.post("/login", data={"username": "analyst", "password": "nope-nope-nope"},
                        follow_redirects=False)
        assert r.status_code == 303 and "error=1" in r.headers["location"]
    r = client.post("/login", data={"username": "analyst", "password": DEMO},
                    follow_redirects=False)
    assert "error=2" in r.headers["location"]
    denied = db.scalars(select(AuditLog).where(AuditLog.action == "auth.login",
                                               AuditLog.outcome == "denied")).all()
    assert len(denied) == n + 1


def test_unknown_username_is_not_stored(client: TestClient, db: Session) -> None:
    typed = "MySecretPassw0rd!"  # a password typed into the username field
    assert _attempt(client, typed, "whatever-else") == 401
    row = db.scalar(select(AuditLog).where(AuditLog.action == "auth.login"))
    assert row is not None and row.detail == {"reason": "unknown_user", "username": None}
    assert typed not in str(row.detail) and row.actor == "system"


def test_address_lockout_across_accounts(client: TestClient,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASAN_LOGIN_MAX_FAILURES", "2")  # per address: 4 x 2 = 8
    get_settings.cache_clear()
    try:
        for i in range(8):
            assert _attempt(client, f"nobody-{i}", "wrong-password-1") == 401
        assert _attempt(client, "agent1", DEMO) == 429  # locked for the whole address
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_unknown_users_cost_the_same_argon2_work(monkeypatch: pytest.MonkeyPatch,
                                                  db: Session) -> None:
    from dasan import auth

    calls: list[str] = []
    real = auth.verify_password

    def counting(h: str, p: str) -> bool:
        calls.append(h.rsplit("$", 2)[0])  # algorithm, version and cost parameters
        return real(h, p)

    monkeypatch.setattr(auth, "verify_password", counting)
    for name in ("agent1", "no-such-user"):
        with pytest.raises(auth.AuthError):
            auth.authenticate(db, name, "wrong-password-1")
    assert len(calls) == 2 and calls[0] == calls[1] and calls[0].startswith("$argon2id$")


def test_argon2_cost_follows_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan import auth
    from dasan.config import get_settings

    monkeypatch.setenv("DASAN_ARGON2_TIME_COST", "2")
    monkeypatch.setenv("DASAN_ARGON2_MEMORY_KIB", "2048")
    monkeypatch.setenv("DASAN_ARGON2_PARALLELISM", "2")
    get_settings.cache_clear()
    try:
        h = auth.hash_password("a-long-enough-pass")
        assert "$m=2048,t=2,p=2$" in h and auth.verify_password(h, "a-long-enough-pass")
        assert "$m=2048,t=2,p=2$" in auth._dummy_hash()
    finally:
        get_settings.cache_clear()


def test_deactivated_user_cannot_log_in_and_loses_sessions(
        client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("analyst")
    analyst_cookie = dict(c.cookies)
    c = login("admin")
    r = c.put("/api/auth/users/analyst/active", json={"active": False})
    assert r.status_code == 200
    c.cookies.clear()
    c.cookies.update(analyst_cookie)
    assert c.get("/api/auth/me").status_code == 401
    assert _attempt(c, "analyst", DEMO) == 401
    c = login("admin")
    assert c.put("/api/auth/users/analyst/active", json={"active": True}).status_code == 200
    assert _attempt(c, "analyst", DEMO) == 200


def test_scoped_roles_need_a_valid_scope(db: Session) -> None:
    from dasan.auth import create_user
    from dasan.errors import Invalid

    with pytest.raises(Invalid, match="district"):
        create_user(db, "gu-officer-x", "tangerine-bus-7", "district_officer")
    with pytest.raises(Invalid, match="district"):
        create_user(db, "gu-officer-y", "tangerine-bus-7", "district_officer",
                    district_code="99999")
    with pytest.raises(Invalid, match="agency"):
        create_user(db, "editor-x", "tangerine-bus-7", "kb_editor", agency_id=987654)
    user = create_user(db, "gu-officer-z", "tangerine-bus-7", "district_officer",
                       district_code="11545")
    assert user.district_code == "11545"


def test_a_district_officer_lands_on_the_district_page(client: TestClient, db: Session) -> None:
    from dasan.auth import create_user

    create_user(db, "gu-officer-land", "tangerine-bus-7", "district_officer",
                district_code="11545")
    db.commit()
    r = client.post("/login", data={"username": "gu-officer-land", "password": "tangerine-bus-7"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/district"
    assert client.get("/district").status_code == 200
    # A page asked for is kept; other roles still land on the front page.
    r = client.post("/login", data={"username": "gu-officer-land", "password": "tangerine-bus-7",
                                    "next": "/district/complaints"}, follow_redirects=False)
    assert r.headers["location"] == "/district/complaints"
    r = client.post("/login", data={"username": "analyst", "password": DEMO},
                    follow_redirects=False)
    assert r.headers["location"] == "/"


# --- API tokens -------------------------------------------------------------------------------


def test_api_tokens_are_listed_and_revoked(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("supervisor")
    issued = c.post("/api/auth/tokens", json={"name": "district-system", "days": 30}).json()
    raw = issued["token"]
    assert issued["expires_at"] is not None
    listed = c.get("/api/auth/tokens").json()
    assert [t["name"] for t in listed] == ["district-system"]
    assert "token" not in listed[0] and raw not in str(listed)
    bearer = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/auth/me", headers=bearer).status_code == 200
    assert c.delete(f"/api/auth/tokens/{listed[0]['id']}").json()["revoked"] is True
    client.cookies.clear()
    assert client.get("/api/auth/me", headers=bearer).status_code == 401


def test_others_tokens_cannot_be_revoked(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("supervisor")
    c.post("/api/auth/tokens", json={"name": "mine"})
    tid = c.get("/api/auth/tokens").json()[0]["id"]
    c = login("analyst")
    assert c.delete(f"/api/auth/tokens/{tid}").status_code == 404
    assert c.get("/api/auth/tokens").json() == []


def test_api_tokens_expire(db: Session) -> None:
    from dasan.auth import issue_api_token, user_for_api_token
    from dasan.db.models import User

    user = db.scalar(select(User).where(User.username == "supervisor"))
    assert user is not None
    raw = issue_api_token(db, user, "short-lived", days=1)
    assert user_for_api_token(db, raw) is not None
    assert user_for_api_token(db, raw, now=utcnow() + timedelta(days=2)) is None


def test_json_logout_ends_the_session(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("agent1")
    assert c.post("/api/auth/logout").status_code == 204
    assert c.get("/api/auth/me").status_code == 401


# --- headers and limits -----------------------------------------------------------------------


def test_security_headers(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("agent1")
    for path in ("/", "/api/auth/me", "/login"):
        h = c.get(path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert h["x-frame-options"] == "DENY"
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"
        assert h["cache-control"] == "no-store"
        assert "strict-transport-security" not in h
        assert "server" not in h
    assert "no-store" not in c.get("/static/dasan.css").headers.get("cache-control", "")


def test_favicon_is_served_from_the_package_and_linked(client: TestClient) -> None:
    # Browsers ask for /favicon.ico on every page: a shipped icon, cached, never a 404.
    r = client.get("/favicon.ico")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/x-icon"
    assert r.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "no-store" not in r.headers["cache-control"]
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/login").text


def test_hsts_and_secure_cookies_behind_tls(client: TestClient,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASAN_HSTS", "1")
    monkeypatch.setenv("DASAN_COOKIE_SECURE", "1")
    get_settings.cache_clear()
    try:
        r = client.post("/api/auth/login", json={"username": "agent1", "password": DEMO})
        assert "max-age=" in r.headers["strict-transport-security"]
        cookies = r.headers.get_list("set-cookie")
        assert cookies and all("Secure" in c for c in cookies)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_oversized_request_gets_413(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("supervisor")
    big = "가" * (get_settings().max_request_bytes // 2)
    r = c.post("/api/text/mask", json={"text": big})
    assert r.status_code == 413 and r.json()["code"] == "too_large"


def test_chat_session_creation_is_rate_limited(client: TestClient) -> None:
    limit = get_settings().chat_sessions_per_minute
    codes = [client.post("/api/chat/sessions", json={"language": "ko"}).status_code
             for _ in range(limit + 1)]
    assert codes[:limit] == [201] * limit
    assert codes[-1] == 429


# --- API docs ---------------------------------------------------------------------------------


def test_api_docs_only_for_logged_in_staff_and_served_locally(
        client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    assert client.get("/openapi.json").status_code == 401
    assert client.get("/docs", follow_redirects=False).status_code == 303
    c = login("citizen")
    assert c.get("/openapi.json").status_code == 403
    c = login("agent1")
    assert c.get("/openapi.json").json()["info"]["title"] == "Dasan"
    page = c.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in page and "<script>" not in page
    assert "cdn" not in page.lower()
    asset = c.get("/static/swagger/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000


def test_a_refused_page_is_the_korean_forbidden_page(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    login("agent1")
    page = client.get("/admin/users", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 403 and "접근 권한이 없습니다" in page.text
    assert '<html lang="ko">' in page.text
    assert "· 상담사</span>" in client.get("/").text  # the header names the role in Korean
    api = client.get("/admin/users")  # a script's call keeps the API's error shape
    assert api.status_code == 403 and api.json()["code"]
