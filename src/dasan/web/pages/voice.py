"""Phone desk for supervisors: recent calls (masked), the live ARS flow and its dry run."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import access
from dasan.consultations import outcomes
from dasan.db.models import Queue, User
from dasan.errors import DomainError
from dasan.timeutil import to_local
from dasan.voice import desk
from dasan.voice.flows import store
from dasan.web.deps import get_db, require_page_roles
from dasan.web.templating import templates

router = APIRouter(include_in_schema=False)

# The call log shows the platform's outcome labels (ADR 0004), the same as every channel.
OUTCOME_LABELS = {code: (outcomes.LABELS_KO[code], outcomes.LABELS_EN[code])
                  for code in outcomes.OUTCOMES}


@router.get("/voice", response_class=HTMLResponse)
async def voice_desk(
    request: Request,
    keys: str = Query(default="", max_length=20, pattern=r"^[0-9*#\- ]*$"),
    malicious: bool = False,
    welfare: bool = False,
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.SUPERVISORS)),
) -> Response:
    flow, version = store.live(db)
    simulation, error = None, None
    if keys or malicious or welfare:
        digits: list[str | None] = [None if k == "-" else k for k in keys.replace(" ", "")]
        try:
            simulation = await desk.simulate(None, (flow, version), digits, malicious, welfare,
                                             None, store.known_queues(db))
        except DomainError as exc:
            error = exc.message
    queues = {code: (name, name_en or name)
              for code, name, name_en in db.execute(select(Queue.code, Queue.name, Queue.name_en))}
    return templates.TemplateResponse(request, "voice/desk.html", {
        "user": user, "calls": desk.recent_calls(db, 50), "version": version, "flow": flow,
        "queues": queues, "local": to_local,
        "labels": OUTCOME_LABELS, "keys": keys, "malicious": malicious, "welfare": welfare,
        "simulation": simulation, "error": error,
    })
