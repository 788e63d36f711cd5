"""Open311 API clients: keys are shown once and stored as a SHA-256 digest.

Intake checks the key of every `POST requests`, so a known, active key is remembered per
database for `CACHE_SECONDS` (like the service catalogue). `revoke_key` forgets it at once in
this process; another running process stops accepting it within `CACHE_SECONDS`. An unknown or
revoked key is never remembered: it is looked up every time, so a new key works at once.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models_complaints import Open311Client
from dasan.errors import DomainError, NotFound

CACHE_SECONDS = 30.0
_KNOWN: dict[tuple[str, str], tuple[float, int]] = {}  # (database, digest) -> (when, client id)
_LOCK = threading.Lock()


class BadApiKey(DomainError):
    status = 403
    code = "invalid_api_key"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _database(session: Session) -> str:
    bind = session.get_bind()
    return str(bind.engine.url if hasattr(bind, "engine") else bind)


def issue_key(session: Session, name: str) -> str:
    raw = "o311_" + secrets.token_urlsafe(24)
    session.add(Open311Client(name=name[:128], key_hash=_digest(raw), prefix=raw[:9]))
    return raw


def client_id_for_key(session: Session, api_key: str | None, action: str) -> int:
    """The id of the active client holding `api_key`, or `BadApiKey` (403)."""
    if not api_key:
        raise BadApiKey(f"api_key was not provided -- can't proceed with {action}.")
    key = (_database(session), _digest(api_key))
    now = time.monotonic()
    known = _KNOWN.get(key)
    if known is not None and now - known[0] < CACHE_SECONDS:
        return known[1]
    row = session.execute(select(Open311Client.id, Open311Client.active)
                          .where(Open311Client.key_hash == key[1])).first()
    if row is None or not row.active:
        with _LOCK:
            _KNOWN.pop(key, None)
        raise BadApiKey(f"Invalid api_key received -- can't proceed with {action}.")
    with _LOCK:
        _KNOWN[key] = (now, int(row.id))
    return int(row.id)


def revoke_key(session: Session, prefix: str) -> Open311Client:
    """Deactivate the client whose key starts with `prefix` (as listed: `o311_xxxx`); its key
    is refused from now on (in other running processes within `CACHE_SECONDS`)."""
    rows = list(session.scalars(select(Open311Client).where(Open311Client.prefix == prefix[:9])))
    if len(rows) != 1:
        raise NotFound(f"no single Open311 client with key prefix {prefix[:9]!r}")
    row = rows[0]
    row.active = False
    database = _database(session)
    with _LOCK:
        _KNOWN.pop((database, row.key_hash), None)
    return row


def clear_cache() -> None:
    with _LOCK:
        _KNOWN.clear()
