"""The staff accounts page: admins only (audited denial), every change audited, a refused
form changes nothing, no password in the audit log."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import AuditLog, LoginSession, User

NEW_PASSWORD = "Gwanghwamun-2026!"


def _audit(db: Session, action: str, user_id: int) -> list[AuditLog]:
    db.expire_all()
    return list(db.scalars(select(AuditLog).where(AuditLog.action == action,
                                                  AuditLog.object_id == str(user_id))))


def test_admin_manages_accounts(client: Any, login: Any, db: Session) -> None:
    name = f"agent-{secrets.token_hex(3)}"
    login("agent1")
    assert client.get("/admin/users").status_code == 403  # the access policy, audited
    login("admin")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "계정 관리" in page.text and "상담사" in page.text
    # A KB editor needs an agency: refused, nothing created.
    r = client.post("/admin/users", data={"username": name, "password": NEW_PASSWORD,
                                          "role": "kb_editor"}, follow_redirects=False)
    assert r.status_code == 422 and "부서가" in r.text
    assert db.scalar(select(User).where(User.username == name)) is None
    r = client.post("/admin/users", data={"username": name, "password": NEW_PASSWORD,
                                          "role": "agent", "display_name": "새 상담사"},
                    follow_redirects=False)
    assert r.status_code == 303
    user = db.scalar(select(User).where(User.username == name))
    assert user is not None and user.role == "agent"
    created = _audit(db, "users.create", user.id)
    assert len(created) == 1 and NEW_PASSWORD not in str(created[0].detail)
    # Role change with its scope; a district officer without a district is refused.
    r = client.post(f"/admin/users/{user.id}/role", data={"role": "district_officer"})
    assert r.status_code == 422
    r = client.post(f"/admin/users/{user.id}/role",
                    data={"role": "district_officer", "district_code": "11545"},
                    follow_redirects=False)
    assert r.status_code == 303
    db.refresh(user)
    assert (user.role, user.district_code) == ("district_officer", "11545")
    assert _audit(db, "users.role", user.id)[0].detail["to"] == "district_officer"
    # Password reset: the policy applies; the new one works and old sessions end.
    r = client.post(f"/admin/users/{user.id}/password", data={"password": "short"})
    assert r.status_code == 422
    other = client.__class__(client.app)
    assert other.post("/api/auth/login", json={"username": name, "password": NEW_PASSWORD}
                      ).status_code == 200
    r = client.post(f"/admin/users/{user.id}/password",
                    data={"password": NEW_PASSWORD + "x"}, follow_redirects=False)
    assert r.status_code == 303
    db.expire_all()
    assert db.scalar(select(LoginSession).where(LoginSession.user_id == user.id)) is None
    assert other.post("/api/auth/login", json={"username": name, "password": NEW_PASSWORD + "x"}
                      ).status_code == 200
    assert _audit(db, "users.password_reset", user.id)
    # Deactivate: the account cannot log in; an admin cannot deactivate themself.
    r = client.post(f"/admin/users/{user.id}/active", data={"active": "0"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert other.post("/api/auth/login", json={"username": name, "password": NEW_PASSWORD + "x"}
                      ).status_code == 401
    admin = db.scalar(select(User).where(User.username == "admin"))
    assert admin is not None
    r = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert r.status_code == 409
    db.refresh(admin)
    assert admin.active
