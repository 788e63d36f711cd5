"""contact numbers into the PII vault: report notice numbers, written-thread reply addresses,
outbox and notice recipients stored in clear before are sealed (ADR 0005) and masked in place

Revision ID: 0014_i1516c
Revises: 0014_i14c
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0014_i1516c"
down_revision = "0014_i14c"
branch_labels = None
depends_on = None

PHONE_KIND = "service_requests.notify_phone"  # dasan.complaints.notify.PHONE_KIND
REPLY_KIND = "written_threads.reply_address"  # dasan.channels.addresses.REPLY_KIND
OUTBOX_KIND = "outbox.payload_to"  # a clear `to` of an older outbox item
SEALED = "to_sealed"

sealed_texts = sa.table("sealed_texts", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                        sa.column("ref_id", sa.Integer), sa.column("key_id", sa.String),
                        sa.column("token", sa.Text), sa.column("created_at", sa.DateTime))
requests = sa.table("service_requests", sa.column("id", sa.Integer),
                    sa.column("notify_phone", sa.String))
notices = sa.table("complaint_notifications", sa.column("id", sa.Integer),
                   sa.column("request_id", sa.Integer), sa.column("channel", sa.String),
                   sa.column("recipient", sa.String))
threads = sa.table("written_threads", sa.column("id", sa.Integer),
                   sa.column("reply_address", sa.String))
outbox = sa.table("outbox", sa.column("id", sa.Integer), sa.column("payload", sa.JSON))



def _mask_phone(raw: str) -> str:
    d = "".join(ch for ch in raw if ch.isdigit())
    if len(d) < 7:
        return "*" * len(d)
    head = 2 if d.startswith("02") else 3
    return f"{d[:head]}-****-{d[-4:]}"


def _mask_address(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits and len(digits) >= 9 and len(digits) == len(raw.replace("-", "")):
        return _mask_phone(digits)
    return (raw[:3] + "…") if len(raw) > 3 else "…"


class _Sealer:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.ring: Any = None
        self.now = datetime.now(UTC).replace(tzinfo=None)

    def has(self, kind: str, ref_id: int) -> bool:
        return self.conn.execute(sa.select(sealed_texts.c.id).where(
            sealed_texts.c.kind == kind, sealed_texts.c.ref_id == ref_id)).first() is not None

    def seal(self, kind: str, ref_id: int, raw: str) -> None:
        if self.has(kind, ref_id):
            return
        if self.ring is None:  # only a database with clear values needs the key ring
            from dasan.privacy.keys import key_ring

            self.ring = key_ring()
        token = self.ring.fernet(self.ring.active_id).encrypt(raw.encode("utf-8"))
        self.conn.execute(sealed_texts.insert().values(
            kind=kind, ref_id=ref_id, key_id=self.ring.active_id, token=token.decode("ascii"),
            created_at=self.now))


def upgrade() -> None:
    conn = op.get_bind()
    sealer = _Sealer(conn)
    for rid, phone in conn.execute(sa.select(requests.c.id, requests.c.notify_phone).where(
            requests.c.notify_phone.is_not(None))).all():
        if phone and "*" not in phone:
            sealer.seal(PHONE_KIND, rid, "".join(ch for ch in phone if ch.isdigit()))
            conn.execute(requests.update().where(requests.c.id == rid)
                         .values(notify_phone=_mask_phone(phone)))
    for nid, rid, to in conn.execute(sa.select(notices.c.id, notices.c.request_id,
                                               notices.c.recipient)
                                     .where(notices.c.channel == "sms")).all():
        if to and "*" not in to:
            sealer.seal(PHONE_KIND, rid, "".join(ch for ch in to if ch.isdigit()))
            conn.execute(notices.update().where(notices.c.id == nid)
                         .values(recipient=_mask_phone(to)))
    for tid, address in conn.execute(sa.select(threads.c.id, threads.c.reply_address).where(
            threads.c.reply_address.is_not(None))).all():
        if address and "*" not in address and not address.endswith("…"):
            sealer.seal(REPLY_KIND, tid, address)
            conn.execute(threads.update().where(threads.c.id == tid)
                         .values(reply_address=_mask_address(address)[:256]))
    for oid, payload in conn.execute(sa.select(outbox.c.id, outbox.c.payload)).all():
        if isinstance(payload, dict) and payload.get("to") and not payload.get(SEALED):
            sealer.seal(OUTBOX_KIND, oid, str(payload["to"]))
            moved = {k: v for k, v in payload.items() if k != "to"}
            moved[SEALED] = [OUTBOX_KIND, oid]
            conn.execute(outbox.update().where(outbox.c.id == oid).values(payload=moved))


def downgrade() -> None:
    # The sealed values stay sealed: putting numbers back in clear is not a supported step.
    pass
