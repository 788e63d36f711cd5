"""The agent desktop's tools and the floor lead's actions on chats (JSON API under
`/api/chat`): canned answers, private notes, tags, search over closed chats, transcripts;
whisper, take-over and broadcast. Every rule is in the rooms (`dasan.chat.canned`,
`notes`, `archive`, `floor`) and the access policy; this module only translates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import access
from dasan.chat import archive, canned, desk, floor, notes
from dasan.db.models import Agent, User
from dasan.web.api.chat import _sync, citizen_chat, run
from dasan.web.deps import require_roles
from dasan.web.responses import errors_doc, files_doc

router = APIRouter(prefix="/api/chat", tags=["chat desk"])
DESK = Depends(require_roles(*access.AGENTS))
LEADS = Depends(require_roles(*access.FLOOR_LEADS))
TEXT = "text/plain"


def with_agent(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn(s, user, agent, *args)` as a step `(s, user, *args)`: the user's desk identity is
    looked up in the step's own session."""

    def step(s: Session, user: User, *args: Any) -> Any:
        agent: Agent | None = desk.agent_for(s, user)
        return fn(s, user, agent, *args)

    return step


def _committed(fn: Callable[..., Any]) -> Callable[..., Any]:
    def step(s: Session, *args: Any) -> Any:
        result = fn(s, *args)
        s.commit()
        return result

    return step


# --- canned answers -----------------------------------------------------------------------


class CannedIn(BaseModel):
    scope: str = Field(default="personal", description="personal | team")
    code: str = Field(min_length=1, max_length=32, description="typed after '/' to insert it")
    label: str = Field(min_length=1, max_length=64)
    text: str = Field(min_length=1, max_length=2000,
                      description="may use {citizen_name} {agent_name} {queue} {today}")
    team_id: int | None = Field(default=None, description="for scope team")


@router.get("/canned", responses=errors_doc(403, 404))
async def canned_list(consultation_id: int | None = Query(None),
                      q: str | None = Query(None, max_length=64),
                      user: User = DESK) -> list[dict[str, Any]]:
    """Personal, team and shared canned answers, filled in for the chat (search with `q`)."""
    return list(await _sync(with_agent(canned.listing), user, consultation_id, q))


@router.get("/canned/variables")
async def canned_variables(_user: User = DESK) -> dict[str, Any]:
    return {k: {"ko": ko, "en": en} for k, (ko, en) in canned.VARIABLES.items()}


@router.post("/canned", status_code=201, responses=errors_doc(403, 422))
async def canned_create(body: CannedIn, user: User = DESK) -> dict[str, Any]:
    return dict(await _sync(_committed(canned.save), user, body.scope, body.code, body.label,
                            body.text, body.team_id))


@router.put("/canned/{row_id}", responses=errors_doc(403, 404, 422))
async def canned_edit(row_id: int, body: CannedIn, user: User = DESK) -> dict[str, Any]:
    return dict(await _sync(_committed(canned.save), user, body.scope, body.code, body.label,
                            body.text, body.team_id, row_id))


@router.delete("/canned/{row_id}", status_code=204, responses=errors_doc(403, 404))
async def canned_delete(row_id: int, user: User = DESK) -> None:
    await _sync(_committed(canned.delete), user, row_id)


# --- notes, whispers, tags ----------------------------------------------------------------


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=2000, description="@username alerts a lead")


class TagIn(BaseModel):
    tag: str = Field(min_length=1, max_length=33)


@router.get("/mentionable")
async def mentionable(_user: User = DESK) -> list[dict[str, str]]:
    """The floor leads a note may @mention (username and name), for autocomplete."""
    return list(await _sync(notes.mentionable))


@router.get("/consultations/{cid}/notes", responses=errors_doc(403, 404))
async def notes_list(cid: int, user: User = DESK) -> list[dict[str, Any]]:
    return list(await _sync(with_agent(notes.notes_of), user, cid))


