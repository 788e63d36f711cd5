"""Chat API: the citizen's chat, the agent desktop, the supervisor view (REST + WebSocket).

Citizens are anonymous: `POST /api/chat/sessions` returns a signed token bound to the new
consultation, sent back as the `X-Chat-Token` header (REST) or `?token=` (WebSocket). Agents and
supervisors use their login cookie, on the WebSocket too.

Nothing is lost: a message is acknowledged (`{"type": "ack", "seq": n}`) only after it is in
the database; a client that reconnects with `?after_seq=n` (citizen) or `?after=cid:n,...`
(agent) gets every later message exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import (
    APIRouter,
    Depends,
    FastAPI,
    Header,
    HTTPException,
    Query,
    Request,
    WebSocket,
    WebSocketDisconnect,
)
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from dasan.assist import recommend
from dasan.assist import summary as summariser
from dasan.auth import user_for_session
from dasan.chat import hub as chat_hub
from dasan.chat.canned import canned
from dasan.chat.pubsub import Event, make_pubsub
from dasan.chat.service import (
    ChatError,
    consultation_for_token,
    consultation_view,
    get_consultation,
    issue_token,
    message_event,
    messages_after,
    phase,
)
from dasan.config import get_settings
from dasan.consultations.channels import CATEGORIES
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, Message, Queue, Team, User
from dasan.db.session import new_session
from dasan.protection import policy
from dasan.protection.screening import screen_many
from dasan.routing import router as routing
from dasan.web.deps import SESSION_COOKIE, get_db, require_roles
from dasan.web.security import limit_chat_starts, receive_frame, refuse_cross_site

log = logging.getLogger(__name__)
# The peer went away: a receive after the close, or a send after it (Starlette raises a
# RuntimeError subclass, `WebSocketDisconnected`, for the latter).
_GONE = (WebSocketDisconnect, RuntimeError)
ASSIGN_INTERVAL = get_settings().chat_assign_interval
WARM_INDEX = get_settings().chat_warm_index
_HEAP_SETTLED = False


async def _assign_loop(hub: chat_hub.ChatHub) -> None:
    """Safety net across workers: assign whatever is waiting every few seconds."""
    while True:
        await asyncio.sleep(ASSIGN_INTERVAL)
        try:
            await hub.assign()
        except Exception:
            log.exception("periodic chat assignment failed")


def _warm(s: Session) -> None:
    from dasan.knowledge.live import get_live_index

    get_live_index().sync(s)


async def _warm_up(hub: chat_hub.ChatHub, index: bool) -> None:
    """Load the screening models (and, with `index`, build the knowledge index) at start-up so
    that the first citizen does not wait for them; then settle the heap.

    Settling: everything alive after the warm-up (models, lexicons, the index, imported
    modules) lives as long as the process, yet CPython's full collections walk it again and
    again; under a 1,000-chat load each of those took 0.2-0.5 s with the event loop stopped,
    which was the whole tail of message delivery. `gc.freeze()` moves it out of the
    collector's sight, so later collections only walk what chats allocate. Once per process.
    """
    global _HEAP_SETTLED
    try:
        if hub.screening is not None:  # the models live in the screening workers
            await hub.screening.warm()
        else:
            await run_in_threadpool(screen_many, ["안녕하세요 문의드립니다"])
    except Exception:
        log.exception("loading the screening models failed (they load on first use)")
    if index:
        try:
            await run_in_threadpool(_call, _warm)
        except Exception:
            log.exception("warming the knowledge index failed (it is built on first use)")
    if not _HEAP_SETTLED:
        _HEAP_SETTLED = True
        gc.collect()
        gc.freeze()


@asynccontextmanager
async def lifespan(app: ASGIApp) -> AsyncIterator[None]:
    hub = chat_hub.ChatHub(make_pubsub(get_settings().pubsub_url))
    state = getattr(app, "state", None)
    if state is not None:
        state.chat_hub = hub
    tasks = [asyncio.create_task(_assign_loop(hub))] if ASSIGN_INTERVAL > 0 else []
    tasks.append(asyncio.create_task(_warm_up(hub, WARM_INDEX)))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await hub.pubsub.close()


router = APIRouter(prefix="/api/chat", tags=["chat"], lifespan=lifespan)


def hub_of(app: FastAPI) -> chat_hub.ChatHub:
    hub = getattr(app.state, "chat_hub", None)
    if hub is None:  # app used without its lifespan: one in-process hub
        hub = chat_hub.ChatHub(make_pubsub(get_settings().pubsub_url))
        app.state.chat_hub = hub
    return hub


async def run(request_or_ws: Request | WebSocket, fn: Any, *args: Any) -> chat_hub.Outcome:
    try:
        return await hub_of(request_or_ws.app).run(fn, *args)
    except ChatError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc


# --- citizen ----------------------------------------------------------------------------------


class StartIn(BaseModel):
    language: str = Field(default="ko", description="ko | en | ja | zh | vi | mn")
    phone: str | None = Field(default=None, description="optional, to see earlier contacts")


class MessageIn(BaseModel):
    body: str = Field(min_length=1, max_length=2000)
    client_msg_id: str | None = Field(default=None, max_length=64)


class FeedbackIn(BaseModel):
    helpful: bool
    entry_id: int | None = None
    client_msg_id: str | None = Field(default=None, max_length=64)


class SelectIn(BaseModel):
    entry_id: int
    client_msg_id: str | None = Field(default=None, max_length=64)


def citizen_chat(cid: int, token: str | None) -> None:
    if not token:
        raise HTTPException(401, "chat token required (X-Chat-Token header)")
    try:
        owner = consultation_for_token(token)
    except ChatError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    if owner != cid:
        raise HTTPException(403, "this token belongs to another chat")


def _status(s: Session, cid: int) -> dict[str, Any]:
    c = get_consultation(s, cid)
    view = consultation_view(s, c)
    pos = routing.position(s, c)
    view["position"] = pos.position if pos else None
    view["waiting"] = pos.waiting if pos else None
    view["expected_wait_seconds"] = pos.expected_wait_seconds if pos else None
    # Citizens do not need internal fields.
    for key in ("citizen_id", "summary", "priority"):
        view.pop(key, None)
    return view


def _call(fn: Any, *args: Any) -> Any:
    s = new_session()
    try:
        return fn(s, *args)
    finally:
        s.close()


async def _sync(fn: Any, *args: Any) -> Any:
    try:
        return await run_in_threadpool(_call, fn, *args)
    except ChatError as exc:
        raise HTTPException(exc.status, str(exc)) from exc


@router.post("/sessions", status_code=201)
async def start_session(body: StartIn, request: Request) -> dict[str, Any]:
    """Open a chat (no login): returns the consultation id and its citizen token."""
    limit_chat_starts(request.client.host if request.client else None)
    out = await run(request, chat_hub.open_chat, body.language, body.phone)
    cid = int(out.result["consultation_id"])
    return {"consultation_id": cid, "token": issue_token(cid), "phase": "bot"}


@router.get("/sessions/{cid}")
async def session_status(cid: int, x_chat_token: str | None = Header(default=None)
                         ) -> dict[str, Any]:
    """Phase, queue position and expected wait."""
    citizen_chat(cid, x_chat_token)
    return dict(await _sync(_status, cid))


def _messages(s: Session, cid: int, after_seq: int) -> list[dict[str, Any]]:
    get_consultation(s, cid)
    return [message_event(m) for m in messages_after(s, cid, after_seq)]


@router.get("/sessions/{cid}/messages")
async def session_messages(cid: int, after_seq: int = Query(0, ge=0),
                           x_chat_token: str | None = Header(default=None)
                           ) -> list[dict[str, Any]]:
    citizen_chat(cid, x_chat_token)
    return list(await _sync(_messages, cid, after_seq))


@router.post("/sessions/{cid}/messages")
async def session_send(cid: int, body: MessageIn, request: Request,
                       x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    """Send a message (HTTP fallback of the WebSocket); idempotent by client_msg_id."""
    citizen_chat(cid, x_chat_token)
    try:
        out = await hub_of(request.app).citizen_says(cid, body.body, body.client_msg_id)
    except ChatError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    return out.result


@router.post("/sessions/{cid}/handoff")
async def session_handoff(cid: int, request: Request,
                          x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    citizen_chat(cid, x_chat_token)
    await run(request, chat_hub.request_handoff, cid)
    return dict(await _sync(_status, cid))


@router.post("/sessions/{cid}/feedback")
async def session_feedback(cid: int, body: FeedbackIn, request: Request,
                           x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    citizen_chat(cid, x_chat_token)
    out = await run(request, chat_hub.feedback, cid, body.helpful, body.entry_id,
                    body.client_msg_id)
    return out.result


@router.post("/sessions/{cid}/select")
async def session_select(cid: int, body: SelectIn, request: Request,
                         x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    citizen_chat(cid, x_chat_token)
    out = await run(request, chat_hub.select_entry, cid, body.entry_id, body.client_msg_id)
    return out.result


@router.post("/sessions/{cid}/leave")
async def session_leave(cid: int, request: Request,
                        x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    citizen_chat(cid, x_chat_token)
    out = await run(request, chat_hub.citizen_leave, cid)
    return out.result


# --- agents -----------------------------------------------------------------------------------

AGENT_ROLES = ("agent", "supervisor")


def agent_for(s: Session, user: User) -> Agent | None:
    return s.scalar(select(Agent).where(Agent.user_id == user.id))


def require_agent(s: Session, user: User) -> Agent:
    agent = agent_for(s, user)
    if agent is None:
        raise HTTPException(403, "your account is not linked to an agent")
    return agent


def is_supervisor(user: User) -> bool:
    return user.role in ("supervisor", "admin")


def agent_info(s: Session, agent: Agent) -> dict[str, Any]:
    load = routing.open_chat_counts(s, [agent.id]).get(agent.id, 0)
    return {"id": agent.id, "name": agent.name, "employee_no": agent.employee_no,
            "state": agent.state, "max_chats": agent.max_chats, "open_chats": load,
            "languages": agent.languages}


def active_chats(s: Session, agent_id: int) -> list[Consultation]:
    return list(s.scalars(select(Consultation).where(
        Consultation.agent_id == agent_id, Consultation.status == "open",
        Consultation.channel.in_(routing.CHAT_CHANNELS)).order_by(Consultation.answered_at)))


@router.get("/agent/me")
def agent_me(db: Session = Depends(get_db),
             user: User = Depends(require_roles(*AGENT_ROLES))) -> dict[str, Any]:
    agent = require_agent(db, user)
    return {"agent": agent_info(db, agent),
            "chats": [consultation_view(db, c) for c in active_chats(db, agent.id)]}


class StateIn(BaseModel):
    state: str = Field(description="available | break | offline")


@router.post("/agent/state")
async def agent_state(body: StateIn, request: Request, db: Session = Depends(get_db),
                      user: User = Depends(require_roles(*AGENT_ROLES))) -> dict[str, Any]:
    if body.state not in ("available", "break", "offline"):
        raise HTTPException(400, "state must be available, break or offline")
    agent = require_agent(db, user)
    routing.set_agent_state(db, agent, body.state)
    db.commit()
    hub = hub_of(request.app)
    await hub.pubsub.publish(chat_hub.SUPERVISOR_CHANNEL, {"type": "changed"})
    if agent.state in routing.ACCEPTING:
        await hub.assign()
    db.refresh(agent)
    return agent_info(db, agent)


def _detail(s: Session, cid: int, user: User) -> dict[str, Any]:
    c = get_consultation(s, cid)
    agent = agent_for(s, user)
    if not is_supervisor(user) and (agent is None or c.agent_id != agent.id):
        raise ChatError("this chat is not assigned to you", 403)
    history: list[dict[str, Any]] = []
    if c.citizen_id is not None:
        for h in s.scalars(select(Consultation).where(
                Consultation.citizen_id == c.citizen_id, Consultation.id != c.id)
                .order_by(Consultation.started_at.desc()).limit(10)):
            history.append({"id": h.id, "channel": h.channel, "started_at": h.started_at
                            .isoformat(timespec="minutes"), "category": h.category,
                            "subject": h.subject, "summary": h.summary, "outcome": h.outcome})
    incidents = policy.prior_incidents(s, c.id)
    return {"consultation": consultation_view(s, c),
            "messages": [message_event(m) for m in messages_after(s, c.id, 0)],
            "history": history, "abuse_incidents": incidents,
            "registered_malicious": policy.is_registered(s, c.citizen_id)}


@router.get("/consultations/{cid}")
async def consultation_detail(cid: int, user: User = Depends(require_roles(*AGENT_ROLES))
                              ) -> dict[str, Any]:
    """A chat with its transcript and the citizen's earlier contacts."""
    return dict(await _sync(_detail, cid, user))


