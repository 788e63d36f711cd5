"""The transactional outbox: outbound sends with retries, backoff, a dead letter, idempotency.

`enqueue` is called inside the transaction that writes the message being sent, so a message is
never lost nor sent without being recorded. `deliver_due` claims due items (PostgreSQL: `FOR
UPDATE SKIP LOCKED`, so several workers share the work), sends them concurrently outside any
transaction, and records each result: sent, retried later with exponential backoff, or dead
after `max_attempts` (or at once on a permanent refusal). Delivery is at-least-once; every send
carries the item's idempotency key so a receiver can drop a repeat after a crash (a worker that
dies between the send and the mark leaves the item claimed; it is due again when the claim's
lease ends and goes out again under the same key).

What an item keeps at rest (ADR 0005): a reply's raw text and a clear number never sit in the
outbox table. At enqueue, the text is masked and, when masking changed it, the raw text is
sealed in the PII vault under the item's id (`TEXT_KIND`; the payload says `TEXT_SEALED`); a
clear number is sealed the same way (`TO_KIND`, `TO_SEALED`) and the payload keeps a masked
form (`to_masked`). A thread's reply address is already a sealed reference (`addresses.SEALED`)
and stays one. The worker opens what it needs at the claim, in memory only, on whatever process
it runs (the vault is in the database, the key ring the same for every process). Once an item
is sent, its sealed copies are removed (the payload keeps the masked forms); once it is dead,
they are kept, and a requeued item opens them again at its next claim. A retrying item keeps
its at-rest payload. Items enqueued before this (raw payload, no `AT_REST` mark) are masked
when they settle, as before: a sent one keeps the masked text and number, a dead one has its
raw text and number sealed under its id.

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
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from dasan.channels import addresses
from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.bulk import among, insert_returning, insert_rows
from dasan.db.models import Message
from dasan.db.models_channels import ChannelMessage, OutboxItem
from dasan.db.models_privacy import SealedText
from dasan.privacy import vault
from dasan.text.pii import mask

# An item's raw text and clear number, sealed under the item's id from its enqueue until it is
# sent (ADR 0005); the payload marks them (`TEXT_SEALED`, `TO_SEALED`). An item of an older
# release may name its sealed number as `addresses.SEALED: [TO_KIND, id]` (migration 0016, a
# dead item of the first session-21 release); `addresses.resolve` opens that form.
TEXT_KIND = "outbox.payload_text"
TO_KIND = "outbox.payload_to"
TEXT_SEALED = "text_sealed"
TO_SEALED = "to_sealed_here"
# Set on a payload stored at rest at its enqueue (text masked, number sealed): nothing to mask
# when it settles.
AT_REST = "at_rest"
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


def _at_rest(payload: dict[str, Any], text_masked: str | None = None
             ) -> tuple[dict[str, Any], str | None, str | None]:
    """(the payload to store, raw text to seal or None, clear number to seal or None): the text
    masked (`text_masked`: its masked form when the caller has it), a clear `to` replaced by
    `to_masked`. A payload with neither text nor a clear number is stored as it is."""
    text = payload.get("text")
    to = payload.get("to")
    has_to = bool(to)  # a clear number (a sealed reference is `addresses.SEALED`)
    if not isinstance(text, str) and not has_to:
        return payload, None, None
    stored = dict(payload)
    stored[AT_REST] = True
    raw_text = raw_to = None
    if isinstance(text, str):
        masked = mask(text).masked if text_masked is None else text_masked
        if masked != text:
            stored["text"], stored[TEXT_SEALED], raw_text = masked, True, text
    if has_to:
        raw_to = str(stored.pop("to"))
        stored["to_masked"], stored[TO_SEALED] = addresses.masked_address(raw_to), True
    return stored, raw_text, raw_to


def _seal(session: Session, sealed: Sequence[tuple[int, str | None, str | None]]) -> None:
    """Seal (item id, raw text, clear number) triples under the items' ids."""
    vault.seal_many(session, TEXT_KIND, [(i, t) for i, t, _ in sealed if t is not None])
    vault.seal_many(session, TO_KIND, [(i, to) for i, _, to in sealed if to is not None])


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
    text_masked: str | None = None,
) -> OutboxItem:
    """Add an outbound item; enqueueing the same key again returns the existing item.
    `fresh=True` skips that look-up for a key derived from a row this transaction has just
    inserted (it cannot exist yet; the unique constraint would still refuse a repeat).
    The payload is stored at rest (see the module's text; `text_masked`: `mask(text)` when the
    caller has it)."""
    if not fresh:
        existing = session.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == key))
        if existing is not None:
            return existing
    stored, raw_text, raw_to = _at_rest(payload, text_masked)
    item = OutboxItem(
        kind=kind, idempotency_key=key, payload=stored, channel_message_id=channel_message_id,
        max_attempts=max_attempts or get_settings().outbox_max_attempts, status="pending",
        attempts=0, next_attempt_at=now or utcnow(),
    )
    # Keys derive from the message being sent, so two writers never race on one key; the
    # unique constraint still refuses a duplicate (the caller's transaction then fails whole).
    session.add(item)
    if raw_text is not None or raw_to is not None:
        session.flush()  # the item's id names its sealed values
        _seal(session, [(item.id, raw_text, raw_to)])
    return item


