"""What each audience sees of a consultation's messages.

Staff surfaces get the stored (masked) text: ``messages.body`` never holds raw personal data
(ADR 0005), so every query and every event built from it is masked by construction. The
citizen is the one exception: their own messages come back as they typed them - from the
vault for the history, and from the socket's own memory for live echoes (the raw text never
travels on the pub/sub).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dasan.chat.service import message_event, messages_after
from dasan.privacy import vault


def citizen_message_events(s: Session, cid: int, after_seq: int = 0) -> list[dict[str, Any]]:
    """The chat as the citizen sees it: their own messages unmasked, the rest as stored."""
    messages = messages_after(s, cid, after_seq)
    own = vault.open_many(s, vault.MESSAGE_BODY, [m.id for m in messages if m.sender == "citizen"])
    events = []
    for m in messages:
        event = message_event(m)
        if m.id in own:
            event["body"] = own[m.id]
        events.append(event)
    return events


def for_citizen(event: dict[str, Any], typed: dict[str, str]) -> dict[str, Any]:
    """A live event for the citizen's socket: their own message echoed as they typed it
    (``typed``: client_msg_id -> text this socket sent)."""
    if event.get("type") != "message" or event.get("sender") != "citizen":
        return event
    raw = typed.get(str(event.get("client_msg_id")))
    return {**event, "body": raw} if raw is not None else event
