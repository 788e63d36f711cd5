"""Bring rows stored raw under ADR 0005: mask the stored text and seal the raw form. That is chat
messages written before migration 0004, and written-channel messages (SMS, messenger, e-mail,
Q&A board) written before session 20, which kept the raw text in `messages.body`. Idempotent:
a row whose body is already its masked form is left alone, and a row that has a sealed form
already is never sealed again (its stored body is masked; sealing it again would put the
masked text over the raw one). Legal case statements written before session 21 were stored raw
too: `seal_existing_statements` brings them under the same rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Message
from dasan.db.models_privacy import SealedText
from dasan.db.models_protection import LegalCase
from dasan.privacy import vault


def _seal_rows(s: Session, model: Any, kind: str, read: Callable[[Any], str],
               write: Callable[[Any, str], None], batch: int) -> int:
    """Mask and seal, batch by batch in id order, the text ``read`` gives of each ``model`` row
    that has no sealed form of ``kind`` yet and holds personal data; ``write`` stores the
    masked text. One commit a batch; returns how many rows were sealed."""
    done = 0
    last_id = 0
    while True:
        rows = list(s.scalars(select(model).where(model.id > last_id)
                              .order_by(model.id).limit(batch)))
        if not rows:
            return done
        sealed = set(s.scalars(select(SealedText.ref_id).where(
            SealedText.kind == kind, SealedText.ref_id.in_([r.id for r in rows]))))
        for row in rows:
            if row.id in sealed:
                continue
            masked, raw = vault.mask_and_seal_later(read(row))
            if raw is not None:
                vault.seal(s, kind, row.id, raw)
                write(row, masked)
                done += 1
        last_id = rows[-1].id
        s.commit()


def _write_message(m: Message, masked: str) -> None:
    m.body = m.body_masked = masked


def _write_statement(case: LegalCase, masked: str) -> None:
    case.agent_statement = masked


def seal_existing_messages(s: Session, batch: int = 500) -> int:
    """Mask and seal every message whose stored body still holds personal data."""
    return _seal_rows(s, Message, vault.MESSAGE_BODY, lambda m: m.body, _write_message, batch)


def seal_existing_statements(s: Session, batch: int = 500) -> int:
    """Mask and seal every legal case statement stored raw (before session 21); a case whose
    statement is sealed already is skipped, and one without personal data is left as it is."""
    return _seal_rows(s, LegalCase, vault.LEGAL_CASE_STATEMENT,
                      lambda c: c.agent_statement or "", _write_statement, batch)
