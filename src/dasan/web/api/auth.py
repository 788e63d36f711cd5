"""Login and API tokens (JSON API)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import audit
from dasan.auth import AuthError, authenticate, issue_api_token, open_session
from dasan.config import get_settings
from dasan.db.models import User
from dasan.web.deps import SESSION_COOKIE, get_db, require_roles
from dasan.web.errors import http_error

router = APIRouter(prefix="/api/auth", tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class MeOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    agency_id: int | None
    district_code: str | None


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=128)


def login_response(db: Session, user: User, response: Response) -> None:
    settings = get_settings()
    token = open_session(db, user, settings.session_hours)
    db.commit()
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", max_age=settings.session_hours * 3600
    )


@router.post("/login", response_model=MeOut)
def login(
    body: LoginIn, request: Request, response: Response, db: Session = Depends(get_db)
) -> User:
    try:
        user = authenticate(db, body.username, body.password)
    except AuthError as exc:
        audit.record(db, None, "auth.login", outcome="denied", detail={"username": body.username},
                     ip=request.client.host if request.client else None)
        db.commit()
        raise http_error(401, str(exc)) from exc
    login_response(db, user, response)
    return user


@router.get("/me", response_model=MeOut)
def me(user: User = Depends(require_roles(*("citizen", "agent", "supervisor", "kb_editor",
                                            "district_officer", "analyst", "admin")))) -> User:
    return user


@router.post("/tokens", status_code=201)
def create_token(
    body: TokenIn,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles("admin", "supervisor", "analyst", "district_officer")),
) -> dict[str, str]:
    """Issue an API token for an integration acting as the calling user (shown once)."""
    raw = issue_api_token(db, user, body.name)
    audit.record(db, user, "auth.token_issued", detail={"name": body.name})
    db.commit()
    return {"token": raw, "name": body.name}