def enqueue_many(session: Session, items: Sequence[tuple[str, str, dict[str, Any], int | None]],
                 *, now: datetime | None = None,
                 texts_masked: Sequence[str | None] | None = None) -> None:
    """`enqueue(..., fresh=True)` for many items in one bulk INSERT: (kind, key, payload,
    channel_message_id) each, keys derived from rows this transaction has just inserted (a
    repeat is refused by the unique constraint and the caller's transaction fails whole).
    `texts_masked`: each payload's masked text when the caller has it (else None)."""
    if not items:
        return
    at = now or utcnow()
    attempts = get_settings().outbox_max_attempts
    hints = list(texts_masked) if texts_masked is not None else [None] * len(items)
    rest = [_at_rest(payload, hint)
            for (_, _, payload, _), hint in zip(items, hints, strict=True)]
    rows = [{
        "kind": kind, "idempotency_key": key, "payload": stored,
        "channel_message_id": message_id, "max_attempts": attempts, "status": "pending",
        "attempts": 0, "next_attempt_at": at, "created_at": at}
        for (kind, key, _, message_id), (stored, _, _) in zip(items, rest, strict=True)]
    if all(t is None and to is None for _, t, to in rest):
        insert_rows(session, OutboxItem, rows)
        return
    made = insert_returning(session, OutboxItem, rows)  # the ids name the sealed values
    _seal(session, [(item.id, t, to) for item, (_, t, to) in zip(made, rest, strict=True)
                    if t is not None or to is not None])


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
    broken: list[str] = field(default_factory=list)  # sealed values that did not open


def _gone(item: _Claimed) -> Result:
    return None, DeliveryError(f"its sealed {' and '.join(item.broken)} is gone",
                               retryable=False)


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
    _open(session, claimed)
    session.commit()
    return claimed


def _open(session: Session, claimed: Sequence[_Claimed]) -> None:
    """Fill the in-memory payloads with what their rows hold sealed (the text, a clear number,
    a thread's reply address); an item whose sealed value is gone is marked `broken` (it goes
    to the dead letter rather than out masked)."""
    addresses.resolve(session, [c.payload for c in claimed])
    texts = vault.open_many(session, TEXT_KIND,
                            [c.id for c in claimed if c.payload.get(TEXT_SEALED)])
    numbers = vault.open_many(session, TO_KIND,
                              [c.id for c in claimed if c.payload.get(TO_SEALED)])
    for c in claimed:
        if c.payload.get(TEXT_SEALED):
            if c.id in texts:
                c.payload["text"] = texts[c.id]
            else:
                c.broken.append("text")
        if c.payload.get(TO_SEALED):
            if c.id in numbers:
                c.payload["to"] = numbers[c.id]
            else:
                c.broken.append("number")


def opened_payload(session: Session, item: OutboxItem) -> dict[str, Any]:
    """An item's payload as its sender gets it (sealed values opened, in memory only): for an
    operator's tool and tests; the worker opens a pass's items at once at the claim."""
    c = _Claimed(item.id, item.kind, item.idempotency_key, dict(item.payload), item.attempts,
                 item.max_attempts, item.channel_message_id, dict(item.payload))
    _open(session, [c])
    return c.payload


