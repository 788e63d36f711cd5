"""The key ring for personal data at rest.

Keys come from ``DASAN_PII_KEYS`` (``id1:key1,id2:key2``; each key a Fernet key, i.e. 32 random
bytes in url-safe base64; the FIRST is the active one that seals new text, the others only open
older text until ``dasan privacy rotate`` has re-sealed it). When the variable is unset and
``DASAN_PII_KEY_AUTOCREATE`` is true (the demo and development default), the ring lives in
``var/pii.keys`` (created with one random key, mode 0600). Outside the demo set
``DASAN_PII_KEY_AUTOCREATE=false``: the server then refuses to seal or open anything without
configured keys instead of silently creating them.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

from dasan.config import PROJECT_ROOT, get_settings
from dasan.errors import DomainError

KEY_ID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class PiiKeyError(DomainError):
    status = 500
    code = "pii_keys"


@dataclass(frozen=True)
class KeyRing:
    """Key ids in order (the first is active) and their Fernet keys."""

    keys: tuple[tuple[str, bytes], ...]

    @property
    def active_id(self) -> str:
        return self.keys[0][0]

    def fernet(self, key_id: str) -> Fernet:
        for kid, key in self.keys:
            if kid == key_id:
                return Fernet(key)
        raise PiiKeyError(f"no key {key_id!r} in the PII key ring; it is needed to open old text")

    def serialise(self) -> str:
        return ",".join(f"{kid}:{key.decode()}" for kid, key in self.keys)


def parse(spec: str) -> KeyRing:
    """``id:key,id:key`` -> KeyRing; a clear error for a malformed entry."""
    keys: list[tuple[str, bytes]] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        kid, sep, key = part.partition(":")
        if not sep or not KEY_ID_RE.match(kid):
            raise PiiKeyError(f"bad PII key entry {kid!r}: expected id:key with a short id")
        try:
            Fernet(key.encode())
        except ValueError as exc:
            raise PiiKeyError(f"PII key {kid!r} is not a Fernet key (32 url-safe base64 bytes)"
                            ) from exc
        if any(k == kid for k, _ in keys):
            raise PiiKeyError(f"PII key id {kid!r} appears twice")
        keys.append((kid, key.encode()))
    if not keys:
        raise PiiKeyError("the PII key ring is empty")
    return KeyRing(tuple(keys))


def new_key_id() -> str:
    return datetime.now(UTC).strftime("k%Y%m%d") + secrets.token_hex(2)


def keys_file() -> Path:
    return PROJECT_ROOT / "var" / "pii.keys"


_LOCK = threading.Lock()
_CACHE: dict[str, KeyRing] = {}


def key_ring() -> KeyRing:
    """The configured ring (environment first, then the demo file, created when allowed)."""
    settings = get_settings()
    if settings.pii_keys:
        spec = settings.pii_keys
        cached = _CACHE.get(spec)
        if cached is None:
            cached = _CACHE[spec] = parse(spec)
        return cached
    path = keys_file()
    with _LOCK:
        if not path.is_file():
            if not settings.pii_key_autocreate:
                raise PiiKeyError("DASAN_PII_KEYS is not set and key creation is off: "
                                "configure the PII key ring (see docs/adr/0005-pii-at-rest.md)")
            write_ring(KeyRing(((new_key_id(), Fernet.generate_key()),)), path)
        return parse(path.read_text(encoding="utf-8").strip())


def write_ring(ring: KeyRing, path: Path | None = None) -> Path:
    path = path or keys_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(ring.serialise() + "\n")
    tmp.replace(path)
    return path


def add_key(ring: KeyRing) -> KeyRing:
    """A ring with a fresh key in front (active); the older keys stay to open old text."""
    return KeyRing(((new_key_id(), Fernet.generate_key()), *ring.keys))
