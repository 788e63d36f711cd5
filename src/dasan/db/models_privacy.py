"""Personal data at rest (ADR 0005): the raw form of PII-bearing free text, encrypted.

The text columns themselves (``messages.body`` ...) hold the masked form; when masking changed
something, the raw form is sealed here under a key id so keys can rotate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, UtcDateTime, utcnow


class SealedText(Base):
    """The encrypted raw form of one text field of one row (``kind`` = "table.column")."""

    __tablename__ = "sealed_texts"
    __table_args__ = (UniqueConstraint("kind", "ref_id", name="uq_sealed_texts_kind_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48))
    ref_id: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str] = mapped_column(String(32), index=True)
    token: Mapped[str] = mapped_column(Text)  # Fernet token (AES-128-CBC + HMAC-SHA256)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
