"""Bad input gets a clean SIP answer or a timeout: never a stuck call, a crash or a lost CDR."""

from __future__ import annotations

import asyncio
import socket

import pytest
from sqlalchemy import func, select
from voice_helpers import publish_short_flow, run_sipp, settled

from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SDP = ("v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       "m=audio {port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
       "a=rtpmap:101 telephone-event/8000\r\n")


def invite(gw_port: int, my_port: int, call_id: str, branch: str, user: str = "120") -> bytes:
    body = SDP.format(port=my_port + 2).encode()
    head = (f"INVITE sip:{user}@127.0.0.1:{gw_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{my_port};branch={branch}\r\n"
            f"From: <sip:01099998888@127.0.0.1:{my_port}>;tag=abc\r\n"
            f"To: <sip:{user}@127.0.0.1>\r\nCall-ID: {call_id}\r\nCSeq: 1 INVITE\r\n"
            f"Contact: <sip:01099998888@127.0.0.1:{my_port}>\r\nMax-Forwards: 70\r\n"
            f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


class Client:
    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    async def send(self, data: bytes, port: int) -> None:
        self.sock.sendto(data, ("127.0.0.1", port))

    async def recv(self, timeout: float = 3.0) -> str:
        loop = asyncio.get_running_loop()
        data = await asyncio.wait_for(loop.sock_recv(self.sock, 65535), timeout)
        return data.decode(errors="replace")

    async def status_codes(self, n: int) -> list[int]:
        return [int((await self.recv()).split()[1]) for _ in range(n)]


async def test_unknown_number_gets_404(gateway_factory, database_url: str) -> None:
    gw = await gateway_factory()
    result = await run_sipp("caller_unknown_number.xml", gw.port)
    assert result.returncode == 0, result.output
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count(VoiceCall.id))) == 0


async def test_unsupported_codec_gets_488(gateway_factory, database_url: str) -> None:
    gw = await gateway_factory()
    result = await run_sipp("caller_g729_only.xml", gw.port)
    assert result.returncode == 0, result.output
    assert not gw.calls


async def test_call_without_media_times_out_with_a_record(gateway_factory,
                                                          database_url: str) -> None:
    publish_short_flow(database_url, main_menu={"retries": 5, "timeout": 30})
    gw = await gateway_factory(media_timeout=1.5)
    result = await run_sipp("caller_no_media.xml", gw.port)  # expects the gateway's BYE
    assert result.returncode == 0, result.output
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.end_reason == "no_media" and call.outcome == "abandoned_in_ars"
        assert call.ended_at is not None


async def test_retransmitted_invite_is_absorbed(gateway_factory, database_url: str) -> None:
    publish_short_flow(database_url)
    gw = await gateway_factory()
    client = Client()
    msg = invite(gw.port, client.port, "retrans-1@test", "z9hG4bKretrans1")
    await client.send(msg, gw.port)
    assert await client.status_codes(2) == [100, 200]
    await client.send(msg, gw.port)  # the same INVITE again (our ACK "was lost")
    again = await client.recv()
    assert again.startswith("SIP/2.0 200"), again  # the 200 again, not 481 and no new call
    assert gw.endpoint.stats["retransmissions_absorbed"] == 1
    assert len(gw.calls) == 1
    bye = (f"BYE sip:120@127.0.0.1:{gw.port} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP 127.0.0.1:{client.port};branch=z9hG4bKbye1\r\n"
           f"From: <sip:01099998888@127.0.0.1>;tag=abc\r\nTo: <sip:120@127.0.0.1>;tag=x\r\n"
           f"Call-ID: retrans-1@test\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n").encode()
    await client.send(bye, gw.port)
    for _ in range(10):  # 200 retransmissions may come first
        line = await client.recv()
        if "CSeq: 2 BYE" in line:
            assert line.startswith("SIP/2.0 200")
            break
    await settled(gw)
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count(VoiceCall.id))) == 1
        assert s.scalars(select(VoiceCall)).one().outcome == "abandoned_in_ars"


async def test_malformed_requests_are_dropped_or_refused(gateway_factory) -> None:
    gw = await gateway_factory()
    client = Client()
    await client.send(b"\x00\xff garbage \r\n\r\n", gw.port)
    await client.send(b"INVITE nothing\r\n\r\n", gw.port)
    no_call_id = (f"OPTIONS sip:120@127.0.0.1 SIP/2.0\r\n"
                  f"Via: SIP/2.0/UDP 127.0.0.1:{client.port};branch=z9hG4bKm1\r\n"
                  f"From: <sip:a@b>;tag=1\r\nTo: <sip:120@b>\r\nCSeq: 1 OPTIONS\r\n\r\n")
    await client.send(no_call_id.encode(), gw.port)
    assert (await client.recv()).startswith("SIP/2.0 400")
    bad_cseq = no_call_id.replace("CSeq: 1 OPTIONS", "Call-ID: m@t\r\nCSeq: one OPTIONS")
    await client.send(bad_cseq.encode(), gw.port)
    assert (await client.recv()).startswith("SIP/2.0 400")
    bye_unknown = no_call_id.replace("OPTIONS", "BYE").replace("CSeq: 1 BYE",
                                                               "Call-ID: none@t\r\nCSeq: 1 BYE")
    await client.send(bye_unknown.encode(), gw.port)
    assert (await client.recv()).startswith("SIP/2.0 481")
    options = no_call_id.replace("CSeq: 1 OPTIONS", "Call-ID: ok@t\r\nCSeq: 1 OPTIONS")
    await client.send(options.replace("z9hG4bKm1", "z9hG4bKm2").encode(), gw.port)
    assert (await client.recv()).startswith("SIP/2.0 200")  # still answering
    assert gw.endpoint.stats["malformed"] >= 3


async def test_invite_flood_gets_503_and_no_stuck_calls(gateway_factory,
                                                        database_url: str) -> None:
    publish_short_flow(database_url)
    gw = await gateway_factory(invite_rate=5.0)
    client = Client()
    for i in range(30):
        await client.send(invite(gw.port, client.port, f"flood-{i}@t", f"z9hG4bKf{i}"),
                          gw.port)
    codes: list[int] = []
    for _ in range(200):
        try:
            text = await client.recv(timeout=1.0)
        except TimeoutError:
            break
        if "CSeq: 1 INVITE" in text:
            codes.append(int(text.split()[1]))
    assert 503 in codes
    assert codes.count(503) >= 20  # about five a second get through
    assert gw.stats["rejected_rate"] == codes.count(503)
    for call in list(gw.calls.values()):  # the admitted ones hang up
        call.caller_gone = True
        gw._end(call)
    await settled(gw)
    with session_scope(database_url) as s:
        calls = list(s.scalars(select(VoiceCall)))
        assert calls and all(c.ended_at is not None for c in calls)
