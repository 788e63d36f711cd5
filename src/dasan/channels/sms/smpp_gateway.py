"""SMPP 3.4 adapter (carriers / SMSCs) on `smpp34` (MIT, asyncio, Rust codec; PyPI).

Korean text goes as KS C 5601 (SMPP 3.4 `data_coding` 0x0E, cp949 bytes); text outside KS X
1001 (emoji, Vietnamese letters) as UCS-2 (0x08). Short messages ride in `short_message`;
anything longer than 140 octets rides in the `message_payload` TLV (SMPP 3.4, 5.3.2.32), which
is how an LMS of up to 2,000 bytes travels. Inbound `deliver_sm` is either a citizen's message
(MO) or, with `esm_class` bit 0x04, a delivery receipt whose text carries "id:... stat:...".
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import Awaitable, Callable

import smpp34

from dasan.channels.outbox import DeliveryError
from dasan.channels.sms.encoding import euc_kr_encodable
from dasan.channels.sms.port import DeliveryReceipt, InboundSms, OutboundSms

DC_DEFAULT = 0x00
DC_LATIN1 = 0x03
DC_UCS2 = 0x08
DC_KSC5601 = 0x0E
SHORT_MESSAGE_OCTETS = 140
ESM_RECEIPT = 0x04
# SMPP 3.4 numbers (spec 5.3.2.32 and 5.1.3); smpp34 re-exports them only at run time.
TLV_MESSAGE_PAYLOAD = 0x0424
ESME_RSYSERR = 0x08
ESME_RMSGQFUL = 0x14
ESME_RTHROTTLED = 0x58
_RECEIPT = re.compile(r"id:(?P<id>\S+).*?stat:(?P<stat>\w+)", re.IGNORECASE | re.DOTALL)


def encode_text(text: str) -> tuple[int, bytes]:
    """(data_coding, octets) for a message."""
    if text.isascii():
        return DC_DEFAULT, text.encode("ascii")
    if euc_kr_encodable(text):
        return DC_KSC5601, text.encode("cp949")
    return DC_UCS2, text.encode("utf-16-be")


def decode_text(data_coding: int, octets: bytes) -> str:
    dc = data_coding & 0x0F if data_coding & 0xF0 == 0xF0 else data_coding
    if dc == DC_UCS2:
        return octets.decode("utf-16-be")
    if dc == DC_KSC5601:
        return octets.decode("cp949")
    if dc == DC_LATIN1:
        return octets.decode("latin-1")
    if dc == DC_DEFAULT:
        # GSM 7-bit default alphabet; SMSCs in Korea send ASCII here. Undecodable bytes are an
        # unknown encoding, not guessed.
        return octets.decode("ascii")
    raise UnicodeDecodeError("smpp", octets, 0, len(octets), f"data_coding {data_coding:#x}")


def _payload(tlvs: list[smpp34.Tlv]) -> bytes | None:
    for tlv in tlvs:
        if tlv.tag == TLV_MESSAGE_PAYLOAD:
            return tlv.value
    return None


InboundHandler = Callable[[InboundSms | DeliveryReceipt | str], Awaitable[None]]


def parse_deliver(ev: smpp34.DeliverSmEvent, provider: str = "smpp"
                  ) -> InboundSms | DeliveryReceipt | str:
    """A typed inbound SMS or receipt; a string describing the problem when undecodable."""
    octets = _payload(ev.tlvs) or ev.short_message
    try:
        text = decode_text(ev.data_coding, octets)
    except (UnicodeDecodeError, LookupError):
        return f"undecodable deliver_sm (data_coding {ev.data_coding:#x})"
    if ev.esm_class & ESM_RECEIPT:
        m = _RECEIPT.search(text)
        if m is None:
            return "delivery receipt without id/stat"
        stat = m.group("stat").upper()
        return DeliveryReceipt(provider=provider, provider_message_id=m.group("id"),
                               reference=None, delivered=stat == "DELIVRD", detail=stat)
    digits = "".join(ch for ch in ev.source_addr if ch.isdigit())
    return InboundSms(provider=provider, external_id=f"smpp-{uuid.uuid4().hex}", sender=digits,
                      recipient=ev.destination_addr, text=text)


class SmppGateway:
    """One bound transceiver session, reconnected on demand."""

    name = "smpp"

    def __init__(self, host: str, port: int, system_id: str, password: str,
                 connect_timeout_ms: int = 5000) -> None:
        self._client_args = (host, port, system_id, password)
        self._timeout = connect_timeout_ms
        self._client: smpp34.Client | None = None
        self._smsc: smpp34.Smsc | None = None
        self._lock = asyncio.Lock()

    async def session(self) -> smpp34.Smsc:
        async with self._lock:
            if self._smsc is None or self._client is None or not await self._client.is_alive():
                client = smpp34.Client(*self._client_args, bind_type="TRX",
                                       connect_timeout_ms=self._timeout)
                try:
                    self._smsc = await client.connect()
                except Exception as exc:  # bind refused, connection refused, timeout
                    raise DeliveryError(f"SMSC bind failed: {exc}") from exc
                self._client = client
            return self._smsc

    async def send(self, message: OutboundSms) -> str | None:
        smsc = await self.session()
        dc, octets = encode_text(message.text)
        short = len(octets) <= SHORT_MESSAGE_OCTETS
        tlvs = [] if short else [smpp34.Tlv(TLV_MESSAGE_PAYLOAD, octets)]
        try:
            resp = await smsc.submit_sm(
                message.to, octets if short else b"", source_addr=message.sender,
                data_coding=dc, registered_delivery=1, tlvs=tlvs)
        except Exception as exc:  # the session dropped mid-send: rebind next time
            self._smsc = None
            raise DeliveryError(f"submit_sm failed: {exc}") from exc
        if not resp.is_success:
            status = resp.command_status
            retryable = status in (ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR)
            raise DeliveryError(f"submit_sm refused: status {status:#x}", retryable=retryable)
        return resp.message_id

    async def receive(self, handler: InboundHandler) -> None:
        """Hand every inbound deliver_sm to `handler` until the session ends."""
        smsc = await self.session()
        while True:
            ev = await smsc.next()
            if isinstance(ev, smpp34.Disconnected):
                self._smsc = None
                return
            await handler(parse_deliver(ev))

    async def close(self) -> None:
        if self._smsc is not None:
            with contextlib.suppress(Exception):  # already gone
                await self._smsc.unbind()
        if self._client is not None:
            await self._client.stop()
        self._smsc = self._client = None
