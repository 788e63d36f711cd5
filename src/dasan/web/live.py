"""The web process's pub/sub, for routes and pages that forward a room's live events.

`hub_of(app)` is the app's chat hub (its pub/sub); `publish_all` publishes events a room built
and returned after its commit (e.g. the crisis playbook's supervisor alert), in order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import anyio.from_thread
from fastapi import FastAPI

from dasan.chat import hub as chat_hub
from dasan.chat.pubsub import make_pubsub
from dasan.config import get_settings


def hub_of(app: FastAPI) -> chat_hub.ChatHub:
    hub = getattr(app.state, "chat_hub", None)
    if hub is None:  # app used without its lifespan: one in-process hub
        hub = chat_hub.ChatHub(make_pubsub(get_settings().pubsub_url))
        app.state.chat_hub = hub
    return hub


async def publish_all(app: FastAPI, events: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Publish a room's live events (already committed) on the app's pub/sub, in order."""
    pubsub = hub_of(app).pubsub
    for channel, event in events:
        await pubsub.publish(channel, event)


def forward(app: FastAPI, events: list[tuple[str, dict[str, Any]]]) -> None:
    """`publish_all` from a synchronous route (it runs in a worker thread of the server's event
    loop): the room's events, already committed, go out before the route answers."""
    if events:
        anyio.from_thread.run(publish_all, app, events)
