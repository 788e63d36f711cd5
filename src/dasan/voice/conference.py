"""The record of an interpreter conference (issue 14): one `call_conference_legs` row per
interpreter the agent tried to add to a call, with who (an agent, or an outside number kept
masked), who added them, when they were added, answered and left, why they left, and what
happened when they did not join (busy, no answer: the SIP status). The conference leg's audio
is recorded to its own WAV (`recording`) beside the caller's and the agent's.

Like `dasan.voice.calls`, these functions are synchronous (the gateway runs them off the
event loop) and each commits.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.auth import mask_phone
from dasan.db.base import utcnow
from dasan.db.models import Agent
from dasan.db.models_smartvoice import CallConferenceLeg
from dasan.errors import Conflict, Invalid, NotFound
from dasan.presence import service as presence
from dasan.presence.states import OFFERABLE

TARGET = re.compile(r"^(agent:\d{1,9}|external:\d{3,15}|language:[a-z]{2,3})$")
# The SIP answer of a leg that did not join, as a result code on the record.
RESULTS = {486: "busy", 600: "busy", 603: "declined", 408: "no_answer", 480: "no_answer",
           487: "no_answer"}


def check_target(session: Session, target: str | None, call_agent_id: int | None) -> str:
    """The interpreter to add: `agent:<id>` (an agent with a phone; not the agent on the call),
    `language:<code>` (the longest-waiting available agent who speaks it: `pick_interpreter`)
    or `external:<digits>` (an outside interpreter line). Invalid (422) otherwise."""
    if not target or not TARGET.match(target):
        raise Invalid("interpreter must be agent:<id>, language:<code> or external:<3-15 "
                      "digits>", code="interpreter_target")
    if target.startswith("language:"):
        return f"agent:{pick_interpreter(session, target[9:], call_agent_id)}"
    if target.startswith("agent:"):
        agent_id = int(target[6:])
        if agent_id == call_agent_id:
            raise Invalid("the agent on the call cannot be their own interpreter",
                          code="interpreter_target")
        if session.get(Agent, agent_id) is None:
            raise NotFound(f"no agent {agent_id}")
    return target


def pick_interpreter(session: Session, language: str, call_agent_id: int | None) -> int:
    """An agent who speaks `language` (their language skills, `Agent.languages`) and could take
    a call now (presence: available, no other contact); the one waiting longest first.
    Conflict (409) when there is none: the agent may call an outside interpreter instead."""
    candidates = [a for a in session.scalars(
        select(Agent).where(Agent.state.in_(tuple(OFFERABLE)))
        .order_by(Agent.state_since, Agent.id)) if a.id != call_agent_id
        and language in (a.languages or [])]
    load = presence.loads(session, [a.id for a in candidates])
    for a in candidates:
        if presence.capacity_of(a, load[a.id], "phone") > 0:
            return a.id
    raise Conflict(f"no available agent speaks {language!r}: try an outside interpreter",
                   code="no_interpreter")


def masked_target(target: str) -> str:
    return mask_phone(target[9:]) if target.startswith("external:") else target


def added(session: Session, call_id: int, target: str, language: str | None,
          added_by: int | None) -> int:
    agent_id = int(target[6:]) if target.startswith("agent:") else None
    row = CallConferenceLeg(call_id=call_id, role="interpreter", language=language,
                            agent_id=agent_id,
                            target_masked=None if agent_id else masked_target(target),
                            added_by=added_by, added_at=utcnow(), result="ringing")
    session.add(row)
    session.commit()
    return row.id


def joined(session: Session, leg_id: int, recording: str) -> None:
    row = session.get(CallConferenceLeg, leg_id)
    assert row is not None
    row.answered_at, row.result, row.recording, row.sip_status = utcnow(), "joined", recording, 200
    _presence(session, row)
    session.commit()


def missed(session: Session, leg_id: int, sip_status: int | None) -> None:
    """The interpreter did not join (busy, no answer, an error answer): the call goes on."""
    row = session.get(CallConferenceLeg, leg_id)
    assert row is not None
    row.result = RESULTS.get(sip_status or 408, "failed")
    row.sip_status = sip_status
    row.left_at = utcnow()
    _presence(session, row)
    session.commit()


def left(session: Session, leg_id: int, reason: str) -> None:
    row = session.get(CallConferenceLeg, leg_id)
    assert row is not None
    if row.left_at is None:
        row.left_at, row.left_reason = utcnow(), reason[:24]
    _presence(session, row)
    session.commit()


def _presence(session: Session, row: CallConferenceLeg) -> None:
    """An agent interpreter is busy while their leg is joined, and available again after it
    (through the presence room's load rule). While it rings, the gateway holds the phone."""
    if row.agent_id is not None:
        session.flush()
        presence.refresh_load(session, row.agent_id)


def legs_of(session: Session, call_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(CallConferenceLeg).where(CallConferenceLeg.call_id == call_id)
                           .order_by(CallConferenceLeg.id))
    return [{"id": r.id, "role": r.role, "language": r.language, "agent_id": r.agent_id,
             "target": r.target_masked, "added_by": r.added_by, "added_at": r.added_at,
             "answered_at": r.answered_at, "left_at": r.left_at, "result": r.result,
             "sip_status": r.sip_status, "left_reason": r.left_reason,
             "recorded": bool(r.recording)} for r in rows]
