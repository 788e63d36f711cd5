"""Recorded RTP audio for sipp (`play_pcap_audio`): speech made with espeak-ng at test time,
encoded as G.711 A-law, written as a pcap of RTP/UDP/IPv4/Ethernet frames, 20 ms apart."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

from dasan.voice.media import audio


def espeak_pcm(text: str, folder: Path, speed: int = 150) -> bytes:
    raw = folder / "speech-src.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-s", str(speed), "-w", str(raw), text],
                   check=True, capture_output=True)
    return audio.read_wav_8k(raw)


def _checksum(header: bytes) -> int:
    total = sum(struct.unpack("!10H", header))
    total = (total >> 16) + (total & 0xFFFF)
    return ~(total + (total >> 16)) & 0xFFFF


def write_pcap(pcm: bytes, path: Path, payload_type: int = 8) -> Path:
    encoded = audio.encode(payload_type, pcm)
    n = audio.FRAME_SAMPLES
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, off in enumerate(range(0, len(encoded) - n + 1, n)):
        rtp = struct.pack("!BBHII", 0x80, payload_type | (0x80 if i == 0 else 0), i & 0xFFFF,
                          i * n, 0x1234ABCD) + encoded[off:off + n]
        udp = struct.pack("!HHHH", 40000, 40002, 8 + len(rtp), 0) + rtp
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64,
                                   17, 0, bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])))
        struct.pack_into("!H", ip, 10, _checksum(bytes(ip)))
        frame = b"\x00" * 12 + b"\x08\x00" + bytes(ip) + udp
        usec = i * 20_000
        out += struct.pack("<IIII", usec // 1_000_000, usec % 1_000_000, len(frame), len(frame))
        out += frame
    path.write_bytes(bytes(out))
    return path


def scenario_with_audio(template: Path, pcap: Path, target: Path) -> Path:
    """A copy of `template` whose `[speech_pcap]` placeholder names `pcap`."""
    target.write_text(template.read_text().replace("[speech_pcap]", str(pcap)))
    return target
