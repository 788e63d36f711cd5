"""Periodic complaint jobs for the scheduler: dispatch, citizen notices, SLA escalation."""

from __future__ import annotations

import httpx

from dasan.complaints import dispatch, notify, sla
from dasan.db.session import session_scope


def dispatch_due() -> int:
    with session_scope() as session, httpx.Client() as client:
        total = 0
        while True:
            result = dispatch.drain(session, client, limit=100)
            done = result.delivered + result.failed + result.dead
            total += result.delivered
            if done < 100:
                return total


def send_notices() -> int:
    with session_scope() as session:
        return notify.drain_notifications(session)


def escalate() -> int:
    with session_scope() as session:
        return sla.escalate_overdue(session)
