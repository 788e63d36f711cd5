"""Crisis API: detection for any channel, the playbooks (supervisor-editable), live alerts for
the supervisor page (WebSocket), acknowledgement, the desktop's guidance, welfare cases."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, Depends, Request, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dasan import access
from dasan.db.models import Consultation, User
from dasan.db.session import new_session
from dasan.errors import NotFound
from dasan.protection import crisis_playbook as playbook
from dasan.protection import welfare
from dasan.text.crisis import CrisisChannel, detect_crisis
from dasan.web.deps import SESSION_COOKIE, get_db, require_roles
from dasan.web.live import hub_of
from dasan.web.security import refuse_cross_site

router = APIRouter(prefix="/api/crisis", tags=["crisis"])
STAFF = access.AGENTS


class DetectIn(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)
    # Where the text comes from: it changes the reading (a field report skips the second
    # stage), so an unknown channel is refused rather than read as a chat.
    channel: CrisisChannel = "chat"


class RespondIn(DetectIn):
    consultation_id: int


class HandoverIn(BaseModel):
    label_ko: str = Field(min_length=1, max_length=64)
    label_en: str = Field(default="", max_length=64)
    number: str = Field(min_length=1, max_length=20)


class PlaybookIn(BaseModel):
    queue_code: str | None = None
    priority: int | None = None
    alert_supervisor: bool | None = None
    welfare_case: str | None = Field(default=None, description="none | consent | law")
    guidance_ko: str | None = Field(default=None, max_length=4000)
    guidance_en: str | None = Field(default=None, max_length=4000)
    handover: list[HandoverIn] | None = None
    escalate_after_seconds: int | None = None


class WelfareIn(BaseModel):
    consultation_id: int
    consent: bool = False
    note: str = Field(default="", max_length=2000)
    dong_code: str | None = Field(
        default=None, max_length=10,
        description="the dong (EMD code) from /consultations/{id}/dongs; left out: the dong "
                    "already known (a field report's location), else the case waits for one")


class ReferIn(BaseModel):
    dong_code: str = Field(min_length=1, max_length=10)


class CloseIn(BaseModel):
    note: str = Field(default="", max_length=2000)


class CentreIn(BaseModel):
    centre_name: str | None = Field(default=None, max_length=128)
    phone: str | None = Field(default=None, max_length=20)
    sms_number: str | None = Field(default=None, max_length=20)
    webhook_url: str | None = Field(default=None, max_length=512)


class WarmTransferIn(BaseModel):
    number: str = Field(min_length=3, max_length=20, description="a hand-over number of the "
                        "contact's crisis playbook (109, 112, 119, 1366, 129 ...)")


class TrainedIn(BaseModel):
    trained: bool = True


@router.post("/detect")
def detect(body: DetectIn, _user: User = Depends(require_roles(*STAFF))) -> dict[str, Any]:
    """위기 감지 (any channel): kind, severity 1-3, imminent."""
    return {"channel": body.channel,
            **detect_crisis(body.text, channel=body.channel).to_dict()}


@router.post("/respond")
async def respond(body: RespondIn, request: Request,
                  request_user: User = Depends(require_roles(*STAFF)),
                  db: Session = Depends(get_db)) -> dict[str, Any]:
    """Detect on a non-chat channel's text (SMS, call transcript, Q&A, field report) and run the
    playbook on its consultation; live chat does this by itself."""

    c = db.get(Consultation, body.consultation_id)
    if c is None:
        raise NotFound(f"consultation {body.consultation_id} not found")
    screened = playbook.screen(db, c, body.text, actor=request_user, channel=body.channel)
    if screened is None:
        return {"crisis": False}
    result, resp = screened
    db.commit()
    hub = hub_of(request.app)
    for channel, event in resp.events:
        await hub.pubsub.publish(channel, event)
    return {"crisis": True, **result.to_dict(), "alert_id": resp.alert_id,
            "queue": resp.queue_code, "welfare_case_id": resp.welfare_case_id}


@router.get("/playbooks")
def list_playbooks(db: Session = Depends(get_db),
                   _user: User = Depends(require_roles(*STAFF))) -> list[dict[str, Any]]:
    rows = [playbook.playbook_view(p) for p in playbook.playbooks(db)]
    db.commit()
    return rows


@router.put("/playbooks/{kind}")
def update_playbook(kind: str, body: PlaybookIn, db: Session = Depends(get_db),
                    user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True)
    if body.handover is not None:
        changes["handover"] = [h.model_dump() for h in body.handover]
    p = playbook.update_playbook(db, user, kind, changes)
    db.commit()
    return playbook.playbook_view(p)


@router.get("/alerts")
def alerts(db: Session = Depends(get_db),
           _user: User = Depends(require_roles(*access.SUPERVISORS))) -> list[dict[str, Any]]:
    return playbook.open_alerts(db)


@router.post("/alerts/{alert_id}/ack")
async def acknowledge(alert_id: int, request: Request, db: Session = Depends(get_db),
                      user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:

    a = await run_in_threadpool(playbook.acknowledge, db, user, alert_id)
    await run_in_threadpool(db.commit)
    channel, event = playbook.acknowledged_event(a)
    await hub_of(request.app).pubsub.publish(channel, event)
    return playbook.alert_view(a)


@router.get("/consultations/{cid}/guidance")
def guidance(cid: int, db: Session = Depends(get_db),
             _user: User = Depends(require_roles(*STAFF))) -> dict[str, Any]:
    """The kind's guidance and hand-over numbers for the agent desktop."""
    g = playbook.guidance_for(db, cid)
    if g is None:
        raise NotFound("no crisis on this consultation")
    return g