def _check_access(s: Session, cid: int, user: User) -> Consultation:
    c = get_consultation(s, cid)
    agent = agent_for(s, user)
    if not is_supervisor(user) and (agent is None or c.agent_id != agent.id):
        raise ChatError("this chat is not assigned to you", 403)
    return c


def _assist(s: Session, cid: int, user: User) -> list[dict[str, Any]]:
    _check_access(s, cid, user)
    return [r.to_dict() for r in recommend.for_chat(s, cid)]


@router.get("/consultations/{cid}/assist")
async def consultation_assist(cid: int, user: User = Depends(require_roles(*AGENT_ROLES))
                              ) -> list[dict[str, Any]]:
    """Top knowledge-base answers for what the citizen wrote."""
    return list(await _sync(_assist, cid, user))


def _search(s: Session, q: str, k: int) -> list[dict[str, Any]]:
    try:
        return [r.to_dict() for r in recommend.search(s, q, k)]
    except ValueError as exc:
        raise ChatError(str(exc)) from exc


@router.get("/assist")
async def assist_search(q: str = Query(..., min_length=1, max_length=1000),
                        k: int = Query(5, ge=1, le=20),
                        _user: User = Depends(require_roles(*AGENT_ROLES))
                        ) -> list[dict[str, Any]]:
    """Search the knowledge base from the assistant panel."""
    return list(await _sync(_search, q, k))


