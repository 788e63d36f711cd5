"""SIP over UDP: one asyncio datagram endpoint with RFC 3261 transaction basics.

* Server transactions are keyed by the top Via branch and method. A retransmitted request is
  answered with the last response sent for it (a retransmitted INVITE is absorbed, never
  answered 481), and a request is handed to the call handler once.
* A 2xx to INVITE is retransmitted (T1 doubling up to T2) until its ACK arrives; after 64*T1
  the handler hears `on_ack_timeout` and ends the call.
* Client transactions retransmit their request (timer A/E) until a response arrives, give up
  after 64*T1, and ACK non-2xx finals to INVITE themselves.
* Garbage, oversize and header-less datagrams are counted and dropped; a parseable request that
  lacks a mandatory header gets 400.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from aiosipua import SipRequest, SipResponse

from dasan.voice.sip import messages as m

log = logging.getLogger(__name__)

T1 = 0.5
T2 = 4.0
TX_LIFETIME = 64 * T1
MAX_DATAGRAM = 16_384


@dataclass
class ServerTx:
    request: SipRequest
    peer: m.Peer
    method: str
    created: float = field(default_factory=time.monotonic)
    last: bytes | None = None
    final_code: int = 0
    acked: bool = False


@dataclass
class ClientTx:
    branch: str
    method: str
    data: bytes
    peer: m.Peer
    responses: asyncio.Queue[SipResponse | None] = field(default_factory=asyncio.Queue)
    got_response: bool = False
    final: bool = False
    ack: bytes | None = None
    created: float = field(default_factory=time.monotonic)
    task: asyncio.Task[None] | None = None


class Handler(Protocol):
    def on_request(self, tx: ServerTx) -> None: ...

    def on_ack(self, req: SipRequest, peer: m.Peer) -> None: ...

    def on_ack_timeout(self, call_id: str) -> None: ...


class SipEndpoint(asyncio.DatagramProtocol):
    def __init__(self, handler: Handler, host: str, port: int) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self.transport: asyncio.DatagramTransport | None = None
        self.stats: Counter[str] = Counter()
        self._server: dict[tuple[str, str], ServerTx] = {}
        self._client: dict[str, ClientTx] = {}
        self._unacked: dict[str, asyncio.Task[None]] = {}
        self._gc: asyncio.Task[None] | None = None

    # --- lifecycle ----------------------------------------------------------------------

    @classmethod
    async def start(cls, handler: Handler, host: str, port: int) -> SipEndpoint:
        loop = asyncio.get_running_loop()
        ep = cls(handler, host, port)
        transport, _ = await loop.create_datagram_endpoint(lambda: ep, local_addr=(host, port))
        ep.port = transport.get_extra_info("sockname")[1]
        ep._gc = asyncio.create_task(ep._collect())
        return ep

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def close(self) -> None:
        if self._gc:
            self._gc.cancel()
        for task in self._unacked.values():
            task.cancel()
        for tx in self._client.values():
            if tx.task:
                tx.task.cancel()
        if self.transport:
            self.transport.close()

    async def _collect(self) -> None:
        while True:
            await asyncio.sleep(2.0)
            now = time.monotonic()
            for key in [k for k, tx in self._server.items() if now - tx.created > TX_LIFETIME]:
                del self._server[key]
            for branch in [k for k, ctx in self._client.items()
                           if now - ctx.created > TX_LIFETIME + 5]:
                done = self._client.pop(branch)
                if done.task:
                    done.task.cancel()

    # --- sending ------------------------------------------------------------------------

    def send(self, data: bytes, peer: m.Peer) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.sendto(data, peer.addr)

    def respond(self, tx: ServerTx, code: int, reason: str, **kw: object) -> None:
        data = m.response(tx.request, code, reason, **kw)  # type: ignore[arg-type]
        tx.last = data
        if code >= 200:
            tx.final_code = code
        self.send(data, tx.peer)
        if tx.method == "INVITE" and 200 <= code < 300:
            call_id = tx.request.get_header("Call-ID") or ""
            old = self._unacked.pop(call_id, None)
            if old:
                old.cancel()
            self._unacked[call_id] = asyncio.create_task(self._retransmit_2xx(call_id, data,
                                                                              tx.peer))

    async def _retransmit_2xx(self, call_id: str, data: bytes, peer: m.Peer) -> None:
        interval, waited = T1, 0.0
        while waited < TX_LIFETIME:
            await asyncio.sleep(interval)
            waited += interval
            if call_id not in self._unacked:
                return
            self.stats["2xx_retransmitted"] += 1
            self.send(data, peer)
            interval = min(interval * 2, T2)
        if self._unacked.pop(call_id, None) is not None:
            self.handler.on_ack_timeout(call_id)

    def stop_2xx(self, call_id: str) -> None:
        task = self._unacked.pop(call_id, None)
        if task:
            task.cancel()

    def request(self, data: bytes, peer: m.Peer, branch: str, method: str) -> ClientTx:
        tx = ClientTx(branch, method, data, peer)
        self._client[f"{branch}:{method}"] = tx
        self.send(data, peer)
        if method != "ACK":
            tx.task = asyncio.create_task(self._retransmit_request(tx))
        return tx

    async def _retransmit_request(self, tx: ClientTx) -> None:
        interval, waited = T1, 0.0
        while waited < TX_LIFETIME:
            await asyncio.sleep(interval)
            waited += interval
            if tx.final or (tx.method == "INVITE" and tx.got_response):
                return
            self.send(tx.data, tx.peer)
            interval = interval * 2 if tx.method == "INVITE" else min(interval * 2, T2)
        if not tx.final:
            tx.responses.put_nowait(None)  # timer B/F: the peer never answered

    def forget(self, tx: ClientTx) -> None:
        if tx.task:
            tx.task.cancel()
        self._client.pop(f"{tx.branch}:{tx.method}", None)

    # --- receiving ----------------------------------------------------------------------

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        if not data.strip():
            return  # CRLF keep-alive
        if len(data) > MAX_DATAGRAM:
            self.stats["oversize"] += 1
            return
        peer = m.Peer(addr[0], addr[1])
        try:
            msg = m.parse(data)
        except m.SipParseError:
            self.stats["malformed"] += 1
            return
        try:
            if isinstance(msg, SipResponse):
                self._on_response(msg)
            else:
                self._on_request(msg, peer)
        except m.SipParseError:
            self.stats["malformed"] += 1
            if isinstance(msg, SipRequest) and msg.get_header("Via") and msg.method != "ACK":
                self.send(m.response(msg, 400, "Bad Request"), peer)
        except Exception:  # one bad message must never take the gateway down
            self.stats["handler_errors"] += 1
            log.exception("error handling a SIP message from %s", peer)

    def _on_request(self, req: SipRequest, peer: m.Peer) -> None:
        missing = m.missing_headers(req)
        if missing:
            self.stats["malformed"] += 1
            if "Via" not in missing and req.method != "ACK":
                self.send(m.response(req, 400, f"Missing {', '.join(missing)}"), peer)
            return
        _, cseq_method = m.cseq(req)
        if cseq_method != req.method:
            raise m.SipParseError("CSeq method differs from the request method")
        branch = m.top_branch(req) or f"{req.get_header('Call-ID')}|{req.get_header('CSeq')}"
        if req.method == "ACK":
            tx = self._server.get((branch, "INVITE"))
            if tx is not None and tx.final_code >= 300:
                tx.acked = True  # ACK of our error answer: the transaction is done
                return
            self.stop_2xx(req.get_header("Call-ID") or "")
            self.handler.on_ack(req, peer)
            return
        key = (branch, req.method)
        existing = self._server.get(key)
        if existing is not None:
            self.stats["retransmissions_absorbed"] += 1
            if existing.last is not None:
                self.send(existing.last, existing.peer)
            return
        tx = ServerTx(req, peer, req.method)
        self._server[key] = tx
        self.handler.on_request(tx)

    def invite_tx(self, branch: str) -> ServerTx | None:
        return self._server.get((branch, "INVITE"))

    def _on_response(self, res: SipResponse) -> None:
        try:
            _, method = m.cseq(res)
        except m.SipParseError:
            method = ""
        tx = self._client.get(f"{m.top_branch(res)}:{method}")
        if tx is None:
            self.stats["stray_responses"] += 1
            return
        code = res.status_code
        if tx.final and code >= 200:
            if tx.ack is not None:  # retransmitted final: repeat our ACK
                self.send(tx.ack, tx.peer)
            return
        tx.got_response = True
        if code >= 200:
            tx.final = True
            if tx.method == "INVITE" and code >= 300:
                tx.ack = self._ack_for_error(tx, res)
                self.send(tx.ack, tx.peer)
        tx.responses.put_nowait(res)

    def _ack_for_error(self, tx: ClientTx, res: SipResponse) -> bytes:
        first = tx.data.split(b"\r\n", 1)[0].decode()
        uri = first.split()[1]
        sent = m.parse(tx.data)
        number, _ = m.cseq(sent)
        return m.request(
            "ACK", uri, via_host=self.host, via_port=self.port, branch=tx.branch,
            from_=sent.get_header("From") or "", to=res.get_header("To") or "",
            call_id=sent.get_header("Call-ID") or "", cseq_no=number,
        )

    def error_received(self, exc: Exception) -> None:
        self.stats["socket_errors"] += 1

    async def wait_response(self, tx: ClientTx, timeout: float) -> SipResponse | None:
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(tx.responses.get(), timeout)
        return None