@router.post("/consultations/{cid}/warm-transfer", status_code=202)
async def warm_transfer(cid: int, body: WarmTransferIn, request: Request,
                        db: Session = Depends(get_db),
                        user: User = Depends(require_roles(*access.AGENTS))) -> dict[str, Any]:
    """One click on the crisis panel, for a call: an attended transfer (CTI `consult`) to a
    hand-over number of the kind's playbook; the agent completes it from the call panel."""
    from dasan.voice import cti
    from dasan.voice import desk as voice_desk

    c, target = await run_in_threadpool(playbook.warm_transfer_target, db, user, cid,
                                        body.number)
    cmd = await run_in_threadpool(voice_desk.desk_command, db, user, cid, "consult", target)
    await run_in_threadpool(playbook.record_warm_transfer, db, user, c, body.number)
    await run_in_threadpool(db.commit)
    await cti.send(hub_of(request.app).pubsub, cmd)
    return {"accepted": True, **cmd}


@router.post("/consultations/{cid}/crisis-agent")
async def hand_to_crisis_agent(cid: int, request: Request, db: Session = Depends(get_db),
                               user: User = Depends(require_roles(*access.AGENTS))
                               ) -> dict[str, Any]:
    """One click on the crisis panel, for a chat: to a crisis-trained agent (the playbook's
    queue), with the guidance kept on the contact."""
    from dasan.chat import desk as chat_desk
    from dasan.chat import hub as chat_hub
    from dasan.web.api.chat import run

    agent = await run_in_threadpool(chat_desk.agent_for, db, user)
    out = await run(request, chat_hub.crisis_handover, agent, user, cid,
                    chat_desk.is_supervisor(user))
    return out.result


@router.get("/mine")
def my_crisis_contacts(db: Session = Depends(get_db),
                       user: User = Depends(require_roles(*access.FRONTLINE_AGENTS))
                       ) -> list[dict[str, Any]]:
    """Guidance for the agent's open crisis contacts (the desktop's crisis panel)."""
    return playbook.guidance_for_agent(db, user)


@router.post("/welfare-cases", status_code=201)
def open_welfare_case(body: WelfareIn, db: Session = Depends(get_db),
                      user: User = Depends(require_roles(*STAFF))) -> dict[str, Any]:
    case = playbook.open_welfare_case(db, user, body.consultation_id, body.consent, body.note,
                                      body.dong_code)
    db.commit()
    return welfare.case_view(case)


@router.get("/consultations/{cid}/dongs")
def dong_choices(cid: int, db: Session = Depends(get_db),
                 _user: User = Depends(require_roles(*STAFF))) -> dict[str, Any]:
    """The dong a welfare case goes to: the known one (a field report's location), else the
    contact's district's dongs (all of Seoul's when the district is unknown)."""
    out = welfare.dong_choices(db, cid)
    db.commit()  # the directory may be seeded on first use
    return out


@router.post("/welfare-cases/{case_id}/refer")
def refer_welfare_case(case_id: int, body: ReferIn, db: Session = Depends(get_db),
                       user: User = Depends(require_roles(*STAFF))) -> dict[str, Any]:
    """Name the dong of a case opened without one (e.g. by law, on a chat): its 동 주민센터 is
    notified through the outbox."""
    case = welfare.refer_to_dong(db, user, case_id, body.dong_code)
    db.commit()
    return welfare.case_view(case)


