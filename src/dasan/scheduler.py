"""Periodic jobs: the issue alerter scan (every 5 minutes), KB review reminders (daily),
complaint dispatch and SLA, malicious-caller review dates and expiry (every 6 h), crisis
escalation (every 10 s), and the post-call transcription of ended calls (every minute, a few
calls at a time).

`dasan worker` runs them in the foreground for a multi-worker deployment; `dasan demo` runs them
in a background thread of the single embedded process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from dasan.config import get_settings
from dasan.db.session import session_scope

log = logging.getLogger("dasan.scheduler")


def scan_alerts() -> int:
    """Run the issue alerter over the latest data; store (and post) what it finds."""
    from dasan.analytics import alerter
    from dasan.analytics.engine import get_engine

    found = alerter.scan(get_engine(), None)
    if not found:
        return 0
    url = get_settings().alert_webhook_url
    with session_scope() as session:
        stored = alerter.persist(session, found)
        if url:
            try:
                alerter.send_webhook(url, stored)
            except (alerter.WebhookError, ValueError) as exc:
                log.warning("alert webhook failed: %s", exc)
    return len(found)


def remind_owners() -> int:
    from dasan.knowledge.service import send_reminders

    with session_scope() as session:
        return sum(send_reminders(session, date.today()).values())


def complaint_jobs() -> list[Job]:
    """Field complaints: dispatch to districts, notices to citizens, SLA escalation."""
    from dasan.complaints import jobs

    return [Job("complaints-dispatch", 10, jobs.dispatch_due),
            Job("complaints-notices", 10, jobs.send_notices),
            Job("complaints-sla", 300, jobs.escalate)]


def expire_designations() -> int:
    """Malicious-caller designations whose period ended leave the registry (daily)."""
    from dasan.protection.programme import expire_due

    with session_scope() as session:
        return expire_due(session, date.today())


def review_designations() -> int:
    """Malicious-caller designations whose review date has come go to the supervisors' review
    queue on /protection (daily; audited per designation)."""
    from dasan.protection.programme import review_due

    with session_scope() as session:
        return review_due(session, date.today())


def escalate_crises() -> int:
    """Crisis alerts nobody acknowledged, and crisis contacts still waiting or left unanswered,
    are escalated to the supervisors (every 10 s)."""
    from dasan.protection.crisis_escalation import run_escalation

    return run_escalation()


def transcribe_ended_calls() -> int:
    """Post-call transcription of ended calls not transcribed yet (a few per run: one
    transcription at a time on the worker's CPU); nothing when the STT adapter is `none`."""
    from dasan.stt import transcripts
    from dasan.stt.port import SttUnavailable, make_stt

    try:
        stt = make_stt()
    except (SttUnavailable, ValueError) as exc:
        log.warning("post-call transcription unavailable: %s", exc)
        return 0
    if stt.name == "none":
        return 0
    with session_scope() as session:
        try:
            return transcripts.transcribe_pending(session, stt, limit=5)
        except SttUnavailable as exc:
            log.warning("post-call transcription unavailable: %s", exc)
            return 0


@dataclass
class Job:
    name: str
    every_seconds: float
    run: Callable[[], int]
    next_at: float = 0.0


@dataclass
class Scheduler:
    jobs: list[Job] = field(default_factory=lambda: [
        Job("alerts", 300, scan_alerts),
        Job("kb-reminders", 24 * 3600, remind_owners),
        *complaint_jobs(),
        Job("malicious-expiry", 6 * 3600, expire_designations),
        Job("malicious-review", 6 * 3600, review_designations),
        Job("crisis-escalation", 10, escalate_crises),
        Job("stt-post-call", 60, transcribe_ended_calls),
    ])
    _stop: threading.Event = field(default_factory=threading.Event)

    def run_due(self, now: float | None = None) -> dict[str, int]:
        """Run every job whose time has come; a failing job is logged and retried later."""
        now = time.monotonic() if now is None else now
        done: dict[str, int] = {}
        for job in self.jobs:
            if now < job.next_at:
                continue
            job.next_at = now + job.every_seconds
            try:
                done[job.name] = job.run()
            except Exception:  # a job's failure must not stop the others
                log.exception("job %s failed", job.name)
        return done

    def loop(self, tick: float = 10.0) -> None:
        while not self._stop.is_set():
            self.run_due()
            self._stop.wait(tick)

    def start_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.loop, name="dasan-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
