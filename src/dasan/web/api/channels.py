"""Written channels API: SMS gateway and messenger webhooks, the web Q&A board, the written
queue for agents. Only translates HTTP to `dasan.channels` calls."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from dasan.channels.messenger import service as messenger
from dasan.channels.sms import webhook as sms_webhook
from dasan.web.deps import get_db

router = APIRouter(prefix="/api/channels", tags=["channels"])


@router.post("/sms/inbound")
async def sms_inbound(request: Request, db: Session = Depends(get_db)) -> dict[str, Any]:
    """A citizen's SMS from the HTTP gateway (signed: X-Sms-Timestamp, X-Sms-Signature)."""
    body = await request.body()
    result = sms_webhook.inbound(db, body, request.headers.get("content-type"),
                                 request.headers.get("x-sms-timestamp"),
                                 request.headers.get("x-sms-signature"))
    intake = result.intake
    return {"duplicate": result.duplicate or bool(intake and intake.duplicate),
            "opted_out": result.opted_out, "opted_in": result.opted_in,
            "thread_id": intake.thread_id if intake else None,
            "language": intake.language if intake else None,
            "bot_answered": bool(intake and intake.bot_answered)}


@router.post("/sms/receipts")
async def sms_receipt(request: Request, db: Session = Depends(get_db)) -> dict[str, Any]:
    """A delivery receipt from the HTTP gateway (signed like inbound messages)."""
    body = await request.body()
    matched = sms_webhook.receipt(db, body, request.headers.get("content-type"),
                                  request.headers.get("x-sms-timestamp"),
                                  request.headers.get("x-sms-signature"))
    return {"matched": matched}


def _webhook_answer(result: messenger.WebhookResult) -> dict[str, Any]:
    return {"taken": [{"thread_id": t.thread_id, "language": t.language,
                       "bot_answered": t.bot_answered, "duplicate": t.duplicate}
                      for t in result.taken],
            "duplicates": result.duplicates, "ignored": result.ignored}


@router.post("/messenger/line/webhook")
async def line_webhook(request: Request, db: Session = Depends(get_db)) -> dict[str, Any]:
    """LINE Messaging API webhook (X-Line-Signature)."""
    body = await request.body()
    return _webhook_answer(messenger.line_webhook(db, body,
                                                  request.headers.get("x-line-signature")))


@router.post("/messenger/{source}/webhook")
async def generic_webhook(source: str, request: Request,
                          db: Session = Depends(get_db)) -> dict[str, Any]:
    """A portal's signed webhook (X-Dasan-Timestamp, X-Dasan-Signature)."""
    body = await request.body()
    return _webhook_answer(messenger.generic_webhook(
        db, source, body, request.headers.get("x-dasan-timestamp"),
        request.headers.get("x-dasan-signature")))