def _wrapup(s: Session, cid: int, user: User) -> dict[str, Any]:
    c = _check_access(s, cid, user)
    turns = [summariser.Turn(sender, body) for sender, body, flags in s.execute(
        select(Message.sender, Message.body, Message.flags).where(Message.consultation_id == cid)
        .order_by(Message.seq))
        # Feedback clicks and picked entries are UI gestures, not what the citizen said.
        if not (flags or {}).get("feedback") and not (flags or {}).get("selected")]
    settings = get_settings()
    proposal = summariser.propose(turns, llm_base_url=settings.llm_base_url,
                                  llm_model=settings.llm_model, llm_api_key=settings.llm_api_key)
    question = " ".join(t.body for t in turns if t.sender == "citizen")
    category = None
    if question.strip():
        near = recommend.search(s, question, k=5)
        category = summariser.majority_category([r.category for r in near])
    if c.kb_entry_id is not None:
        from dasan.db.models import KbEntry

        entry = s.get(KbEntry, c.kb_entry_id)
        if entry is not None and entry.category:
            category = entry.category
    return {"summary": proposal.text, "method": proposal.method, "note": proposal.note,
            "category": category, "categories": list(CATEGORIES)}


@router.get("/consultations/{cid}/wrapup")
async def consultation_wrapup(cid: int, user: User = Depends(require_roles(*AGENT_ROLES))
                              ) -> dict[str, Any]:
    """Proposed summary (PII-masked) and category for the agent to confirm."""
    return dict(await _sync(_wrapup, cid, user))


