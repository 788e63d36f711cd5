"""One RTP leg: a UDP socket, paced sending, DTMF detection, recording and relaying.

Sending is paced on absolute 20 ms deadlines of the event loop clock (so a late wake-up is
caught up instead of drifting). Receiving is symmetric: the remote address is latched from the
first packet, which lets calls behind NAT work. A bridged leg forwards each audio packet
to its partner leg as it arrives (re-encoded only when the two legs chose different codecs).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from dasan.voice.media import audio
from dasan.voice.media.dtmf import DtmfDetector

if TYPE_CHECKING:
    from dasan.voice.media.mixer import Conference

MAX_DIGITS_QUEUED = 32


class PortPool:
    """Even RTP ports from a range, handed out round-robin and returned on close."""

    def __init__(self, low: int, high: int) -> None:
        self._free = list(range(low + low % 2, high, 2))
        random.shuffle(self._free)
        self._used: set[int] = set()

    async def open(self, host: str, remote: tuple[str, int], payload_type: int,
                   dtmf_pt: int | None) -> RtpLeg:
        loop = asyncio.get_running_loop()
        for _ in range(min(64, len(self._free))):
            port = self._free.pop(0)
            self._free.append(port)
            if port in self._used:
                continue
            # Bind here rather than through local_addr=: that resolves the address in the
            # default thread pool, where it would queue behind database work and delay answers.
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                sock.bind((host, port))
            except OSError:
                sock.close()
                continue
            sock.setblocking(False)
            _, leg = await loop.create_datagram_endpoint(
                lambda: RtpLeg(remote, payload_type, dtmf_pt), sock=sock)
            self._used.add(port)
            leg.port = port
            leg.on_close = lambda p=port: self._used.discard(p)
            return leg
        raise OSError("no free RTP port")


class RtpLeg(asyncio.DatagramProtocol):
    def __init__(self, remote: tuple[str, int], payload_type: int, dtmf_pt: int | None) -> None:
        self.remote = remote
        self.pt = payload_type
        self.dtmf_pt = dtmf_pt
        self.port = 0
        self.transport: asyncio.DatagramTransport | None = None
        self.digits: asyncio.Queue[str] = asyncio.Queue(MAX_DIGITS_QUEUED)
        self.digit_arrived = asyncio.Event()
        self.last_rx = time.monotonic()
        self.rx_packets = 0
        self.dropped_digits = 0
        self.partner: RtpLeg | None = None
        self.recorder: audio.LegRecorder | None = None
        self.on_close: Callable[[], None] | None = None
        self.muted = False  # hold: drop what the caller sends to the partner
        self.mixer: Conference | None = None  # in a conference: audio goes to the mixer
        self._dtmf = DtmfDetector()
        self._seq = random.randint(0, 0xFFFF)
        self._ts = random.randint(0, 0xFFFFFFFF)
        self._ssrc = random.randint(1, 0xFFFFFFFF)
        self._latched = False
        self._marker = True
        self.gaps: list[float] = []  # inter-arrival times while bridged (jitter figures)
        self._prev_rx = 0.0

    # --- socket -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def close(self) -> None:
        if self.recorder:
            self.recorder.close()
            self.recorder = None
        if self.transport:
            self.transport.close()
            self.transport = None
        if self.on_close:
            self.on_close()
            self.on_close = None

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        if len(data) < 12 or data[0] >> 6 != 2:
            return
        pt = data[1] & 0x7F
        if 72 <= pt <= 76:  # RTCP on the RTP port (rtcp-mux): ignore
            return
        now = time.monotonic()
        self.last_rx = now
        self.rx_packets += 1
        if not self._latched:
            self.remote, self._latched = addr, True
        cc = data[0] & 0x0F
        offset = 12 + 4 * cc
        if data[0] & 0x10 and len(data) >= offset + 4:  # header extension
            offset += 4 + 4 * struct.unpack_from("!H", data, offset + 2)[0]
        payload = data[offset:]
        if pt == self.dtmf_pt and pt is not None:
            digit = self._dtmf.feed(struct.unpack_from("!I", data, 4)[0], payload)
            if digit is not None:
                try:
                    self.digits.put_nowait(digit)
                except asyncio.QueueFull:
                    self.dropped_digits += 1  # a DTMF storm: keep the first ones
                self.digit_arrived.set()
            return
        if pt != self.pt:
            return
        if self.mixer is not None:
            self.mixer.push(self, payload)
        partner = self.partner
        if partner is not None:
            if self._prev_rx:
                self.gaps.append(now - self._prev_rx)
            self._prev_rx = now
            if not self.muted and not partner.muted:
                if partner.pt == self.pt:
                    partner.send_raw(data)
                else:
                    partner.send_audio(audio.encode(partner.pt, audio.decode(self.pt, payload)))
        if self.recorder is not None:
            self.recorder.write_g711(self.pt, payload)

    def error_received(self, exc: Exception) -> None:
        return None

    # --- sending ------------------------------------------------------------------------

    def send_raw(self, packet: bytes) -> None:
        if self.transport is not None:
            self.transport.sendto(packet, self.remote)

    def send_audio(self, payload: bytes, samples: int | None = None) -> None:
        if self.transport is None:
            return
        header = struct.pack("!BBHII", 0x80, (0x80 if self._marker else 0) | self.pt,
                             self._seq, self._ts, self._ssrc)
        self._marker = False
        self._seq = (self._seq + 1) & 0xFFFF
        self._ts = (self._ts + (samples or len(payload))) & 0xFFFFFFFF
        self.transport.sendto(header + payload, self.remote)

    def take_digit(self) -> str | None:
        with contextlib.suppress(asyncio.QueueEmpty):
            d = self.digits.get_nowait()
            if self.digits.empty():
                self.digit_arrived.clear()
            return d
        self.digit_arrived.clear()
        return None

    async def play(self, pcm: bytes, *, barge_in: bool = True) -> bool:
        """Send PCM paced at 20 ms; True if a digit interrupted it (barge-in)."""
        loop = asyncio.get_running_loop()
        encoded = audio.encode(self.pt, pcm)
        n = audio.FRAME_SAMPLES
        start = loop.time()
        self._marker = True
        for i, off in enumerate(range(0, len(encoded), n)):
            if barge_in and not self.digits.empty():
                return True
            frame = encoded[off:off + n]
            if len(frame) < n:
                frame = frame + audio.encode(self.pt, b"\x00\x00" * (n - len(frame)))
            self.send_audio(frame, n)
            delay = start + (i + 1) * 0.020 - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
        return barge_in and not self.digits.empty()

    async def loop_play(self, pcm: bytes) -> None:
        """Hold audio: play `pcm` again and again until cancelled."""
        while True:
            await self.play(pcm, barge_in=False)

    async def wait_digit(self, timeout: float) -> str | None:
        digit = self.take_digit()
        if digit is not None:
            return digit
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.digit_arrived.wait(), timeout)
        return self.take_digit()
