"""The audit log: every KB change, every export and every access to unmasked personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dasan.db.models import AuditLog, User


def record(
    session: Session,
    actor: User | None,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditLog:
    """Add an audit row to the session (committed with the caller's transaction)."""
    row = AuditLog(
        actor_user_id=actor.id if actor else None,
        actor=actor.username if actor else "system",
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        outcome=outcome,
        detail=detail or {},
        ip=ip,
    )
    session.add(row)
    return row