class CloseIn(BaseModel):
    summary: str | None = Field(default=None, max_length=4000)
    category: str | None = Field(default=None, max_length=64)


def _agent_and_role(s: Session, user: User) -> tuple[Agent | None, bool]:
    return agent_for(s, user), is_supervisor(user)


@router.post("/consultations/{cid}/close")
async def consultation_close(cid: int, body: CloseIn, request: Request,
                             user: User = Depends(require_roles(*AGENT_ROLES))
                             ) -> dict[str, Any]:
    """End the chat (if open) and save the confirmed summary and category."""
    if body.category and body.category not in CATEGORIES:
        raise HTTPException(400, f"unknown category {body.category!r}")
    agent, sup = await _sync(_agent_and_role, user)
    out = await run(request, chat_hub.close_chat, agent, cid, body.summary, body.category, sup)
    return out.result


class TransferIn(BaseModel):
    agent_id: int | None = None
    queue: str | None = None


@router.post("/consultations/{cid}/transfer")
async def consultation_transfer(cid: int, body: TransferIn, request: Request,
                                user: User = Depends(require_roles(*AGENT_ROLES))
                                ) -> dict[str, Any]:
    """Hand the chat to another agent or back to a queue."""
    agent, sup = await _sync(_agent_and_role, user)
    out = await run(request, chat_hub.transfer, agent, cid, body.agent_id, body.queue, sup)
    return out.result


