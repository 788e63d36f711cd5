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
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from dasan.voice.media import audio
from dasan.voice.media.dtmf import DtmfDetector
from dasan.voice.media.rtp_header import media_payload_type

if TYPE_CHECKING:
    from dasan.voice.media.mixer import Conference
    from dasan.voice.media.relay import MediaRelay

MAX_DIGITS_QUEUED = 32
_PENDING: set[asyncio.Task[Any]] = set()  # legs coming back from the relay (strong refs)


class PortPool:
    """Even RTP ports from a range, handed out round-robin and returned on close."""

    def __init__(self, low: int, high: int, relay: MediaRelay | None = None) -> None:
        self.relay = relay  # bridged pairs are relayed there (ADR 0020); None: in the loop
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
            leg.port, leg.sock, leg.relay = port, sock, self.relay
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
        self._partner: RtpLeg | None = None
        self.recorder: audio.LegRecorder | None = None
        self.on_close: Callable[[], None] | None = None
        self._muted = False  # hold: drop what the caller sends to the partner
        # The media relay process (ADR 0020): while `relay_pair` is set the relay reads this
        # leg's socket (a duplicate) and the gateway only sends on its own descriptor.
        self.sock: socket.socket | None = None
        self.relay: MediaRelay | None = None
        self.relay_pair: int | None = None
        self.relay_index = 0
        self.relay_rx = 0  # rx_packets when handed to the relay (it counts from there)
        self._suspended: audio.WavRecorder | None = None
        self.mixer: Conference | None = None  # in a conference: audio goes to the mixer
        self.closed = False
        self._dtmf = DtmfDetector()
        self._seq = random.randint(0, 0xFFFF)
        self._ts = random.randint(0, 0xFFFFFFFF)
        self._ssrc = random.randint(1, 0xFFFFFFFF)
        self._latched = False
        self._marker = True
        self.gaps: list[float] = []  # inter-arrival times while bridged (jitter figures)
        self._prev_rx = 0.0

    # --- bridging (in this loop, or in the media relay process) ------------------------

    @property
    def partner(self) -> RtpLeg | None:
        return self._partner

    @partner.setter
    def partner(self, other: RtpLeg | None) -> None:
        """Bridge by pointing two legs at each other; the second assignment of the pair hands
        both to the media relay when there is one. Unpointing either leg of a relayed pair
        brings both back to this loop."""
        if other is self._partner:
            return
        if self.relay_pair is not None and self.relay is not None:
            self.relay.unbridge(self.relay_pair)
        self._partner = other
        if (other is not None and other._partner is self and self.relay is not None
                and self.relay_pair is None and other.relay_pair is None):
            self.relay.bridge(self, other)

    @property
    def muted(self) -> bool:
        return self._muted

    @muted.setter
    def muted(self, value: bool) -> None:
        self._muted = value
        if self.relay_pair is not None and self.relay is not None:
            self.relay.mute(self.relay_pair, self.relay_index, value)

    @property
    def relayed(self) -> bool:
        return self.relay_pair is not None

    def relayable(self) -> bool:
        """Only forwarding and plain WAV recording move to the relay process; a live
        transcription tap or a conference mixer keeps the leg in this loop."""
        rec = self.recorder
        return (self.sock is not None and self.transport is not None and self.mixer is None
                and (rec is None or type(rec) is audio.WavRecorder))

    def hand_over(self, relay: MediaRelay, pid: int, index: int
                  ) -> tuple[socket.socket, dict[str, object], Future[None] | None]:
        """Stop reading the socket here; what the relay needs to read it instead."""
        assert self.sock is not None and self.transport is not None
        keep = self.sock.dup()  # ours for sending (and for reading again later)
        self.transport.close()  # closes self.sock: the relay gets a copy of `keep`
        self.transport, self.sock = None, keep
        self.relay_pair, self.relay_index, self.relay_rx = pid, index, self.rx_packets
        wait: Future[None] | None = None
        wav: str | None = None
        rec = self.recorder
        if isinstance(rec, audio.WavRecorder) and not rec.closed:
            wait, wav, self._suspended = rec.suspend(), str(rec.path), rec
        spec: dict[str, object] = {"remote": self.remote, "latched": self._latched,
                                   "pt": self.pt, "dtmf_pt": self.dtmf_pt,
                                   "muted": self._muted, "wav": wav, "last_rx": self.last_rx}
        return keep, spec, wait

    def take_back(self, state: dict[str, Any] | None) -> None:
        """The relay has let go (or died): read the socket in this loop again."""
        self.relay_pair = None
        if state is not None:
            self.remote, self._latched = tuple(state["remote"]), state["latched"]
            self.last_rx = max(self.last_rx, state["last_rx"])
            self.rx_packets = self.relay_rx + state["rx"]
        rec, self._suspended = self._suspended, None
        if rec is not None:
            rec.resume()
        sock = self.sock
        if sock is None or self.closed:
            if sock is not None:
                sock.close()
                self.sock = None
            return
        task = asyncio.get_running_loop().create_task(self._read_again(sock))
        _PENDING.add(task)
        task.add_done_callback(_PENDING.discard)

    async def _read_again(self, sock: socket.socket) -> None:
        try:
            transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
                lambda: self, sock=sock)
        except (OSError, ValueError):
            return
        if self.closed:  # closed while it came back
            transport.close()
            self.transport = None

    # --- socket -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def close(self) -> None:
        self.closed = True
        if self.relay_pair is not None and self.relay is not None:
            self.relay.unbridge(self.relay_pair)  # the relay closes its copy of the socket
        if self.recorder:
            self.recorder.close()
            self.recorder = None
        if self.transport:
            self.transport.close()
            self.transport = None
        elif self.sock is not None and self.relay_pair is None:
            self.sock.close()
        if self.relay_pair is None:
            self.sock = None
        if self.on_close:
            self.on_close()
            self.on_close = None

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        pt = media_payload_type(data)
        if pt is None:  # not RTP media (RTCP on the RTP port: ignored)
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

    def _sendto(self, packet: bytes) -> None:
        if self.transport is not None:
            self.transport.sendto(packet, self.remote)
        elif self.sock is not None:  # relayed, or on its way back: our own descriptor
            with contextlib.suppress(OSError):
                self.sock.sendto(packet, self.remote)

    def send_raw(self, packet: bytes) -> None:
        self._sendto(packet)

    def send_audio(self, payload: bytes, samples: int | None = None) -> None:
        if self.transport is None and self.sock is None:
            return
        header = struct.pack("!BBHII", 0x80, (0x80 if self._marker else 0) | self.pt,
                             self._seq, self._ts, self._ssrc)
        self._marker = False
        self._seq = (self._seq + 1) & 0xFFFF
        self._ts = (self._ts + (samples or len(payload))) & 0xFFFFFFFF
        self._sendto(header + payload)

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
