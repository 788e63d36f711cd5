"""Chat API: the citizen's chat, the agent desktop, the supervisor view (REST + WebSocket).

Citizens are anonymous: `POST /api/chat/sessions` returns a signed token bound to the new
consultation, sent back as the `X-Chat-Token` header (REST) or in the socket's first frame
(`{"type": "auth", "token": ...}`); a token never travels in a URL. Agents and
supervisors use their login cookie, on the WebSocket too.

Nothing is lost: a message is acknowledged (`{"type": "ack", "seq": n}`) only after it is in
the database; a client that reconnects with `?after_seq=n` (citizen) or `?after=cid:n,...`
(agent) gets every later message exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import (
    APIRouter,
    Depends,
    Form,
    Header,
    HTTPException,
    Query,
    Request,
    Response,
    UploadFile,
    WebSocket,
    WebSocketDisconnect,
)
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from dasan import access
from dasan.auth import user_for_session
from dasan.chat import attachments, desk, floor, idle, overflow, sign
from dasan.chat import events as chat_events
from dasan.chat import hub as chat_hub
from dasan.chat.pubsub import Event
from dasan.chat.runtime import Runtime
from dasan.chat.service import ChatError, authorize_citizen, issue_token, phase
from dasan.config import get_settings
from dasan.consultations.channels import CATEGORIES
from dasan.db.models import Agent, User
from dasan.db.session import new_session
from dasan.errors import DomainError
from dasan.privacy import views as privacy_views
from dasan.protection import policy
from dasan.timeutil import StoredDateTime
from dasan.web.deps import SESSION_COOKIE, current_user, get_db, require_roles
from dasan.web.live import hub_of  # (other routes import it from here)
from dasan.web.responses import errors_doc
from dasan.web.security import (
    limit_chat_starts,
    origin_allowed,
    receive_frame,
    refuse_cross_site,
)

# The peer went away: a receive after the close, or a send after it (Starlette raises a
# RuntimeError subclass, `WebSocketDisconnected`, for the latter).
_GONE = (WebSocketDisconnect, RuntimeError)


@asynccontextmanager
async def lifespan(app: ASGIApp) -> AsyncIterator[None]:
    """The app's lifespan (`create_app`): the chat runtime runs while the app does."""
    runtime = Runtime()
    state = getattr(app, "state", None)
    if state is not None:
        state.chat_hub = runtime.hub
        state.chat_runtime = runtime
    runtime.start()
    try:
        yield
    finally:
        await runtime.stop()


router = APIRouter(prefix="/api/chat", tags=["chat"])


async def run(request_or_ws: Request | WebSocket, fn: Any, *args: Any) -> chat_hub.Outcome:
    return await hub_of(request_or_ws.app).run(fn, *args)


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


async def citizen_chat(cid: int, token: str | None) -> None:
    """The room decides: token bound to this chat and not expired with it."""
    await _sync(authorize_citizen, token, cid)


def _call(fn: Any, *args: Any) -> Any:
    s = new_session()
    try:
        return fn(s, *args)
    finally:
        s.close()


async def _sync(fn: Any, *args: Any) -> Any:
    return await run_in_threadpool(_call, fn, *args)


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
    await citizen_chat(cid, x_chat_token)
    return dict(await _sync(desk.citizen_status, cid))


@router.get("/sessions/{cid}/messages")
async def session_messages(cid: int, after_seq: int = Query(0, ge=0),
                           x_chat_token: str | None = Header(default=None)
                           ) -> list[dict[str, Any]]:
    await citizen_chat(cid, x_chat_token)
    return list(await _sync(desk.citizen_messages, cid, after_seq))


