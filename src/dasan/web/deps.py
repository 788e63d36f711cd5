"""FastAPI dependencies: database session, the current user, role and scope checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from dasan import access
from dasan.auth import ROLES, user_for_api_token, user_for_session
from dasan.db.models import User
from dasan.db.session import new_session
from dasan.web.security import SESSION_COOKIE

__all__ = ["SESSION_COOKIE", "current_user", "get_db", "require_page_roles", "require_roles"]


def get_db() -> Iterator[Session]:
    """One session per request; endpoints commit what they change."""
    session = new_session()
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def current_user(request: Request, db: Session = Depends(get_db)) -> User | None:
    """The caller: a Bearer API token (integrations) or a login-session cookie (people)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_api_token(db, header[7:].strip())
        if user is None:
            raise HTTPException(status_code=401, detail="invalid or revoked API token")
        db.commit()  # last_used_at
        return user
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return user_for_session(db, cookie)
    return None


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def deny(db: Session, user: User | None, action: str, request: Request, **detail: Any) -> None:
    """Refuse with 403 and leave a trace in the audit log (see `dasan.access.deny`)."""
    access.deny(db, user, action, ip=client_ip(request), path=request.url.path, **detail)


def require_roles(*roles: str) -> Callable[..., User]:
    """Dependency factory: the current user, who must hold one of `roles` (admin always may);
    the check is `dasan.access.access_role` (401 when not logged in, audited 403 otherwise)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def dependency(
        request: Request,
        db: Session = Depends(get_db),
        user: User | None = Depends(current_user),
    ) -> User:
        return access.access_role(db, user, roles, ip=client_ip(request),
                                  path=request.url.path)

    return dependency


def require_page_roles(*roles: str) -> Callable[..., User]:
    """Like `require_roles` for HTML pages: a visitor who is not logged in goes to /login."""
    check = require_roles(*roles)

    def dependency(
        request: Request,
        db: Session = Depends(get_db),
        user: User | None = Depends(current_user),
    ) -> User:
        if user is None:
            target = request.url.path
            raise HTTPException(status_code=303, headers={"Location": f"/login?next={target}"})
        return check(request, db, user)

    return dependency
