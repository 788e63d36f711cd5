"""SDP offer/answer for G.711 + RFC 4733 telephone-events (RFC 3264, audio only)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiosipua import parse_sdp

# Static payload types of G.711 (RFC 3551) in our order of preference.
CODECS = {0: "PCMU", 8: "PCMA"}
DTMF_NAME = "telephone-event"


class SdpError(Exception):
    """An offer or answer we cannot use (no audio, no common codec, bad address)."""


@dataclass(frozen=True)
class MediaOffer:
    host: str
    port: int
    payload_type: int  # 0 PCMU or 8 PCMA
    dtmf_payload_type: int | None


def negotiate(body: bytes) -> MediaOffer:
    """Pick G.711 and the telephone-event type from a peer's SDP; SdpError if impossible."""
    try:
        sdp = parse_sdp(body.decode("utf-8", errors="replace"))
    except Exception as exc:
        raise SdpError(f"unreadable SDP: {exc}") from exc
    audio = sdp.audio
    addr = sdp.rtp_address
    if audio is None or addr is None:
        raise SdpError("no audio stream in SDP")
    if not audio.proto.upper().startswith("RTP/AVP"):
        raise SdpError(f"unsupported transport {audio.proto}")
    formats = [int(f) for f in audio.formats if f.isdigit()]
    names = {c.payload_type: c.encoding_name.upper() for c in audio.codecs}
    chosen = None
    for pt in formats:
        name = names.get(pt) or CODECS.get(pt, "")
        if name in ("PCMU", "PCMA") and (pt in CODECS):
            chosen = pt
            break
    if chosen is None:
        raise SdpError("no G.711 (PCMU/PCMA) codec offered")
    dtmf = next((c.payload_type for c in audio.codecs
                 if c.encoding_name.lower() == DTMF_NAME and c.payload_type in formats), None)
    host, port = addr
    if not (0 < int(port) < 65536):
        raise SdpError(f"bad media port {port}")
    return MediaOffer(host, int(port), chosen, dtmf)


def build(host: str, port: int, payload_types: list[int], dtmf_pt: int | None,
          direction: str = "sendrecv") -> bytes:
    session_id = int(time.time() * 1000) & 0xFFFFFFFF
    fmts = [str(pt) for pt in payload_types] + ([str(dtmf_pt)] if dtmf_pt is not None else [])
    lines = [
        "v=0",
        f"o=dasan {session_id} {session_id} IN IP4 {host}",
        "s=Dasan",
        f"c=IN IP4 {host}",
        "t=0 0",
        f"m=audio {port} RTP/AVP {' '.join(fmts)}",
    ]
    lines += [f"a=rtpmap:{pt} {CODECS[pt]}/8000" for pt in payload_types]
    if dtmf_pt is not None:
        lines += [f"a=rtpmap:{dtmf_pt} telephone-event/8000", f"a=fmtp:{dtmf_pt} 0-16"]
    lines += ["a=ptime:20", f"a={direction}"]
    return ("\r\n".join(lines) + "\r\n").encode()
