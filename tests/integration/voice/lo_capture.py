"""What a phone actually hears: RTP captured on the loopback interface (a raw AF_PACKET socket,
as tcpdump would), kept per UDP destination port with its arrival time, and a test of which
tones a stretch of it contains. Needs CAP_NET_RAW (root in the test container); without it
the tests that listen skip that check."""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from dasan.voice.media import audio

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


@dataclass
class LoopbackCapture:
    ports: set[int]
    packets: dict[int, list[tuple[float, int, bytes]]] = field(default_factory=dict)
    _sock: socket.socket | None = None
    _thread: threading.Thread | None = None
    _stop: bool = False

    @classmethod
    def start(cls, ports: set[int]) -> LoopbackCapture | None:
        try:
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        except (PermissionError, AttributeError, OSError):
            return None
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        sock.bind(("lo", 0))
        sock.settimeout(0.2)
        cap = cls(ports, {p: [] for p in ports})
        cap._sock = sock
        cap._thread = threading.Thread(target=cap._run, name="lo-capture", daemon=True)
        cap._thread.start()
        return cap

    def _run(self) -> None:
        assert self._sock is not None
        while not self._stop:
            try:
                frame, addr = self._sock.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            if addr[2] == PACKET_OUTGOING or len(frame) < 14 + 20 + 8 + 12:
                continue  # loopback shows each packet twice: keep the received copy
            if frame[12:14] != b"\x08\x00":
                continue
            ip = frame[14:]
            ihl = (ip[0] & 0x0F) * 4
            if ip[9] != 17:
                continue
            dport = struct.unpack_from("!H", ip, ihl + 2)[0]
            if dport not in self.ports:
                continue
            rtp = ip[ihl + 8:]
            if len(rtp) < 12 or rtp[0] >> 6 != 2:
                continue
            offset = 12 + 4 * (rtp[0] & 0x0F)
            self.packets[dport].append((time.monotonic(), rtp[1] & 0x7F, bytes(rtp[offset:])))

    def stop(self) -> None:
        self._stop = True
        if self._thread is not None:
            self._thread.join(2)
        if self._sock is not None:
            self._sock.close()

    def pcm(self, port: int, start: float, end: float) -> np.ndarray:
        """What arrived at `port` between two monotonic times, decoded to PCM."""
        parts = [audio.decode(pt, payload) for t, pt, payload in self.packets[port]
                 if start <= t <= end and pt in (0, 8)]
        return np.frombuffer(b"".join(parts), dtype="<i2").astype(np.float64)


def tone_share(pcm: np.ndarray, freq: float, width: float = 25.0) -> float:
    """The share of the signal's energy within `width` Hz of `freq` (0..1)."""
    if len(pcm) < audio.RATE // 4:
        return 0.0
    spectrum = np.abs(np.fft.rfft(pcm * np.hanning(len(pcm)))) ** 2
    freqs = np.fft.rfftfreq(len(pcm), 1 / audio.RATE)
    total = float(spectrum[freqs > 60].sum()) or 1.0
    return float(spectrum[np.abs(freqs - freq) <= width].sum()) / total