@router.get("/welfare-cases")
def welfare_cases(district: str | None = None, db: Session = Depends(get_db),
                  user: User = Depends(require_roles(*access.WELFARE_CASE_HANDLERS))
                  ) -> list[dict[str, Any]]:
    """Open welfare cases: a district officer's own district only."""
    return [welfare.case_view(c) for c in welfare.open_cases(db, user, district)]


@router.post("/welfare-cases/{case_id}/ack")
def acknowledge_welfare_case(case_id: int, db: Session = Depends(get_db),
                             user: User = Depends(require_roles(*access.WELFARE_CASE_HANDLERS))
                             ) -> dict[str, Any]:
    case = welfare.acknowledge_case(db, user, case_id)
    db.commit()
    return welfare.case_view(case)


@router.post("/welfare-cases/{case_id}/close")
def close_welfare_case(case_id: int, body: CloseIn, db: Session = Depends(get_db),
                       user: User = Depends(require_roles(*access.WELFARE_CASE_HANDLERS))
                       ) -> dict[str, Any]:
    case = welfare.close_case(db, user, case_id, body.note)
    db.commit()
    return welfare.case_view(case)


@router.get("/dong-centres")
def dong_centres(district: str | None = None, db: Session = Depends(get_db),
                 _user: User = Depends(require_roles(*access.DONG_DIRECTORY_EDITORS))
                 ) -> list[dict[str, Any]]:
    """The 동 주민센터 directory (seeded from the dong map's names; contacts blank until set)."""
    rows = [welfare.centre_view(c) for c in welfare.centres(db, district)]
    db.commit()
    return rows


@router.put("/dong-centres/{dong_code}")
def update_dong_centre(dong_code: str, body: CentreIn, db: Session = Depends(get_db),
                       user: User = Depends(require_roles(*access.DONG_DIRECTORY_EDITORS))
                       ) -> dict[str, Any]:
    row = welfare.update_centre(db, user, dong_code, body.model_dump(exclude_none=True))
    db.commit()
    return welfare.centre_view(row)


@router.put("/trained/{agent_id}")
def set_trained(agent_id: int, body: TrainedIn, db: Session = Depends(get_db),
                user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:
    playbook.set_crisis_trained(db, user, agent_id, body.trained)
    db.commit()
    return {"agent_id": agent_id, "trained": body.trained}


# --- live alerts ----------------------------------------------------------------------------


def _supervisor_for(cookie: str | None) -> User | None:
    from dasan.auth import user_for_session

    if not cookie:
        return None
    s = new_session()
    try:
        user = user_for_session(s, cookie)
        if not access.can_watch_crisis(user) or user is None:
            return None
        s.expunge(user)
        return user
    finally:
        s.close()


def _open_snapshot() -> dict[str, Any]:
    s = new_session()
    try:
        event = playbook.open_event(s)
        s.commit()  # the default playbooks may be stored on first use
        return event
    finally:
        s.close()


@router.websocket("/ws/alerts")
async def alerts_socket(ws: WebSocket) -> None:
    """Crisis alerts for the supervisor page: the open list on connect, then every event the
    crisis room publishes (new alert, escalation by `dasan worker`, acknowledgement).

    The socket is read as well as written, although the page sends nothing: only a read
    sees the page close or the server's shutdown close it. A handler that only waited for
    the next crisis event outlived its socket until one came - and kept `dasan serve` from
    stopping on SIGTERM ("Waiting for background tasks to complete")."""

    if await refuse_cross_site(ws):
        return
    user = await run_in_threadpool(_supervisor_for, ws.cookies.get(SESSION_COOKIE))
    if user is None:
        await ws.close(code=4401)
        return
    await ws.accept()
    hub = hub_of(ws.app)  # type: ignore[arg-type]
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await hub.pubsub.subscribe(playbook.CRISIS_CHANNEL, queue)

    async def writer() -> None:
        await ws.send_json(await run_in_threadpool(_open_snapshot))
        while True:
            await ws.send_json(await queue.get())

    async def reader() -> None:
        while (await ws.receive())["type"] != "websocket.disconnect":
            pass  # the page sends nothing; any frame is ignored

    tasks = [asyncio.create_task(writer()), asyncio.create_task(reader())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
        await hub.pubsub.unsubscribe(playbook.CRISIS_CHANNEL, queue)
