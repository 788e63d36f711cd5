"""The transactional outbox: outbound sends with retries, backoff, a dead letter, idempotency.

`enqueue` is called inside the transaction that writes the message being sent, so a message is
never lost nor sent without being recorded. `deliver_due` claims due items (PostgreSQL: `FOR
UPDATE SKIP LOCKED`, so several workers share the work), sends them concurrently outside any
transaction, and records each result: sent, retried later with exponential backoff, or dead
after `max_attempts` (or at once on a permanent refusal). Delivery is at-least-once; every send
carries the item's idempotency key so a receiver can drop a repeat after a crash.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from dasan.channels import addresses
from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.models_channels import ChannelMessage, OutboxItem

MAX_BACKOFF = timedelta(minutes=15)
# A claimed item is invisible to other workers for this long; if the worker dies mid-send the
# item becomes due again (at-least-once).
CLAIM_LEASE = timedelta(seconds=60)


class DeliveryError(Exception):
    """A send failed. `retryable=False` (a permanent refusal, e.g. HTTP 400) dead-letters now."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


# A sender takes the payload and the idempotency key and returns the provider's id (or None).
Sender = Callable[[dict[str, Any], str], Awaitable[str | None]]


def enqueue(
    session: Session,
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    channel_message_id: int | None = None,
    max_attempts: int | None = None,
    now: datetime | None = None,
    fresh: bool = False,
) -> OutboxItem:
    """Add an outbound item; enqueueing the same key again returns the existing item.
    `fresh=True` skips that look-up for a key derived from a row this transaction has just
    inserted (it cannot exist yet; the unique constraint would still refuse a repeat)."""
    if not fresh:
        existing = session.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == key))
        if existing is not None:
            return existing
    item = OutboxItem(
        kind=kind, idempotency_key=key, payload=payload, channel_message_id=channel_message_id,
        max_attempts=max_attempts or get_settings().outbox_max_attempts, status="pending",
        attempts=0, next_attempt_at=now or utcnow(),
    )
    # Keys derive from the message being sent, so two writers never race on one key; the
    # unique constraint still refuses a duplicate (the caller's transaction then fails whole).
    session.add(item)
    return item


def enqueue_many(session: Session, items: Sequence[tuple[str, str, dict[str, Any], int | None]],
                 *, now: datetime | None = None) -> None:
    """`enqueue(..., fresh=True)` for many items in one bulk INSERT: (kind, key, payload,
    channel_message_id) each, keys derived from rows this transaction has just inserted (a
    repeat is refused by the unique constraint and the caller's transaction fails whole)."""
    if not items:
        return
    at = now or utcnow()
    attempts = get_settings().outbox_max_attempts
    session.execute(insert(OutboxItem), [{
        "kind": kind, "idempotency_key": key, "payload": payload,
        "channel_message_id": message_id, "max_attempts": attempts, "status": "pending",
        "attempts": 0, "next_attempt_at": at, "created_at": at}
        for kind, key, payload, message_id in items])


def backoff(attempts: int, base_seconds: float | None = None) -> timedelta:
    """Delay before the next try after `attempts` failures: base * 2^(attempts-1), capped."""
    base = get_settings().outbox_backoff_seconds if base_seconds is None else base_seconds
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.dead


@dataclass(frozen=True)
class _Claimed:
    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


