"""Reading TestClient WebSockets with a guard against hanging tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio

Event = dict[str, Any]


def recv(ws: Any, guard_seconds: float = 20.0) -> Event:
    """Next JSON event; fails instead of hanging forever when none comes."""

    async def _receive() -> Any:
        with anyio.fail_after(guard_seconds):
            return await ws._send_rx.receive()

    message = ws.portal.call(_receive)
    ws._raise_on_close(message)
    return dict(json.loads(message["text"]))


def until(ws: Any, pred: Callable[[Event], bool], seen: list[Event] | None = None,
          limit: int = 200) -> Event:
    """Read events until one matches `pred` (the ones read are appended to `seen`)."""
    for _ in range(limit):
        event = recv(ws)
        if seen is not None:
            seen.append(event)
        if pred(event):
            return event
    raise AssertionError(f"no matching event in {limit} events")


def is_msg(sender: str | None = None, contains: str | None = None) -> Callable[[Event], bool]:
    def pred(e: Event) -> bool:
        return (e.get("type") == "message" and (sender is None or e["sender"] == sender)
                and (contains is None or contains in e["body"]))

    return pred
