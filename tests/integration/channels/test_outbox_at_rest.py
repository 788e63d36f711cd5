"""An outbox item waiting to be sent (pending, or retrying after a failed attempt) holds no raw
personal data in any column (ADR 0005, issue 12): the raw text and a clear number are sealed
under the item's id at enqueue, the payload keeps masked forms, and a worker - in this process
or another one - opens them in memory at its claim and sends them as written."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels import outbound, outbox
from dasan.channels.sms.encoding import segment
from dasan.channels.threads import open_thread
from dasan.db.models_channels import OutboxItem
from dasan.db.session import new_session
from dasan.privacy import vault

REPLY = "담당 주무관 휴대전화 010-3456-7890 로 연락 주세요"
LONG = ("안내드립니다. " * 150 + "담당 주무관 010-3456-7890 로 연락 주세요. " + "감사합니다. " * 40)
CITIZEN = "01055551234"
USER = "Uab12cd34ef"  # a messenger user id
RAW = ("3456-7890", "34567890", "5555-1234", "55551234", USER)


def _rows(db: Session) -> dict[int, str]:
    """Every outbox row's every column, as text."""
    db.expire_all()
    return {row.id: " ".join(str(v) for v in row)
            for row in db.execute(select(OutboxItem.__table__))}


def _assert_no_raw(db: Session) -> None:
    rows = _rows(db)
    assert rows
    for item_id, text in rows.items():
        assert not [r for r in RAW if r in text], (item_id, text)


def _waiting(db: Session) -> list[str]:
    """Replies of every kind waiting to be sent; the texts each must go out as, by key order."""
    sms = open_thread(db, channel="sms", contact_key="rest-sms", language="ko", subject="문의",
                      reply_address=CITIZEN)
    portal = open_thread(db, channel="portal", contact_key="rest-portal", language="ko",
                         subject="문의", reply_address=USER, provider="generic")
    bulk = [open_thread(db, channel="sms", contact_key=f"rest-bulk-{i}", language="ko",
                        subject="문의", reply_address=f"0105555{i:04d}") for i in range(30)]
    outbound.send(db, sms, REPLY, sender="agent", language="ko")
    outbound.send(db, sms, LONG, sender="agent", language="ko")  # several LMS parts
    outbound.send(db, portal, REPLY, sender="agent", language="ko")
    outbound.send_many(db, [outbound.Outgoing(t, f"{REPLY} ({i})") for i, t in enumerate(bulk)]
                       + [outbound.Outgoing(portal, REPLY), outbound.Outgoing(sms, LONG)])
    outbound.enqueue_sms(db, CITIZEN, segment(REPLY), "visible_ars:77")  # a clear number
    db.commit()
    return [outbox.opened_payload(db, item)["text"]
            for item in db.scalars(select(OutboxItem).order_by(OutboxItem.idempotency_key))]


def test_a_pending_item_holds_no_raw_number_or_text(db: Session) -> None:
    texts = _waiting(db)
    _assert_no_raw(db)
    assert REPLY in texts and f"{REPLY} (29)" in texts
    assert sum("010-3456-7890" in t for t in texts) >= 3 + 30  # sent as written, LMS included
    clear = db.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == "visible_ars:77:0"))
    assert clear is not None and clear.payload["to_masked"] == "010-****-1234"
    assert outbox.opened_payload(db, clear)["to"] == CITIZEN
    assert vault.open_one(db, outbox.TO_KIND, clear.id) == CITIZEN


def test_a_retrying_item_holds_no_raw_number_or_text(database_url: str, db: Session) -> None:
    """A failed attempt leaves the item at rest, and an error quoting the number is masked."""
    texts = _waiting(db)
    seen: list[dict[str, Any]] = []

    async def refuse(payload: dict[str, Any], key: str) -> str | None:
        seen.append(dict(payload))
        raise outbox.DeliveryError(f"busy for {payload['to']}: {payload['text'][:40]}")

    report = asyncio.run(outbox.deliver_due(
        lambda: new_session(database_url),
        {"sms.send": refuse, "messenger.generic": refuse}))
    assert report.retried == len(texts) and not report.sent
    assert sorted(p["text"] for p in seen) == sorted(texts)  # each offered as written
    assert CITIZEN in [p["to"] for p in seen] and USER in [p["to"] for p in seen]
    _assert_no_raw(db)
    assert {s for s in db.scalars(select(OutboxItem.status))} == {"pending"}


def _worker(database_url: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`dasan channels worker --once` in its own process: it shares only the database and the
    key ring's configuration with this one."""
    return subprocess.run(
        [sys.executable, "-c", "import sys; from dasan.cli import main; "
         "sys.argv = ['dasan', 'channels', 'worker', '--once']; main()"],
        env={**os.environ, "DASAN_DATABASE_URL": database_url, **env},
        capture_output=True, text=True, timeout=180)


def test_a_worker_in_another_process_sends_them_as_written(
        database_url: str, db: Session, receiver: Any) -> None:
    texts = _waiting(db)
    gateway = receiver(0)
    env = {"DASAN_SMS_ADAPTER": "http", "DASAN_SMS_GATEWAY_URL": gateway.url,
           "DASAN_SMS_GATEWAY_BATCH": "10", "DASAN_MESSENGER_SECRET": "rest-secret-0123456789",
           "DASAN_MESSENGER_REPLY_URL": f"{gateway.url}/reply"}
    done = _worker(database_url, env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"sent {len(texts)}," in done.stdout
    log = gateway.log()
    bodies = [e["body"] for e in log]
    assert sorted(b["text"] for b in bodies) == sorted(texts)  # as written, the raw number in
    assert {b["to"] for b in bodies} >= {CITIZEN, USER, "01055550029"}
    rows = _rows(db)
    assert {s for s in db.scalars(select(OutboxItem.status))} == {"sent"}
    _assert_no_raw(db)
    assert len(rows) == len(texts)
    ids = list(rows)
    assert not vault.open_many(db, outbox.TEXT_KIND, ids)  # no sealed copy left once sent
    assert not vault.open_many(db, outbox.TO_KIND, ids)
