"""Login, accounts and API tokens as the rooms do them (fast: SQLite, in-process limits).
Written to kill the mutants `make mutation` found untested in `dasan.auth` and
`dasan.access`."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import access, auth
from dasan.analytics.filters import Filters
from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.models import Agency, AuditLog, LoginSession, User
from dasan.errors import Forbidden, Invalid, NotFound
from dasan.passwords import MAX_LENGTH, MIN_LENGTH, WeakPassword, check_password

PASSWORD = "Namsan-Tower-2026"


def _new_user(db: Session, role: str = "agent", **kw: object) -> User:
    return auth.create_user(db, f"u-{secrets.token_hex(4)}", PASSWORD, role, **kw)  # type: ignore[arg-type]


def _login_audit(db: Session, since: int) -> list[AuditLog]:
    return list(db.scalars(select(AuditLog).where(AuditLog.action == "auth.login",
                                                  AuditLog.id > since).order_by(AuditLog.id)))


def _last_audit_id(db: Session) -> int:
    return max(db.scalars(select(AuditLog.id)).all(), default=0)


def test_login_audits_each_failure_then_locks_the_account(db: Session) -> None:
    user = _new_user(db)
    db.commit()
    ip = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.9"
    start = _last_audit_id(db)
    limit = get_settings().login_max_failures
    for _ in range(limit):
        with pytest.raises(auth.AuthError) as bad:
            auth.login(db, user.username, "wrong-password-1", ip)
        assert (bad.value.status, bad.value.code) == (401, "auth_failed")
    with pytest.raises(auth.LockedOut) as locked:
        auth.login(db, user.username, PASSWORD, ip)  # even the right password waits now
    assert locked.value.status == 429 and locked.value.code == "login_locked"
    assert 0 < locked.value.retry_after <= get_settings().login_lockout_seconds + 1
    rows = _login_audit(db, start)
    assert [r.detail["reason"] for r in rows] == ["bad_password"] * limit + ["locked"]
    assert all(r.outcome == "denied" and r.actor_user_id == user.id and r.ip == ip
               and r.detail["username"] == user.username for r in rows)


def test_one_address_trying_many_accounts_is_locked_out_after_four_accounts_worth(
        db: Session) -> None:
    """Password spraying: failures from one address count against the address too, with four
    times an account's allowance (an office behind NAT); past it, every login from that
    address waits, even a right password, while the same user elsewhere logs in."""
    user = _new_user(db)
    db.commit()
    ip = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.7"
    allowance = 4 * get_settings().login_max_failures
    for _ in range(allowance - 1):
        with pytest.raises(auth.AuthError):
            auth.login(db, f"nobody-{secrets.token_hex(4)}", "wrong-password-1", ip)
    assert auth.login(db, user.username, PASSWORD, ip).id == user.id  # one failure to spare
    with pytest.raises(auth.AuthError):
        auth.login(db, f"nobody-{secrets.token_hex(4)}", "wrong-password-1", ip)
    with pytest.raises(auth.LockedOut) as locked:
        auth.login(db, user.username, PASSWORD, ip)
    assert 0 < locked.value.retry_after <= get_settings().login_lockout_seconds + 1
    assert auth.login(db, user.username, PASSWORD, "192.0.2.44").id == user.id

def test_login_keeps_no_typed_username_and_resets_after_success(db: Session) -> None:
    user = _new_user(db)
    db.commit()
    ip = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.8"
    start = _last_audit_id(db)
    typed = "my-secret-password-typed-here"
    with pytest.raises(auth.AuthError):
        auth.login(db, typed, "x", ip)
    [row] = _login_audit(db, start)
    assert row.detail == {"reason": "unknown_user", "username": None}
    assert row.actor_user_id is None and typed not in str(row.detail)
    limit = get_settings().login_max_failures
    for _ in range(limit - 1):
        with pytest.raises(auth.AuthError):
            auth.login(db, user.username, "wrong-password-2", ip)
    assert auth.login(db, user.username, PASSWORD, ip) is user  # a success clears the count
    for _ in range(limit - 1):
        with pytest.raises(auth.AuthError):
            auth.login(db, user.username, "wrong-password-3", ip)
    assert auth.login(db, user.username, PASSWORD, ip) is user
    auth.deactivate_user(db, user.username)
    db.commit()
    mark = _last_audit_id(db)
    with pytest.raises(auth.AuthError):
        auth.login(db, user.username, PASSWORD, ip)
    assert _login_audit(db, mark)[0].detail["reason"] == "inactive"


def test_sessions_end_on_logout_and_on_deactivation(db: Session) -> None:
    user = _new_user(db)
    one, two = auth.open_session(db, user, hours=1), auth.open_session(db, user, hours=1)
    db.flush()
    assert one != two and auth.user_for_session(db, one) is user
    auth.close_session(db, one)
    auth.close_session(db, "no-such-session")  # nothing to close: no error
    db.flush()
    assert auth.user_for_session(db, one) is None and auth.user_for_session(db, two) is user
    assert auth.deactivate_user(db, user.username) is user and not user.active
    db.flush()
    assert db.scalar(select(LoginSession).where(LoginSession.user_id == user.id)) is None
    assert auth.deactivate_user(db, user.username, active=True).active
    with pytest.raises(NotFound):
        auth.deactivate_user(db, "nobody-" + secrets.token_hex(3))


def test_api_tokens_expire_list_and_revoke(db: Session) -> None:
    user, other = _new_user(db), _new_user(db)
    raw = auth.issue_api_token(db, user, "connector", days=2)
    later = auth.issue_api_token(db, user, "default life")
    assert raw.startswith("dsn_") and raw != later
    assert auth.user_for_api_token(db, raw) is user
    rows = auth.api_tokens(db, user)
    assert [r.name for r in rows] == ["default life", "connector"]  # newest first
    assert rows[1].prefix == raw[:8] and rows[1].last_used_at is not None
    assert rows[1].expires_at is not None
    assert timedelta(days=1) < rows[1].expires_at - utcnow() <= timedelta(days=2)
    default_days = get_settings().api_token_days
    assert rows[0].expires_at is not None
    assert abs((rows[0].expires_at - utcnow()) - timedelta(days=default_days)) < timedelta(hours=1)
    assert auth.user_for_api_token(db, raw, now=utcnow() + timedelta(days=1)) is user
    assert auth.user_for_api_token(db, raw, now=utcnow() + timedelta(days=3)) is None
    assert auth.user_for_api_token(db, "dsn_forged") is None
    assert len(auth.api_tokens(db)) >= 2 and auth.api_tokens(db, other) == []
    with pytest.raises(NotFound):
        auth.revoke_api_token(db, rows[1].id, owner=other)  # not theirs
    with pytest.raises(NotFound):
        auth.revoke_api_token(db, 10**9)
    assert auth.revoke_api_token(db, rows[1].id, owner=user).revoked
    assert auth.user_for_api_token(db, raw) is None
    assert auth.user_for_api_token(db, later) is user
    auth.deactivate_user(db, user.username)
    assert auth.user_for_api_token(db, later) is None  # an inactive owner's token stops


def test_create_user_checks_role_name_scope_and_duplicates(db: Session) -> None:
    agency = db.scalars(select(Agency)).first()
    assert agency is not None
    with pytest.raises(Invalid, match="unknown role"):
        auth.create_user(db, "x-" + secrets.token_hex(3), PASSWORD, "wizard")
    for name in ("", "x" * 65):
        with pytest.raises(Invalid, match="1-64"):
            auth.create_user(db, name, PASSWORD, "agent")
    with pytest.raises(WeakPassword):
        auth.create_user(db, "x-" + secrets.token_hex(3), "short", "agent")
    with pytest.raises(Invalid, match="district"):
        auth.create_user(db, "x-" + secrets.token_hex(3), PASSWORD, "district_officer",
                         district_code="99999")
    with pytest.raises(Invalid, match="agency"):
        auth.create_user(db, "x-" + secrets.token_hex(3), PASSWORD, "kb_editor")
    with pytest.raises(Invalid, match="agency"):
        auth.create_user(db, "x-" + secrets.token_hex(3), PASSWORD, "kb_editor",
                         agency_id=10**6)
    name = "y-" + secrets.token_hex(3)
    user = auth.create_user(db, name, PASSWORD, "kb_editor", agency_id=agency.id)
    assert (user.display_name, user.agency_id, user.district_code) == (name, agency.id, None)
    assert auth.verify_password(user.password_hash, PASSWORD)
    officer = auth.create_user(db, "z-" + secrets.token_hex(3), PASSWORD, "district_officer",
                               display_name="금천", district_code="11545")
    assert (officer.display_name, officer.district_code) == ("금천", "11545")
    with pytest.raises(Invalid) as dup:
        auth.create_user(db, name, PASSWORD, "agent")
    assert (dup.value.status, dup.value.code) == (409, "conflict")
    assert auth.create_user(db, "a" * 64, PASSWORD, "agent").username == "a" * 64


def test_password_policy_edges_and_phone_masks() -> None:
    check_password("k" * (MIN_LENGTH - 2) + "7!")  # exactly the minimum
    with pytest.raises(WeakPassword):
        check_password("k" * (MIN_LENGTH - 3) + "7!")
    check_password("k" * (MAX_LENGTH - 1) + "7")
    with pytest.raises(WeakPassword, match="at most"):
        check_password("k" * MAX_LENGTH + "7")
    check_password("sj-tangerine-7", "sj")  # a two-letter username may appear
    with pytest.raises(WeakPassword, match="username"):
        check_password("xMINSUx-bus-77", "minsu")  # case does not hide it
    assert auth.mask_phone("123456") == "******"
    assert auth.mask_phone("1234567") == "123-****-4567"
    assert auth.mask_phone("0212345678") == "02-****-5678"
    assert auth.mask_phone("03112345678") == "031-****-5678"


def _named(db: Session, name: str) -> User:
    user = db.scalar(select(User).where(User.username == name))
    assert user is not None
    return user


def _denied(db: Session) -> AuditLog:
    row = db.scalars(select(AuditLog).where(AuditLog.outcome == "denied")
                     .order_by(AuditLog.id.desc())).first()
    assert row is not None
    return row


def test_every_denial_says_what_and_survives_a_rollback(db: Session) -> None:
    officer, editor, agent = _named(db, "district"), _named(db, "kbeditor"), _named(db, "agent1")
    with pytest.raises(Forbidden, match="analytics.other_district"):
        access.access_analytics_scope(db, officer, Filters(district="11110"), ip="1.2.3.4",
                                      path="/api/analytics/kpi")
    db.rollback()  # the caller's rollback keeps the audit row
    row = _denied(db)
    assert (row.action, row.actor, row.ip) == ("analytics.other_district", "district", "1.2.3.4")
    assert row.detail == {"path": "/api/analytics/kpi", "district": "11110"}
    kept = access.access_analytics_scope(db, officer, Filters(district="11545", category="교통"))
    assert (kept.district, kept.category) == ("11545", "교통")
    officer.district_code = None
    with pytest.raises(Forbidden):
        access.access_analytics_scope(db, officer, Filters())
    assert _denied(db).action == "analytics.no_district"
    db.rollback()
    with pytest.raises(Forbidden):
        access.access_agency_edit(db, editor, 10**6, ip="5.6.7.8", entry=3)
    row = _denied(db)
    assert (row.action, row.ip) == ("kb.other_agency", "5.6.7.8")
    assert row.detail == {"agency": 10**6, "entry": 3}
    with pytest.raises(Forbidden):
        access.access_pii_reveal(db, agent, object_type="legal_case", object_id=7,
                                 reason="진술 확인", path="/raw", stage="filed")
    row = _denied(db)  # a refused reveal, on its object, with the reason given
    assert (row.action, row.object_type, row.object_id) == ("pii.reveal", "legal_case", "7")
    assert row.detail == {"path": "/raw", "role": "agent", "reason": "진술 확인",
                          "stage": "filed"}
    with pytest.raises(Forbidden):
        access.access_district(db, officer, "11110", "district.view", ip="9.9.9.9", page=2)
    row = _denied(db)
    assert (row.action, row.ip) == ("district.view", "9.9.9.9")
    assert row.detail == {"district": "11110", "page": 2}
    with pytest.raises(Forbidden):
        access.access_role(db, agent, access.ADMINS)
    row = _denied(db)
    assert row.detail == {"required": ["admin"], "role": "agent"}
