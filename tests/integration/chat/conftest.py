"""Fixtures for chat tests: a small knowledge base, and a check that every event the chat
publishes or a socket sends fits its typed class (`dasan.chat.events`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chat_helpers import add_kb
from sqlalchemy.orm import Session


@pytest.fixture(autouse=True)
def typed_events(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Validate every event of the test; fail it at the end if any did not fit."""
    from dasan.chat import events
    from dasan.chat import hub as chat_hub
    from dasan.web.api import chat as chat_api

    seen: list[str] = []
    bad: list[str] = []

    def check(event: Any) -> None:
        try:
            events.validate(event)
            seen.append(str(event["type"]))
        except Exception as exc:  # recorded: raising inside the server would hang the test
            bad.append(f"{event!r}: {exc}")

    send, publish = chat_api._Socket.send, chat_hub.ChatHub.publish

    async def checked_send(self: Any, event: Any) -> None:
        check(event)
        await send(self, event)

    async def checked_publish(self: Any, out: Any) -> None:
        for _channel, event in out.events:
            check(event)
        await publish(self, out)

    monkeypatch.setattr(chat_api._Socket, "send", checked_send)
    monkeypatch.setattr(chat_hub.ChatHub, "publish", checked_publish)
    yield seen
    assert not bad, "events that do not fit their class:\n" + "\n".join(bad[:5])


@pytest.fixture
def kb(db: Session) -> dict[str, int]:
    return add_kb(db)
