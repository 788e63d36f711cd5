"""Phone channel API: ARS flows (read, validate, simulate, save, publish), desktop call actions
(CTI), call records and recording playback. Every decision is made by `dasan.voice.desk`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.voice import cti, desk, prompts
from dasan.voice.flows import store
from dasan.voice.settings import get_voice_settings
from dasan.web.api import chat as chat_api
from dasan.web.deps import get_db, require_roles

router = APIRouter(prefix="/api/voice", tags=["voice"])
FLOW_ADMINS = tuple(access.VOICE_FLOW_READERS)
FLOW_EDITORS = tuple(access.VOICE_FLOW_EDITORS)


class FlowIn(BaseModel):
    definition: dict[str, Any]
    note: str | None = Field(default=None, max_length=256)


class SimulateIn(BaseModel):
    definition: dict[str, Any] | None = None
    digits: list[str | None] = Field(default_factory=list, max_length=50)
    malicious: bool = False
    welfare_line: bool = False
    at: datetime | None = None


class ActionIn(BaseModel):
    target: str | None = Field(default=None, max_length=64)


@router.get("/flows")
def flows(db: Session = Depends(get_db), _u: User = Depends(require_roles(*FLOW_ADMINS))
          ) -> dict[str, Any]:
    flow, version = store.live(db)
    return {"live": {"version": version, "definition": flow.model_dump(by_alias=True)},
            "versions": [{"name": v.name, "version": v.version, "status": v.status,
                          "note": v.note, "created_at": v.created_at,
                          "published_at": v.published_at} for v in store.versions(db)]}


@router.post("/flows/validate")
def validate_flow(body: FlowIn, db: Session = Depends(get_db),
                  _u: User = Depends(require_roles(*FLOW_ADMINS))) -> dict[str, Any]:
    problems = desk.check_flow(db, body.definition)
    return {"valid": not problems, "problems": problems}


@router.post("/flows/simulate")
async def simulate_flow(body: SimulateIn, db: Session = Depends(get_db),
                        _u: User = Depends(require_roles(*FLOW_ADMINS))) -> dict[str, Any]:
    live = store.live(db) if body.definition is None else None
    return await desk.simulate(body.definition, live, body.digits, body.malicious,
                               body.welfare_line, body.at, store.known_queues(db))


@router.post("/flows", status_code=201)
def save_flow(body: FlowIn, db: Session = Depends(get_db),
              user: User = Depends(require_roles(*FLOW_EDITORS))) -> dict[str, Any]:
    row = store.save_draft(db, body.definition, user, body.note)
    db.commit()
    return {"name": row.name, "version": row.version, "status": row.status}


@router.post("/flows/{name}/{version}/publish")
async def publish_flow(name: str, version: int, request: Request, db: Session = Depends(get_db),
                       user: User = Depends(require_roles(*FLOW_EDITORS))) -> dict[str, Any]:
    row = store.publish(db, name, version, user)
    db.commit()
    await cti.send(chat_api.hub_of(request.app).pubsub, {"action": "reload_flow"})
    return {"name": row.name, "version": row.version, "status": row.status}


@router.get("/prompts")
def prompt_list(db: Session = Depends(get_db),
                _u: User = Depends(require_roles(*FLOW_ADMINS))) -> list[dict[str, Any]]:
    """Every prompt key callers can hear, and which have a recorded replacement."""
    return prompts.listing(db, get_voice_settings().prompt_dir)


@router.post("/prompts/{key}", status_code=201)
async def prompt_upload(key: str, request: Request, file: UploadFile = File(...),
                        language: str | None = Query(default=None, max_length=2),
                        db: Session = Depends(get_db),
                        user: User = Depends(require_roles(*FLOW_EDITORS))) -> dict[str, Any]:
    """Replace a generated prompt with a recording (multipart `file`: a WAV, 16-bit PCM or
    G.711, 8-48 kHz). A bad file gets 413/422 and nothing is saved."""
    data = await file.read(prompts.MAX_BYTES + 1)
    saved = prompts.save(db, user, get_voice_settings().prompt_dir, key, language, data,
                         file.filename or "")
    await cti.send(chat_api.hub_of(request.app).pubsub, {"action": "reload_prompts"})
    return saved


@router.delete("/prompts/{key}", status_code=204)
async def prompt_remove(key: str, request: Request,
                        language: str | None = Query(default=None, max_length=2),
                        db: Session = Depends(get_db),
                        user: User = Depends(require_roles(*FLOW_EDITORS))) -> None:
    """Back to the generated prompt."""
    prompts.remove(db, user, get_voice_settings().prompt_dir, key, language)
    await cti.send(chat_api.hub_of(request.app).pubsub, {"action": "reload_prompts"})


@router.post("/calls/{consultation_id}/{action}", status_code=202)
async def call_action(consultation_id: int, action: str, body: ActionIn, request: Request,
                      db: Session = Depends(get_db),
                      user: User = Depends(require_roles(*access.AGENTS))
                      ) -> dict[str, Any]:
    cmd = desk.desk_command(db, user, consultation_id, action, body.target)
    await cti.send(chat_api.hub_of(request.app).pubsub, cmd)
    return {"accepted": True, **cmd}


@router.get("/calls")
def calls(limit: int = 50, db: Session = Depends(get_db),
          _u: User = Depends(require_roles(*access.VOICE_CALL_LOG_READERS))
          ) -> list[dict[str, Any]]:
    return desk.recent_calls(db, max(1, min(limit, 500)))


@router.get("/calls/{call_id}/recording/{leg}")
def recording(call_id: int, leg: str, db: Session = Depends(get_db),
              user: User = Depends(require_roles(*access.VOICE_RECORDING_LISTENERS))
              ) -> FileResponse:
    path = desk.recording_path(db, user, call_id, leg)
    return FileResponse(path, media_type="audio/wav", filename=path.name)
