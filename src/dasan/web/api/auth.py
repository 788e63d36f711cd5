"""Login, logout and API tokens (JSON API)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.auth import (
    ROLES,
    api_tokens,
    deactivate_user,
    issue_api_token,
)
from dasan.auth import (
    login as login_attempt,
)
from dasan.db.models import ApiToken, User
from dasan.timeutil import UtcDateTime
from dasan.web.deps import get_db, require_roles
from dasan.web.responses import errors_doc
from dasan.web.sessions import client_ip, login_response, logout_response

router = APIRouter(prefix="/api/auth", tags=["auth"])

TOKEN_ROLES = access.TOKEN_HOLDERS


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
    days: int | None = Field(default=None, ge=1, le=3650,
                             description="lifetime in days (default: DASAN_API_TOKEN_DAYS)")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    user_id: int
    created_at: UtcDateTime
    expires_at: UtcDateTime | None
    last_used_at: UtcDateTime | None
    revoked: bool


class IssuedTokenOut(BaseModel):
    token: str
    name: str
    expires_at: UtcDateTime | None


@router.post("/login", response_model=MeOut, responses=errors_doc(401, 422, 429))
def login(
    body: LoginIn, request: Request, response: Response, db: Session = Depends(get_db)
) -> User:
    """Log in with a password: sets the session cookie; send the `X-CSRF-Token` from this
    answer with every state-changing call that uses the cookie."""
    user = login_attempt(db, body.username, body.password, client_ip(request))
    login_response(db, user, response)
    return user


@router.post("/logout", status_code=204, responses=errors_doc(403))
async def logout(request: Request, db: Session = Depends(get_db)) -> Response:
    """End the login session (its cookie stops working at once; an agent goes offline)."""
    response = Response(status_code=204)
    await logout_response(request, db, response)
    return response


@router.get("/me", response_model=MeOut, responses=errors_doc(401))
def me(user: User = Depends(require_roles(*ROLES))) -> User:
    return user


@router.post("/tokens", status_code=201, response_model=IssuedTokenOut,
             responses=errors_doc(401, 403, 422))
def create_token(
    body: TokenIn,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*TOKEN_ROLES)),
) -> IssuedTokenOut:
    """Issue an API token for an integration acting as the calling user (shown once); it
    expires after `days` (default 90)."""
    raw = issue_api_token(db, user, body.name, body.days)
    row = api_tokens(db, user)[0]
    audit.record(db, user, "auth.token_issued", object_type="api_token", object_id=row.id,
                 detail={"name": body.name})
    db.commit()
    return IssuedTokenOut(token=raw, name=body.name, expires_at=row.expires_at)


@router.get("/tokens", response_model=list[TokenOut], responses=errors_doc(401, 403))
def list_tokens(
    db: Session = Depends(get_db), user: User = Depends(require_roles(*TOKEN_ROLES))
) -> list[ApiToken]:
    """The caller's API tokens (an admin sees everyone's); never the secret itself."""
    return api_tokens(db, None if user.role == "admin" else user)


@router.delete("/tokens/{token_id}", response_model=TokenOut, responses=errors_doc(401, 403, 404))
def revoke_token(
    token_id: int, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*TOKEN_ROLES)),
) -> ApiToken:
    """Revoke a token at once (an admin may revoke anyone's)."""
    from dasan.auth import revoke_api_token

    row = revoke_api_token(db, token_id, None if user.role == "admin" else user)
    audit.record(db, user, "auth.token_revoked", object_type="api_token", object_id=row.id)
    db.commit()
    return row


class ActiveIn(BaseModel):
    active: bool


@router.put("/users/{username}/active", response_model=MeOut,
            responses=errors_doc(401, 403, 404, 422))
def set_active(
    username: str, body: ActiveIn, db: Session = Depends(get_db),
    admin: User = Depends(require_roles(*access.ADMINS)),
) -> User:
    """Deactivate (or reactivate) an account; a deactivated user's sessions end at once."""
    user = deactivate_user(db, username, active=body.active)
    audit.record(db, admin, "auth.user_active", object_type="user", object_id=user.id,
                 detail={"active": body.active})
    db.commit()
    return user
