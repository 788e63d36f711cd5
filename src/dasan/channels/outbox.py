"""The transactional outbox: outbound sends with retries, backoff, a dead letter, idempotency.

`enqueue` is called inside the transaction that writes the message being sent, so a message is
never lost nor sent without being recorded. `deliver_due` claims due items (PostgreSQL: `FOR
UPDATE SKIP LOCKED`, so several workers share the work), sends them concurrently outside any
transaction, and records each result: sent, retried later with exponential backoff, or dead
after `max_attempts` (or at once on a permanent refusal). Delivery is at-least-once; every send
carries the item's idempotency key so a receiver can drop a repeat after a crash (a worker that
dies between the send and the mark leaves the item claimed; it is due again when the claim's
lease ends and goes out again under the same key).

What an item keeps after it settles (ADR 0005): a reply's text and a clear number are needed
raw only until they are sent. Once an item is sent, its payload keeps the masked text (the
message record's masked body when the item is a one-part message, else the text masked) and a
masked number, and the raw text and number are gone; once it is dead, the same masked payload
plus the raw text and number sealed in the PII vault under the item's id (`TEXT_KIND`,
`TO_KIND`), which a requeued item opens again at its claim, in memory only, as it does a
thread's sealed reply address. A pending item (not sent yet) keeps what it must send.

A kind's sender is a function per item, or a `Batched` one for providers with a bulk API (one
request carries many messages, each with its own key and its own result): the claimed items
then go `size` per request, still `concurrency` requests at a time. The results are marked in a
few statements for the whole pass (one UPDATE per outcome, not one per item).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from dasan.channels import addresses
from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.bulk import among, insert_rows
from dasan.db.models import Message
from dasan.db.models_channels import ChannelMessage, OutboxItem
from dasan.db.models_privacy import SealedText
from dasan.privacy import vault
from dasan.text.pii import mask

# A dead item's raw text and clear number, sealed until it is requeued and sent (ADR 0005); the
# payload then names them (`TEXT_SEALED`, and `addresses.SEALED` for the number).
TEXT_KIND = "outbox.payload_text"
TO_KIND = "outbox.payload_to"  # as migration 0016 sealed the clear numbers of older items
TEXT_SEALED = "text_sealed"
SETTLED = ("sent", "dead")

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
# One send's outcome: the provider's id, or the exception that failed it.
Result = tuple[str | None, Exception | None]


@dataclass(frozen=True)
class Batched:
    """A bulk sender: `send_many([(payload, key), ...])` makes one request for them all and
    returns one `Result` per item, in order (a failure of the whole request is raised, and
    counts for every item of it). At most `size` items per call."""

    send_many: Callable[[Sequence[tuple[dict[str, Any], str]]], Awaitable[list[Result]]]
    size: int = 100


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
    insert_rows(session, OutboxItem, [{
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
    payload: dict[str, Any]  # what the sender gets: sealed values opened, in memory only
    attempts: int
    max_attempts: int
    message_id: int | None
    stored: dict[str, Any] = field(default_factory=dict)  # the payload as the row holds it


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
                        attempts, items[i].max_attempts, items[i].channel_message_id,
                        dict(items[i].payload))
               for i, attempts in sorted(taken)]
    # Sealed reply addresses (and a requeued dead item's sealed text) are opened here, into
    # the in-memory copies only.
    addresses.resolve(session, [c.payload for c in claimed])
    texts = vault.open_many(session, TEXT_KIND,
                            [c.id for c in claimed if c.payload.get(TEXT_SEALED)])
    for c in claimed:
        if c.id in texts:
            c.payload["text"] = texts[c.id]
    session.commit()
    return claimed


async def _send(sender: Sender, item: _Claimed) -> Result:
    try:
        return await sender(item.payload, item.key), None
    except Exception as exc:  # every failure is recorded on the item, none escapes the loop
        return None, exc


async def _send_batch(sender: Batched, items: Sequence[_Claimed]) -> list[Result]:
    try:
        results = await sender.send_many([(i.payload, i.key) for i in items])
        if len(results) != len(items):
            raise DeliveryError(f"the bulk send answered {len(results)} results "
                                f"for {len(items)} messages")
        return results
    except Exception as exc:  # the whole request failed: every item of it is retried or dead
        return [(None, exc)] * len(items)


def _outcome(item: _Claimed, ref: str | None, exc: Exception | None, now: datetime,
             report: DeliveryReport) -> dict[str, Any]:
    """The item's new column values (with its id) for the bulk UPDATE of the pass."""
    if exc is None:
        report.sent += 1
        return {"id": item.id, "status": "sent", "sent_at": now, "provider_ref": ref,
                "last_error": None, "next_attempt_at": now}
    error = f"{type(exc).__name__}: {exc}"[:500]
    retryable = not isinstance(exc, DeliveryError) or exc.retryable
    if retryable and item.attempts < item.max_attempts:
        report.retried += 1
        return {"id": item.id, "status": "pending", "sent_at": None, "provider_ref": None,
                "last_error": error, "next_attempt_at": now + backoff(item.attempts)}
    report.dead += 1
    report.errors.append(error)
    return {"id": item.id, "status": "dead", "sent_at": None, "provider_ref": None,
            "last_error": error, "next_attempt_at": now}


def _masked_bodies(session: Session, items: Sequence[_Claimed]) -> dict[int, str]:
    """The message record's masked body by channel message id, for the one-part messages among
    `items` (an LMS part is a slice of its message, so it is masked on its own)."""
    ids = {c.message_id for c in items if c.message_id is not None}
    if not ids:
        return {}
    return {cm_id: body for cm_id, body in session.execute(
        select(ChannelMessage.id, Message.body)
        .join(Message, Message.id == ChannelMessage.message_id)
        .where(among(session, ChannelMessage.id, ids), ChannelMessage.segments <= 1))}


