"""The one reading of an RTP header both relays share (the gateway's own legs and the media
relay process), kept free of heavy imports: the relay process starts light."""

from __future__ import annotations


def media_payload_type(packet: bytes) -> int | None:
    """The payload type of an RTP version-2 media packet; None for anything else (too short,
    another version, or RTCP multiplexed on the RTP port: types 72-76, RFC 5761)."""
    if len(packet) < 12 or packet[0] >> 6 != 2:
        return None
    pt = packet[1] & 0x7F
    return None if 72 <= pt <= 76 else pt