@router.post("/consultations/{cid}/notes", status_code=201, responses=errors_doc(403, 404, 422))
async def note_add(cid: int, body: NoteIn, request: Request, user: User = DESK
                   ) -> dict[str, Any]:
    """A private note on the chat (never shown to the citizen)."""
    return (await run(request, with_agent(notes.add_note), user, cid, body.body)).result


@router.post("/consultations/{cid}/whisper", status_code=201,
             responses=errors_doc(403, 404, 409, 422))
async def whisper(cid: int, body: NoteIn, request: Request, user: User = LEADS
                  ) -> dict[str, Any]:
    """A floor lead's note to the agent of a live chat; the citizen never sees it."""
    return (await run(request, with_agent(notes.add_note), user, cid, body.body,
                      "whisper")).result


@router.post("/consultations/{cid}/tags", responses=errors_doc(403, 404, 409, 422))
async def tag_add(cid: int, body: TagIn, request: Request, user: User = DESK
                  ) -> dict[str, Any]:
    return (await run(request, with_agent(notes.set_tag), user, cid, body.tag, True)).result


@router.delete("/consultations/{cid}/tags/{tag}", responses=errors_doc(403, 404, 422))
async def tag_remove(cid: int, tag: str, request: Request, user: User = DESK
                     ) -> dict[str, Any]:
    return (await run(request, with_agent(notes.set_tag), user, cid, tag, False)).result


# --- closed conversations -----------------------------------------------------------------


@router.get("/archive", responses=errors_doc(403, 422))
async def archive_search(q: str | None = Query(None, max_length=200),
                         phone: str | None = Query(None, max_length=20),
                         tag: str | None = Query(None, max_length=33),
                         limit: int = Query(20, ge=1, le=archive.MAX_RESULTS),
                         user: User = DESK) -> list[dict[str, Any]]:
    """Search closed chats by text (masked), consultation id, phone number or tag: an agent's
    own, or every chat for a floor lead."""
    return list(await _sync(with_agent(archive.search), user, q, phone, tag, limit))


def _download(text: str, cid: int) -> PlainTextResponse:
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="dasan-chat-{cid}.txt"'})


@router.get("/consultations/{cid}/transcript", response_class=PlainTextResponse,
            responses={**files_doc(TEXT), **errors_doc(403, 404)})
async def staff_transcript(cid: int, user: User = DESK) -> PlainTextResponse:
    """The chat's transcript, personal data masked (audited as an export)."""
    return _download(await _sync(with_agent(archive.staff_transcript), user, cid), cid)


@router.get("/sessions/{cid}/transcript", response_class=PlainTextResponse,
            responses={**files_doc(TEXT), **errors_doc(401, 403, 404)})
async def citizen_transcript(cid: int, x_chat_token: str | None = Header(default=None)
                             ) -> PlainTextResponse:
    """The citizen's copy of their chat (masked), with the chat token."""
    await citizen_chat(cid, x_chat_token)
    return _download(await _sync(archive.citizen_transcript, cid), cid)


# --- the floor lead -----------------------------------------------------------------------


class BroadcastIn(BaseModel):
    body: str = Field(min_length=1, max_length=floor.MAX_BROADCAST_CHARS)


@router.post("/consultations/{cid}/take-over", responses=errors_doc(403, 404, 409))
async def take_over(cid: int, request: Request, user: User = LEADS) -> dict[str, Any]:
    """The floor lead becomes the chat's agent (answer it on /agent); recorded and audited."""
    return (await run(request, floor.take_over, user, cid)).result


@router.post("/supervisor/broadcast", status_code=201, responses=errors_doc(403, 422))
async def broadcast(body: BroadcastIn, request: Request, user: User = LEADS) -> dict[str, Any]:
    """A notice to every agent's desktop on the floor."""
    return (await run(request, floor.broadcast, user, body.body)).result
