"""What an outbox item keeps (ADR 0005, issue 12): a reply goes out as written, but the row never
holds its raw text or a clear number - while it waits (pending, retrying) they are sealed in the
vault under the item's id and the payload keeps masked forms; once it is sent the sealed copies
are gone; once it is dead they are kept, and a requeued item opens them again for its send (in
memory only)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels import outbound, outbox
from dasan.channels.sms.encoding import segment
from dasan.channels.threads import open_thread
from dasan.db.models_channels import OutboxItem
from dasan.db.models_privacy import SealedText
from dasan.db.session import new_session
from dasan.privacy import vault

REPLY = "담당 주무관 휴대전화 010-3456-7890 로 연락 주세요"
RAW_PHONE, MASKED_PHONE = "3456-7890", "010-****-7890"
CITIZEN = "01055551234"


def _reply(db: Session, text: str = REPLY, channel: str = "sms") -> OutboxItem:
    thread = open_thread(db, channel=channel, contact_key=f"settle-{channel}", language="ko",
                         subject="문의", reply_address=CITIZEN,
                         provider="generic" if channel == "portal" else None)
    outbound.send(db, thread, text, sender="agent", language="ko")
    db.commit()
    item = db.scalars(select(OutboxItem).order_by(OutboxItem.id.desc())).first()
    assert item is not None and RAW_PHONE not in str(item.payload)  # pending: sealed
    assert outbox.opened_payload(db, item)["text"] == text  # what it must send
    return item


def _deliver(url: str, kind: str, fail: bool = False) -> tuple[outbox.DeliveryReport, list[Any]]:
    seen: list[Any] = []

    async def sender(payload: dict[str, Any], key: str) -> str | None:
        seen.append(dict(payload))
        if fail:
            raise outbox.DeliveryError("refused", retryable=False)
        return "p-1"

    return asyncio.run(outbox.deliver_due(lambda: new_session(url), {kind: sender})), seen


def _stored(db: Session, item_id: int) -> dict[str, Any]:
    db.expire_all()
    payload = db.scalar(select(OutboxItem.payload).where(OutboxItem.id == item_id))
    assert payload is not None
    return dict(payload)


def test_a_sent_reply_keeps_only_its_masked_text(database_url: str, db: Session) -> None:
    for channel, kind in (("sms", "sms.send"), ("portal", "messenger.generic")):
        item = _reply(db, channel=channel)
        report, seen = _deliver(database_url, kind)
        assert report.sent == 1 and seen[0]["text"] == REPLY  # sent as written
        kept = _stored(db, item.id)
        assert RAW_PHONE not in str(kept) and MASKED_PHONE in kept["text"], channel
        assert not db.scalar(select(SealedText.id).where(SealedText.kind == outbox.TEXT_KIND))


def test_a_sent_clear_number_is_kept_masked(database_url: str, db: Session) -> None:
    """An item enqueued with a clear number (a visible-ARS link, a 동 centre's SMS): the number
    is not kept in clear once sent."""
    outbound.enqueue_sms(db, CITIZEN, segment(REPLY), "settle-clear")
    db.commit()
    report, seen = _deliver(database_url, "sms.send")
    assert report.sent == 1 and seen[0]["to"] == CITIZEN
    [kept] = [p for p in db.scalars(select(OutboxItem.payload))]
    assert CITIZEN not in str(kept) and RAW_PHONE not in str(kept)
    assert kept["to_masked"] == "010-****-1234"


def test_a_dead_reply_is_masked_with_its_raw_text_sealed_and_a_requeue_sends_it(
        database_url: str, db: Session) -> None:
    item = _reply(db)
    outbound.enqueue_sms(db, CITIZEN, segment(REPLY), "settle-dead-clear")
    db.commit()
    report, _ = _deliver(database_url, "sms.send", fail=True)
    assert report.dead == 2
    clear = db.scalar(select(OutboxItem.id).where(OutboxItem.idempotency_key.like(
        "settle-dead-clear%")))
    assert clear is not None
    for item_id in (item.id, clear):
        kept = _stored(db, item_id)
        assert RAW_PHONE not in str(kept) and CITIZEN not in str(kept)
        assert MASKED_PHONE in kept["text"]
        assert vault.open_one(db, outbox.TEXT_KIND, item_id) == REPLY
    assert vault.open_one(db, outbox.TO_KIND, clear) == CITIZEN

    # an operator requeues them: they go out as written, to the right numbers
    for item_id in (item.id, clear):
        assert outbox.requeue(db, item_id) is not None
    db.commit()
    report, seen = _deliver(database_url, "sms.send")
    assert report.sent == 2 and [p["text"] for p in seen] == [REPLY, REPLY]
    assert [p["to"] for p in seen] == [CITIZEN, CITIZEN]
    for item_id in (item.id, clear):
        kept = _stored(db, item_id)
        assert RAW_PHONE not in str(kept) and CITIZEN not in str(kept)
        assert vault.open_one(db, outbox.TEXT_KIND, item_id) is None  # no longer needed
        assert vault.open_one(db, outbox.TO_KIND, item_id) is None


def test_a_retried_item_keeps_what_it_must_send_sealed(database_url: str, db: Session) -> None:
    item = _reply(db)

    async def flaky(payload: dict[str, Any], key: str) -> str | None:
        raise outbox.DeliveryError("busy")  # retryable

    report = asyncio.run(outbox.deliver_due(lambda: new_session(database_url),
                                            {"sms.send": flaky}))
    assert report.retried == 1
    kept = _stored(db, item.id)
    assert MASKED_PHONE in kept["text"] and "to" not in kept  # the number: a sealed reference
    assert vault.open_one(db, outbox.TEXT_KIND, item.id) == REPLY
