"""Peer for bench_chat's supervisor-overview section: the overview as it was before the floor
counters (ADR 0010): every count from a scan of `consultations`, the whole waiting list loaded.
Kept verbatim (only imports added) so the benchmark can measure both in the same run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, Queue, Team
from dasan.presence import states as presence_states
from dasan.routing import router as routing


def overview(s: Session) -> dict[str, Any]:
    """Live queues, waiting contacts and agents' states."""
    now = utcnow()
    queues = list(s.scalars(select(Queue).order_by(Queue.id)))
    waiting = list(s.scalars(select(Consultation).where(
        Consultation.status == "open", Consultation.agent_id.is_(None),
        Consultation.queue_id.is_not(None), Consultation.channel.in_(routing.CHAT_CHANNELS))
        .order_by(Consultation.priority.desc(), Consultation.queued_at)))
    live: dict[int | None, int] = dict(s.execute(select(Consultation.queue_id, func.count(Consultation.id)).where(
        Consultation.status == "open", Consultation.agent_id.is_not(None),
        Consultation.channel.in_(routing.CHAT_CHANNELS)).group_by(Consultation.queue_id)).all())
    bot = s.scalar(select(func.count(Consultation.id)).where(
        Consultation.status == "open", Consultation.queue_id.is_(None),
        Consultation.channel == "chatbot")) or 0
    by_queue: dict[int, list[Consultation]] = {}
    for c in waiting:
        by_queue.setdefault(int(c.queue_id or 0), []).append(c)

    def age(d: datetime | None) -> int:
        return int((now - d).total_seconds()) if d else 0

    live_chats = list(s.scalars(select(Consultation).where(
        Consultation.status == "open", Consultation.agent_id.is_not(None),
        Consultation.channel.in_(routing.CHAT_CHANNELS)).order_by(Consultation.id).limit(200)))
    agents = list(s.scalars(select(Agent).where(Agent.state != "offline").order_by(Agent.id)))
    loads = routing.open_chat_counts(s, [a.id for a in agents])
    teams = {t.id: t.name for t in s.scalars(select(Team))}
    names = {a.id: a.name for a in agents}
    for aid in {int(c.agent_id or 0) for c in live_chats} - set(names):
        other = s.get(Agent, aid)
        names[aid] = other.name if other else ""
    qnames = {q.id: q.code for q in queues}
    settings = get_settings()

    def level(seconds: int) -> str:
        """SLA colour of a wait: ok, warn (amber) or alert (red, with an alarm)."""
        if seconds >= settings.sla_wait_alert_seconds:
            return "alert"
        return "warn" if seconds >= settings.sla_wait_warn_seconds else "ok"

    def longest(qid: int) -> int:
        return max((age(c.queued_at) for c in by_queue.get(qid, [])), default=0)

    return {
        "sla": {"warn_seconds": settings.sla_wait_warn_seconds,
                "alert_seconds": settings.sla_wait_alert_seconds},
        "bot_sessions": int(bot),
        "mode": routing.routing_mode(),
        "mode_ko": "전방위" if routing.routing_mode() == "omni" else "스킬 기반",
        "queues": [{"code": q.code, "name": q.name, "priority": q.priority,
                    "waiting": len(by_queue.get(q.id, [])), "live": int(live.get(q.id, 0)),
                    "longest_wait_seconds": longest(q.id), "sla": level(longest(q.id))}
                   for q in queues],
        "waiting": [{"id": c.id, "queue": qnames.get(int(c.queue_id or 0)),
                     "queue_name": next((q.name for q in queues if q.id == c.queue_id), None),
                     "priority": c.priority, "crisis": c.crisis, "subject": c.subject,
                     "wait_seconds": age(c.queued_at), "sla": level(age(c.queued_at)),
                     "language": c.language}
                    for c in waiting[:200]],
        "live": [{"id": c.id, "queue_name": next((q.name for q in queues if q.id == c.queue_id),
                                                 None),
                  "agent_id": c.agent_id, "agent_name": names.get(int(c.agent_id or 0)),
                  "subject": c.subject, "answered": c.answered_at is not None,
                  "seconds": age(c.answered_at or c.queued_at or c.started_at)}
                 for c in live_chats],
        "agents": [{"id": a.id, "name": a.name, "state": a.state,
                    "state_ko": presence_states.LABELS_KO.get(a.state),
                    "state_seconds": age(a.state_since), "open_chats": loads.get(a.id, 0),
                    "max_chats": a.max_chats, "team": teams.get(a.team_id or 0)}
                   for a in agents],
    }
