"""Contact outcomes, defined once (ADR 0004). Chat, the KPI tables, VOC and workforce inputs
all use these definitions.

*Answered* is a fact, not an outcome: a contact is answered when an agent actually answered it
(`answered_at`: the first agent message of a chat or written contact, the answer of a call).
Being connected, offered or assigned is not answering. The *outcome* says how the contact
ended; a contact that ended `forced_terminated`, `idle_closed`, `transferred` or `callback`
counts as answered only if an agent had answered it first.

Response rate (응답률), both ways the city's audit asked for:
* answered / inflow           (contacts that reached the agents' queues), and
* answered / total inflow     (every contact, including those that left in the ARS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OPEN = "open"
ANSWERED = "answered"
ABANDONED = "abandoned"  # legacy imports that do not say where the caller left
ABANDONED_IN_ARS = "abandoned_in_ars"
ABANDONED_IN_QUEUE = "abandoned_in_queue"
ABANDONED_AFTER_OFFER = "abandoned_after_offer"
BOT_RESOLVED = "bot_resolved"
BOT_UNRESOLVED = "bot_unresolved"
HANDED_OFF = "handed_off"
TRANSFERRED = "transferred"
CALLBACK = "callback"
FORCED_TERMINATED = "forced_terminated"
IDLE_CLOSED = "idle_closed"

OUTCOMES: tuple[str, ...] = (
    OPEN, ANSWERED, ABANDONED, ABANDONED_IN_ARS, ABANDONED_IN_QUEUE, ABANDONED_AFTER_OFFER,
    BOT_RESOLVED, BOT_UNRESOLVED, HANDED_OFF, TRANSFERRED, CALLBACK, FORCED_TERMINATED,
    IDLE_CLOSED,
)
ABANDONED_OUTCOMES: tuple[str, ...] = (ABANDONED, ABANDONED_IN_ARS, ABANDONED_IN_QUEUE,
                                       ABANDONED_AFTER_OFFER)
BOT_OUTCOMES: tuple[str, ...] = (BOT_RESOLVED, BOT_UNRESOLVED, HANDED_OFF)

LABELS_KO = {
    OPEN: "진행 중",
    ANSWERED: "응대 완료",
    ABANDONED: "포기(미응대)",
    ABANDONED_IN_ARS: "ARS 중 포기",
    ABANDONED_IN_QUEUE: "대기 중 포기",
    ABANDONED_AFTER_OFFER: "연결 후 미응대 포기",
    BOT_RESOLVED: "챗봇 해결",
    BOT_UNRESOLVED: "챗봇 미해결",
    HANDED_OFF: "상담사 연결 요청",
    TRANSFERRED: "이관",
    CALLBACK: "콜백",
    FORCED_TERMINATED: "강제 종료",
    IDLE_CLOSED: "무응답 종료",
}
LABELS_EN = {
    OPEN: "Open", ANSWERED: "Answered", ABANDONED: "Abandoned",
    ABANDONED_IN_ARS: "Abandoned in ARS", ABANDONED_IN_QUEUE: "Abandoned in queue",
    ABANDONED_AFTER_OFFER: "Abandoned after offer", BOT_RESOLVED: "Bot-resolved",
    BOT_UNRESOLVED: "Bot-unresolved", HANDED_OFF: "Handed off", TRANSFERRED: "Transferred",
    CALLBACK: "Callback", FORCED_TERMINATED: "Forced-terminated", IDLE_CLOSED: "Idle-closed",
}


def is_answered(answered_at: datetime | None, outcome: str) -> bool:
    """The one test of "answered" (the SQL twin is `ANSWERED_SQL`)."""
    return answered_at is not None and outcome not in ABANDONED_OUTCOMES


def sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# SQL over a consultations table aliased `c` (DuckDB, PostgreSQL and SQLite alike).
ANSWERED_SQL = (f"(c.answered_at IS NOT NULL AND c.outcome NOT IN "
                f"({sql_list(ABANDONED_OUTCOMES)}))")
ABANDONED_SQL = f"(c.outcome IN ({sql_list(ABANDONED_OUTCOMES)}))"
INFLOW_SQL = "(c.queued_at IS NOT NULL)"


@dataclass(frozen=True)
class Ending:
    """What a channel knows when a contact ends."""

    agent_answered: bool  # an agent answered (first agent message / call answer)
    reached_queue: bool  # the contact waited for an agent
    offered: bool  # the contact was offered to / connected with an agent
    bot_answered: bool  # the chatbot gave an answer the citizen did not reject
    how: str  # citizen_left | agent_closed | policy | supervisor | idle | transfer_out | callback
    ars: bool = False  # a call that began in the phone ARS (not a chatbot)


def outcome_for(e: Ending) -> str:
    """The outcome of a contact that ends now. The one place chat decides it."""
    if e.how == "policy" or e.how == "supervisor":
        return FORCED_TERMINATED
    if e.how == "idle":
        return IDLE_CLOSED
    if e.how == "transfer_out":
        return TRANSFERRED
    if e.how == "callback":
        return CALLBACK
    if e.agent_answered:
        return ANSWERED if e.how in ("citizen_left", "agent_closed") else FORCED_TERMINATED
    if e.how == "agent_closed":
        # The center ended a contact nobody had answered: never "answered".
        return FORCED_TERMINATED
    if e.offered:
        return ABANDONED_AFTER_OFFER
    if e.reached_queue:
        return ABANDONED_IN_QUEUE
    if e.ars:
        return ABANDONED_IN_ARS
    return BOT_RESOLVED if e.bot_answered else BOT_UNRESOLVED
