"""Typed presence events. Each decides its audience and its wire form where it is built:
an agent's state goes to that agent's desktops and to the supervisors' floor; released
contacts go to the channel that owns them (chat posts a notice to each citizen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dasan.presence.states import BREAK_REASONS, LABELS_KO
from dasan.timeutil import iso_z


@dataclass(frozen=True)
class StateChanged:
    agent_id: int
    state: str
    previous: str
    reason: str | None
    at: datetime
    why: str  # chosen | connected | heartbeat | socket_closed | silence | away_timeout | logout
    # | load | call_ended | wrap_up_over

    def wire(self) -> dict[str, Any]:
        """The agent's own desktops and the floor see the same facts (no personal data)."""
        return {"type": "presence", "agent_id": self.agent_id, "state": self.state,
                "state_ko": LABELS_KO[self.state], "previous": self.previous,
                "reason": self.reason,
                "reason_ko": BREAK_REASONS[self.reason][0] if self.reason else None,
                "why": self.why, "at": iso_z(self.at)}


@dataclass(frozen=True)
class ContactsReleased:
    """Open contacts taken back from an agent who went away or offline (front of the queue,
    history kept); the owning channel tells the citizen and offers them again."""

    agent_id: int
    consultation_ids: tuple[int, ...]
    why: str


PresenceEvent = StateChanged | ContactsReleased