@router.post("/sessions/{cid}/messages")
async def session_send(cid: int, body: MessageIn, request: Request,
                       x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    """Send a message (HTTP fallback of the WebSocket); idempotent by client_msg_id."""
    await citizen_chat(cid, x_chat_token)
    out = await hub_of(request.app).citizen_says(cid, body.body, body.client_msg_id)
    return out.result


async def _upload(file: UploadFile) -> bytes:
    """The file's bytes, read no further than one byte past the limit (413 from the room)."""
    cap = int(get_settings().chat_attachment_max_mb * 1_000_000) + 1
    return await file.read(cap)


@router.post("/sessions/{cid}/attachments", status_code=201)
async def session_attachment(cid: int, request: Request, file: UploadFile,
                             x_chat_token: str | None = Header(default=None)
                             ) -> dict[str, Any]:
    """Send a JPEG, PNG or PDF to the agent (multipart field `file`): 413 past the size
    limit, 422 when the type or content is wrong, 429 past the per-minute limit; nothing is
    stored when refused. Images are re-encoded (EXIF stripped)."""
    await citizen_chat(cid, x_chat_token)
    data = await _upload(file)
    out = await run(request, chat_hub.citizen_attachment, cid, data, file.content_type,
                    file.filename)
    return out.result


def _file_response(row: Any, data: bytes) -> Response:
    inline = row.content_type.startswith("image/")
    disposition = ("inline" if inline else "attachment") + \
        f"; filename*=UTF-8''{quote(row.name)}"
    # nosniff, no-store and the strict CSP come from the security middleware
    return Response(data, media_type=row.content_type,
                    headers={"Content-Disposition": disposition})


@router.get("/sessions/{cid}/attachments/{attachment_id}")
async def session_attachment_file(cid: int, attachment_id: int,
                                  x_chat_token: str | None = Header(default=None)) -> Response:
    """A file of the citizen's own chat (token in the `X-Chat-Token` header)."""
    row = await _sync(attachments.open_for_citizen, x_chat_token, attachment_id)
    if row.consultation_id != cid:
        raise ChatError("no such attachment", 404)
    return _file_response(row, await run_in_threadpool(attachments.read, row))


@router.post("/sessions/{cid}/handoff")
async def session_handoff(cid: int, request: Request,
                          x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    await citizen_chat(cid, x_chat_token)
    await run(request, chat_hub.request_handoff, cid)
    return dict(await _sync(desk.citizen_status, cid))


@router.post("/sessions/{cid}/feedback")
async def session_feedback(cid: int, body: FeedbackIn, request: Request,
                           x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    await citizen_chat(cid, x_chat_token)
    out = await run(request, chat_hub.feedback, cid, body.helpful, body.entry_id,
                    body.client_msg_id)
    return out.result


@router.post("/sessions/{cid}/select")
async def session_select(cid: int, body: SelectIn, request: Request,
                         x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    await citizen_chat(cid, x_chat_token)
    out = await run(request, chat_hub.select_entry, cid, body.entry_id, body.client_msg_id)
    return out.result


class CallbackIn(BaseModel):
    phone: str = Field(min_length=9, max_length=20)


@router.post("/sessions/{cid}/callback")
async def session_callback(cid: int, body: CallbackIn, request: Request,
                           x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    """Leave a number instead of waiting (ends the chat with outcome `callback`)."""
    await citizen_chat(cid, x_chat_token)
    out = await run(request, overflow.request_callback, cid, body.phone)
    return out.result


class SmsAnswerIn(BaseModel):
    phone: str = Field(min_length=10, max_length=20, description="the citizen's mobile number")


@router.post("/sessions/{cid}/sms-answer", responses=errors_doc(401, 403, 404, 409, 422))
async def session_sms_answer(cid: int, body: SmsAnswerIn, request: Request,
                             x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    """Leave a mobile number instead of waiting: the question is answered by SMS (an SMS
    thread in the same queue; the chat ends as `transferred`)."""
    await citizen_chat(cid, x_chat_token)
    out = await run(request, overflow.request_sms_answer, cid, body.phone)
    return out.result


@router.post("/sessions/{cid}/leave")
async def session_leave(cid: int, request: Request,
                        x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
    await citizen_chat(cid, x_chat_token)
    out = await run(request, chat_hub.citizen_leave, cid)
    return out.result


@router.post("/sessions/{cid}/page-closed", status_code=204,
             responses=errors_doc(401, 403, 404, 422))
async def session_page_closed(cid: int, request: Request,
                              token: str = Form(description="the chat's citizen token")
                              ) -> Response:
    """The chat page is closing: `navigator.sendBeacon` from the page's `pagehide`. A beacon
    cannot set headers, so the chat token comes in the form body (with `csrf_token` when the
    citizen is logged in, as for any form); another site's Origin is refused. A waiting
    citizen leaves the queue (`abandoned_in_queue`) unless the page is back within the
    reload window (`DASAN_CHAT_CITIZEN_RELOAD_SECONDS`)."""
    if not origin_allowed(request.headers):
        raise ChatError("a request from another site may not end this chat", 403, "cross_site")
    await citizen_chat(cid, token)
    await run(request, idle.citizen_page_closed, cid)
    return Response(status_code=204)


# --- agents -----------------------------------------------------------------------------------

AGENT_ROLES = access.AGENTS


def _require_agent(s: Session, user: User) -> Agent:
    return desk.require_agent(s, user)


@router.get("/agent/me")
async def agent_me(user: User = Depends(require_roles(*AGENT_ROLES))) -> dict[str, Any]:
    def me(s: Session) -> dict[str, Any]:
        return desk.hello(s, desk.require_agent(s, user))

    return dict(await _sync(me))


class StateIn(BaseModel):
    state: str = Field(description="available | after_call_work | break | offline")
    reason: str | None = Field(default=None, max_length=32,
                               description="break reason: rest | meal | training | ...")


@router.post("/agent/state")
async def agent_state(body: StateIn, request: Request,
                      user: User = Depends(require_roles(*AGENT_ROLES))) -> dict[str, Any]:
    agent = await _sync(_require_agent, user)
    out = await run(request, chat_hub.agent_set_state, agent.id, body.state, body.reason)
    return out.result


async def agent_logged_out(request: Request, session_token: str) -> None:
    """Logout makes an agent offline at once (their open chats go back to the queue)."""
    user = await _sync(user_for_session, session_token)
    if user is not None and user.role in AGENT_ROLES:
        await run(request, chat_hub.agent_logout, user.id)


@router.post("/offers/{offer_id}/accept")
async def offer_accept(offer_id: int, request: Request,
                       user: User = Depends(require_roles(*AGENT_ROLES))) -> dict[str, Any]:
    """Take an offered chat (409 when the offer timed out or was taken already)."""
    agent = await _sync(_require_agent, user)
    out = await run(request, chat_hub.accept_offer, agent.id, offer_id)
    return out.result


@router.post("/offers/{offer_id}/decline")
async def offer_decline(offer_id: int, request: Request,
                        user: User = Depends(require_roles(*AGENT_ROLES))) -> dict[str, Any]:
    """Pass an offered chat on to the next agent (recorded as declined)."""
    agent = await _sync(_require_agent, user)
    out = await run(request, chat_hub.decline_offer, agent.id, offer_id)
    return out.result


@router.get("/consultations/{cid}")
async def consultation_detail(cid: int, user: User = Depends(require_roles(*AGENT_ROLES))
                              ) -> dict[str, Any]:
    """A chat with its transcript and the citizen's earlier contacts."""
    return dict(await _sync(desk.detail, cid, user))


@router.get("/consultations/{cid}/assist")
async def consultation_assist(cid: int, user: User = Depends(require_roles(*AGENT_ROLES))
                              ) -> list[dict[str, Any]]:
    """Top knowledge-base answers for what the citizen wrote."""
    return list(await _sync(desk.assist, cid, user))


@router.get("/assist")
async def assist_search(q: str = Query(..., min_length=1, max_length=1000),
                        k: int = Query(5, ge=1, le=20),
                        _user: User = Depends(require_roles(*access.DESK_AND_KB))
                        ) -> list[dict[str, Any]]:
    """Search the knowledge base from the assistant panel (the agent desktop's, and the
    department's written desk's)."""
    return list(await _sync(desk.search, q, k))


@router.get("/consultations/{cid}/wrapup")
async def consultation_wrapup(cid: int, user: User = Depends(require_roles(*AGENT_ROLES))
                              ) -> dict[str, Any]:
    """Proposed summary (PII-masked) and category for the agent to confirm."""
    return dict(await _sync(desk.wrapup, cid, user))


class CloseIn(BaseModel):
    summary: str | None = Field(default=None, max_length=4000)
    category: str | None = Field(default=None, max_length=64)


def _agent_and_role(s: Session, user: User) -> tuple[Agent | None, bool]:
    return desk.agent_for(s, user), desk.is_supervisor(user)


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


class SnoozeIn(BaseModel):
    until: StoredDateTime | None = Field(
        default=None, description="when the chat comes back (1 minute to 7 days ahead)")
    minutes: int | None = Field(default=None, ge=1, le=10080,
                                description="or: in this many minutes")


def _snooze(s: Session, user: User, cid: int, until: Any, minutes: int | None
            ) -> chat_hub.Outcome:
    return chat_hub.snooze_chat(s, desk.require_agent(s, user), cid, until, minutes)


def _wake(s: Session, user: User, cid: int) -> chat_hub.Outcome:
    return chat_hub.wake_chat(s, desk.require_agent(s, user), cid)


@router.post("/consultations/{cid}/snooze")
async def consultation_snooze(cid: int, body: SnoozeIn, request: Request,
                              user: User = Depends(require_roles(*AGENT_ROLES))
                              ) -> dict[str, Any]:
    """Put the chat on hold (보류) until `until`, for `minutes`, or — neither given — until
    the citizen writes again. It leaves the agent's load; it is not an answer."""
    out = await run(request, _snooze, user, cid, body.until, body.minutes)
    return out.result


@router.post("/consultations/{cid}/wake")
async def consultation_wake(cid: int, request: Request,
                            user: User = Depends(require_roles(*AGENT_ROLES))
                            ) -> dict[str, Any]:
    """Take a held chat back now."""
    out = await run(request, _wake, user, cid)
    return out.result


def _agent_attachment(s: Session, user: User, cid: int, data: bytes, ctype: str | None,
                      name: str | None) -> chat_hub.Outcome:
    return chat_hub.agent_attachment(s, desk.require_agent(s, user), cid, data, ctype, name)


@router.post("/consultations/{cid}/attachments", status_code=201)
async def consultation_attachment(cid: int, request: Request, file: UploadFile,
                                  user: User = Depends(require_roles(*AGENT_ROLES))
                                  ) -> dict[str, Any]:
    """Send a JPEG, PNG or PDF to the citizen (multipart field `file`); same checks as the
    citizen's."""
    data = await _upload(file)
    out = await run(request, _agent_attachment, user, cid, data, file.content_type,
                    file.filename)
    return out.result


@router.get("/attachments/{attachment_id}")
def staff_attachment_file(attachment_id: int, db: Session = Depends(get_db),
                          user: User | None = Depends(current_user)) -> Response:
    """A chat's file for staff who may handle the chat (its agent, a floor lead)."""
    if user is None:
        raise ChatError("log in to see chat files", 401)
    row = attachments.open_for_staff(db, user, attachment_id)
    return _file_response(row, attachments.read(row))


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


@router.get("/transfer-targets")
def transfer_targets(db: Session = Depends(get_db),
                     _user: User = Depends(require_roles(*AGENT_ROLES))) -> dict[str, Any]:
    return desk.transfer_targets(db)


# --- supervisor -------------------------------------------------------------------------------


@router.get("/supervisor/overview")
async def supervisor_overview(_user: User = Depends(require_roles(*access.SUPERVISORS))
                              ) -> dict[str, Any]:
    """Live queues, waiting contacts and agents' states."""
    return dict(await _sync(desk.overview))


class MaliciousIn(BaseModel):
    citizen_id: int
    reason: str = Field(min_length=1, max_length=256)


@router.post("/malicious", status_code=201)
def register_malicious(body: MaliciousIn, db: Session = Depends(get_db),
                       user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:
    """Add a citizen to the malicious-caller registry (routed to the dedicated team)."""
    row = policy.register(db, body.citizen_id, body.reason, user)
    db.commit()
    return {"id": row.id, "citizen_id": row.citizen_id, "active": row.active}


# --- WebSockets -------------------------------------------------------------------------------


class _Socket:
    """A WebSocket with serialised sends and per-chat de-duplication of messages."""

    def __init__(self, ws: WebSocket, citizen: bool = False) -> None:
        self.ws = ws
        self.lock = asyncio.Lock()
        self.last: dict[int, int] = {}
        self.citizen = citizen
        self.typed: dict[str, str] = {}  # client_msg_id -> what this citizen typed

    async def send(self, event: Event) -> None:
        async with self.lock:
            await self.ws.send_json(event)

    async def send_message(self, event: Event) -> None:
        if self.citizen:
            event = privacy_views.for_citizen(event, self.typed)
        cid, seq = int(event["consultation_id"]), int(event["seq"])
        last = self.last.get(cid, 0)
        if seq <= last:
            return  # already delivered (backlog and live overlap)
        if seq > last + 1:
            # A chat's seqs are dense and each is committed before the next is allocated, so
            # the messages in between are stored: two steps published out of their commit
            # order (a requeue notice and the next assignment's, in a storm). Read them, or
            # this socket would skip them for good when they arrive.
            await self.backlog(cid)
            if seq <= self.last.get(cid, 0):
                return
        self.last[cid] = seq
        await self.send(event)

    async def backlog(self, cid: int, events: list[Event] | None = None) -> None:
        """The chat's messages after the last one this socket has (`events`: already read)."""
        if events is None:
            history = desk.citizen_messages if self.citizen else desk.staff_messages
            events = list(await run_in_threadpool(_call, history, cid, self.last.get(cid, 0)))
        for event in events:
            await self.send_message(event)


async def _ws_error(sock: _Socket, exc: Exception, ref: Any = None) -> None:
    status = exc.status if isinstance(exc, DomainError) else 400
    code = exc.code if isinstance(exc, DomainError) else "bad_frame"
    await sock.send({"type": "error", "status": status, "code": code, "detail": str(exc),
                     "ref": ref})


AUTH_WAIT_SECONDS = 15.0


async def _citizen_auth(ws: WebSocket, cid: int) -> int | None:
    """Read the first frame, `{"type": "auth", "token": ..., "after_seq": n}`, and let the room
    check the token; the resume point, or None after an error frame and close 4401."""
    try:
        if "token" in ws.query_params:
            raise ChatError("send the chat token in the first frame, never in the URL", 401,
                            "chat_token_in_url")
        try:
            frame = await asyncio.wait_for(receive_frame(ws), AUTH_WAIT_SECONDS)
        except TimeoutError as exc:
            raise ChatError("no auth frame", 401) from exc
        if not isinstance(frame, dict) or frame.get("type") != "auth":
            raise ChatError('the first frame must be {"type": "auth", "token": ...}', 401)
        token = frame.get("token")
        await _sync(authorize_citizen, token if isinstance(token, str) else None, cid)
        after = frame.get("after_seq", 0)
        return max(0, after) if isinstance(after, int) else 0
    except ChatError as exc:
        await ws.send_json({"type": "error", "status": exc.status, "code": exc.code,
                            "detail": exc.message})
        await ws.close(code=4401)
        return None


@router.websocket("/ws/citizen/{cid}")
async def citizen_socket(ws: WebSocket, cid: int) -> None:
    if await refuse_cross_site(ws):
        return
    await ws.accept()
    try:
        after_seq = await _citizen_auth(ws, cid)
    except WebSocketDisconnect:
        return
    if after_seq is None:
        return
    hub = hub_of(ws.app)  # type: ignore[arg-type]
    sock = _Socket(ws, citizen=True)
    sock.last[cid] = max(0, after_seq)
    queue: asyncio.Queue[Event] = asyncio.Queue()
    channel = chat_hub.consult_channel(cid)
    await hub.pubsub.subscribe(channel, queue)
    connected = False
    try:
        opened = await hub.run(idle.citizen_socket_opened, cid, sock.last[cid])
        connected = True
        await sock.send({"type": "state", "consultation": opened.result["consultation"]})
        await sock.backlog(cid, opened.result["backlog"])
        await _pump(sock, queue, lambda frame: _citizen_frame(hub, sock, cid, frame), "citizen")
    except (WebSocketDisconnect, RuntimeError, HTTPException):
        pass
    finally:
        await hub.pubsub.unsubscribe(channel, queue)
        if connected:  # a waiting citizen gone longer than the grace leaves the queue
            # Shielded: a cancelled handler must still record that the socket went away.
            await asyncio.shield(hub.run(idle.citizen_disconnected, cid))


async def _citizen_frame(hub: chat_hub.ChatHub, sock: _Socket, cid: int, frame: Event) -> None:
    kind = frame.get("type")
    ref = frame.get("client_msg_id")
    try:
        if kind == "message":

            async def ack(out: chat_hub.Outcome) -> None:
                await sock.send({"type": "ack", **out.result})

            if isinstance(ref, str):
                sock.typed[ref] = str(frame.get("body", "")).strip()
                if len(sock.typed) > 200:
                    sock.typed.pop(next(iter(sock.typed)))
            await hub.citizen_says(cid, str(frame.get("body", "")), ref, on_stored=ack,
                                   background=True)
        elif kind == "typing":
            await hub.typing(cid, "citizen", bool(frame.get("active", True)))
            draft = frame.get("draft")
            if isinstance(draft, str) and draft.strip():
                await hub.assist_draft(cid, draft)
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
        elif kind == "rtc":  # video consultation signalling (chat.sign), relayed by the room
            await hub.run(sign.signal, cid, "citizen", None, frame)
        elif kind == "status":
            # An answer to the client's poll, not a change: typed apart from "state" so that
            # a late answer never overrides a newer pushed state ("대기 순서" after connect).
            view = await _sync(desk.citizen_status, cid)
            await sock.send({"type": "status", "consultation": view})
        elif kind == "ping":
            await sock.send({"type": "pong"})
        else:
            raise ChatError(f"unknown frame type {kind!r}")
    except (DomainError, ValueError, KeyError, TypeError) as exc:
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
            if me == "citizen":  # the event's class decides what a citizen may see
                visible = chat_events.for_citizen(event)
                if visible is None:
                    continue
                event = visible
            kind = event.get("type")
            if kind == "message":
                await sock.send_message(event)
            elif kind == "typing" and event.get("who") == me:
                continue
            elif kind == "rtc" and event.get("sender") == me:
                continue  # a side's own signalling never echoes back to it
            else:
                await sock.send(event)

    await _serve(sock, writer, on_frame)


async def _serve(sock: _Socket, writer: Callable[[], Coroutine[Any, Any, None]],
                 on_frame: Callable[[Event], Awaitable[None]]) -> None:
    """Run a socket's writer (room events out) and reader (frames in) until either ends;
    a socket gone is a normal end, anything else is raised. Both tasks are cancelled."""

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
    return user, desk.agent_for(s, user)


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
    channels = {chat_hub.agent_channel(agent_id), floor.BROADCAST_CHANNEL}
    for ch in channels:
        await hub.pubsub.subscribe(ch, queue)

    async def follow(cid: int) -> None:
        ch = chat_hub.consult_channel(cid)
        if ch not in channels:
            channels.add(ch)
            await hub.pubsub.subscribe(ch, queue)
        await sock.backlog(cid)

    async def on_event(event: Event) -> bool:
        # Assignment events of different steps (a presence sweep's release, an assignment
        # pass) can arrive out of their commit order: the database decides whether the chat
        # is this desktop's, so a stale "unassigned" never hides a chat the agent holds (a
        # ghost assignment) and a stale "assigned" never shows one they do not.
        kind = event.get("type")
        if kind in ("assigned", "unassigned", "snoozed"):
            cid = int(event["consultation_id"] if kind == "unassigned"
                      else event["consultation"]["id"])
            if await _sync(desk.holds, agent_id, cid) != (kind == "assigned"):
                return True
        if kind == "assigned":
            cid = int(event["consultation"]["id"])
            await sock.send(event)
            await follow(cid)
            hub.push_assist_soon(cid, agent_id)  # never holds up this desktop's next events
            return True
        if kind in ("unassigned", "snoozed"):
            await sock.send(event)
            cid = int(event["consultation_id"] if kind == "unassigned"
                      else event["consultation"]["id"])
            sock.last.pop(cid, None)  # if it comes back, the desktop gets its whole history
            ch = chat_hub.consult_channel(cid)
            if ch in channels:
                channels.discard(ch)
                await hub.pubsub.unsubscribe(ch, queue)
            return True
        return False

    connected = False
    try:
        out = await hub.run_assign_later(chat_hub.agent_connected, agent_id)
        connected = True
        hello = out.result
        await sock.send({"type": "hello", **hello})
        for chat in hello["chats"]:
            await follow(int(chat["id"]))
        beat = _Heartbeat(hub, agent_id)
        await _pump(sock, queue, lambda frame: _agent_frame(hub, sock, agent_id, frame, beat),
                    "agent", on_event)
    except (WebSocketDisconnect, RuntimeError, HTTPException):
        pass
    finally:
        # Presence first (shielded): a handler cancelled while unsubscribing must still count
        # the socket as closed, or the agent would look present until the silence timeout.
        if connected:  # the presence room decides after its grace period
            await asyncio.shield(hub.run(chat_hub.agent_disconnected, agent_id))
        for ch in channels:
            await hub.pubsub.unsubscribe(ch, queue)


class _Heartbeat:
    """Writes the desktop's heartbeat at most every half heartbeat interval per socket."""

    def __init__(self, hub: chat_hub.ChatHub, agent_id: int) -> None:
        self.hub, self.agent_id = hub, agent_id
        self.every = get_settings().presence_heartbeat_seconds / 2
        self.last = 0.0

    async def beat(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self.last >= self.every:
            self.last = now
            await self.hub.run(chat_hub.agent_heartbeat, self.agent_id)


def _agent_by_id(s: Session, agent_id: int) -> Agent:
    agent = s.get(Agent, agent_id)
    if agent is None:
        raise ChatError("agent not found", 404)
    return agent


def _agent_message(s: Session, agent_id: int, cid: int, body: str, ref: str | None,
                   entry_id: int | None) -> chat_hub.Outcome:
    return chat_hub.agent_message(s, _agent_by_id(s, agent_id), cid, body, ref, entry_id)


async def _agent_frame(hub: chat_hub.ChatHub, sock: _Socket, agent_id: int, frame: Event,
                       beat: _Heartbeat) -> None:
    kind = frame.get("type")
    ref = frame.get("client_msg_id")
    try:
        await beat.beat()  # every frame shows the desktop is alive
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
                await hub.typing(cid, "agent", bool(frame.get("active", True)))
        elif kind in ("accept", "decline"):
            step = chat_hub.accept_offer if kind == "accept" else chat_hub.decline_offer
            await hub.run(step, agent_id, int(frame["offer_id"]))
        elif kind == "rtc":  # video consultation signalling (chat.sign)
            await hub.run(sign.signal, int(frame["consultation_id"]), "agent", agent_id, frame)
        elif kind == "rtc_connected":  # the call's media connected: answered (ADR 0015)
            await hub.run(sign.media_connected, agent_id, int(frame["consultation_id"]))
        elif kind == "ping":
            await sock.send({"type": "pong"})
        else:
            raise ChatError(f"unknown frame type {kind!r}")
    except (DomainError, ValueError, KeyError, TypeError) as exc:
        await _ws_error(sock, exc, ref)


@router.websocket("/ws/supervisor")
async def supervisor_socket(ws: WebSocket) -> None:
    """The floor: the overview whenever something changes (at most every half second, at
    least every 5 s), new issue alerts, crisis alerts and @mentions as they come, and the
    chat a floor lead monitors (frame `{"type": "monitor", "consultation_id": n}`;
    `{"type": "unmonitor"}` stops). Monitoring is read-only: this socket takes no messages."""
    if await refuse_cross_site(ws):
        return
    found = await run_in_threadpool(_call, _ws_user, ws.cookies.get(SESSION_COOKIE))
    if found is None or not access.is_floor_lead(found[0]):
        await ws.close(code=4401)
        return
    user = found[0]
    await ws.accept()
    hub = hub_of(ws.app)  # type: ignore[arg-type]
    sock = _Socket(ws)
    queue: asyncio.Queue[Event] = asyncio.Queue()
    await hub.pubsub.subscribe(chat_hub.SUPERVISOR_CHANNEL, queue)
    watching: list[int] = []  # the monitored chat (one at a time)
    notes_sent: set[int] = set()

    async def forward(event: Event) -> None:
        kind = event.get("type")
        if kind == "rtc":
            return  # video signalling is for the call's two ends only
        if kind == "message":
            if int(event["consultation_id"]) in watching:
                await sock.send_message(event)
            return
        if kind == "note":
            note_id = int(event["note"]["id"])
            if note_id in notes_sent:
                return  # a mention of a watched chat arrives twice
            notes_sent.add(note_id)
        await sock.send(event)

    async def stop_watching() -> None:
        for cid in watching:
            await hub.pubsub.unsubscribe(chat_hub.consult_channel(cid), queue)
        watching.clear()

    async def writer() -> None:
        loop = asyncio.get_running_loop()
        last_alert = int(await _sync(floor.latest_alert_id))
        while True:
            await sock.send({"type": "overview", **await _sync(desk.overview)})
            for alert in await _sync(floor.alerts_after, last_alert):
                last_alert = max(last_alert, int(alert["id"]))
                await sock.send({"type": "issue_alert", "alert": alert})
            due = loop.time() + 5.0
            while (left := due - loop.time()) > 0:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=left)
                except TimeoutError:
                    break
                if event.get("type") == "changed":
                    due = min(due, loop.time() + 0.5)
                else:
                    await forward(event)

    async def on_frame(frame: Event) -> None:
        kind = frame.get("type")
        try:
            if kind == "monitor":
                cid = int(frame["consultation_id"])
                backlog = await _sync(floor.monitor_backlog, user, cid)
                await stop_watching()
                watching.append(cid)
                sock.last.pop(cid, None)
                await hub.pubsub.subscribe(chat_hub.consult_channel(cid), queue)
                await sock.send({"type": "monitor", "consultation_id": cid})
                for event in backlog:
                    await forward(event)
            elif kind == "unmonitor":
                await stop_watching()
            elif kind == "ping":
                await sock.send({"type": "pong"})
            else:
                raise ChatError(f"unknown frame type {kind!r}")
        except (DomainError, ValueError, KeyError, TypeError) as exc:
            await _ws_error(sock, exc, frame.get("consultation_id"))

    try:
        await _serve(sock, writer, on_frame)
    finally:
        await stop_watching()
        await hub.pubsub.unsubscribe(chat_hub.SUPERVISOR_CHANNEL, queue)


__all__ = ["router", "phase"]
