"""RFC 4733 telephone-events: digits from RTP, robust to lost or repeated packets.

A digit is reported on the FIRST packet of a new event (a new RTP timestamp or event code),
not on its end packet: a sender whose end packets are lost (baresip's key interface does this)
still has its digit read, and the three repeated end packets of one press count once. A new
press of the same key reusing the timestamp after its end counts again.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from aiortp.dtmf import DTMF_EVENTS, EVENT_TO_DIGIT


@dataclass
class DtmfDetector:
    _ts: int | None = None
    _event: int | None = None
    _ended: bool = False

    def feed(self, timestamp: int, payload: bytes) -> str | None:
        """The digit this packet starts, or None (continuation, end, or not a digit)."""
        if len(payload) < 4:
            return None
        event, flags, _duration = struct.unpack("!BBH", payload[:4])
        end = bool(flags & 0x80)
        new = timestamp != self._ts or event != self._event or (self._ended and not end)
        if not new:
            self._ended = self._ended or end
            return None
        self._ts, self._event, self._ended = timestamp, event, end
        return EVENT_TO_DIGIT.get(event)


def event_payload(digit: str, end: bool, duration: int, volume: int = 10) -> bytes:
    return struct.pack("!BBH", DTMF_EVENTS[digit], (0x80 if end else 0) | volume, duration)
