"""Open311 API clients: keys are shown once and stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models_complaints import Open311Client
from dasan.errors import DomainError


class BadApiKey(DomainError):
    status = 403
    code = "invalid_api_key"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(session: Session, name: str) -> str:
    raw = "o311_" + secrets.token_urlsafe(24)
    session.add(Open311Client(name=name[:128], key_hash=_digest(raw), prefix=raw[:9]))
    return raw


def client_for_key(session: Session, api_key: str | None, action: str) -> Open311Client:
    if not api_key:
        raise BadApiKey(f"api_key was not provided -- can't proceed with {action}.")
    row = session.scalar(select(Open311Client).where(Open311Client.key_hash == _digest(api_key)))
    if row is None or not row.active:
        raise BadApiKey(f"Invalid api_key received -- can't proceed with {action}.")
    return row
