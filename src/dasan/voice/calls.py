"""The call record: one consultation (channel `phone`) and one CDR row per call.

Outcomes on the CDR: answered, abandoned_in_ars, abandoned_in_queue, callback, transferred,
forced_terminated. The consultation keeps the platform's outcome codes (both abandonments are
`abandoned`), and a call that ended in the ARS has no `queued_at`: it counts in total inflow
(every phone consultation) but not in inflow (queued to agents), which is how the KPI tables
tell the two response rates apart.

These functions are synchronous (the gateway runs them in a worker thread) and each commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.auth import phone_hash
from dasan.config import signing_key
from dasan.consultations.service import citizen_for_phone
from dasan.db.base import utcnow
from dasan.db.models import AbuseIncident, Consultation, Queue
from dasan.db.models_voice import VoiceCall, WelfareLine
from dasan.protection.policy import (
    ACTIONS,
    TERMINATION_KO,
    WARNING_1_KO,
    WARNING_2_KO,
    is_registered,
    prior_incidents,
)
from dasan.voice.flows.engine import CallerAttributes, FlowResult

CALL_OUTCOMES = ("answered", "abandoned_in_ars", "abandoned_in_queue", "callback",
                 "transferred", "forced_terminated", "bot_resolved")
CONSULTATION_OUTCOME = {"abandoned_in_ars": "abandoned", "abandoned_in_queue": "abandoned"}


@dataclass(frozen=True)
class OpenedCall:
    call_id: int
    consultation_id: int
    citizen_id: int | None
    caller_masked: str
    attributes: CallerAttributes


def open_call(session: Session, sip_call_id: str, caller_digits: str, dialed: str
              ) -> OpenedCall:
    now = utcnow()
    citizen = citizen_for_phone(session, caller_digits) if caller_digits else None
    welfare = False
    if caller_digits:
        key = phone_hash(caller_digits, signing_key())
        welfare = session.scalar(select(WelfareLine.id).where(WelfareLine.phone_hash == key)
                                 ) is not None
    attrs = CallerAttributes(malicious=is_registered(session, citizen.id if citizen else None),
                             welfare_line=welfare)
    consultation = Consultation(channel="phone", started_at=now, outcome="open", status="open",
                                citizen_id=citizen.id if citizen else None,
                                external_ref=f"sip:{sip_call_id}"[:64])
    session.add(consultation)
    session.flush()
    masked = (citizen.phone_masked if citizen else None) or "발신번호 없음"
    call = VoiceCall(sip_call_id=sip_call_id[:128], consultation_id=consultation.id,
                     citizen_id=citizen.id if citizen else None, caller_masked=masked,
                     dialed=dialed[:32], arrived_at=now, outcome="open")
    session.add(call)
    session.commit()
    return OpenedCall(call.id, consultation.id, call.citizen_id, masked, attrs)


def ars_done(session: Session, call_id: int, result: FlowResult, flow_name: str,
             flow_version: int, codec: str) -> None:
    now = utcnow()
    call = session.get(VoiceCall, call_id)
    assert call is not None
    call.ars_path, call.ars_exit_at = list(result.path), now
    call.flow_name, call.flow_version, call.codec = flow_name, flow_version, codec
    c = session.get(Consultation, call.consultation_id)
    assert c is not None
    c.ars_option = result.ars_option
    c.language = result.language
    if result.kind == "queue" and result.queue:
        queue = session.scalar(select(Queue).where(Queue.code == result.queue))
        call.queue_code, call.queued_at = result.queue, now
        c.queued_at = now
        c.queue_id = queue.id if queue else None
        c.priority = max(result.priority, queue.priority if queue else 0)
    session.commit()


def offered(session: Session, call_id: int, agent_id: int) -> None:
    call = session.get(VoiceCall, call_id)
    assert call is not None
    call.offered_at = call.offered_at or utcnow()
    call.agent_id = agent_id
    session.commit()


def answered(session: Session, call_id: int, agent_id: int, recordings: tuple[str, str]
             ) -> None:
    now = utcnow()
    call = session.get(VoiceCall, call_id)
    assert call is not None
    call.answered_at, call.agent_id = now, agent_id
    call.recording_caller, call.recording_agent = recordings
    c = session.get(Consultation, call.consultation_id)
    assert c is not None
    c.answered_at, c.agent_id = now, agent_id
    c.wait_seconds = (now - (c.queued_at or c.started_at)).total_seconds()
    session.commit()


def ended(session: Session, call_id: int, outcome: str, reason: str,
          transferred_to: str | None = None, at: datetime | None = None) -> bool:
    """Close the call once (later calls change nothing); False if it was already closed."""
    if outcome not in CALL_OUTCOMES:
        raise ValueError(f"unknown call outcome {outcome!r}")
    call = session.get(VoiceCall, call_id)
    if call is None or call.ended_at is not None:
        return False
    now = at or utcnow()
    call.ended_at, call.outcome, call.end_reason = now, outcome, reason[:48]
    call.transferred_to = transferred_to
    c = session.get(Consultation, call.consultation_id)
    if c is not None:
        c.ended_at, c.status = now, "closed"
        c.outcome = CONSULTATION_OUTCOME.get(outcome, outcome)
        if c.answered_at is not None:
            c.handle_seconds = (now - c.answered_at).total_seconds()
        elif c.queued_at is not None:
            c.wait_seconds = (now - c.queued_at).total_seconds()
    session.commit()
    return True


def stage_outcome(call: VoiceCall) -> str:
    """What a call that stops now (caller hung up, media died) counts as, by where it was."""
    if call.answered_at is not None:
        return "answered"
    if call.queued_at is not None:
        return "abandoned_in_queue"
    return "abandoned_in_ars"


def close_orphans(session: Session) -> int:
    """Calls a previous gateway process left open (it was killed): closed, never lost."""
    rows = list(session.scalars(select(VoiceCall).where(VoiceCall.ended_at.is_(None))))
    for call in rows:
        ended(session, call.id, stage_outcome(call), "gateway_restart")
    return len(rows)


SPOKEN_WARNINGS = {"warn_1": WARNING_1_KO, "warn_2": WARNING_2_KO, "terminated": TERMINATION_KO}


def warn(session: Session, call_id: int) -> str:
    """The agent pressed "warn": the next step of warn, warn, terminate, recorded as an
    incident like chat's (category `agent_report`). Returns warn_1 | warn_2 | terminated."""
    call = session.get(VoiceCall, call_id)
    assert call is not None and call.consultation_id is not None
    c = session.get(Consultation, call.consultation_id)
    assert c is not None
    action = ACTIONS[min(prior_incidents(session, c.id), 2)]
    session.add(AbuseIncident(consultation_id=c.id, citizen_id=c.citizen_id,
                              agent_id=call.agent_id, category="agent_report", severity=2,
                              action=action, at=utcnow()))
    session.commit()
    return action
