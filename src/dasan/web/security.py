"""Web-layer protections: CSRF, request-size limit, security headers, WebSocket Origin and
frame checks.

- CSRF: a state-changing request (POST/PUT/PATCH/DELETE) that carries the login cookie must
  carry the CSRF token too, in the `X-CSRF-Token` header (JavaScript, JSON) or the `csrf_token`
  form field (HTML forms). The token is an HMAC of the session cookie under the secret key, so it
  needs no storage and changes with every login. Bearer-token calls are exempt (no cookie is
  sent by a browser on its own), and so is the login itself (no session to protect yet).
- Request bodies larger than `DASAN_MAX_REQUEST_BYTES` get 413; routes that take photos and
  attachments (`UPLOAD_PREFIXES`) allow `DASAN_MAX_UPLOAD_BYTES` and check each file's type and
  size themselves (answering 413 in their own error format, e.g. Open311's).
- Every HTTP answer gets the security headers (CSP without inline script, frame-ancestors,
  nosniff, Referrer-Policy, HSTS when `DASAN_HSTS` is set, `Cache-Control: no-store` on all
  but static assets, which is where personal data can appear).
- WebSockets: `refuse_cross_site` closes a handshake whose Origin is another site's;
  `receive_frame` reads one client frame as JSON text, `BAD_FRAME` when it is not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from starlette.websockets import WebSocket, WebSocketDisconnect

from dasan.config import get_settings, signing_key

SESSION_COOKIE = "dasan_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_EXEMPT_PATHS = frozenset({"/login", "/api/auth/login"})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Routes whose forms carry photos or attachments (each file is checked by its room).
UPLOAD_PREFIXES = ("/open311/", "/report", "/qna", "/api/complaints/", "/api/channels/",
                   "/api/voice/prompts/")


def csrf_token_for(session_token: str | None) -> str:
    """The CSRF token that goes with a login-session cookie ("" when there is none)."""
    if not session_token:
        return ""
    mac = hmac.new(signing_key().encode(), b"csrf:" + session_token.encode(), hashlib.sha256)
    return mac.hexdigest()


def csrf_ok(session_token: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token_for(session_token),
                                                   str(presented))


def content_security_policy(host: str | None, path: str = "/") -> str:
    """Scripts and styles only from this server; no inline script; never framed. (Swagger UI on
    /docs sets a few inline styles, so that one page allows inline style, never script.)
    Images may be `blob:` URLs: the chat pages fetch a chat's files with the chat token in a
    header (never in a URL) and show them from memory."""
    sockets = f" ws://{host} wss://{host}" if host else ""
    style = "'self' 'unsafe-inline'" if path == "/docs" else "'self'"
    return (f"default-src 'self'; script-src 'self'; style-src {style}; "
            f"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'{sockets}; "
            "object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1")
            for k, v in scope.get("headers", [])}


def _cookie(headers: dict[str, str], name: str) -> str | None:
    from http.cookies import SimpleCookie

    raw = headers.get("cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header: no session
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


async def _refuse(send: Send, status: int, detail: str, code: str) -> None:
    body = json.dumps({"detail": detail, "code": code}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


def _form_token(content_type: str, body: bytes) -> str | None:
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("utf-8", errors="replace")).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        import re

        found = re.search(rb'name="csrf_token"\r\n\r\n([0-9a-f]{64})\r\n', body)
        return found.group(1).decode() if found else None
    return None


class SecurityMiddleware:
    """Size limit, CSRF check and security headers for every HTTP request (pure ASGI, so the
    body it reads for a form's CSRF field is replayed to the application untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        headers = _headers(scope)
        limit = (settings.max_upload_bytes if scope["path"].startswith(UPLOAD_PREFIXES)
                 else settings.max_request_bytes)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, f"request body larger than {limit} bytes", "too_large")
            return
        method = scope["method"]
        if method in UNSAFE_METHODS:
            chunks: list[bytes] = []
            size = 0
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    await _refuse(send, 413, f"request body larger than {limit} bytes",
                                  "too_large")
                    return
                chunks.append(chunk)
                more = bool(message.get("more_body"))
            body = b"".join(chunks)
            if not self._csrf_passes(scope, headers, body):
                await _refuse(send, 403, "CSRF token missing or wrong; reload the page",
                              "csrf")
                return
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            receive = replay
        await self.app(scope, receive, self._with_headers(scope, headers, send))

    @staticmethod
    def _csrf_passes(scope: Scope, headers: dict[str, str], body: bytes) -> bool:
        if scope["path"] in CSRF_EXEMPT_PATHS:
            return True
        if headers.get("authorization", "").lower().startswith("bearer "):
            return True  # an integration's token: no ambient browser credential involved
        session = _cookie(headers, SESSION_COOKIE)
        if not session:
            return True  # nothing to ride on: the route's own auth answers 401/403
        presented = headers.get(CSRF_HEADER) or _form_token(
            headers.get("content-type", ""), body)
        return csrf_ok(session, presented)

    @staticmethod
    def _with_headers(scope: Scope, headers: dict[str, str], send: Send) -> Send:
        settings = get_settings()
        path: str = scope["path"]
        static = path.startswith("/static/") or path == "/favicon.ico"
        extra = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        csp = content_security_policy(headers.get("host"), path)
        name = b"content-security-policy" if settings.csp_enforce else (
            b"content-security-policy-report-only")
        extra.append((name, csp.encode("latin-1")))
        if settings.hsts:
            extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = [(k, v) for k, v in message.get("headers", [])
                       if k.lower() not in (b"server", b"cache-control") or static]
                if not static:
                    raw.append((b"cache-control", b"no-store"))
                message["headers"] = raw + extra
            await send(message)

        return wrapped


# --- public endpoints -------------------------------------------------------------------------


def limit_chat_starts(client_host: str | None) -> None:
    """At most `DASAN_CHAT_SESSIONS_PER_MINUTE` new chats per client address (429 beyond)."""
    from dasan import ratelimit

    ratelimit.enforce(f"chat:start:{client_host or 'unknown'}",
                      get_settings().chat_sessions_per_minute, 60, "new chats from this address")


# --- WebSockets --------------------------------------------------------------------------------


def origin_allowed(headers: Mapping[str, str]) -> bool:
    """The request's Origin, when it has one, is this server's own (or one of
    `DASAN_ALLOWED_ORIGINS`). Clients that are not browsers send none and pass."""
    origin = headers.get("origin")
    if origin is None:
        return True
    host = headers.get("host", "")
    allowed = {f"http://{host}", f"https://{host}", *get_settings().allowed_origins}
    return origin.rstrip("/") in allowed


def ws_origin_allowed(ws: WebSocket) -> bool:
    """A browser always sends Origin on a WebSocket handshake: it must be this server's own (or
    one of `DASAN_ALLOWED_ORIGINS`). Clients that are not browsers send none and pass."""
    return origin_allowed(ws.headers)


async def refuse_cross_site(ws: WebSocket) -> bool:
    """Close a cross-site handshake (code 4403); True when the caller must stop."""
    if ws_origin_allowed(ws):
        return False
    await ws.close(code=4403)
    return True


BAD_FRAME: Any = object()


async def receive_frame(ws: WebSocket) -> Any:
    """One client frame parsed as JSON text; `BAD_FRAME` for binary or non-JSON frames (the
    caller answers with an error frame and keeps the socket)."""
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if text is None:
        return BAD_FRAME
    try:
        return json.loads(text)
    except ValueError:
        return BAD_FRAME
