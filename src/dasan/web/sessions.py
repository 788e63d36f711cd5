"""Login-session cookies for the JSON API and the pages: open (with the CSRF token) and close."""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from dasan.auth import close_session, open_session
from dasan.config import get_settings
from dasan.db.models import User
from dasan.web.security import SESSION_COOKIE, csrf_token_for

CSRF_COOKIE = "dasan_csrf"


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def login_response(db: Session, user: User, response: Response) -> None:
    """Open a login session: the session cookie (HttpOnly) and its CSRF token, which the
    pages' JavaScript sends back as `X-CSRF-Token` (also readable from the `dasan_csrf`
    cookie and the `X-CSRF-Token` response header)."""
    settings = get_settings()
    token = open_session(db, user, settings.session_hours)
    db.commit()
    age = settings.session_hours * 3600
    secure = settings.cookie_secure
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", max_age=age,
                        secure=secure)
    csrf = csrf_token_for(token)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, samesite="strict", max_age=age,
                        secure=secure)
    response.headers["X-CSRF-Token"] = csrf


async def logout_response(request: Request, db: Session, response: Response) -> None:
    """Close the login session; an agent is offline at once (their open chats go back to the
    queue, ADR 0004)."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        from dasan.web.api.chat import agent_logged_out

        await agent_logged_out(request, token)
        close_session(db, token)
        db.commit()
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