async def _send(sender: Sender, item: _Claimed) -> Result:
    if item.broken:
        return _gone(item)
    try:
        return await sender(item.payload, item.key), None
    except Exception as exc:  # every failure is recorded on the item, none escapes the loop
        return None, exc


async def _send_batch(sender: Batched, items: Sequence[_Claimed]) -> list[Result]:
    ready = [i for i in items if not i.broken]
    try:
        results = await sender.send_many([(i.payload, i.key) for i in ready]) if ready else []
        if len(results) != len(ready):
            raise DeliveryError(f"the bulk send answered {len(results)} results "
                                f"for {len(ready)} messages")
    except Exception as exc:  # the whole request failed: every item of it is retried or dead
        results = [(None, exc)] * len(ready)
    answers = iter(results)
    return [_gone(i) if i.broken else next(answers) for i in items]


@lru_cache(maxsize=256)
def _masked_error(error: str) -> str:
    """An error as the row keeps it: masked (a provider's refusal may quote the number or the
    text), at most 500 characters. A pass's errors mostly repeat: cached."""
    return mask(error).masked[:500]


def _outcome(item: _Claimed, ref: str | None, exc: Exception | None, now: datetime,
             report: DeliveryReport) -> dict[str, Any]:
    """The item's new column values (with its id) for the bulk UPDATE of the pass."""
    if exc is None:
        report.sent += 1
        return {"id": item.id, "status": "sent", "sent_at": now, "provider_ref": ref,
                "last_error": None, "next_attempt_at": now}
    error = _masked_error(f"{type(exc).__name__}: {exc}")
    to = item.payload.get("to")
    if isinstance(to, str) and to and to in error:  # a messenger id mask() does not know
        error = error.replace(to, addresses.masked_address(to))
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


def _legacy(item: _Claimed) -> bool:
    """Whether the row holds an item of an older release: a raw text or clear number, or its
    number sealed as `addresses.SEALED: [TO_KIND, id]`."""
    stored = item.stored
    if stored.get(AT_REST):
        return False
    ref = stored.get(addresses.SEALED)
    return isinstance(stored.get("text"), str) or bool(stored.get("to")) or \
        bool(ref and ref[0] == TO_KIND)


def _settle(session: Session, settled: Sequence[tuple[_Claimed, str]]) -> dict[int, dict[str, Any]]:
    """The payload each settled item keeps (see the module's text): the at-rest payload; its
    sealed values removed (sent) or kept (dead). An older item is put at rest now."""
    older = [c for c, _ in settled if _legacy(c)]
    bodies = _masked_bodies(session, older)
    kept: dict[int, dict[str, Any]] = {}
    sealed: list[tuple[int, str | None, str | None]] = []
    done: list[int] = []
    for item, status in settled:
        stored = item.stored
        if status == "sent" and (stored.get(TEXT_SEALED) or stored.get(TO_SEALED)
                                 or (stored.get(addresses.SEALED) or [None])[0] == TO_KIND):
            done.append(item.id)
        if not _legacy(item):
            payload = dict(stored)
            if status == "sent":
                payload.pop(TEXT_SEALED, None)
                payload.pop(TO_SEALED, None)
            kept[item.id] = payload
            continue
        base = dict(stored)
        base.pop(TEXT_SEALED, None)
        if isinstance(item.payload.get("text"), str):
            base["text"] = item.payload["text"]
        if (base.get(addresses.SEALED) or [None])[0] == TO_KIND:
            del base[addresses.SEALED]
            base["to"] = item.payload.get("to")
        hint = bodies.get(item.message_id) if item.message_id is not None else None
        payload, raw_text, raw_to = _at_rest(base, hint)
        if status == "dead":
            sealed.append((item.id, raw_text, raw_to))
        else:
            payload.pop(TEXT_SEALED, None)
            payload.pop(TO_SEALED, None)
        kept[item.id] = payload
    _seal(session, [s for s in sealed if s[1] is not None or s[2] is not None])
    # A sent item needs its sealed copies no more.
    if done:
        session.execute(delete(SealedText).where(SealedText.kind.in_((TEXT_KIND, TO_KIND)),
                                                 among(session, SealedText.ref_id, done)))
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
