"""What the agent desktop, the citizen's status bar and the supervisor floor read (queries
only: every change goes through `chat.hub`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from dasan.assist import recommend
from dasan.assist import summary as summariser
from dasan.chat.service import (
    ChatError,
    consultation_view,
    get_consultation,
    message_event,
    messages_after,
)
from dasan.config import get_settings
from dasan.consultations import outcomes
from dasan.consultations.channels import CATEGORIES, CHANNEL_BY_CODE
from dasan.db import floor_counters
from dasan.db.base import utcnow
from dasan.db.models import Agent, Citizen, Consultation, KbEntry, Message, Queue, Team, User
from dasan.db.models_presence import AgentPresence, ContactOffer
from dasan.errors import DomainError
from dasan.presence import service as presence
from dasan.presence import states as presence_states
from dasan.privacy import views as privacy_views
from dasan.protection import policy
from dasan.routing import router as routing
from dasan.timeutil import as_utc, iso_z

SUPERVISOR_ROLES = ("supervisor", "admin")


# --- who may do what (small named checks, easy to move into the access policy) ---------------


def is_supervisor(user: User) -> bool:
    return user.role in SUPERVISOR_ROLES


def agent_for(s: Session, user: User) -> Agent | None:
    return s.scalar(select(Agent).where(Agent.user_id == user.id))


def require_agent(s: Session, user: User) -> Agent:
    agent = agent_for(s, user)
    if agent is None:
        raise ChatError("your account is not linked to an agent", 403, "not_an_agent")
    return agent


def check_chat_access(s: Session, cid: int, user: User) -> Consultation:
    """A chat is its agent's (and every supervisor's)."""
    c = get_consultation(s, cid)
    agent = agent_for(s, user)
    if not is_supervisor(user) and (agent is None or c.agent_id != agent.id):
        raise ChatError("this chat is not assigned to you", 403, "chat_not_yours")
    return c


# --- the agent desktop -------------------------------------------------------------------------


def agent_info(s: Session, agent: Agent) -> dict[str, Any]:
    load = routing.open_chat_counts(s, [agent.id]).get(agent.id, 0)
    row = s.get(AgentPresence, agent.id)
    reason = row.break_reason if row is not None and agent.state == "break" else None
    return {"id": agent.id, "name": agent.name, "employee_no": agent.employee_no,
            "state": agent.state, "state_ko": presence_states.LABELS_KO.get(agent.state),
            "break_reason": reason, "max_chats": agent.max_chats, "open_chats": load,
            "capacity": presence.capacity_for(s, agent, "web"),
            "languages": agent.languages,
            "heartbeat_seconds": get_settings().presence_heartbeat_seconds}


def active_chats(s: Session, agent_id: int) -> list[Consultation]:
    return list(s.scalars(select(Consultation).where(
        Consultation.agent_id == agent_id, Consultation.status == "open",
        routing.live_chat()).order_by(Consultation.id)))


def holds(s: Session, agent_id: int, cid: int) -> bool:
    """Whether the chat is, now, an open chat of this agent (the database's word: events of
    two steps can reach a desktop out of their commit order)."""
    c = s.get(Consultation, cid)
    return c is not None and c.agent_id == agent_id and c.status == "open"


def offer_event(s: Session, c: Consultation, offer_id: int, expires_at: datetime
                ) -> dict[str, Any]:
    """What the agent's desktop shows for an offer (no transcript until accepted)."""
    view = consultation_view(s, c)
    return {"type": "offer", "offer_id": offer_id, "consultation_id": c.id,
            "consultation": {k: view[k] for k in ("id", "queue", "queue_name", "language",
                                                  "priority", "crisis", "subject")},
            "expires_at": iso_z(expires_at),
            "timeout_seconds": get_settings().offer_timeout_seconds,
            # by the server's clock: the desktop counts down from when it got the offer, so an
            # agent whose own clock is wrong still sees (and keeps) the real time left
            "remaining_seconds": max(0, round((as_utc(expires_at) - utcnow()).total_seconds()))}


