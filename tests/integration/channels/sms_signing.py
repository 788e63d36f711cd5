"""Headers a real SMS gateway sends with its webhooks (a module of its own: another test
directory has a `conftest` too, so `from conftest import ...` would find the wrong one)."""

from __future__ import annotations

import time

from dasan.channels.signing import hex_signature, timestamped_message


def signed(body: bytes, secret: str, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    return {"X-Sms-Timestamp": stamp,
            "X-Sms-Signature": hex_signature(secret, timestamped_message(stamp, body))}
