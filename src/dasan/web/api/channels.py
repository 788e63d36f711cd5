"""Written channels API: SMS gateway and messenger webhooks, the web Q&A board, the written
queue for agents. Only translates HTTP to `dasan.channels` calls."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dasan import access
from dasan.channels import desk, live
from dasan.channels.board import service as board
from dasan.channels.board.files import MAX_FILE_BYTES, MAX_FILES, Upload
from dasan.channels.messenger import service as messenger
from dasan.channels.sms import service as sms_service
from dasan.channels.sms import webhook as sms_webhook
from dasan.db.models import User
from dasan.web.deps import current_user, get_db, require_roles
from dasan.web.live import forward, publish_all
from dasan.web.responses import errors_doc

router = APIRouter(prefix="/api/channels", tags=["channels"])


def _sms_answer(result: sms_service.SmsResult) -> dict[str, Any]:
    intake = result.intake
    return {"duplicate": result.duplicate or bool(intake and intake.duplicate),
            "crisis": bool(intake and intake.crisis_kind),
            "opted_out": result.opted_out, "opted_in": result.opted_in,
            "survey_answered": result.survey_answered,
            "thread_id": intake.thread_id if intake else None,
            "language": intake.language if intake else None,
            "bot_answered": bool(intake and intake.bot_answered)}


@router.post("/sms/inbound")
async def sms_inbound(request: Request, db: Session = Depends(get_db)) -> dict[str, Any]:
    """A citizen's SMS from the HTTP gateway (signed: X-Sms-Timestamp, X-Sms-Signature), or a
    batch of them (`{"messages": [...]}`: the answer is `{"results": [...]}`, in order)."""
    body = await request.body()
    taken = await run_in_threadpool(
        sms_webhook.inbound, db, body, request.headers.get("content-type"),
        request.headers.get("x-sms-timestamp"), request.headers.get("x-sms-signature"))
    results: list[sms_service.SmsResult] = taken.results
    await publish_all(request.app, [e for r in results if r.intake for e in r.intake.events])
    answers = [_sms_answer(r) for r in results]
    return {"results": answers} if taken.batch else answers[0]


@router.post("/sms/receipts")
async def sms_receipt(request: Request, db: Session = Depends(get_db)) -> dict[str, Any]:
    """A delivery receipt from the HTTP gateway (signed like inbound messages), or a batch
    (`{"receipts": [...]}`: the answer is `{"matched": [...]}`, in order)."""
    body = await request.body()
    taken = await run_in_threadpool(
        sms_webhook.receipt, db, body, request.headers.get("content-type"),
        request.headers.get("x-sms-timestamp"), request.headers.get("x-sms-signature"))
    return {"matched": taken.results if taken.batch else taken.results[0]}


def _webhook_answer(result: messenger.WebhookResult) -> dict[str, Any]:
    return {"taken": [{"thread_id": t.thread_id, "language": t.language,
                       "bot_answered": t.bot_answered, "duplicate": t.duplicate}
                      for t in result.taken],
            "duplicates": result.duplicates, "ignored": result.ignored}


@router.post("/messenger/line/webhook")
async def line_webhook(request: Request, db: Session = Depends(get_db)) -> dict[str, Any]:
    """LINE Messaging API webhook (X-Line-Signature)."""
    body = await request.body()
    result = await run_in_threadpool(  # the bot's search: off the event loop
        messenger.line_webhook, db, body, request.headers.get("x-line-signature"))
    await publish_all(request.app, result.events)  # a crisis: the supervisors' live alert
    return _webhook_answer(result)


@router.post("/messenger/{source}/webhook")
async def generic_webhook(source: str, request: Request,
                          db: Session = Depends(get_db)) -> dict[str, Any]:
    """A portal's signed webhook (X-Dasan-Timestamp, X-Dasan-Signature)."""
    body = await request.body()
    result = await run_in_threadpool(  # the bot's search: off the event loop
        messenger.generic_webhook, db, source, body, request.headers.get("x-dasan-timestamp"),
        request.headers.get("x-dasan-signature"))
    await publish_all(request.app, result.events)  # a crisis: the supervisors' live alert
    return _webhook_answer(result)


# --- the written queue (agents, supervisors, the owning department) ------------------------


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=4000)
    translate: bool = True


class DepartmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agency_id: int = Field(ge=1)


DESK = access.DESK_AND_KB


@router.get("/threads")
def written_queue(channel: str | None = None, db: Session = Depends(get_db),
                  user: User = Depends(require_roles(*DESK))) -> list[dict[str, Any]]:
    """Written threads waiting for a person, most urgent SLA first."""
    return [item.to_dict() for item in desk.queue(db, user, channel=channel)]


