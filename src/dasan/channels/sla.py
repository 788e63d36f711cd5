"""SLA deadlines of the asynchronous written channels (they have timers, not live presence)."""

from __future__ import annotations

from datetime import datetime, timedelta

# How long the city gives itself to answer a written question, by channel. SMS citizens expect
# an answer the same working morning/afternoon; the homepage board promises three days; portal
# messengers sit between. Chat is live (no SLA timer here).
SLA_BY_CHANNEL: dict[str, timedelta] = {
    "sms": timedelta(hours=2),
    "portal": timedelta(hours=8),
    "web": timedelta(days=3),
}


def due_at(channel: str, start: datetime) -> datetime | None:
    span = SLA_BY_CHANNEL.get(channel)
    return None if span is None else start + span


def remaining_seconds(due: datetime | None, now: datetime) -> float | None:
    return None if due is None else (due - now).total_seconds()
