"""Sign-language video consultation API (수어 상담, ADR 0015).

`POST /api/sign/sessions` opens the consultation (no login, like a chat): it returns the
citizen's chat token and the ICE servers. The citizen then uses the chat's socket
(`/api/chat/ws/citizen/{id}`, token in the first frame) for the queue state, text and the
call's signalling (`{"type": "rtc", ...}` frames); the agent's desktop uses its own socket.
`GET /api/sign/ice-servers` gives an agent's desktop the ICE servers (TURN credentials are
short-lived, so they are fetched per call).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from dasan import access
from dasan.chat import sign
from dasan.chat.service import issue_token
from dasan.db.models import User
from dasan.web.api import chat as chat_api
from dasan.web.deps import require_roles
from dasan.web.responses import errors_doc
from dasan.web.security import limit_chat_starts

router = APIRouter(prefix="/api/sign", tags=["chat"])


class SignStartIn(BaseModel):
    language: str = Field(default="ko", description="the page's language: ko | en | ...")


@router.post("/sessions", status_code=201, responses=errors_doc(400, 429, 503))
async def start(body: SignStartIn, request: Request) -> dict[str, Any]:
    """Start a video consultation: it waits in the sign-language queue at once."""
    limit_chat_starts(request.client.host if request.client else None)
    out = await chat_api.run(request, sign.open_sign, body.language)
    cid = int(out.result["consultation_id"])
    return {"consultation_id": cid, "token": issue_token(cid), "phase": "waiting",
            "ice_servers": sign.ice_servers()}


@router.get("/ice-servers", responses=errors_doc(401, 403, 503))
def ice_servers(_user: User = Depends(require_roles(*access.AGENTS))) -> dict[str, Any]:
    """STUN/TURN servers for the agent's side of a call (fresh TURN credentials)."""
    return {"ice_servers": sign.ice_servers()}
