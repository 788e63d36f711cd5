"""Agent states and the rules that move an agent between them, as pure functions.

States (`agents.state`):

* ``available``  present, and may be offered contacts up to their capacity;
* ``busy``       present and working, at capacity on their channels (offers resume when a
                 contact ends);
* ``after_call_work``  present, finishing the last contact's wrap-up (후처리): no offers;
* ``break``      present, on a break with a reason (rest, meal, training, ...): no offers;
* ``away``       the desktop is gone (closed, crashed, network lost) for longer than a short
                 grace; open contacts were handed back to their queues;
* ``offline``    logged out, or away for longer than a long grace.

Only ``available`` and ``busy`` agents are offered contacts (and only within capacity).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dasan.errors import DomainError

AVAILABLE = "available"
BUSY = "busy"
AFTER_CALL_WORK = "after_call_work"
BREAK = "break"
AWAY = "away"
OFFLINE = "offline"

STATES: tuple[str, ...] = (AVAILABLE, BUSY, AFTER_CALL_WORK, BREAK, AWAY, OFFLINE)
PRESENT = frozenset({AVAILABLE, BUSY, AFTER_CALL_WORK, BREAK})
OFFERABLE = frozenset({AVAILABLE, BUSY})
# What a person may pick on the desktop (busy and away are set by the system).
CHOOSABLE: tuple[str, ...] = (AVAILABLE, AFTER_CALL_WORK, BREAK, OFFLINE)
ALIASES = {"wrap_up": AFTER_CALL_WORK}

LABELS_KO = {AVAILABLE: "상담 가능", BUSY: "상담 중", AFTER_CALL_WORK: "후처리", BREAK: "휴식",
             AWAY: "자리 비움", OFFLINE: "오프라인"}
LABELS_EN = {AVAILABLE: "Available", BUSY: "Busy", AFTER_CALL_WORK: "After-call work",
             BREAK: "Break", AWAY: "Away", OFFLINE: "Offline"}
BREAK_REASONS: dict[str, tuple[str, str]] = {
    "rest": ("휴식", "Rest"),
    "meal": ("식사", "Meal"),
    "training": ("교육", "Training"),
    "meeting": ("회의", "Meeting"),
    "recovery": ("감정 회복", "Recovery after abuse"),
    "other": ("기타", "Other"),
}


class PresenceError(DomainError):
    status = 400
    code = "presence_invalid"


def choose(state: str, reason: str | None = None) -> tuple[str, str | None]:
    """Validate a state an agent picks; returns (state, break reason)."""
    state = ALIASES.get(state, state)
    if state not in CHOOSABLE:
        raise PresenceError(f"state must be one of {', '.join(CHOOSABLE)}")
    if state == BREAK:
        reason = reason or "rest"
        if reason not in BREAK_REASONS:
            raise PresenceError(f"break reason must be one of {', '.join(BREAK_REASONS)}")
        return state, reason
    if reason is not None:
        raise PresenceError("only a break has a reason")
    return state, None


@dataclass(frozen=True)
class Timers:
    away_after_close: timedelta
    away_after_silence: timedelta
    offline_after_away: timedelta

    @classmethod
    def from_settings(cls) -> Timers:
        from dasan.config import get_settings

        st = get_settings()
        return cls(timedelta(seconds=st.presence_away_after_close_seconds),
                   timedelta(seconds=st.presence_away_after_silence_seconds),
                   timedelta(seconds=st.presence_offline_after_seconds))


@dataclass(frozen=True)
class Seen:
    """What the sweeper knows about one agent's desktop."""

    state: str
    sockets: int
    last_seen_at: datetime
    disconnected_at: datetime | None
    away_since: datetime | None


def swept_state(seen: Seen, now: datetime, timers: Timers) -> str | None:
    """The state the sweeper moves the agent to, or None to leave them be.

    * present, every socket closed for longer than `away_after_close` -> away;
    * present, no heartbeat for longer than `away_after_silence` (a crashed worker or a lost
      network leaves the socket count stale; the heartbeat still stops) -> away;
    * away for longer than `offline_after_away` -> offline.
    """
    if seen.state in PRESENT:
        if (seen.sockets <= 0 and seen.disconnected_at is not None
                and now - seen.disconnected_at >= timers.away_after_close):
            return AWAY
        if now - seen.last_seen_at >= timers.away_after_silence:
            return AWAY
        return None
    if seen.state == AWAY:
        since = seen.away_since or seen.last_seen_at
        if now - since >= timers.offline_after_away:
            return OFFLINE
    return None


def on_return(state: str, resume_state: str | None) -> str | None:
    """The state of an agent whose desktop connects: an away agent resumes what they were
    doing (an open break stays a break), an offline one starts available; None: unchanged."""
    if state == AWAY:
        return resume_state if resume_state in (AFTER_CALL_WORK, BREAK) else AVAILABLE
    if state == OFFLINE:
        return AVAILABLE
    return None