def pending_offers(s: Session, agent_id: int) -> list[dict[str, Any]]:
    out = []
    for offer in s.scalars(select(ContactOffer).where(
            ContactOffer.agent_id == agent_id, ContactOffer.status == "pending")
            .order_by(ContactOffer.id)):
        c = s.get(Consultation, offer.consultation_id)
        if c is not None:
            out.append(offer_event(s, c, offer.id, offer.expires_at))
    return out


def hello(s: Session, agent: Agent) -> dict[str, Any]:
    return {"agent": agent_info(s, agent),
            "chats": [consultation_view(s, c) for c in active_chats(s, agent.id)],
            "offers": pending_offers(s, agent.id),
            "snoozed": snoozed_chats(s, agent.id)}


def snoozed_chats(s: Session, agent_id: int) -> list[dict[str, Any]]:
    """The agent's chats on hold (보류), soonest back first."""
    from dasan.chat import snooze

    return [{"consultation": consultation_view(s, c), "until": iso_z(z.until)}
            for c, z in snooze.for_agent(s, agent_id)]


def detail(s: Session, cid: int, user: User) -> dict[str, Any]:
    """A chat with its transcript and, for a verified identity only, the citizen's earlier
    contacts (a number typed into the chat proves nothing about who is typing)."""
    c = check_chat_access(s, cid, user)
    history: list[dict[str, Any]] = []
    citizen = s.get(Citizen, c.citizen_id) if c.citizen_id is not None else None
    if citizen is not None and c.identity_verified:
        for h in s.scalars(select(Consultation).where(
                Consultation.citizen_id == c.citizen_id, Consultation.id != c.id)
                .order_by(Consultation.started_at.desc()).limit(10)):
            ch = CHANNEL_BY_CODE.get(h.channel)
            history.append({"id": h.id, "channel": h.channel,
                            "channel_ko": ch.name_ko if ch else h.channel,
                            "channel_en": ch.name_en if ch else h.channel,
                            "outcome_ko": outcomes.LABELS_KO.get(h.outcome, h.outcome),
                            "started_at": h.started_at
                            .isoformat(timespec="minutes"), "category": h.category,
                            "subject": h.subject, "summary": h.summary, "outcome": h.outcome,
                            "verified": h.identity_verified})
    from dasan.chat.notes import note_view, tags_of
    from dasan.db.models_desk import ChatNote

    identity = None if citizen is None else {
        "verified": c.identity_verified, "phone_masked": citizen.phone_masked}
    return {"consultation": consultation_view(s, c),
            "messages": [message_event(m) for m in messages_after(s, c.id, 0)],
            "notes": [note_view(s, n) for n in s.scalars(
                select(ChatNote).where(ChatNote.consultation_id == c.id).order_by(ChatNote.id))],
            "tags": tags_of(s, c.id),
            "history": history, "identity": identity,
            "abuse_incidents": policy.prior_incidents(s, c.id),
            "registered_malicious": c.identity_verified
            and policy.is_registered(s, c.citizen_id)}


def assist(s: Session, cid: int, user: User) -> list[dict[str, Any]]:
    check_chat_access(s, cid, user)
    return [r.to_dict() for r in recommend.for_chat(s, cid)]


def search(s: Session, q: str, k: int) -> list[dict[str, Any]]:
    try:
        return [r.to_dict() for r in recommend.search(s, q, k)]
    except (ValueError, DomainError) as exc:
        raise ChatError(str(exc)) from exc