def _claim(session: Session, now: datetime, limit: int, kinds: set[str]) -> list[_Claimed]:
    """Take due items. The conditional UPDATE is what makes a claim exclusive: on PostgreSQL the
    rows are also locked (`SKIP LOCKED`, so workers skip each other's rows); on SQLite, where a
    SELECT takes no lock, a row another worker claimed meanwhile no longer matches."""
    query = (select(OutboxItem)
             .where(OutboxItem.status == "pending", OutboxItem.next_attempt_at <= now,
                    OutboxItem.kind.in_(kinds))
             .order_by(OutboxItem.next_attempt_at, OutboxItem.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    items = {item.id: item for item in session.scalars(query)}
    if not items:
        session.commit()
        return []
    taken = session.execute(
        update(OutboxItem)
        .where(OutboxItem.id.in_(list(items)), OutboxItem.status == "pending",
               OutboxItem.next_attempt_at <= now)
        .values(attempts=OutboxItem.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .returning(OutboxItem.id, OutboxItem.attempts)
        .execution_options(synchronize_session=False)).all()
    claimed = [_Claimed(i, items[i].kind, items[i].idempotency_key, dict(items[i].payload),
                        attempts, items[i].max_attempts)
               for i, attempts in sorted(taken)]
    # Sealed reply addresses are opened here, into the in-memory copies only.
    addresses.resolve(session, [c.payload for c in claimed])
    session.commit()
    return claimed


Result = tuple[str | None, Exception | None]


async def _send(senders: Mapping[str, Sender], item: _Claimed) -> Result:
    try:
        return await senders[item.kind](item.payload, item.key), None
    except Exception as exc:  # every failure is recorded on the item, none escapes the loop
        return None, exc


def _record(row: OutboxItem, message: ChannelMessage | None, item: _Claimed, ref: str | None,
            exc: Exception | None, now: datetime, report: DeliveryReport) -> None:
    if exc is None:
        row.status, row.sent_at, row.provider_ref, row.last_error = "sent", now, ref, None
        if message is not None and message.delivery_status in ("queued", "failed"):
            # The provider's id stays on the outbox item (receipts are matched there): one
            # message may go as several LMS parts, and provider ids are not unique across
            # gateways.
            message.delivery_status = "sent"
        report.sent += 1
        return
    error = f"{type(exc).__name__}: {exc}"[:500]
    row.last_error = error
    retryable = not isinstance(exc, DeliveryError) or exc.retryable
    if retryable and item.attempts < item.max_attempts:
        row.next_attempt_at = now + backoff(item.attempts)
        report.retried += 1
    else:
        row.status = "dead"
        if message is not None:
            message.delivery_status, message.delivery_detail = "failed", error[:250]
        report.dead += 1
        report.errors.append(error)


async def deliver_due(
    factory: sessionmaker[Session] | Callable[[], Session],
    senders: Mapping[str, Sender],
    *,
    now: datetime | None = None,
    limit: int = 200,
    concurrency: int = 50,
) -> DeliveryReport:
    """One pass: claim up to `limit` due items of the kinds `senders` knows and send them."""
    now = now or utcnow()
    report = DeliveryReport()
    with factory() as session:
        claimed = _claim(session, now, limit, set(senders))
    if not claimed:
        return report
    gate = asyncio.Semaphore(concurrency)

    async def one(item: _Claimed) -> Result:
        async with gate:
            return await _send(senders, item)

    results = await asyncio.gather(*(one(item) for item in claimed))
    with factory() as session:
        rows = {r.id: r for r in session.scalars(
            select(OutboxItem).where(OutboxItem.id.in_([c.id for c in claimed])))}
        message_ids = [r.channel_message_id for r in rows.values() if r.channel_message_id]
        messages = {m.id: m for m in session.scalars(
            select(ChannelMessage).where(ChannelMessage.id.in_(message_ids)))} \
            if message_ids else {}
        for item, (ref, exc) in zip(claimed, results, strict=True):
            row = rows[item.id]
            message = messages.get(row.channel_message_id) if row.channel_message_id else None
            _record(row, message, item, ref, exc, now, report)
        session.commit()
    return report


async def drain(
    factory: sessionmaker[Session] | Callable[[], Session],
    senders: Mapping[str, Sender],
    *,
    max_passes: int = 1000,
    clock: Callable[[], datetime] = utcnow,
) -> DeliveryReport:
    """Deliver until nothing is due (retries included, waiting out their backoff)."""
    total = DeliveryReport()
    for _ in range(max_passes):
        report = await deliver_due(factory, senders, now=clock())
        total.sent += report.sent
        total.retried += report.retried
        total.dead += report.dead
        total.errors += report.errors
        with factory() as session:
            pending = session.scalar(
                select(OutboxItem.next_attempt_at).where(
                    OutboxItem.status == "pending", OutboxItem.kind.in_(set(senders)))
                .order_by(OutboxItem.next_attempt_at).limit(1))
        if pending is None:
            return total
        wait = (pending - clock()).total_seconds()
        if wait > 0:
            await asyncio.sleep(min(wait, 5.0))
    return total


def dead_letters(session: Session, limit: int = 100) -> list[OutboxItem]:
    return list(session.scalars(select(OutboxItem).where(OutboxItem.status == "dead")
                                .order_by(OutboxItem.id.desc()).limit(limit)))


def requeue(session: Session, item_id: int, now: datetime | None = None) -> OutboxItem | None:
    """Give a dead item another round of attempts (an operator's decision)."""
    item = session.get(OutboxItem, item_id)
    if item is None or item.status != "dead":
        return None
    item.status, item.attempts, item.next_attempt_at = "pending", 0, now or utcnow()
    return item
