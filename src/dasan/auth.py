"""People and integrations: argon2 passwords, server-side sessions, API tokens, roles, scopes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.base import utcnow
from dasan.db.models import ApiToken, LoginSession, User

ROLES: tuple[str, ...] = (
    "citizen",
    "agent",
    "supervisor",
    "kb_editor",
    "district_officer",
    "analyst",
    "admin",
)

_hasher = PasswordHasher()


class AuthError(ValueError):
    """Bad credentials or an unusable account."""


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("password must be at least 8 characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str | None = None,
    agency_id: int | None = None,
    district_code: str | None = None,
) -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not username or len(username) > 64:
        raise ValueError("username must be 1-64 characters")
    if session.scalar(select(User).where(User.username == username)):
        raise ValueError(f"user {username!r} already exists")
    user = User(
        username=username,
        password_hash=hash_password(password),
        display_name=display_name or username,
        role=role,
        agency_id=agency_id,
        district_code=district_code,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise AuthError("invalid username or password")
    return user


def open_session(session: Session, user: User, hours: int) -> str:
    """Create a login session; returns the raw cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=_digest(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return token


def user_for_session(session: Session, token: str, now: datetime | None = None) -> User | None:
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _digest(token)))
    if row is None or row.expires_at < (now or utcnow()):
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def close_session(session: Session, token: str) -> None:
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _digest(token)))
    if row is not None:
        session.delete(row)


def issue_api_token(session: Session, user: User, name: str) -> str:
    """Create an API token for an integration; the raw token is shown once."""
    raw = "dsn_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(raw), prefix=raw[:8]))
    return raw


def user_for_api_token(session: Session, raw: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if row is None or row.revoked:
        return None
    row.last_used_at = utcnow()
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def phone_hash(phone_digits: str, secret: str) -> str:
    """Keyed hash of a phone number: lets us find a returning caller without storing the number."""
    return hmac.new(secret.encode(), phone_digits.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone_digits: str) -> str:
    """010-****-5678 style mask of a digits-only phone number."""
    d = phone_digits
    if len(d) < 7:
        return "*" * len(d)
    head = 2 if d.startswith("02") else 3
    return f"{d[:head]}-****-{d[-4:]}"


# --- scopes ----------------------------------------------------------------------------------

UNSCOPED_ROLES = frozenset({"admin", "supervisor", "analyst", "agent"})


def can_see_district(user: User, district_code: str | None) -> bool:
    """District officers see only their own district; center roles see all."""
    if user.role in UNSCOPED_ROLES:
        return True
    if user.role == "district_officer":
        return district_code is not None and district_code == user.district_code
    return False


def can_edit_agency(user: User, agency_id: int | None) -> bool:
    """KB editors edit only their own agency's entries; admins edit any."""
    if user.role == "admin":
        return True
    return user.role == "kb_editor" and agency_id is not None and agency_id == user.agency_id
