"""Dispatch to the districts: a transactional outbox drained by a dispatcher.

Each accepted report gets an outbox row in the same transaction as the report. The dispatcher
claims due rows (a lease in `locked_until`, with `FOR UPDATE SKIP LOCKED` on PostgreSQL so
several dispatchers can run), POSTs the payload to the agency's webhook with an HMAC-SHA256
signature and an `Idempotency-Key`, and on failure retries with exponential backoff until
`DASAN_COMPLAINTS_DISPATCH_MAX_ATTEMPTS`, after which the row is dead-lettered (shown on the
supervisor page, re-sent by hand). Delivery is at-least-once; the idempotency key lets the
district's system keep exactly one copy. A dispatcher killed mid-run leaves leased rows that
are picked up again when the lease runs out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import httpx
from sqlalchemy import Table, func, insert, or_, select, update
from sqlalchemy.orm import Session

from dasan.config import get_settings
from dasan.db.base import as_aware_utc, utcnow
from dasan.db.models import Agency
from dasan.db.models_complaints import (
    ComplaintService,
    DispatchEndpoint,
    DispatchOutbox,
    ServiceRequest,
)
from dasan.errors import Conflict, NotFound

log = logging.getLogger("dasan.complaints.dispatch")
MAX_BACKOFF_SECONDS = 3600


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` over `timestamp.body` (what a district verifies)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _z(value: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, e.g. 2026-01-01T00:00:00Z."""
    return as_aware_utc(value).replace(tzinfo=None).isoformat() + "Z"


_PAYLOAD_FIELDS = ("id", "description_masked", "attributes", "lat", "lon", "address",
                   "district_code", "dong_code", "dong_name", "agency_code", "requested_at",
                   "expected_at", "duplicate_count")


def payload_for(request: ServiceRequest, service: ComplaintService) -> dict[str, Any]:
    """What a district receives: no contact details, the description masked."""
    return payload_of({k: getattr(request, k) for k in _PAYLOAD_FIELDS}, service)


def payload_of(v: Mapping[str, Any], service: ComplaintService) -> dict[str, Any]:
    """`payload_for` from a report's column values (a row not loaded as an object)."""
    return {
        "service_request_id": str(v["id"]),
        "service_code": service.code,
        "service_name": service.name_ko,
        "description": v["description_masked"],
        "attributes": v["attributes"],
        "lat": v["lat"],
        "long": v["lon"],
        "address": v["address"],
        "district_code": v["district_code"],
        "dong_code": v["dong_code"],
        "dong_name": v["dong_name"],
        "agency_responsible": v["agency_code"],
        "requested_datetime": _z(v["requested_at"]),
        "expected_datetime": _z(v["expected_at"]) if v["expected_at"] else None,
        "duplicate_count": v["duplicate_count"],
    }


def enqueue_new(session: Session,
                reports: Sequence[tuple[Mapping[str, Any], ComplaintService]]) -> None:
    """`enqueue` for reports just stored (their first delivery, due at once), given as column
    values: one executemany INSERT for all of them (intake's batches). It reads nothing back,
    not even the new ids, so that it can be sent in a pipeline (`dasan.db.session.pipelined`)."""
    if not reports:
        return
    session.execute(insert(cast(Table, DispatchOutbox.__table__)).inline(), [
        {"request_id": v["id"], "agency_code": v["agency_code"],
         "idempotency_key": f"sr-{v['id']}-1-{v['agency_code']}",
         "payload": payload_of(v, service), "next_attempt_at": v["requested_at"]}
        for v, service in reports])


def enqueue(session: Session, request: ServiceRequest, service: ComplaintService, *,
            now: datetime | None = None, reassigned: bool = False) -> None:
    """Add the outbox row for `request` to its current agency (in the caller's transaction):
    one Core INSERT, written at once (intake's hot path, no unit-of-work flush)."""
    n = 0
    if reassigned:
        with session.no_autoflush:
            n = session.scalar(select(func.count()).select_from(DispatchOutbox)
                               .where(DispatchOutbox.request_id == request.id)) or 0
    session.execute(insert(cast(Table, DispatchOutbox.__table__)), {
        "request_id": request.id, "agency_code": request.agency_code,
        "idempotency_key": f"sr-{request.id}-{n + 1}-{request.agency_code}",
        "payload": payload_for(request, service), "next_attempt_at": now or utcnow(),
    })


@dataclass
class DrainResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def claim(session: Session, limit: int, now: datetime) -> list[int]:
    """Lease up to `limit` due rows to this dispatcher; returns their ids (committed)."""
    query = (
        select(DispatchOutbox.id)
        .where(DispatchOutbox.state == "pending", DispatchOutbox.next_attempt_at <= now,
               or_(DispatchOutbox.locked_until.is_(None), DispatchOutbox.locked_until < now))
        .order_by(DispatchOutbox.next_attempt_at, DispatchOutbox.id).limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(update(DispatchOutbox).where(DispatchOutbox.id.in_(ids))
                        .values(locked_until=now + timedelta(
                            seconds=get_settings().complaints_dispatch_lease_seconds)))
    session.commit()
    return ids


def backoff(attempts: int, base: float) -> float:
    return float(min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1)))


