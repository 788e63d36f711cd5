"""Bring rows stored raw under ADR 0005: mask the stored text and seal the raw form. That is chat
messages written before migration 0004, and written-channel messages (SMS, messenger, e-mail,
Q&A board) written before session 20, which kept the raw text in `messages.body`. Idempotent:
a row whose body is already its masked form is left alone, and a row that has a sealed form
already is never sealed again (its stored body is masked; sealing it again would put the
masked text over the raw one). Legal case statements written before session 21 were stored raw
too: `seal_existing_statements` brings them under the same rule."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Message
from dasan.db.models_privacy import SealedText
from dasan.db.models_protection import LegalCase
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
        sealed = set(s.scalars(select(SealedText.ref_id).where(
            SealedText.kind == vault.MESSAGE_BODY,
            SealedText.ref_id.in_([m.id for m in rows]))))
        for m in rows:
            if m.id in sealed:
                continue
            if m.body == m.body_masked and vault.mask_and_seal_later(m.body)[1] is None:
                continue
            masked, raw = vault.mask_and_seal_later(m.body)
            if raw is not None:
                vault.seal(s, vault.MESSAGE_BODY, m.id, raw)
                m.body = m.body_masked = masked
                done += 1
        last_id = rows[-1].id
        s.commit()


def seal_existing_statements(s: Session, batch: int = 500) -> int:
    """Mask and seal every legal case statement stored raw (before session 21); a case whose
    statement is sealed already is skipped, and one without personal data is left as it is."""
    done = 0
    last_id = 0
    while True:
        rows = list(s.scalars(select(LegalCase).where(LegalCase.id > last_id)
                              .order_by(LegalCase.id).limit(batch)))
        if not rows:
            return done
        sealed = set(s.scalars(select(SealedText.ref_id).where(
            SealedText.kind == vault.LEGAL_CASE_STATEMENT,
            SealedText.ref_id.in_([c.id for c in rows]))))
        for case in rows:
            if case.id in sealed:
                continue
            masked, raw = vault.mask_and_seal_later(case.agent_statement or "")
            if raw is not None:
                vault.seal(s, vault.LEGAL_CASE_STATEMENT, case.id, raw)
                case.agent_statement = masked
                done += 1
        last_id = rows[-1].id
        s.commit()
