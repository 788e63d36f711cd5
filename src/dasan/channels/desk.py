"""The agents' side of written threads: the queue by SLA, claim, reply, hand to a department,
close with the right outcome, idle closing.

Outcomes (names shared with the outcome ADR): `answered` only when an agent (or the owning
department) replied on the thread; `bot_resolved` when only the chatbot answered;
`handed_off` when the thread was handed to the owning department and closed without a reply
here (the department took it on outside the desk); `idle_closed` when nobody answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.channels import live, outbound
from dasan.channels.errors import ThreadClosed, ThreadNotFound
from dasan.channels.sla import remaining_seconds
from dasan.channels.threads import Added, transcript
from dasan.channels.translation import get_translator
from dasan.channels.translation.glossary import FOREIGN
from dasan.channels.translation.lexicon import korean_text
from dasan.channels.translation.port import Translator
from dasan.config import get_settings
from dasan.consultations.outcomes import Ending, outcome_for
from dasan.db.base import utcnow
from dasan.db.models import Agency, Agent, Consultation, Queue, Team, User
from dasan.db.models_channels import WrittenThread
from dasan.errors import Conflict, Invalid

WAITING = ("open", "claimed")
MAX_REPLY_CHARS = 4000
IDLE_AFTER = timedelta(hours=24)


def agent_of(session: Session, user: User) -> Agent | None:
    return session.scalar(select(Agent).where(Agent.user_id == user.id))


def is_dedicated(session: Session, agent: Agent | None) -> bool:
    """Whether the agent belongs to the malicious-caller (전담) team."""
    if agent is None or agent.team_id is None:
        return False
    return bool(session.scalar(select(Team.dedicated_malicious).where(Team.id == agent.team_id)))


def _separated(session: Session) -> ColumnElement[bool] | None:
    """Threads of separated callers (their consultation waits in the dedicated team's queue)."""
    qid = session.scalar(select(Queue.id).where(Queue.code == access.SEPARATED_QUEUE))
    if qid is None:
        return None
    return WrittenThread.consultation_id.in_(select(Consultation.id).where(
        Consultation.queue_id == qid, Consultation.status == "open"))


def _hidden_separated(session: Session, user: User, agent: Agent | None
                      ) -> ColumnElement[bool] | None:
    """For a user who may not take separated callers: the condition that hides their threads."""
    if access.can_take_separated(user, is_dedicated(session, agent)):
        return None
    cond = _separated(session)
    return None if cond is None else ~cond


def access_thread_separation(session: Session, user: User, thread: WrittenThread,
                             agent: Agent | None) -> None:
    """A separated caller's thread is the dedicated team's (and the floor leads')."""
    consultation = session.get(Consultation, thread.consultation_id)
    if consultation is None or consultation.queue_id is None:
        return
    code = session.scalar(select(Queue.code).where(Queue.id == consultation.queue_id))
    if code == access.SEPARATED_QUEUE:
        access.access_separated_contact(session, user, is_dedicated(session, agent),
                                        consultation.id)


def get_thread(session: Session, thread_id: int) -> WrittenThread:
    thread = session.get(WrittenThread, thread_id)
    if thread is None:
        raise ThreadNotFound(f"no written thread {thread_id}")
    return thread


@dataclass(frozen=True)
class QueueItem:
    id: int
    consultation_id: int
    channel: str
    language: str
    status: str
    subject: str | None
    sla_due_at: datetime | None
    sla_seconds_left: float | None
    claimed_by_agent_id: int | None
    owner_agency: str | None

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["sla_due_at"] = self.sla_due_at.isoformat() if self.sla_due_at else None
        d["overdue"] = self.sla_seconds_left is not None and self.sla_seconds_left < 0
        return d


def queue(session: Session, user: User, *, channel: str | None = None,
          now: datetime | None = None, limit: int = 200) -> list[QueueItem]:
    """Threads waiting for a person, most urgent SLA first (the user's department only, for a
    department user)."""
    now = now or utcnow()
    query = (select(WrittenThread, Agency.name).outerjoin(
        Agency, Agency.id == WrittenThread.owner_agency_id)
        .where(WrittenThread.status.in_(WAITING)))
    if user.role == "kb_editor":
        query = query.where(WrittenThread.owner_agency_id == user.agency_id)
    else:
        access.access_written_queue(session, user)
        hide = _hidden_separated(session, user, agent_of(session, user))
        if hide is not None:
            query = query.where(hide)
    if channel:
        query = query.where(WrittenThread.channel == channel)
    query = query.order_by(WrittenThread.sla_due_at.is_(None), WrittenThread.sla_due_at,
                           WrittenThread.id).limit(limit)
    return [QueueItem(t.id, t.consultation_id, t.channel, t.language, t.status, t.subject,
                      t.sla_due_at, remaining_seconds(t.sla_due_at, now),
                      t.claimed_by_agent_id, agency) for t, agency in session.execute(query)]


def detail(session: Session, user: User, thread_id: int) -> dict[str, Any]:
    """The thread with its masked transcript: each message's original and its translation."""
    thread = get_thread(session, thread_id)
    access.access_view_thread(session, user, thread)
    return {
        "id": thread.id, "consultation_id": thread.consultation_id, "channel": thread.channel,
        "language": thread.language, "status": thread.status, "subject": thread.subject,
        "sla_due_at": thread.sla_due_at.isoformat() if thread.sla_due_at else None,
        "claimed_by_agent_id": thread.claimed_by_agent_id,
        "owner_agency_id": thread.owner_agency_id,
        "messages": [{
            "id": m.id, "seq": m.seq, "sender": m.sender, "direction": c.direction,
            "body": m.body_masked, "language": c.language, "translation": c.translation,
            "translation_language": c.translation_language,
            "delivery_status": c.delivery_status, "attachments": c.attachments,
            "at": m.created_at.isoformat()} for m, c in transcript(session, thread)],
    }


class AtConcurrencyLimit(Conflict):
    code = "concurrency_limit"


def claim_limit(channel: str) -> int:
    return int(get_settings().written_max_claimed.get(channel, 5))


def in_work(session: Session, agent_id: int, channel: str) -> int:
    """Threads of `channel` the agent holds and still owes an answer (status `claimed`)."""
    return int(session.scalar(select(func.count(WrittenThread.id)).where(
        WrittenThread.claimed_by_agent_id == agent_id, WrittenThread.channel == channel,
        WrittenThread.status == "claimed")) or 0)


def assist(session: Session, user: User, thread_id: int, k: int = 3) -> list[dict[str, Any]]:
    """The assistant panel for a written thread: the knowledge base's best answers for what the
    citizen wrote (the same recommender the chat desktop uses)."""
    from dasan.assist import recommend

    thread = get_thread(session, thread_id)
    access.access_view_thread(session, user, thread)
    if thread.language in FOREIGN:
        # A foreign-language thread: the encoder reads the citizen's words, the lexical
        # scorers their Korean terms (docs/written-channels.md, cross-lingual search).
        text = recommend.query_for_chat(session, thread.consultation_id)
        if not text.strip():
            return []
        return [r.to_dict() for r in recommend.search(
            session, text, k, lexical_query=korean_text(text, thread.language) or None,
            language=thread.language)]
    return [r.to_dict() for r in recommend.for_chat(session, thread.consultation_id, k)]


def desk_view(session: Session, user: User, now: datetime | None = None,
              limit: int = 200) -> dict[str, Any]:
    """The written threads for the agent desktop's conversation list: the threads the user's
    agent holds (still owed an answer, or answered and waiting on the citizen) first, then the
    unclaimed ones by SLA; with the agent's per-channel load against its concurrency limit.
    Threads another agent holds are left out for an agent (a supervisor sees them)."""
    access.access_written_queue(session, user)
    now = now or utcnow()
    agent = agent_of(session, user)
    agent_id = agent.id if agent is not None else None
    mine_filter = WrittenThread.claimed_by_agent_id == agent_id if agent_id is not None \
        else WrittenThread.id.is_(None)
    waiting: ColumnElement[bool] = WrittenThread.status.in_(WAITING)
    if user.role == "agent":
        waiting = waiting & (WrittenThread.claimed_by_agent_id.is_(None) | mine_filter)
        hide = _hidden_separated(session, user, agent)
        if hide is not None:  # a separated caller's threads are the dedicated team's
            waiting = waiting & (hide | mine_filter)
    query = (select(WrittenThread, Agency.name)
             .outerjoin(Agency, Agency.id == WrittenThread.owner_agency_id)
             .where(waiting | (mine_filter & (WrittenThread.status == "replied")))
             .order_by(WrittenThread.sla_due_at.is_(None), WrittenThread.sla_due_at,
                       WrittenThread.id).limit(limit))
    items = []
    for t, agency in session.execute(query):
        item = QueueItem(t.id, t.consultation_id, t.channel, t.language, t.status, t.subject,
                         t.sla_due_at, remaining_seconds(t.sla_due_at, now),
                         t.claimed_by_agent_id, agency).to_dict()
        item["mine"] = agent_id is not None and t.claimed_by_agent_id == agent_id
        items.append(item)
    items.sort(key=lambda i: (not i["mine"], i["status"] == "replied"))  # stable: SLA order kept
    load = {}
    if agent_id is not None:
        held = {ch: n for ch, n in session.execute(
            select(WrittenThread.channel, func.count(WrittenThread.id))
            .where(WrittenThread.claimed_by_agent_id == agent_id,
                   WrittenThread.status == "claimed")
            .group_by(WrittenThread.channel))}
        load = {ch: {"held": int(held.get(ch, 0)), "limit": n}
                for ch, n in get_settings().written_max_claimed.items()}
    return {"agent_id": agent_id, "now": now.isoformat(), "load": load, "threads": items}


def claim(session: Session, user: User, thread_id: int, now: datetime | None = None
          ) -> WrittenThread:
    """Take a thread into one's work, within the channel's per-agent concurrency."""
    access.access_written_queue(session, user)
    thread = get_thread(session, thread_id)
    if thread.status == "closed":
        raise ThreadClosed("the thread is closed")
    agent = agent_of(session, user)
    if agent is None:
        raise Invalid("only a user with an agent profile can claim a thread")
    access.access_answer_thread(session, user, thread, agent.id)
    access_thread_separation(session, user, thread, agent)
    if thread.claimed_by_agent_id != agent.id:
        limit = claim_limit(thread.channel)
        if in_work(session, agent.id, thread.channel) >= limit:
            raise AtConcurrencyLimit(
                f"you already hold {limit} {thread.channel} threads awaiting an answer; "
                "answer or hand one back first")
    thread.claimed_by_agent_id = agent.id
    if thread.status == "open":
        thread.status = "claimed"
    thread.updated_at = now or utcnow()
    consultation = session.get(Consultation, thread.consultation_id)
    if consultation is not None:
        consultation.agent_id = agent.id
    live.note(session, thread, "claimed", now=thread.updated_at)
    return thread


def reply(session: Session, user: User, thread_id: int, text: str, *, translate: bool = True,
          translator: Translator | None = None, now: datetime | None = None) -> Added:
    """An agent's (or the owning department's) answer, sent on the thread's channel. For a
    citizen who does not write Korean, the Korean text is translated when an engine is
    configured; the agent's original stays beside the translation."""
    now = now or utcnow()
    text = (text or "").strip()
    if not text:
        raise Invalid("the reply is empty", code="reply_invalid")
    if len(text) > MAX_REPLY_CHARS:
        raise Invalid(f"the reply is over {MAX_REPLY_CHARS} characters", code="reply_invalid")
    thread = get_thread(session, thread_id)
    if thread.status == "closed":
        raise ThreadClosed("the thread is closed")
    agent = agent_of(session, user)
    access.access_answer_thread(session, user, thread, agent.id if agent else None)
    if user.role == "agent":
        access_thread_separation(session, user, thread, agent)
    if agent is not None and thread.claimed_by_agent_id is None and user.role == "agent":
        thread.claimed_by_agent_id = agent.id
    body, original, lang = text, None, "ko"
    if translate and thread.language != "ko":
        t = (translator or get_translator()).translate(text, "ko", thread.language)
        if t is not None and not t.partial:
            body, original, lang = t.text, text, thread.language
    added = outbound.send(session, thread, body, sender="agent", language=lang,
                          agent_id=agent.id if agent else None, translation=original,
                          translation_language="ko" if original else None,
                          flags={"by_user": user.id})
    if thread.first_agent_reply_at is None:
        thread.first_agent_reply_at = now
        consultation = session.get(Consultation, thread.consultation_id)
        if consultation is not None:
            consultation.answered_at = now
            if agent is not None:
                consultation.agent_id = agent.id
            start = consultation.queued_at or consultation.started_at
            consultation.wait_seconds = (now - start).total_seconds()
    thread.status = "replied"
    thread.updated_at = now
    live.note(session, thread, "replied", message_id=added.channel_message.id, direction="out",
              now=now)
    return added


def hand_to_department(session: Session, user: User, thread_id: int, agency_id: int
                       ) -> WrittenThread:
    """Give the thread to the department that owns the topic (it answers from its queue)."""
    access.access_written_queue(session, user)
    thread = get_thread(session, thread_id)
    if session.get(Agency, agency_id) is None:
        raise Invalid(f"unknown agency {agency_id}")
    thread.owner_agency_id = agency_id
    thread.claimed_by_agent_id = None
    if thread.status != "closed":
        thread.status = "open"
    live.note(session, thread, "released")
    audit.record(session, user, "written.hand_to_department", object_type="written_thread",
                 object_id=thread.id, detail={"agency_id": agency_id})
    return thread


def outcome_of(thread: WrittenThread, how: str = "agent_closed") -> str:
    """The ADR outcome of a thread ending now: `how` is agent_closed (a person closed it),
    citizen_left (the citizen went quiet after an answer, or opted out)."""
    agent_answered = thread.first_agent_reply_at is not None
    if how == "agent_closed" and not agent_answered and thread.owner_agency_id is not None:
        how = "transfer_out"  # the owning department took it on outside the desk
    waited = not thread.bot_answered or thread.claimed_by_agent_id is not None \
        or thread.owner_agency_id is not None
    return outcome_for(Ending(
        agent_answered=agent_answered, reached_queue=waited,
        offered=thread.claimed_by_agent_id is not None, bot_answered=thread.bot_answered,
        how=how))


def close_thread(session: Session, thread: WrittenThread, now: datetime,
                 how: str = "agent_closed") -> str:
    """End the thread and its consultation with the ADR outcome (no access check: callers
    are the rooms' own rules, e.g. an opt-out or idle closing)."""
    from dasan.channels.sms import survey  # sms.service imports this module

    outcome = outcome_of(thread, how)
    thread.status = "closed"
    consultation = session.get(Consultation, thread.consultation_id)
    if consultation is not None and consultation.status != "closed":
        consultation.status, consultation.outcome, consultation.ended_at = "closed", outcome, now
        if consultation.answered_at is not None:
            consultation.handle_seconds = (now - consultation.answered_at).total_seconds()
        survey.ask(session, thread)
    thread.updated_at = now
    return outcome


def close(session: Session, user: User, thread_id: int, now: datetime | None = None) -> str:
    thread = get_thread(session, thread_id)
    agent = agent_of(session, user)
    access.access_answer_thread(session, user, thread, agent.id if agent else None)
    if thread.status == "closed":
        raise ThreadClosed("the thread is already closed")
    outcome = close_thread(session, thread, now or utcnow())
    live.note(session, thread, "closed", now=thread.updated_at)
    return outcome


def close_idle(session: Session, now: datetime | None = None,
               idle_after: timedelta = IDLE_AFTER) -> int:
    """Close threads that waited on the citizen (answered by bot or agent) for `idle_after`."""
    now = now or utcnow()
    stale = list(session.scalars(select(WrittenThread).where(
        WrittenThread.status == "replied", WrittenThread.updated_at < now - idle_after)))
    for thread in stale:
        close_thread(session, thread, now, "citizen_left")
    return len(stale)
