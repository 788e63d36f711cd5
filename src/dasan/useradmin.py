"""Staff accounts as an administrator manages them: list, create, deactivate, change a role,
reset a password. Every change is audited; no password ever reaches the audit log.

The room validates before it changes anything and raises `dasan.errors` classes; the admin
page (`web/pages/admin.py`) only translates forms. Who may call it is the access policy's
`USER_ADMINS` group.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dasan import audit
from dasan.auth import ROLES, check_role_scope, create_user, deactivate_user, hash_password
from dasan.db.models import Agency, ApiToken, LoginSession, User
from dasan.errors import Conflict, Invalid, NotFound
from dasan.passwords import check_password

# Korean-first labels for the admin screens (no raw role codes on a Korean page).
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "citizen": ("시민", "Citizen"),
    "agent": ("상담사", "Agent"),
    "supervisor": ("관리자(슈퍼바이저)", "Supervisor"),
    "kb_editor": ("표준상담DB 편집자", "KB editor"),
    "district_officer": ("자치구 담당자", "District officer"),
    "analyst": ("분석가", "Analyst"),
    "admin": ("시스템 관리자", "Administrator"),
}


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.username)))


def agencies(session: Session) -> list[Agency]:
    return list(session.scalars(select(Agency).order_by(Agency.name)))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user #{user_id}")
    return user


def _end_sessions(session: Session, user: User, *, tokens: bool) -> None:
    for row in session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)):
        session.delete(row)
    if tokens:
        session.execute(update(ApiToken).where(ApiToken.user_id == user.id)
                        .values(revoked=True))


def create(session: Session, actor: User, *, username: str, password: str, role: str,
           display_name: str | None = None, agency_id: int | None = None,
           district_code: str | None = None, ip: str | None = None) -> User:
    """A new account (the password policy and the role's scope are checked first)."""
    user = create_user(session, username.strip(), password, role,
                       display_name=(display_name or "").strip() or None,
                       agency_id=agency_id if role == "kb_editor" else None,
                       district_code=district_code if role == "district_officer" else None)
    audit.record(session, actor, "users.create", object_type="user", object_id=user.id,
                 detail={"username": user.username, "role": role}, ip=ip)
    return user


def set_active(session: Session, actor: User, user_id: int, active: bool, *,
               ip: str | None = None) -> User:
    """Deactivate (its sessions end at once) or reactivate an account; never your own."""
    user = _user(session, user_id)
    if user.id == actor.id and not active:
        raise Conflict("you cannot deactivate your own account")
    deactivate_user(session, user.username, active=active)
    audit.record(session, actor, "users.active", object_type="user", object_id=user.id,
                 detail={"active": active}, ip=ip)
    return user


def change_role(session: Session, actor: User, user_id: int, role: str, *,
                agency_id: int | None = None, district_code: str | None = None,
                ip: str | None = None) -> User:
    """A new role with the scope it needs (a district or an agency); not your own role, so
    the last administrator cannot lock everyone out by mistake."""
    user = _user(session, user_id)
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}")
    if user.id == actor.id:
        raise Conflict("you cannot change your own role")
    check_role_scope(session, role, agency_id, district_code)
    before = user.role
    user.role = role
    user.agency_id = agency_id if role == "kb_editor" else None
    user.district_code = district_code if role == "district_officer" else None
    _end_sessions(session, user, tokens=False)  # the new role applies from the next login
    audit.record(session, actor, "users.role", object_type="user", object_id=user.id,
                 detail={"from": before, "to": role, "agency_id": user.agency_id,
                         "district": user.district_code}, ip=ip)
    return user


def reset_password(session: Session, actor: User, user_id: int, password: str, *,
                   ip: str | None = None) -> User:
    """A new password under the policy; the user's sessions and API tokens stop working."""
    user = _user(session, user_id)
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    _end_sessions(session, user, tokens=True)
    audit.record(session, actor, "users.password_reset", object_type="user", object_id=user.id,
                 ip=ip)
    return user