def wrapup(s: Session, cid: int, user: User) -> dict[str, Any]:
    """Proposed summary (PII-masked) and category for the agent to confirm."""
    c = check_chat_access(s, cid, user)
    turns = [summariser.Turn(sender, body) for sender, body, flags in s.execute(
        select(Message.sender, Message.body, Message.flags).where(Message.consultation_id == cid)
        .order_by(Message.seq))
        # Feedback clicks and picked entries are UI gestures, not what the citizen said.
        if not (flags or {}).get("feedback") and not (flags or {}).get("selected")]
    settings = get_settings()
    proposal = summariser.propose(turns, llm_base_url=settings.llm_base_url,
                                  llm_model=settings.llm_model, llm_api_key=settings.llm_api_key,
                                  forced_terminated=c.outcome == "forced_terminated")
    question = " ".join(t.body for t in turns if t.sender == "citizen")
    category = None
    if question.strip():
        near = recommend.search(s, question, k=5)
        category = summariser.majority_category([r.category for r in near])
    if c.kb_entry_id is not None:
        entry = s.get(KbEntry, c.kb_entry_id)
        if entry is not None and entry.category:
            category = entry.category
    return {"summary": proposal.text, "method": proposal.method, "note": proposal.note,
            "category": category, "categories": list(CATEGORIES)}


def transfer_targets(s: Session) -> dict[str, Any]:
    # A floor lead's own desk identity (capacity 0) takes only the chats they take over.
    agents = list(s.scalars(select(Agent).where(Agent.state.in_(routing.ACCEPTING),
                                                Agent.max_chats > 0).order_by(Agent.name)))
    loads = routing.open_chat_counts(s, [a.id for a in agents])
    return {
        "agents": [{"id": a.id, "name": a.name, "open_chats": loads.get(a.id, 0),
                    "max_chats": a.max_chats} for a in agents],
        "queues": [{"code": q.code, "name": q.name}
                   for q in s.scalars(select(Queue).order_by(Queue.id))],
    }


# --- the citizen's status bar ----------------------------------------------------------------


def citizen_status(s: Session, cid: int) -> dict[str, Any]:
    """Phase, and only while waiting: queue position and expected wait."""
    c = get_consultation(s, cid)
    view = consultation_view(s, c)
    pos = routing.position(s, c)
    view["position"] = pos.position if pos else None
    view["waiting"] = pos.waiting if pos else None
    view["expected_wait_seconds"] = pos.expected_wait_seconds if pos else None
    # Nobody present can serve this queue: say so, and offer a callback instead of a wait.
    view["no_agents"] = bool(pos and pos.expected_wait_seconds is None)
    # Nobody staffed can serve the queue: a callback, an answer by SMS, or the question on the
    # web Q&A board.
    view["options"] = ["callback", "sms", "qna"] if view["no_agents"] else []
    # Citizens do not need internal fields.
    for key in ("citizen_id", "summary", "priority", "agent_id"):
        view.pop(key, None)
    return view


def citizen_messages(s: Session, cid: int, after_seq: int) -> list[dict[str, Any]]:
    """The chat as its citizen sees it: their own messages as typed (from the vault)."""
    get_consultation(s, cid)
    return privacy_views.citizen_message_events(s, cid, after_seq)


def staff_messages(s: Session, cid: int, after_seq: int) -> list[dict[str, Any]]:
    """The chat as staff see it: stored text, masked by construction (ADR 0005)."""
    get_consultation(s, cid)
    return [message_event(m) for m in messages_after(s, cid, after_seq)]


# --- the supervisor floor --------------------------------------------------------------------


