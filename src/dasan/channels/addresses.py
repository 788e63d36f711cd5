"""Reply addresses of written threads (an SMS number, a messenger user id) kept like the rest
of the citizen's personal data (ADR 0005): the raw address is sealed in the PII vault under
the thread's id; the thread row keeps only a masked form to show, and the contact key is a
keyed hash (`contact_key_for`). Outbox items carry a reference to the sealed address, never the
address: the outbox opens it just before a send (`resolve`), in memory only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from dasan.auth import mask_phone, phone_hash
from dasan.config import signing_key
from dasan.db.models_channels import WrittenThread
from dasan.privacy import vault

REPLY_KIND = "written_threads.reply_address"
SEALED = "to_sealed"  # outbox payload field: [kind, ref id]


def contact_key_for(provider: str, user_id: str) -> str:
    """A stable, keyed hash naming a messenger user (the raw id never sits in a key column)."""
    return f"{provider}:{phone_hash(f'{provider}:{user_id}', signing_key())[:40]}"


def masked_address(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits and len(digits) >= 9 and len(digits) == len(raw.replace("-", "")):
        return mask_phone(digits)
    return (raw[:3] + "…") if len(raw) > 3 else "…"


def shown_address(raw: str | None) -> str | None:
    """The form a thread row shows of a reply address (None for none)."""
    return masked_address(raw)[:256] if raw else None


def keep(session: Session, thread: WrittenThread, raw: str | None) -> None:
    """Seal the thread's reply address (replacing an older one) and keep its masked form."""
    if not raw:
        return
    if thread.id is None:
        session.flush()
    vault.seal(session, REPLY_KIND, thread.id, raw)
    thread.reply_address = shown_address(raw)


def keep_many(session: Session, pairs: Sequence[tuple[WrittenThread, str | None]]) -> None:
    """`keep` for many threads (stored rows): one round in the vault."""
    kept = [(t, raw) for t, raw in pairs if raw]
    vault.seal_many(session, REPLY_KIND, [(t.id, raw) for t, raw in kept])
    for t, raw in kept:
        t.reply_address = shown_address(raw)


def reference(thread: WrittenThread) -> dict[str, Any]:
    return {SEALED: [REPLY_KIND, thread.id]}


def resolve(session: Session, payloads: list[dict[str, Any]]) -> None:
    """Fill `to` in the given (in-memory) payloads from their sealed references."""
    wanted: dict[str, set[int]] = {}
    for p in payloads:
        ref = p.get(SEALED)
        if ref:
            wanted.setdefault(str(ref[0]), set()).add(int(ref[1]))
    opened = {kind: vault.open_many(session, kind, ids) for kind, ids in wanted.items()}
    for p in payloads:
        ref = p.get(SEALED)
        if ref:
            p["to"] = opened.get(str(ref[0]), {}).get(int(ref[1]))
