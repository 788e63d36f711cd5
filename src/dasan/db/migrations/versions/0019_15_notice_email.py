"""notice e-mail addresses into the PII vault: the addresses of field-report notices stored in
clear before (`service_requests.notify_email`, e-mail rows of `complaint_notifications`) are
sealed (ADR 0005) and masked in place (c***@example.com)

Revision ID: 0018_15
Revises: 0014_i13c
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0018_15"
down_revision = "0018_11"
branch_labels = None
depends_on = None

EMAIL_KIND = "service_requests.notify_email"  # dasan.complaints.notify.EMAIL_KIND

sealed_texts = sa.table("sealed_texts", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                        sa.column("ref_id", sa.Integer), sa.column("key_id", sa.String),
                        sa.column("token", sa.Text), sa.column("created_at", sa.DateTime))
requests = sa.table("service_requests", sa.column("id", sa.Integer),
                    sa.column("notify_email", sa.String))
notices = sa.table("complaint_notifications", sa.column("id", sa.Integer),
                   sa.column("request_id", sa.Integer), sa.column("channel", sa.String),
                   sa.column("recipient", sa.String))


def _mask_email(address: str) -> str:  # a frozen copy of dasan.complaints.notify.mask_email
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return (address[:1] + "***") if address else ""
    return f"{local[:1]}***@{domain}"[:254]


def _clear(value: str | None) -> bool:
    return bool(value) and "***" not in str(value)


def upgrade() -> None:
    conn = op.get_bind()
    ring: Any = None
    now = datetime.now(UTC).replace(tzinfo=None)
    sealed = {int(r) for r in conn.execute(sa.select(sealed_texts.c.ref_id).where(
        sealed_texts.c.kind == EMAIL_KIND)).scalars()}

    def seal(ref_id: int, raw: str) -> None:
        nonlocal ring
        if ref_id in sealed:
            return
        if ring is None:  # only a database with clear addresses needs the key ring
            from dasan.privacy.keys import key_ring

            ring = key_ring()
        token = ring.fernet(ring.active_id).encrypt(raw.encode("utf-8"))
        conn.execute(sealed_texts.insert().values(
            kind=EMAIL_KIND, ref_id=ref_id, key_id=ring.active_id, token=token.decode("ascii"),
            created_at=now))
        sealed.add(ref_id)

    for rid, address in conn.execute(sa.select(requests.c.id, requests.c.notify_email).where(
            requests.c.notify_email.is_not(None))).all():
        if _clear(address):
            seal(rid, address)
            conn.execute(requests.update().where(requests.c.id == rid)
                         .values(notify_email=_mask_email(address)))
    for nid, rid, to in conn.execute(sa.select(notices.c.id, notices.c.request_id,
                                               notices.c.recipient)
                                     .where(notices.c.channel == "email")).all():
        if _clear(to):
            seal(rid, to)
            conn.execute(notices.update().where(notices.c.id == nid)
                         .values(recipient=_mask_email(to)))


def downgrade() -> None:
    # The sealed addresses stay sealed: putting them back in clear is not a supported step.
    pass