# An agency that works its reports on Dasan's own district desk (/district/complaints) rather
# than in a system of its own: its reports are delivered the moment the dispatcher sees them.
DESK = "desk:"


def _post(client: httpx.Client, endpoint: DispatchEndpoint, row: DispatchOutbox) -> str | None:
    """One delivery attempt; returns an error text, or None when the district took it."""
    if endpoint.url == DESK:
        return None
    body = json.dumps(row.payload, ensure_ascii=False, sort_keys=True).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": row.idempotency_key,
        "X-Dasan-Timestamp": stamp,
        "X-Dasan-Signature": sign(endpoint.secret, stamp, body),
    }
    try:
        resp = client.post(endpoint.url, content=body, headers=headers,
                           timeout=endpoint.timeout_seconds)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= resp.status_code < 300 or resp.status_code == 409:
        return None  # 409: the district already has this idempotency key
    return f"HTTP {resp.status_code}: {resp.text[:200]}"


def drain(session: Session, client: httpx.Client, *, limit: int = 50,
          now: datetime | None = None) -> DrainResult:
    """Deliver the due rows once; returns what happened."""
    settings = get_settings()
    result = DrainResult()
    ids = claim(session, limit, now or utcnow())
    endpoints = {e.agency_code: e for e in session.scalars(
        select(DispatchEndpoint).where(DispatchEndpoint.active.is_(True)))}
    for row_id in ids:
        row = session.get(DispatchOutbox, row_id)
        if row is None or row.state != "pending":
            continue
        endpoint = endpoints.get(row.agency_code)
        error = (f"no dispatch endpoint configured for {row.agency_code}" if endpoint is None
                 else _post(client, endpoint, row))
        row.attempts += 1
        row.locked_until = None
        at = utcnow()
        if error is None:
            row.state, row.delivered_at, row.last_error = "delivered", at, None
            result.delivered += 1
        else:
            row.last_error = error
            if row.attempts >= settings.complaints_dispatch_max_attempts:
                row.state = "dead"
                result.dead += 1
                log.warning("dispatch %s dead-lettered after %d attempts: %s",
                            row.idempotency_key, row.attempts, error)
            else:
                row.next_attempt_at = at + timedelta(
                    seconds=backoff(row.attempts, settings.complaints_dispatch_backoff_seconds))
                result.failed += 1
        session.commit()
    return result


def pending_count(session: Session) -> int:
    return session.query(DispatchOutbox).filter(DispatchOutbox.state == "pending").count()


def run(session_factory: Any, *, once: bool = False, idle_seconds: float = 1.0,
        stop: Any = None) -> None:
    """The dispatcher loop (`dasan complaints dispatch`)."""
    with httpx.Client() as client:
        while stop is None or not stop.is_set():
            with session_factory() as session:
                result = drain(session, client)
            if once:
                return
            if result.delivered + result.failed + result.dead == 0:
                time.sleep(idle_seconds)


def dead_letters(session: Session, agency_codes: list[str] | None = None,
                 limit: int = 200) -> list[DispatchOutbox]:
    q = select(DispatchOutbox).where(DispatchOutbox.state == "dead")
    if agency_codes is not None:
        q = q.where(DispatchOutbox.agency_code.in_(agency_codes))
    return list(session.scalars(q.order_by(DispatchOutbox.id.desc()).limit(limit)))


def resend(session: Session, outbox_id: int) -> DispatchOutbox:
    """Put a dead-lettered delivery back in the queue (same idempotency key)."""
    row = session.get(DispatchOutbox, outbox_id)
    if row is None:
        raise NotFound(f"no dispatch #{outbox_id}")
    if row.state != "dead":
        raise Conflict(f"dispatch #{outbox_id} is {row.state}, not dead-lettered")
    row.state, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
    row.locked_until = None
    return row


def set_endpoint(session: Session, agency_code: str, url: str, secret: str,
                 timeout_seconds: float = 5.0) -> DispatchEndpoint:
    if session.scalar(select(Agency.id).where(Agency.code == agency_code)) is None:
        raise NotFound(f"no agency {agency_code!r}")
    if url != DESK and not url.startswith(("http://", "https://")):
        raise Conflict(f"endpoint url must be http(s), or {DESK!r} for the district desk",
                       code="invalid_url", status=400)
    if url != DESK and not secret:
        raise Conflict("a webhook needs a signing secret", code="invalid_secret", status=400)
    row = session.scalar(
        select(DispatchEndpoint).where(DispatchEndpoint.agency_code == agency_code))
    if row is None:
        row = DispatchEndpoint(agency_code=agency_code, url=url, secret=secret,
                               timeout_seconds=timeout_seconds)
        session.add(row)
    else:
        row.url, row.secret, row.timeout_seconds, row.active = url, secret, timeout_seconds, True
    return row


def main() -> None:
    """`python -m dasan.complaints.dispatch [--once]`: the dispatcher without the whole CLI."""
    import sys

    from dasan.db.session import new_session

    logging.basicConfig(level=logging.INFO)
    run(new_session, once="--once" in sys.argv, idle_seconds=0.2)


if __name__ == "__main__":
    main()