@router.get("/desk", responses=errors_doc(403))
def written_desk(db: Session = Depends(get_db),
                 user: User = Depends(require_roles(*access.AGENTS))) -> dict[str, Any]:
    """The agent desktop's written threads: the agent's own first, then the waiting ones by
    SLA, with the agent's per-channel load and limits."""
    return desk.desk_view(db, user)


@router.get("/threads/{thread_id}")
def written_thread(thread_id: int, db: Session = Depends(get_db),
                   user: User = Depends(require_roles(*DESK))) -> dict[str, Any]:
    return desk.detail(db, user, thread_id)


@router.get("/threads/{thread_id}/assist", responses=errors_doc(403, 404))
def thread_assist(thread_id: int, db: Session = Depends(get_db),
                  user: User = Depends(require_roles(*DESK))) -> list[dict[str, Any]]:
    """Recommended knowledge-base answers for the thread (the desktop's assistant panel)."""
    return desk.assist(db, user, thread_id)


@router.post("/threads/{thread_id}/claim", responses=errors_doc(400, 403, 404, 409))
def claim_thread(thread_id: int, request: Request, db: Session = Depends(get_db),
                 user: User = Depends(require_roles(*access.AGENTS))) -> dict[str, Any]:
    thread = desk.claim(db, user, thread_id)
    db.commit()
    forward(request.app, live.take(db))  # the room's `written` event to every agent desktop
    return {"id": thread.id, "status": thread.status,
            "claimed_by_agent_id": thread.claimed_by_agent_id}


@router.post("/threads/{thread_id}/reply", status_code=201)
def reply_thread(thread_id: int, payload: ReplyIn, request: Request,
                 db: Session = Depends(get_db),
                 user: User = Depends(require_roles(*DESK))) -> dict[str, Any]:
    added = desk.reply(db, user, thread_id, payload.text, translate=payload.translate)
    db.commit()
    forward(request.app, live.take(db))
    c = added.channel_message
    return {"message_id": added.message.id, "body": added.message.body_masked,
            "language": c.language, "translation": c.translation,
            "delivery_status": c.delivery_status, "segments": c.segments}


@router.post("/threads/{thread_id}/close")
def close_thread(thread_id: int, request: Request, db: Session = Depends(get_db),
                 user: User = Depends(require_roles(*DESK))) -> dict[str, Any]:
    outcome = desk.close(db, user, thread_id)
    db.commit()
    forward(request.app, live.take(db))
    return {"id": thread_id, "status": "closed", "outcome": outcome}


@router.post("/threads/{thread_id}/department")
def hand_to_department(thread_id: int, payload: DepartmentIn, request: Request,
                       db: Session = Depends(get_db),
                       user: User = Depends(require_roles(*access.AGENTS))) -> dict[str, Any]:
    thread = desk.hand_to_department(db, user, thread_id, payload.agency_id)
    db.commit()
    forward(request.app, live.take(db))
    return {"id": thread.id, "owner_agency_id": thread.owner_agency_id, "status": thread.status}


@router.post("/threads/{thread_id}/kb-candidate", status_code=201)
def kb_candidate(thread_id: int, db: Session = Depends(get_db),
                 user: User = Depends(require_roles(*DESK))) -> dict[str, Any]:
    entry = board.publish_candidate(db, user, thread_id)
    db.commit()
    return {"kb_entry_id": entry.id, "status": entry.status}


# --- the Q&A board (citizens) --------------------------------------------------------------


async def _uploads(files: list[UploadFile]) -> list[Upload]:
    out = []
    for f in files[: MAX_FILES + 1]:
        data = await f.read(MAX_FILE_BYTES + 1)
        out.append(Upload(f.filename or "", f.content_type or "", data))
    return out


@router.post("/board/questions", status_code=201)
async def board_question(request: Request, title: str = Form(...), body: str = Form(...),
                         files: list[UploadFile] = File(default=[]),
                         db: Session = Depends(get_db),
                         user: User | None = Depends(current_user)) -> dict[str, Any]:
    """A citizen's question (multipart: title, body, up to 3 PNG/JPEG/GIF/PDF files); from a
    logged-in citizen account, the question names that citizen."""
    uploads = await _uploads(files)
    # In a worker thread: screening, masking and the search, off the event loop.
    submitted = await run_in_threadpool(board.submit, db, title, body, uploads, account=user)
    await publish_all(request.app, submitted.events)  # a crisis: the supervisors' live alert
    return {"tracking_code": submitted.tracking_code, "key": submitted.secret,
            "url": f"/qna/t/{submitted.tracking_code}?key={submitted.secret}"}


@router.get("/board/questions/{code}")
def board_status(code: str, key: str, db: Session = Depends(get_db)) -> dict[str, Any]:
    return board.tracking_view(db, code, key)
