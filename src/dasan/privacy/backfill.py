"""Bring rows written before migration 0004 under ADR 0005: mask the stored text and seal the
raw form. Idempotent: a row whose body is already its masked form is left alone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Message
from dasan.privacy import vault


def seal_existing_messages(s: Session, batch: int = 500) -> int:
    """Mask and seal every message whose stored body still differs from its masked form."""
    done = 0
    last_id = 0
    while True:
        rows = list(s.scalars(select(Message).where(Message.id > last_id)
                              .order_by(Message.id).limit(batch)))
        if not rows:
            return done
        for m in rows:
            if m.body == m.body_masked and vault.mask_and_seal_later(m.body)[1] is None:
                continue
            masked, raw = vault.mask_and_seal_later(m.body)
            if raw is not None:
                vault.seal(s, vault.MESSAGE_BODY, m.id, raw)
                m.body = m.body_masked = masked
                done += 1
        last_id = rows[-1].id
        s.commit()
