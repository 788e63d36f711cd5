"""The SMPP 3.4 adapter against an SMSC process: KS C 5601 and UCS-2, LMS in message_payload,
a throttled first submit retried by the outbox, delivery receipts and a citizen's MO."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels import outbound, outbox
from dasan.channels.senders import build_senders, sms_gateway_from_settings
from dasan.channels.sms import service
from dasan.channels.sms.port import DeliveryReceipt, InboundSms
from dasan.channels.sms.smpp_gateway import SmppGateway
from dasan.channels.threads import open_thread
from dasan.db.models_channels import ChannelMessage, WrittenThread
from dasan.db.session import new_session

HERE = Path(__file__).parent


class _Done(Exception):
    """All expected inbound events were seen."""


@pytest.fixture
def smsc(tmp_path: Path) -> Any:
    log = tmp_path / "smsc.jsonl"
    proc = subprocess.Popen([sys.executable, str(HERE / "smsc.py"), str(log)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    port = int(proc.stdout.readline().strip())
    yield port, log
    proc.terminate()
    proc.wait(timeout=10)


def test_smpp_send_receipts_and_mo(db: Session, database_url: str, kb: dict[str, int],
                                   smsc: Any, channel_env: Any) -> None:
    port, log = smsc
    channel_env(sms_adapter="smpp", smpp_port=str(port), outbox_backoff_seconds="0.01")
    thread = open_thread(db, channel="sms", contact_key="hash-1", language="ko",
                         subject="문의", reply_address="01012345678")
    long_ko = "기후동행카드는 지하철과 버스를 30일 동안 무제한 이용할 수 있습니다. " * 4
    a = outbound.send(db, thread, long_ko, sender="agent", language="ko")
    b = outbound.send(db, thread, "Xin chào, đây là câu trả lời.", sender="agent",
                      language="vi")
    db.commit()

    gateway = sms_gateway_from_settings()
    assert isinstance(gateway, SmppGateway)
    seen: list[Any] = []

    async def run() -> outbox.DeliveryReport:
        report = await outbox.drain(lambda: new_session(database_url), build_senders(gateway))

        async def handle(event: InboundSms | DeliveryReceipt | str) -> None:
            seen.append(event)
            with new_session(database_url) as s:
                if isinstance(event, DeliveryReceipt):
                    service.apply_receipt(s, event)
                elif isinstance(event, InboundSms):
                    service.receive(s, event)
                s.commit()
            if len(seen) >= 3:
                raise _Done

        with contextlib.suppress(_Done):
            await asyncio.wait_for(gateway.receive(handle), timeout=60)
        await gateway.close()
        return report

    report = asyncio.run(run())
    assert report.sent == 2 and report.retried == 1 and report.dead == 0
    sent = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    by_dc = {m["dc"]: m for m in sent}
    assert by_dc[0x0E]["text"] == long_ko.strip() and by_dc[0x0E]["payload_tlv"] is True
    assert by_dc[0x08]["text"] == "Xin chào, đây là câu trả lời."
    assert sum(isinstance(e, DeliveryReceipt) for e in seen) == 2
    assert sum(isinstance(e, InboundSms) for e in seen) == 1
    db.expire_all()
    statuses = {db.get(ChannelMessage, x.channel_message.id).delivery_status  # type: ignore
                for x in (a, b)}
    assert statuses == {"delivered"}
    mo = db.scalar(select(WrittenThread).where(WrittenThread.id != thread.id))
    assert mo is not None and mo.bot_answered and mo.reply_address == "010-****-8888"  # sealed; masked here
