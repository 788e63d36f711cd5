"""People and integrations: argon2 passwords, server-side sessions, API tokens, roles, scopes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import audit, ratelimit
from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.models import Agency, ApiToken, LoginSession, User
from dasan.errors import DomainError, Invalid, NotFound
from dasan.passwords import check_password

ROLES: tuple[str, ...] = (
    "citizen",
    "agent",
    "supervisor",
    "kb_editor",
    "district_officer",
    "analyst",
    "admin",
)



def _hasher() -> PasswordHasher:
    settings = get_settings()
    return _hasher_for(settings.argon2_time_cost, settings.argon2_memory_kib,
                       settings.argon2_parallelism)


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


class AuthError(DomainError):
    """Bad credentials or an unusable account."""

    status = 401
    code = "auth_failed"


class LockedOut(ratelimit.RateLimited):
    """Too many failed logins for this account or address: try again after `retry_after`."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} seconds",
                         retry_after, code="login_locked")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _dummy_hash() -> str:
    """A hash to verify against for unknown users, so they cost the same argon2 work."""
    return _dummy_hash_for(_hasher())


@lru_cache(maxsize=4)
def _dummy_hash_for(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
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
        raise Invalid(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not username or len(username) > 64:
        raise Invalid("username must be 1-64 characters")
    check_password(password, username)
    check_role_scope(session, role, agency_id, district_code)
    if session.scalar(select(User).where(User.username == username)):
        raise Invalid(f"user {username!r} already exists", status=409, code="conflict")
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


def check_role_scope(session: Session, role: str, agency_id: int | None,
                     district_code: str | None) -> None:
    """A district officer needs a real district; a KB editor a real agency."""
    from dasan.consultations.districts import DISTRICTS

    if role == "district_officer" and district_code not in {d.code for d in DISTRICTS}:
        raise Invalid("a district officer needs a valid district code (e.g. 11545)")
    if role == "kb_editor" and (agency_id is None or session.get(Agency, agency_id) is None):
        raise Invalid("a KB editor needs a valid agency")


def authenticate(session: Session, username: str, password: str) -> User:
    """The user with these credentials; AuthError otherwise. Unknown users cost the same
    argon2 work as known ones, so the answer time does not tell which users exist."""
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user is not None else _dummy_hash(), password)
    if user is None or not user.active or not ok:
        raise AuthError("invalid username or password")
    return user


def _login_limits() -> tuple[ratelimit.Lockout, ratelimit.Lockout]:
    from dasan.config import get_settings

    s = get_settings()
    per_account = ratelimit.Lockout("login:user", s.login_max_failures, s.login_lockout_seconds)
    # An address may be a whole office behind NAT: it gets four times the account's allowance.
    per_address = ratelimit.Lockout("login:ip", 4 * s.login_max_failures, s.login_lockout_seconds)
    return per_account, per_address


def login(session: Session, username: str, password: str, ip: str | None) -> User:
    """A login attempt with rate limiting, progressive lockout (per account and per address)
    and an audit row for every failure. What was typed as the username is kept only when it
    names an existing user (a password typed there must not land in the audit log)."""
    per_account, per_address = _login_limits()
    account_key, address_key = username.lower(), ip or "unknown"
    locked = max(per_account.locked_for(account_key), per_address.locked_for(address_key))
    known = session.scalar(select(User).where(User.username == username))
    if locked > 0:
        _audit_failed_login(session, known, ip, "locked")
        raise LockedOut(int(locked) + 1)
    try:
        user = authenticate(session, username, password)
    except AuthError:
        per_account.failure(account_key)
        per_address.failure(address_key)
        reason = "unknown_user" if known is None else (
            "inactive" if not known.active else "bad_password")
        _audit_failed_login(session, known, ip, reason)
        raise
    per_account.success(account_key)
    return user


def _audit_failed_login(session: Session, known: User | None, ip: str | None,
                        reason: str) -> None:
    detail = {"reason": reason, "username": known.username if known is not None else None}
    audit.record(session, known, "auth.login", outcome="denied", detail=detail, ip=ip)
    session.commit()


def deactivate_user(session: Session, username: str, *, active: bool = False) -> User:
    """Deactivate (or reactivate) an account; its sessions and API tokens stop working."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    user.active = active
    if not active:
        for row in session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)):
            session.delete(row)
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


def issue_api_token(session: Session, user: User, name: str, days: int | None = None) -> str:
    """Create an API token for an integration, valid `days` (default: the setting); the raw
    token is shown once."""
    from dasan.config import get_settings

    lifetime = days if days is not None else get_settings().api_token_days
    raw = "dsn_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(raw), prefix=raw[:8],
                         expires_at=utcnow() + timedelta(days=lifetime)))
    session.flush()
    return raw


def api_tokens(session: Session, user: User | None = None) -> list[ApiToken]:
    """Tokens (of one user, or all), newest first."""
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def revoke_api_token(session: Session, token_id: int, owner: User | None = None) -> ApiToken:
    """Revoke a token (only the owner's own when `owner` is given)."""
    row = session.get(ApiToken, token_id)
    if row is None or (owner is not None and row.user_id != owner.id):
        raise NotFound("no such API token")
    row.revoked = True
    return row


def user_for_api_token(session: Session, raw: str, now: datetime | None = None) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if row is None or row.revoked:
        return None
    if row.expires_at is not None and row.expires_at < (now or utcnow()):
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
