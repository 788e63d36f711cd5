"""Seal and open the raw form of PII-bearing free text (ADR 0005).

Writers store the *masked* text in their own column and call :func:`seal` with the raw text:
when masking changed nothing there is nothing to hide and no row is written; otherwise the raw
text is encrypted with the active key of the ring and kept in ``sealed_texts`` under
``(kind, ref_id)``. Only :mod:`dasan.privacy.reveal` (audited) and the citizen's own view open
it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cryptography.fernet import InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.base import utcnow
from dasan.db.bulk import add_objects, among
from dasan.db.models_privacy import SealedText
from dasan.privacy.keys import PiiKeyError, key_ring
from dasan.text.pii import mask

MESSAGE_BODY = "messages.body"
LEGAL_CASE_STATEMENT = "legal_cases.agent_statement"  # a legal case's agent statement


def mask_and_seal_later(raw: str) -> tuple[str, str | None]:
    """(masked, raw-to-seal or None): the masked text to store, and the raw text when it differs."""
    masked = mask(raw).masked
    return masked, (raw if masked != raw else None)


def seal(s: Session, kind: str, ref_id: int, raw: str) -> SealedText:
    """Encrypt ``raw`` under the active key (added to the session, committed by the caller)."""
    ring = key_ring()
    token = ring.fernet(ring.active_id).encrypt(raw.encode("utf-8")).decode("ascii")
    row = s.scalar(select(SealedText).where(SealedText.kind == kind, SealedText.ref_id == ref_id))
    if row is None:
        row = SealedText(kind=kind, ref_id=ref_id, key_id=ring.active_id, token=token,
                         created_at=utcnow())
        s.add(row)
    else:
        row.key_id, row.token, row.rotated_at = ring.active_id, token, utcnow()
    return row


def seal_many(s: Session, kind: str, items: Sequence[tuple[int, str]]) -> None:
    """`seal` for many (ref id, raw) pairs: one look-up of the rows already there."""
    if not items:
        return
    ring = key_ring()
    fernet = ring.fernet(ring.active_id)
    tokens = {ref_id: fernet.encrypt(raw.encode("utf-8")).decode("ascii") for ref_id, raw in items}
    now = utcnow()
    for row in s.scalars(select(SealedText).where(SealedText.kind == kind,
                                                  among(s, SealedText.ref_id, tokens))):
        row.key_id, row.token, row.rotated_at = ring.active_id, tokens.pop(row.ref_id), now
    add_objects(s, [SealedText(kind=kind, ref_id=ref_id, key_id=ring.active_id, token=token,
                               created_at=now) for ref_id, token in tokens.items()])


def _open(row: SealedText) -> str:
    try:
        return key_ring().fernet(row.key_id).decrypt(row.token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise PiiKeyError(f"sealed text {row.id} does not open with key {row.key_id!r}") from exc


def open_many(s: Session, kind: str, ref_ids: Iterable[int]) -> dict[int, str]:
    """Raw text by ref id for those of ``ref_ids`` that have a sealed form."""
    ids = list(ref_ids)
    if not ids:
        return {}
    rows = s.scalars(select(SealedText).where(SealedText.kind == kind,
                                              SealedText.ref_id.in_(ids)))
    return {row.ref_id: _open(row) for row in rows}


def open_one(s: Session, kind: str, ref_id: int) -> str | None:
    return open_many(s, kind, [ref_id]).get(ref_id)


def rotate(s: Session, batch: int = 500) -> dict[str, int]:
    """Re-seal every row not under the active key (commits per batch); counts per old key."""
    ring = key_ring()
    active = ring.fernet(ring.active_id)
    moved: dict[str, int] = {}
    while True:
        rows = list(s.scalars(select(SealedText).where(SealedText.key_id != ring.active_id)
                              .order_by(SealedText.id).limit(batch)))
        if not rows:
            return moved
        for row in rows:
            raw = ring.fernet(row.key_id).decrypt(row.token.encode("ascii"))
            moved[row.key_id] = moved.get(row.key_id, 0) + 1
            row.token = active.encrypt(raw).decode("ascii")
            row.key_id = ring.active_id
            row.rotated_at = utcnow()
        s.commit()


def key_usage(s: Session) -> dict[str, int]:
    from sqlalchemy import func

    return {str(k): int(n) for k, n in s.execute(
        select(SealedText.key_id, func.count()).group_by(SealedText.key_id))}