@router.get("/canned")
def canned_answers(_user: User = Depends(require_roles(*AGENT_ROLES))) -> list[dict[str, str]]:
    return canned()


@router.get("/transfer-targets")
def transfer_targets(db: Session = Depends(get_db),
                     _user: User = Depends(require_roles(*AGENT_ROLES))) -> dict[str, Any]:
    agents = list(db.scalars(select(Agent).where(Agent.state.in_(routing.ACCEPTING))
                             .order_by(Agent.name)))
    loads = routing.open_chat_counts(db, [a.id for a in agents])
    return {
        "agents": [{"id": a.id, "name": a.name, "open_chats": loads.get(a.id, 0),
                    "max_chats": a.max_chats} for a in agents],
        "queues": [{"code": q.code, "name": q.name} for q in db.scalars(select(Queue)
                                                                         .order_by(Queue.id))],
    }


# --- supervisor -------------------------------------------------------------------------------


def overview(s: Session) -> dict[str, Any]:
    now = utcnow()
    queues = list(s.scalars(select(Queue).order_by(Queue.id)))
    waiting = list(s.scalars(select(Consultation).where(
        Consultation.status == "open", Consultation.agent_id.is_(None),
        Consultation.queue_id.is_not(None), Consultation.channel.in_(routing.CHAT_CHANNELS))
        .order_by(Consultation.priority.desc(), Consultation.queued_at)))
    live = dict(s.execute(select(Consultation.queue_id, func.count(Consultation.id)).where(
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

    agents = list(s.scalars(select(Agent).where(Agent.state != "offline").order_by(Agent.id)))
    loads = routing.open_chat_counts(s, [a.id for a in agents])
    teams = {t.id: t.name for t in s.scalars(select(Team))}
    qnames = {q.id: q.code for q in queues}
    return {
        "mode": routing.routing_mode(),
        "bot_sessions": int(bot),
        "queues": [{"code": q.code, "name": q.name, "priority": q.priority,
                    "waiting": len(by_queue.get(q.id, [])), "live": int(live.get(q.id, 0)),
                    "longest_wait_seconds": max((age(c.queued_at) for c in
                                                 by_queue.get(q.id, [])), default=0)}
                   for q in queues],
        "waiting": [{"id": c.id, "queue": qnames.get(int(c.queue_id or 0)),
                     "priority": c.priority, "crisis": c.crisis, "subject": c.subject,
                     "wait_seconds": age(c.queued_at), "language": c.language}
                    for c in waiting[:200]],
        "agents": [{"id": a.id, "name": a.name, "state": a.state,
                    "state_seconds": age(a.state_since), "open_chats": loads.get(a.id, 0),
                    "max_chats": a.max_chats, "team": teams.get(a.team_id or 0)}
                   for a in agents],
    }


@router.get("/supervisor/overview")
async def supervisor_overview(_user: User = Depends(require_roles("supervisor"))
                              ) -> dict[str, Any]:
    """Live queues, waiting contacts and agents' states."""
    return dict(await _sync(overview))


class MaliciousIn(BaseModel):
    citizen_id: int
    reason: str = Field(min_length=1, max_length=256)


@router.post("/malicious", status_code=201)
def register_malicious(body: MaliciousIn, db: Session = Depends(get_db),
                       user: User = Depends(require_roles("supervisor"))) -> dict[str, Any]:
    """Add a citizen to the malicious-caller registry (routed to the dedicated team)."""
    from dasan import audit

    try:
        row = policy.register(db, body.citizen_id, body.reason, user)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    audit.record(db, user, "protection.register_malicious", object_type="citizen",
                 object_id=body.citizen_id)
    db.commit()
    return {"id": row.id, "citizen_id": row.citizen_id, "active": row.active}


# --- WebSockets -------------------------------------------------------------------------------


class _Socket:
    """A WebSocket with serialised sends and per-chat de-duplication of messages."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.lock = asyncio.Lock()
        self.last: dict[int, int] = {}

    async def send(self, event: Event) -> None:
        async with self.lock:
            await self.ws.send_json(event)

    async def send_message(self, event: Event) -> None:
        cid, seq = int(event["consultation_id"]), int(event["seq"])
        if seq <= self.last.get(cid, 0):
            return  # already delivered (backlog and live overlap)
        self.last[cid] = seq
        await self.send(event)

    async def backlog(self, cid: int) -> None:
        for event in await run_in_threadpool(_call, _messages, cid, self.last.get(cid, 0)):
            await self.send_message(event)


async def _ws_error(sock: _Socket, exc: Exception, ref: Any = None) -> None:
    status = exc.status if isinstance(exc, ChatError) else 400
    await sock.send({"type": "error", "status": status, "detail": str(exc), "ref": ref})


@router.websocket("/ws/citizen/{cid}")
async def citizen_socket(ws: WebSocket, cid: int, token: str = "", after_seq: int = 0) -> None:
    if await refuse_cross_site(ws):
        return
    try:
        if consultation_for_token(token) != cid:
            raise ChatError("this token belongs to another chat", 403)
    except ChatError:
        await ws.close(code=4401)
        return
    await ws.accept()
    hub = hub_of(ws.app)  # type: ignore[arg-type]
    sock = _Socket(ws)
    sock.last[cid] = max(0, after_seq)
    queue: asyncio.Queue[Event] = asyncio.Queue()
    channel = chat_hub.consult_channel(cid)
    await hub.pubsub.subscribe(channel, queue)
    try:
        await sock.send({"type": "state", "consultation": await _sync(_status, cid)})
        await sock.backlog(cid)
        await _pump(sock, queue, lambda frame: _citizen_frame(hub, sock, cid, frame), "citizen")
    except (WebSocketDisconnect, RuntimeError, HTTPException):
        pass
    finally:
        await hub.pubsub.unsubscribe(channel, queue)


async def _citizen_frame(hub: chat_hub.ChatHub, sock: _Socket, cid: int, frame: Event) -> None:
    kind = frame.get("type")
    ref = frame.get("client_msg_id")
    try:
        if kind == "message":

            async def ack(out: chat_hub.Outcome) -> None:
                await sock.send({"type": "ack", **out.result})

            await hub.citizen_says(cid, str(frame.get("body", "")), ref, on_stored=ack,
                                   background=True)
        elif kind == "typing":
            await hub.pubsub.publish(chat_hub.consult_channel(cid), {
                "type": "typing", "consultation_id": cid, "who": "citizen",
                "active": bool(frame.get("active", True))})
        elif kind == "handoff":
            await hub.run(chat_hub.request_handoff, cid)
        elif kind == "feedback":
            entry = frame.get("entry_id")
            out = await hub.run(chat_hub.feedback, cid, bool(frame.get("helpful")),
                                int(entry) if entry is not None else None, ref)
            await sock.send({"type": "ack", **out.result, "client_msg_id": ref})
        elif kind == "select":
            out = await hub.run(chat_hub.select_entry, cid, int(frame["entry_id"]), ref)
            await sock.send({"type": "ack", **out.result, "client_msg_id": ref})
        elif kind == "leave":
            await hub.run(chat_hub.citizen_leave, cid)
        elif kind == "status":
            await sock.send({"type": "state", "consultation": await _sync(_status, cid)})
        elif kind == "ping":
            await sock.send({"type": "pong"})
        else:
            raise ChatError(f"unknown frame type {kind!r}")
    except (ChatError, ValueError, KeyError, TypeError) as exc:
        await _ws_error(sock, exc, ref)
    except HTTPException as exc:
        await sock.send({"type": "error", "status": exc.status_code, "detail": exc.detail,
                         "ref": ref})


async def _pump(sock: _Socket, queue: asyncio.Queue[Event], on_frame: Any, me: str,
                on_event: Any = None) -> None:
    """Forward pub/sub events to the socket and client frames to `on_frame` until either
    side closes."""

    async def writer() -> None:
        while True:
            event = await queue.get()
            if on_event is not None and await on_event(event):
                continue
            kind = event.get("type")
            if kind == "message":
                await sock.send_message(event)
            elif (kind == "typing" and event.get("who") == me) or (
                    kind in ("assist", "abuse", "break_offered", "flags")
                    and me == "citizen"):
                continue
            else:
                await sock.send(event)

    async def reader() -> None:
        while True:
            frame = await receive_frame(sock.ws)
            if not isinstance(frame, dict):
                await sock.send({"type": "error", "status": 400,
                                 "detail": "frames are JSON objects in text frames"})
                continue
            await on_frame(frame)

    tasks = [asyncio.create_task(writer()), asyncio.create_task(reader())]
    try:
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in done:
            exc = t.exception()
            if exc is not None and not isinstance(exc, _GONE):
                raise exc
    finally:
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, Exception):
                await t


def _ws_user(s: Session, token: str | None) -> tuple[User, Agent | None] | None:
    if not token:
        return None
    user = user_for_session(s, token)
    if user is None or (user.role not in AGENT_ROLES and user.role != "admin"):
        return None
    return user, agent_for(s, user)


def _agent_connect(s: Session, agent_id: int) -> dict[str, Any]:
    agent = s.get(Agent, agent_id)
    assert agent is not None
    if agent.state == "offline":
        routing.set_agent_state(s, agent, "available")
        s.commit()
    return {"agent": agent_info(s, agent),
            "chats": [consultation_view(s, c) for c in active_chats(s, agent_id)]}


def _parse_after(raw: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for part in filter(None, raw.split(",")):
        cid, _, seq = part.partition(":")
        if cid.strip().isdigit() and seq.strip().isdigit():
            out[int(cid)] = int(seq)
    return out


@router.websocket("/ws/agent")
async def agent_socket(ws: WebSocket, after: str = "") -> None:
    """The agent desktop: assignments, messages of every open chat, typing, assistant."""
    if await refuse_cross_site(ws):
        return
    found = await run_in_threadpool(_call, _ws_user, ws.cookies.get(SESSION_COOKIE))
    if found is None or found[1] is None:
        await ws.close(code=4401)
        return
    _user, agent = found
    assert agent is not None
    agent_id = agent.id
    await ws.accept()
    hub = hub_of(ws.app)  # type: ignore[arg-type]
    sock = _Socket(ws)
    sock.last.update(_parse_after(after))
    queue: asyncio.Queue[Event] = asyncio.Queue()
    channels = {chat_hub.agent_channel(agent_id)}
    await hub.pubsub.subscribe(chat_hub.agent_channel(agent_id), queue)

    async def follow(cid: int) -> None:
        ch = chat_hub.consult_channel(cid)
        if ch not in channels:
            channels.add(ch)
            await hub.pubsub.subscribe(ch, queue)
        await sock.backlog(cid)

    async def on_event(event: Event) -> bool:
        kind = event.get("type")
        if kind == "assigned":
            cid = int(event["consultation"]["id"])
            await sock.send(event)
            await follow(cid)
            await hub.push_assist(cid, agent_id)
            return True
        if kind == "unassigned":
            await sock.send(event)
            ch = chat_hub.consult_channel(int(event["consultation_id"]))
            if ch in channels:
                channels.discard(ch)
                await hub.pubsub.unsubscribe(ch, queue)
            return True
        return False

    try:
        hello = await run_in_threadpool(_call, _agent_connect, agent_id)
        await sock.send({"type": "hello", **hello})
        for chat in hello["chats"]:
            await follow(int(chat["id"]))
        await hub.pubsub.publish(chat_hub.SUPERVISOR_CHANNEL, {"type": "changed"})
        await hub.assign()
        await _pump(sock, queue, lambda frame: _agent_frame(hub, sock, agent_id, frame),
                    "agent", on_event)
    except (WebSocketDisconnect, RuntimeError, HTTPException):
        pass
    finally:
        for ch in channels:
            await hub.pubsub.unsubscribe(ch, queue)


def _agent_by_id(s: Session, agent_id: int) -> Agent:
    agent = s.get(Agent, agent_id)
    if agent is None:
        raise ChatError("agent not found", 404)
    return agent


def _agent_message(s: Session, agent_id: int, cid: int, body: str, ref: str | None,
                   entry_id: int | None) -> chat_hub.Outcome:
    return chat_hub.agent_message(s, _agent_by_id(s, agent_id), cid, body, ref, entry_id)


async def _agent_frame(hub: chat_hub.ChatHub, sock: _Socket, agent_id: int, frame: Event
                       ) -> None:
    kind = frame.get("type")
    ref = frame.get("client_msg_id")
    try:
        if kind == "message":
            entry = frame.get("entry_id")
            out = await hub.run(_agent_message, agent_id, int(frame["consultation_id"]),
                                str(frame.get("body", "")), ref,
                                int(entry) if entry is not None else None)
            await sock.send({"type": "ack", "consultation_id": int(frame["consultation_id"]),
                             **out.result})
        elif kind == "typing":
            cid = int(frame["consultation_id"])
            if cid in sock.last:
                await hub.pubsub.publish(chat_hub.consult_channel(cid), {
                    "type": "typing", "consultation_id": cid, "who": "agent",
                    "active": bool(frame.get("active", True))})
        elif kind == "ping":
            await sock.send({"type": "pong"})
        else:
            raise ChatError(f"unknown frame type {kind!r}")
    except (ChatError, ValueError, KeyError, TypeError) as exc:
        await _ws_error(sock, exc, ref)


@router.websocket("/ws/supervisor")
async def supervisor_socket(ws: WebSocket) -> None:
    """Pushes the overview whenever something changes (at most every half second)."""
    if await refuse_cross_site(ws):
        return
    found = await run_in_threadpool(_call, _ws_user, ws.cookies.get(SESSION_COOKIE))
    if found is None or found[0].role not in ("supervisor", "admin"):
        await ws.close(code=4401)
        return
    await ws.accept()
    hub = hub_of(ws.app)  # type: ignore[arg-type]
    queue: asyncio.Queue[Event] = asyncio.Queue()
    await hub.pubsub.subscribe(chat_hub.SUPERVISOR_CHANNEL, queue)
    try:
        while True:
            await ws.send_json({"type": "overview", **await _sync(overview)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(queue.get(), timeout=5.0)
            await asyncio.sleep(0.5)
            while not queue.empty():
                queue.get_nowait()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        await hub.pubsub.unsubscribe(chat_hub.SUPERVISOR_CHANNEL, queue)


__all__ = ["router", "phase"]