def _settle(session: Session, settled: Sequence[tuple[_Claimed, str]]) -> dict[int, dict[str, Any]]:
    """The payload each settled item keeps (see the module's text): masked text and number,
    the raw ones dropped (sent) or sealed under the item's id (dead)."""
    bodies = _masked_bodies(session, [c for c, _ in settled])
    kept: dict[int, dict[str, Any]] = {}
    sealed_text: list[tuple[int, str]] = []
    sealed_to: list[tuple[int, str]] = []
    for item, status in settled:
        payload = dict(item.stored)
        text = item.payload.get("text")
        if isinstance(text, str):
            body = bodies.get(item.message_id) if item.message_id is not None else None
            masked = body if body is not None else mask(text).masked
            payload["text"] = masked
            payload.pop(TEXT_SEALED, None)
            if status == "dead" and masked != text:
                sealed_text.append((item.id, text))
                payload[TEXT_SEALED] = True
        to = payload.pop("to", None)
        if to and not payload.get(addresses.SEALED):
            payload["to_masked"] = addresses.masked_address(str(to))
            if status == "dead":
                sealed_to.append((item.id, str(to)))
                payload[addresses.SEALED] = [TO_KIND, item.id]
        kept[item.id] = payload
    vault.seal_many(session, TEXT_KIND, sealed_text)
    vault.seal_many(session, TO_KIND, sealed_to)
    # A requeued item that is sent at last needs its sealed text no more.
    done = [c.id for c, status in settled if status == "sent" and c.stored.get(TEXT_SEALED)]
    if done:
        session.execute(delete(SealedText).where(SealedText.kind == TEXT_KIND,
                                                 SealedText.ref_id.in_(done)))
    return kept


def _mark(session: Session, claimed: Sequence[_Claimed], results: Sequence[Result],
          now: datetime, report: DeliveryReport) -> None:
    """Record a pass's results: one executemany UPDATE of the items by id (a settled item's
    payload reduced to what the record needs, `_settle`), one UPDATE of the sent messages'
    status, and one per dead message (their error text differs)."""
    rows = [_outcome(item, ref, exc, now, report)
            for item, (ref, exc) in zip(claimed, results, strict=True)]
    kept = _settle(session, [(c, r["status"]) for c, r in zip(claimed, rows, strict=True)
                             if r["status"] in SETTLED])
    for c, r in zip(claimed, rows, strict=True):
        r["payload"] = kept.get(c.id, c.stored)
    session.execute(update(OutboxItem), rows)
    sent = [c.message_id for c, r in zip(claimed, rows, strict=True)
            if r["status"] == "sent" and c.message_id is not None]
    if sent:
        # The provider's id stays on the outbox item (receipts are matched there): one message
        # may go as several LMS parts, and provider ids are not unique across gateways.
        session.execute(update(ChannelMessage)
                        .where(ChannelMessage.id.in_(sent),
                               ChannelMessage.delivery_status.in_(("queued", "failed")))
                        .values(delivery_status="sent")
                        .execution_options(synchronize_session=False))
    for c, r in zip(claimed, rows, strict=True):
        if r["status"] == "dead" and c.message_id is not None:
            session.execute(update(ChannelMessage).where(ChannelMessage.id == c.message_id)
                            .values(delivery_status="failed",
                                    delivery_detail=str(r["last_error"])[:250])
                            .execution_options(synchronize_session=False))


async def deliver_due(
    factory: sessionmaker[Session] | Callable[[], Session],
    senders: Mapping[str, Sender | Batched],
    *,
    now: datetime | None = None,
    limit: int = 200,
    concurrency: int = 50,
) -> DeliveryReport:
    """One pass: claim up to `limit` due items of the kinds `senders` knows, send them (at most
    `concurrency` requests at a time; a `Batched` kind's items `size` per request), and mark
    the results in one transaction."""
    now = now or utcnow()
    report = DeliveryReport()
    with factory() as session:
        claimed = _claim(session, now, limit, set(senders))
    if not claimed:
        return report
    gate = asyncio.Semaphore(concurrency)

    async def one(item: _Claimed, sender: Sender) -> list[Result]:
        async with gate:
            return [await _send(sender, item)]

    async def many(items: Sequence[_Claimed], sender: Batched) -> list[Result]:
        async with gate:
            return await _send_batch(sender, items)

    jobs: list[tuple[list[_Claimed], Awaitable[list[Result]]]] = []
    by_kind: dict[str, list[_Claimed]] = {}
    for item in claimed:
        by_kind.setdefault(item.kind, []).append(item)
    for kind, items in by_kind.items():
        sender = senders[kind]
        if isinstance(sender, Batched):
            size = max(sender.size, 1)
            for start in range(0, len(items), size):
                chunk = items[start:start + size]
                jobs.append((chunk, many(chunk, sender)))
        else:
            jobs += [([item], one(item, sender)) for item in items]
    answers = await asyncio.gather(*(job for _, job in jobs))
    ordered = [item for items, _ in jobs for item in items]
    results = [r for answer in answers for r in answer]
    with factory() as session:
        _mark(session, ordered, results, now, report)
        session.commit()
    return report


async def drain(
    factory: sessionmaker[Session] | Callable[[], Session],
    senders: Mapping[str, Sender | Batched],
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
