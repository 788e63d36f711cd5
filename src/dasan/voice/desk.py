"""What the web layer asks of the phone room: flow admin, desktop call actions, call records,
recording playback. Who may do what is the shared access policy (`dasan.access`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.db.models import Agent, User
from dasan.db.models_voice import VoiceCall
from dasan.errors import Forbidden, Invalid, NotFound
from dasan.voice import conference, cti
from dasan.voice.flows import engine, store
from dasan.voice.flows.schema import FlowInvalid, validate
from dasan.voice.retention import is_past_retention
from dasan.voice.settings import get_voice_settings


def may_play_recording(user: User) -> bool:
    return access.can_play_recording(user)


def may_act_on_call(user: User, call: VoiceCall, agent: Agent | None) -> bool:
    """Only the agent on the call (or a supervisor) steers it from the desktop."""
    return access.can_steer_call(user, call.agent_id, agent.id if agent else None)


def agent_of(session: Session, user: User) -> Agent | None:
    return session.scalar(select(Agent).where(Agent.user_id == user.id))


def desk_command(session: Session, user: User, consultation_id: int, action: str,
                 target: str | None) -> dict[str, Any]:
    """A checked command for the gateway holding this call (the API publishes it)."""
    call = session.scalar(select(VoiceCall).where(VoiceCall.consultation_id == consultation_id))
    if call is None:
        raise NotFound(f"no call for consultation {consultation_id}")
    if call.ended_at is not None:
        raise Invalid("the call has already ended", status=409, code="call_ended")
    agent = agent_of(session, user)
    if not may_act_on_call(user, call, agent):
        audit.record(session, user, "voice.call.denied", object_type="consultation",
                     object_id=consultation_id, outcome="denied", detail={"action": action})
        session.commit()
        raise Forbidden("only the agent on this call may do that", code="call_not_yours")
    if action == "interpreter":  # checked here, before anything is sent: nothing changes
        target = conference.check_target(session, target, call.agent_id)
    return cti.command(action, consultation_id, call.agent_id or 0, target)


def check_flow(session: Session, doc: dict[str, Any]) -> list[str]:
    try:
        store.check(session, doc)
    except FlowInvalid as exc:
        return exc.problems
    return []


async def simulate(doc: dict[str, Any] | None, live: tuple[Any, int] | None,
                   digits: list[str | None], malicious: bool, welfare_line: bool,
                   at: datetime | None, known_queues: set[str]) -> dict[str, Any]:
    if doc is not None:
        flow = validate(doc, known_queues)
    else:
        assert live is not None
        flow = live[0]
    sim = await engine.simulate(flow, digits, engine.CallerAttributes(malicious, welfare_line),
                                at)
    r = sim.result
    return {"kind": r.kind, "queue": r.queue, "language": r.language, "priority": r.priority,
            "ars_option": r.ars_option, "path": r.path, "prompts": sim.prompts,
            "unused_digits": sim.unused_digits}


def recent_calls(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    rows = session.scalars(select(VoiceCall).order_by(VoiceCall.id.desc()).limit(limit))
    return [call_view(c) for c in rows]


def call_view(c: VoiceCall) -> dict[str, Any]:
    return {"id": c.id, "consultation_id": c.consultation_id, "caller": c.caller_masked,
            "ars_path": c.ars_path, "queue": c.queue_code, "agent_id": c.agent_id,
            "outcome": c.outcome, "end_reason": c.end_reason, "arrived_at": c.arrived_at,
            "ars_exit_at": c.ars_exit_at, "queued_at": c.queued_at, "offered_at": c.offered_at,
            "answered_at": c.answered_at, "ended_at": c.ended_at,
            "recorded": bool(c.recording_caller)}


def recording_path(session: Session, user: User, call_id: int, leg: str) -> Path:
    """The WAV of one leg, for an allowed role; every playback (or refusal) is audited."""
    if leg not in ("caller", "agent"):
        raise Invalid("leg must be caller or agent")
    call = session.get(VoiceCall, call_id)
    if call is None:
        raise NotFound(f"call {call_id} not found")
    if not may_play_recording(user):
        audit.record(session, user, "voice.recording.denied", object_type="voice_call",
                     object_id=call_id, outcome="denied", detail={"leg": leg})
        session.commit()
        raise Forbidden("recordings are played only by supervisors", code="recording_unavailable")
    raw = call.recording_caller if leg == "caller" else call.recording_agent
    if not raw:
        raise NotFound("this call has no recording", code="recording_unavailable")
    path = Path(raw)
    root = get_voice_settings().recording_dir.resolve()
    if not path.resolve().is_relative_to(root) or not path.is_file():
        raise NotFound("the recording is no longer kept", code="recording_unavailable")
    if is_past_retention(call.arrived_at):
        raise NotFound("the recording is past its retention period",
                       code="recording_unavailable")
    audit.record(session, user, "voice.recording.play", object_type="voice_call",
                 object_id=call_id, detail={"leg": leg})
    session.commit()
    return path
