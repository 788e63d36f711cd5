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
from dasan.errors import Invalid, NotFound

TARGET = re.compile(r"^(agent:\d{1,9}|external:\d{3,15})$")
# The SIP answer of a leg that did not join, as a result code on the record.
RESULTS = {486: "busy", 600: "busy", 603: "declined", 408: "no_answer", 480: "no_answer",
           487: "no_answer"}


def check_target(session: Session, target: str | None, call_agent_id: int | None) -> str:
    """The interpreter to add: `agent:<id>` (an agent with a phone; not the agent on the call)
    or `external:<digits>` (an outside interpreter line). Invalid (422) otherwise."""
    if not target or not TARGET.match(target):
        raise Invalid("interpreter must be agent:<id> or external:<3-15 digits>",
                      code="interpreter_target")
    if target.startswith("agent:"):
        agent_id = int(target[6:])
        if agent_id == call_agent_id:
            raise Invalid("the agent on the call cannot be their own interpreter",
                          code="interpreter_target")
        if session.get(Agent, agent_id) is None:
            raise NotFound(f"no agent {agent_id}")
    return target


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
    session.commit()


def missed(session: Session, leg_id: int, sip_status: int | None) -> None:
    """The interpreter did not join (busy, no answer, an error answer): the call goes on."""
    row = session.get(CallConferenceLeg, leg_id)
    assert row is not None
    row.result = RESULTS.get(sip_status or 408, "failed")
    row.sip_status = sip_status
    row.left_at = utcnow()
    session.commit()


def left(session: Session, leg_id: int, reason: str) -> None:
    row = session.get(CallConferenceLeg, leg_id)
    assert row is not None
    if row.left_at is None:
        row.left_at, row.left_reason = utcnow(), reason[:24]
    session.commit()


def legs_of(session: Session, call_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(CallConferenceLeg).where(CallConferenceLeg.call_id == call_id)
                           .order_by(CallConferenceLeg.id))
    return [{"id": r.id, "role": r.role, "language": r.language, "agent_id": r.agent_id,
             "target": r.target_masked, "added_by": r.added_by, "added_at": r.added_at,
             "answered_at": r.answered_at, "left_at": r.left_at, "result": r.result,
             "sip_status": r.sip_status, "left_reason": r.left_reason,
             "recorded": bool(r.recording)} for r in rows]
