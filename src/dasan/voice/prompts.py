"""Recorded prompts: an admin's WAV replaces a generated prompt (ARS menu, queue, warnings).

An upload is checked before anything is written: a RIFF/WAVE file, 16-bit PCM or G.711
(A-law/µ-law) at 8-48 kHz, mono or stereo, 0.3-120 seconds, not silent. It is converted to what
the gateway plays (8 kHz mono, then G.711 on the wire) and the G.711 round trip is checked; the
result is stored as `<prompt_dir>/custom/<key>[.<lang>].wav`, where `PromptLibrary` looks
first. A bad file gets a 4xx (`Invalid`) and nothing is saved. Every change is audited.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from dasan import audit
from dasan.db.models import User
from dasan.errors import Invalid, NotFound
from dasan.voice.flows import store
from dasan.voice.media import audio
from dasan.voice.tts.library import PromptLibrary

MAX_BYTES = 10_000_000
MIN_SECONDS, MAX_SECONDS = 0.3, 120.0
LANGUAGE = re.compile(r"^[a-z]{2}$")
# The gateway's own prompts (queue, callback, transfer, abuse warnings) beside the flow's.
GATEWAY_KEYS = ("queue_enter", "callback_offer", "callback_ok", "transfer", "transfer_external",
                "abuse_warn_1", "abuse_warn_2", "abuse_terminated")
WAVE_PCM, WAVE_ALAW, WAVE_ULAW = 1, 6, 7


class BadPrompt(Invalid):
    code = "prompt_invalid"


@dataclass(frozen=True)
class Decoded:
    pcm: bytes  # 8 kHz mono s16le
    source_rate: int
    channels: int
    encoding: str


def _chunks(data: bytes) -> dict[bytes, bytes]:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise BadPrompt("not a WAV file (RIFF/WAVE header missing)")
    out: dict[bytes, bytes] = {}
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        out.setdefault(cid, data[pos + 8:pos + 8 + size])
        pos += 8 + size + (size & 1)
    if b"fmt " not in out or b"data" not in out:
        raise BadPrompt("WAV file without a fmt or data chunk")
    return out


def decode_wav(data: bytes) -> Decoded:
    """8 kHz mono PCM from an uploaded WAV; `BadPrompt` (422) for anything else."""
    if len(data) > MAX_BYTES:
        raise BadPrompt(f"prompt files are limited to {MAX_BYTES // 1_000_000} MB", status=413,
                        code="too_large")
    chunks = _chunks(data)
    fmt = chunks[b"fmt "]
    if len(fmt) < 16:
        raise BadPrompt("WAV fmt chunk too short")
    tag, channels, rate, _rate_bytes, _align, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == 0xFFFE and len(fmt) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the sub-format decides
        tag = struct.unpack_from("<H", fmt, 24)[0]
    if channels not in (1, 2) or not 8000 <= rate <= 48000:
        raise BadPrompt("prompts must be mono or stereo at 8-48 kHz")
    raw = chunks[b"data"]
    if tag == WAVE_PCM and bits == 16:
        samples = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2")
        encoding = "pcm16"
    elif tag in (WAVE_ALAW, WAVE_ULAW) and bits == 8:
        pt = 8 if tag == WAVE_ALAW else 0
        samples = np.frombuffer(audio.decode(pt, raw), dtype="<i2")
        encoding = "alaw" if pt == 8 else "ulaw"
    else:
        raise BadPrompt("unsupported WAV encoding: use 16-bit PCM or G.711 (A-law/µ-law)")
    if channels == 2:
        samples = samples[: len(samples) // 2 * 2].reshape(-1, 2).mean(axis=1)
    seconds = len(samples) / rate
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise BadPrompt(f"a prompt lasts {MIN_SECONDS}-{MAX_SECONDS:.0f} seconds "
                        f"(this one: {seconds:.1f} s)")
    if rate != audio.RATE:
        n_out = int(len(samples) * audio.RATE / rate)
        samples = np.interp(np.linspace(0, len(samples) - 1, n_out), np.arange(len(samples)),
                            samples)
    pcm16 = np.clip(samples, -32768, 32767).astype("<i2")
    if int(np.abs(pcm16.astype(np.int32)).max(initial=0)) < 200:
        raise BadPrompt("the recording is silent")
    return Decoded(pcm16.tobytes(), rate, channels, encoding)


def g711_check(pcm: bytes) -> dict[str, float]:
    """Encode and decode with both G.711 laws (what callers hear); the signal-to-noise ratio
    of the round trip must stay that of telephone audio (G.711 gives about 35-38 dB)."""
    ref = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    out: dict[str, float] = {}
    for name, pt in (("alaw", 8), ("ulaw", 0)):
        back = np.frombuffer(audio.decode(pt, audio.encode(pt, pcm)), dtype="<i2")
        if len(back) != len(ref):
            raise BadPrompt("G.711 conversion failed")
        noise = float(np.sum((ref - back) ** 2)) or 1e-9
        out[name] = round(10 * np.log10(float(np.sum(ref ** 2)) / noise), 1)
    if min(out.values()) < 20:
        raise BadPrompt("the recording does not survive G.711 conversion (clipped or noise)")
    return out


def known_keys(session: Session) -> set[str]:
    flow, _version = store.live(session)
    return set(flow.prompts) | set(GATEWAY_KEYS)


def _target(library_root: Path, session: Session, key: str, language: str | None) -> Path:
    if key not in known_keys(session):
        raise NotFound(f"no prompt {key!r} in the live flow or the gateway")
    if language is not None and not LANGUAGE.match(language):
        raise BadPrompt("language must be a two-letter code such as ko or en")
    return PromptLibrary.custom_path_in(library_root, key, language)


def save(session: Session, user: User, root: Path, key: str, language: str | None,
         data: bytes, filename: str) -> dict[str, Any]:
    """Check, convert and store an uploaded prompt (nothing is written if any check fails)."""
    path = _target(root, session, key, language)
    decoded = decode_wav(data)
    snr = g711_check(decoded.pcm)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(fd)
    try:
        audio.write_wav_8k(Path(tmp), decoded.pcm)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    seconds = round(len(decoded.pcm) / 2 / audio.RATE, 2)
    audit.record(session, user, "voice.prompt.upload", object_type="voice_prompt",
                 detail={"key": key, "language": language, "file": filename[:128],
                         "seconds": seconds, "source_rate": decoded.source_rate,
                         "encoding": decoded.encoding})
    session.commit()
    return {"key": key, "language": language, "seconds": seconds,
            "source_rate": decoded.source_rate, "encoding": decoded.encoding,
            "g711_snr_db": snr}


def remove(session: Session, user: User, root: Path, key: str, language: str | None) -> None:
    """Back to the generated prompt."""
    path = _target(root, session, key, language)
    if not path.is_file():
        raise NotFound("no recorded prompt to remove")
    path.unlink()
    audit.record(session, user, "voice.prompt.remove", object_type="voice_prompt",
                 detail={"key": key, "language": language})
    session.commit()


def listing(session: Session, root: Path) -> list[dict[str, Any]]:
    custom = root / "custom"
    recorded = {p.name for p in custom.glob("*.wav")} if custom.is_dir() else set()
    return [{"key": k, "recorded": sorted(n.removesuffix(".wav").partition(".")[2] or "*"
                                          for n in recorded
                                          if n == f"{k}.wav" or n.startswith(f"{k}."))}
            for k in sorted(known_keys(session))]
