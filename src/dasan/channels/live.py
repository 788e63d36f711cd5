"""Live events of written threads for the agent desktop (typed: `chat.events.WrittenEvent`).

A written thread changes (a citizen's message arrives, an agent claims, answers or closes it)
and every agent desktop is told at once over its socket, instead of polling. The event names
the thread and what changed, never the text: it travels on the floor's broadcast channel (every
agent desktop listens there), and the desktop reads the thread back through the API, where the
access policy decides who sees what (a separated caller's thread, a held thread's composer).

The room makes the events: intake returns them with its result (`IntakeResult.events`), the
desk's steps add them to the session (`note`) and the web layer publishes `take(session)`
after its commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from dasan.chat.floor import BROADCAST_CHANNEL
from dasan.db.base import utcnow
from dasan.db.models_channels import WrittenThread
from dasan.timeutil import iso_z

Change = Literal["message", "claimed", "replied", "closed", "released"]
WRITTEN_CHANNEL = BROADCAST_CHANNEL
_PENDING = "dasan.written_events"


def written_event(thread: WrittenThread, change: Change, *, message_id: int | None = None,
                  direction: str | None = None, now: datetime | None = None
                  ) -> tuple[str, dict[str, Any]]:
    """(channel, event) for one change of `thread`."""
    return WRITTEN_CHANNEL, {
        "type": "written", "thread_id": thread.id, "consultation_id": thread.consultation_id,
        "channel": thread.channel, "change": change, "status": thread.status,
        "claimed_by_agent_id": thread.claimed_by_agent_id, "message_id": message_id,
        "direction": direction, "at": iso_z(now or utcnow())}


def note(session: Session, thread: WrittenThread, change: Change, **kw: Any) -> None:
    """Keep an event on the session until the caller's commit (`take`)."""
    session.info.setdefault(_PENDING, []).append(written_event(thread, change, **kw))


def take(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """The events noted on `session` (once): publish them after the commit."""
    events: list[tuple[str, dict[str, Any]]] = session.info.pop(_PENDING, [])
    return events