def overview(s: Session) -> dict[str, Any]:
    """Live queues, waiting contacts and agents' states. Counts come from the floor counters
    (kept by the database on every change, ADR 0010), the lists from the open-contacts index
    (bounded): nothing here grows with the history."""
    now = utcnow()
    queues = list(s.scalars(select(Queue).order_by(Queue.id)))
    counts = floor_counters.read(s)
    waiting_open = (Consultation.status == "open", Consultation.agent_id.is_(None),
                    Consultation.queue_id.is_not(None),
                    routing.live_chat())
    cols = load_only(Consultation.id, Consultation.queue_id, Consultation.agent_id,
                     Consultation.priority, Consultation.crisis, Consultation.subject,
                     Consultation.language, Consultation.queued_at, Consultation.answered_at,
                     Consultation.started_at)
    waiting = list(s.scalars(select(Consultation).options(cols).where(*waiting_open)
                             .order_by(Consultation.priority.desc(), Consultation.queued_at)
                             .limit(200)))
    oldest = dict(s.execute(select(Consultation.queue_id, func.min(Consultation.queued_at))
                            .where(*waiting_open).group_by(Consultation.queue_id)).all())
    bot = counts.get((0, "bot"), 0)

    def age(d: datetime | None) -> int:
        return int((now - d).total_seconds()) if d else 0

    # Ordered like the open-contacts index (an ORDER BY id would walk the whole history).
    live_chats = list(s.scalars(select(Consultation).options(cols).where(
        Consultation.status == "open", Consultation.agent_id.is_not(None),
        routing.live_chat())
        .order_by(Consultation.queue_id, Consultation.agent_id).limit(200)))
    agents = list(s.scalars(select(Agent).where(Agent.state != "offline").order_by(Agent.id)))
    loads = {ref: n for (ref, metric), n in counts.items() if metric == "agent"}
    teams = {t.id: t.name for t in s.scalars(select(Team))}
    names = {a.id: a.name for a in agents}
    for aid in {int(c.agent_id or 0) for c in live_chats} - set(names):
        other = s.get(Agent, aid)
        names[aid] = other.name if other else ""
    qnames = {q.id: q.code for q in queues}
    settings = get_settings()

    def level(seconds: int, warn: float = settings.sla_wait_warn_seconds,
              alert: float = settings.sla_wait_alert_seconds) -> str:
        """SLA colour of a wait (or, given the handle thresholds, of a live chat's handle
        time): ok, warn (amber) or alert (red; a red wait sounds the alarm)."""
        if seconds >= alert:
            return "alert"
        return "warn" if seconds >= warn else "ok"

    def handled(c: Consultation) -> int:
        return age(c.answered_at or c.queued_at or c.started_at)

    def longest(qid: int) -> int:
        return age(oldest.get(qid))

    return {
        "sla": {"warn_seconds": settings.sla_wait_warn_seconds,
                "alert_seconds": settings.sla_wait_alert_seconds,
                "handle_warn_seconds": settings.sla_handle_warn_seconds,
                "handle_alert_seconds": settings.sla_handle_alert_seconds},
        "bot_sessions": int(bot),
        "mode": routing.routing_mode(),
        "mode_ko": "전방위" if routing.routing_mode() == "omni" else "스킬 기반",
        "queues": [{"code": q.code, "name": q.name, "priority": q.priority,
                    "waiting": counts.get((q.id, "waiting"), 0),
                    "live": counts.get((q.id, "live"), 0),
                    "longest_wait_seconds": longest(q.id), "sla": level(longest(q.id))}
                   for q in queues],
        "waiting": [{"id": c.id, "queue": qnames.get(int(c.queue_id or 0)),
                     "queue_name": next((q.name for q in queues if q.id == c.queue_id), None),
                     "priority": c.priority, "crisis": c.crisis, "subject": c.subject,
                     "wait_seconds": age(c.queued_at), "sla": level(age(c.queued_at)),
                     "language": c.language}
                    for c in waiting],
        "live": [{"id": c.id, "queue_name": next((q.name for q in queues if q.id == c.queue_id),
                                                 None),
                  "agent_id": c.agent_id, "agent_name": names.get(int(c.agent_id or 0)),
                  "subject": c.subject, "answered": c.answered_at is not None,
                  "seconds": handled(c),
                  "sla": level(handled(c), settings.sla_handle_warn_seconds,
                               settings.sla_handle_alert_seconds)}
                 for c in live_chats],
        "agents": [{"id": a.id, "name": a.name, "state": a.state,
                    "state_ko": presence_states.LABELS_KO.get(a.state),
                    "state_seconds": age(a.state_since), "open_chats": loads.get(a.id, 0),
                    "max_chats": a.max_chats, "team": teams.get(a.team_id or 0)}
                   for a in agents],
    }
