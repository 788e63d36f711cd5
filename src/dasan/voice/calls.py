"""The call record: one consultation (channel `phone`) and one CDR row per call.

Outcomes are the platform's (ADR 0004, `dasan.consultations.outcomes`), the same code on the
CDR and on the consultation, decided by `outcome_for`: answered, abandoned_in_ars (left in the
menu), abandoned_in_queue (left while waiting), abandoned_after_offer (left while an agent's
phone rang), callback, transferred (passed out of the center), forced_terminated. A call that
ended in the ARS has no `queued_at`: it counts in total inflow (every phone consultation) but
not in inflow (queued to agents), which is how the KPI tables tell the two response rates
apart. A transfer to another queue or agent is not an outcome: the call goes on.

Presence (one model for calls and chats): a call holds its agent from the moment their phone
rings (the consultation's `agent_id`, which `presence.loads` counts as a call, so no chat is
offered meanwhile); the agent is busy while it lasts and goes to after-call work when it ends.

These functions are synchronous. The gateway runs them through its record writer
(`dasan.voice.records`): those marked `@batchable` only flush, and the writer commits them
together with whatever else was queued (one transaction per batch); the others commit
themselves and run alone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from dasan.auth import phone_hash
from dasan.config import signing_key
from dasan.consultations import outcomes
from dasan.consultations.service import citizen_for_phone
from dasan.db.base import utcnow
from dasan.db.models import AbuseIncident, Agent, Citizen, Consultation, MaliciousCaller, Queue
from dasan.db.models_voice import CallbackAttempt, CallbackRequest, VoiceCall, WelfareLine
from dasan.presence import service as presence
from dasan.presence.events import PresenceEvent
from dasan.protection.policy import (
    ACTIONS,
    TERMINATION_KO,
    WARNING_1_KO,
    WARNING_2_KO,
    is_registered,
    offer_recovery,
    prior_incidents,
)
from dasan.voice.flows.engine import CallerAttributes, FlowResult
from dasan.voice.records import batchable

CALL_OUTCOMES = (outcomes.ANSWERED, outcomes.ABANDONED_IN_ARS, outcomes.ABANDONED_IN_QUEUE,
                 outcomes.ABANDONED_AFTER_OFFER, outcomes.CALLBACK, outcomes.TRANSFERRED,
                 outcomes.FORCED_TERMINATED, outcomes.BOT_RESOLVED)


def call_outcome(*, answered: bool, queued: bool, offered: bool, how: str) -> str:
    """The ADR 0004 outcome of a call that ends now (`how` as in `outcomes.Ending`)."""
    return outcomes.outcome_for(outcomes.Ending(
        agent_answered=answered, reached_queue=queued, offered=offered, bot_answered=False,
        how=how, ars=True))


@dataclass(frozen=True)
class OpenedCall:
    call_id: int
    consultation_id: int
    citizen_id: int | None
    caller_masked: str
    attributes: CallerAttributes
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier contacts, masked


HISTORY_SHOWN = 5


def earlier_contacts(session: Session, citizen_id: int | None, before: int
                     ) -> list[dict[str, Any]]:
    """The caller's earlier consultations (found by phone hash), for the screen pop: dates,
    channels, categories and masked subjects only."""
    if citizen_id is None:
        return []
    rows = session.scalars(select(Consultation).where(
        Consultation.citizen_id == citizen_id, Consultation.id != before)
        .order_by(Consultation.started_at.desc()).limit(HISTORY_SHOWN))
    return [{"id": c.id, "at": c.started_at.date().isoformat(), "channel": c.channel,
             "category": c.category, "subject": c.subject, "outcome": c.outcome}
            for c in rows]


def _citizen(session: Session, caller_digits: str) -> Citizen | None:
    """The caller's citizen row; two first calls from one number at once (another record
    worker inserted it meanwhile) read the row the other one wrote."""
    if not caller_digits:
        return None
    try:
        with session.begin_nested():
            return citizen_for_phone(session, caller_digits)
    except IntegrityError:
        return citizen_for_phone(session, caller_digits)


def _known_caller(session: Session, key: str) -> tuple[int, str | None, bool, bool] | None:
    """A returning caller in one statement: (citizen id, masked number, registered welfare
    line, active malicious-caller registration), or None for a first call."""
    welfare = select(WelfareLine.id).where(WelfareLine.phone_hash == key).exists()
    malicious = select(MaliciousCaller.id).where(MaliciousCaller.citizen_id == Citizen.id,
                                                 MaliciousCaller.active.is_(True)).exists()
    row = session.execute(select(Citizen.id, Citizen.phone_masked, welfare, malicious)
                          .where(Citizen.phone_hash == key)).first()
    return None if row is None else (int(row[0]), row[1], bool(row[2]), bool(row[3]))


@batchable
def open_call(session: Session, sip_call_id: str, caller_digits: str, dialed: str
              ) -> OpenedCall:
    now = utcnow()
    citizen_id: int | None = None
    masked: str | None = None
    welfare = malicious = False
    if caller_digits:
        key = phone_hash(caller_digits, signing_key())
        known = _known_caller(session, key)
        if known is not None:  # a returning caller: one statement
            citizen_id, masked, welfare, malicious = known
        else:  # a first call: the citizen row is created (or read, if another worker won)
            citizen = _citizen(session, caller_digits)
            assert citizen is not None
            citizen_id, masked = citizen.id, citizen.phone_masked
            welfare = session.scalar(select(WelfareLine.id)
                                     .where(WelfareLine.phone_hash == key)) is not None
            malicious = is_registered(session, citizen_id)
    attrs = CallerAttributes(malicious=malicious, welfare_line=welfare)
    # Core INSERT ... RETURNING: two rows per call, no objects for the session to track.
    consultation_id = int(_core(session,
        insert(Consultation).values(channel="phone", started_at=now, outcome="open",
                                    status="open", citizen_id=citizen_id,
                                    external_ref=f"sip:{sip_call_id}"[:64])
        .returning(Consultation.id)).scalar_one())
    masked = masked or "발신번호 없음"
    call_id = int(_core(session,
        insert(VoiceCall).values(sip_call_id=sip_call_id[:128], consultation_id=consultation_id,
                                 citizen_id=citizen_id, caller_masked=masked,
                                 dialed=dialed[:32], arrived_at=now, outcome="open")
        .returning(VoiceCall.id)).scalar_one())
    history = earlier_contacts(session, citizen_id, consultation_id)
    return OpenedCall(call_id, consultation_id, citizen_id, masked, attrs, history)


def _core(session: Session, stmt: Any) -> Any:
    """A Core statement on the step's connection, without the ORM's compile step (its bulk
    UPDATE path cost more Python than the rest of the step). Pending changes are flushed
    first; the caller expires (`_expire`) any object of the session the statement changed."""
    session.flush()
    return session.connection().execute(stmt)


def _expire(session: Session, cls: type[Any], pk: int) -> None:
    """An object a Core UPDATE changed is read again if a later step of the batch uses it."""
    obj = session.identity_map.get(identity_key(cls, pk))
    if obj is not None:
        session.expire(obj)


def _update_call(session: Session, call_id: int, **values: Any) -> int:
    """UPDATE the CDR (Core); returns its consultation's id."""
    cid = _core(session, update(VoiceCall).where(VoiceCall.id == call_id).values(**values)
                .returning(VoiceCall.consultation_id)).scalar_one()
    _expire(session, VoiceCall, call_id)
    return int(cid)


def _update_consultation(session: Session, consultation_id: int, **values: Any) -> None:
    _core(session, update(Consultation).where(Consultation.id == consultation_id)
          .values(**values))
    _expire(session, Consultation, consultation_id)


@batchable
def ars_done(session: Session, call_id: int, result: FlowResult, flow_name: str,
             flow_version: int, codec: str) -> None:
    """The caller left the menu: the path on the CDR, the menu keys and (for a queue) the
    queue times and priority on the consultation. Two UPDATEs (the queue's id and priority
    are read inside them), no objects loaded."""
    now = utcnow()
    call_values: dict[str, Any] = {"ars_path": list(result.path), "ars_exit_at": now,
                                   "flow_name": flow_name, "flow_version": flow_version,
                                   "codec": codec}
    c_values: dict[str, Any] = {"ars_option": result.ars_option, "language": result.language}
    if result.kind == "queue" and result.queue:
        call_values |= {"queue_code": result.queue, "queued_at": now}
        queue_priority = func.coalesce(select(Queue.priority).where(
            Queue.code == result.queue).scalar_subquery(), 0)
        # (a crisis the callbot heard has raised the priority already: keep it)
        greatest = func.max if session.get_bind().dialect.name == "sqlite" else func.greatest
        c_values |= {"queued_at": now,
                     "queue_id": select(Queue.id).where(Queue.code == result.queue)
                     .scalar_subquery(),
                     "priority": greatest(func.coalesce(Consultation.priority, 0),
                                          result.priority, queue_priority)}
    _update_consultation(session, _update_call(session, call_id, **call_values), **c_values)


def _lock_agent(session: Session, agent_id: int) -> Agent | None:
    """The agent, with their row locked until commit on PostgreSQL (no-op on SQLite)."""
    return session.scalar(select(Agent).where(Agent.id == agent_id).with_for_update()
                          .execution_options(populate_existing=True))


@batchable
def offered(session: Session, call_id: int, agent_id: int) -> list[PresenceEvent] | None:
    """The agent's phone is about to ring: claim them in the presence model (None, nothing
    changed, if they took a chat or another call since the roster was read).

    The agent's row is locked first (PostgreSQL `SELECT ... FOR UPDATE`, as the chat router
    does before it loads an agent): two gateways that picked the same agent at once are
    serialised here, and the second reads the first's claim once it committed, so one agent
    is never offered two calls. SQLite has one writer: the second claim fails instead."""
    agent = _lock_agent(session, agent_id)
    if agent is None:
        return None
    load = presence.loads(session, [agent_id])[agent_id]
    if presence.capacity_of(agent, load, "phone") < 1:
        return None
    cid = _update_call(session, call_id, agent_id=agent_id,
                       offered_at=func.coalesce(VoiceCall.offered_at, utcnow()))
    _update_consultation(session, cid, agent_id=agent_id)
    # The agent now holds this call: busy (the load just read, plus this call).
    events = presence.refresh_load(session, agent_id,
                                   load=presence.Load(load.calls + 1, load.written))
    session.flush()
    return events


@batchable
def released(session: Session, call_id: int, agent_id: int, wrap_up: bool,
             wrap_up_seconds: float | None = None) -> list[PresenceEvent]:
    """The agent's leg is gone while the call goes on or has ended (the phone was not
    answered, or the agent transferred the call): the call no longer holds them. An agent who
    talked (`wrap_up`) goes to after-call work, one who was only rung is free again."""
    call = session.get(VoiceCall, call_id)
    c = session.get(Consultation, call.consultation_id) if call else None
    if c is not None and c.agent_id == agent_id and c.status == "open":
        c.agent_id = None
    session.flush()
    events = (presence.start_wrap_up(session, agent_id, seconds=wrap_up_seconds) if wrap_up
              else presence.refresh_load(session, agent_id))
    session.flush()
    return events


@batchable
def answered(session: Session, call_id: int, agent_id: int, recordings: tuple[str, str]
             ) -> None:
    now = utcnow()
    caller_wav, agent_wav = recordings
    cid = _update_call(session, call_id, answered_at=now, agent_id=agent_id,
                       recording_caller=caller_wav, recording_agent=agent_wav)
    c = session.get(Consultation, cid)
    assert c is not None
    if c.answered_at is None:  # a transferred call was answered once, by the first agent
        c.answered_at = now
        c.wait_seconds = (now - (c.queued_at or c.started_at)).total_seconds()
    c.agent_id = agent_id
    session.flush()


class UnknownOutcome(Exception):
    """A programming error: the gateway asked for an outcome ADR 0004 does not define."""


@batchable
def ended(session: Session, call_id: int, outcome: str, reason: str,
          transferred_to: str | None = None, at: datetime | None = None,
          talked_agent: int | None = None, callback_id: int | None = None,
          wrap_up_seconds: float | None = None) -> list[PresenceEvent] | None:
    """Close the call once (later calls change nothing; None if it was already closed). The
    agent who was talking (`talked_agent`) goes to after-call work; an agent whose phone was
    still ringing is free again. A placed callback (`callback_id`) leaves its consultation's
    outcome `callback` (answered now that it connected). Returns the presence events."""
    if outcome not in CALL_OUTCOMES:
        raise UnknownOutcome(f"unknown call outcome {outcome!r}")
    call = session.get(VoiceCall, call_id)
    if call is None or call.ended_at is not None:
        return None
    now = at or utcnow()
    call.ended_at, call.outcome, call.end_reason = now, outcome, reason[:48]
    call.transferred_to = transferred_to
    c = session.get(Consultation, call.consultation_id)
    held = None
    if c is not None:
        held = c.agent_id
        c.ended_at, c.status = now, "closed"
        if callback_id is None:
            c.outcome = outcome
        else:
            session.execute(update(CallbackRequest).where(CallbackRequest.id == callback_id)
                            .values(status="done", contact_uri=""))
            _attempt(session, callback_id, call.id, call.agent_id, "connected", now)
        if c.answered_at is not None:
            c.handle_seconds = (now - c.answered_at).total_seconds()
        elif c.queued_at is not None:
            c.wait_seconds = (now - c.queued_at).total_seconds()
    session.flush()
    events: list[PresenceEvent] = []
    if talked_agent is not None:
        events += presence.start_wrap_up(session, talked_agent, now, wrap_up_seconds)
    if held is not None and held != talked_agent:
        events += presence.refresh_load(session, held, now)
    session.flush()
    return events


CALLBACK_DIALED = "callback"


def _due(now: datetime) -> Any:
    return (CallbackRequest.status == "waiting") & or_(
        CallbackRequest.next_attempt_at.is_(None), CallbackRequest.next_attempt_at <= now)


@batchable
def waiting_callbacks(session: Session, limit: int = 20, now: datetime | None = None
                      ) -> list[tuple[int, str]]:
    """(request id, queue) of callbacks due to be placed (never tried, or their retry time
    has come), oldest first."""
    return [(int(i), str(q)) for i, q in session.execute(
        select(CallbackRequest.id, CallbackRequest.queue_code)
        .where(_due(now or utcnow())).order_by(CallbackRequest.id).limit(limit))]


def _attempt(session: Session, request_id: int, call_id: int | None, agent_id: int | None,
             result: str, now: datetime) -> None:
    req = session.get(CallbackRequest, request_id)
    session.add(CallbackAttempt(callback_id=request_id, attempt=req.attempts if req else 0,
                                call_id=call_id, agent_id=agent_id, at=now, result=result))


@batchable
def open_callback(session: Session, request_id: int, agent_id: int
                  ) -> tuple[OpenedCall, str, list[PresenceEvent]] | None:
    """Claim a waiting callback for the agent about to be rung (None if another gateway took
    it or the agent is no longer free). The consultation of the call that asked for it is
    open again (it holds the agent in the presence model); a new CDR records the call."""
    agent = _lock_agent(session, agent_id)
    if agent is None or presence.capacity_for(session, agent, "phone") < 1:
        return None  # nothing written
    now = utcnow()
    won = session.execute(update(CallbackRequest).where(
        CallbackRequest.id == request_id, _due(now))
        .values(status="placed", attempts=CallbackRequest.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if won != 1:
        return None  # another gateway took it, or it is not due: nothing written
    req = session.scalar(select(CallbackRequest).where(CallbackRequest.id == request_id)
                         .execution_options(populate_existing=True))
    origin = session.get(VoiceCall, req.call_id) if req is not None else None
    if req is None or origin is None or origin.consultation_id is None:
        raise LookupError(f"callback {request_id} has no call to continue")  # undone
    c = session.get(Consultation, origin.consultation_id)
    assert c is not None
    c.status, c.agent_id, c.ended_at = "open", agent_id, None
    call = VoiceCall(sip_call_id=f"callback-{request_id}-{secrets.token_hex(6)}",
                     consultation_id=c.id, citizen_id=origin.citizen_id,
                     caller_masked=origin.caller_masked, dialed=CALLBACK_DIALED,
                     arrived_at=now, queue_code=req.queue_code, queued_at=req.requested_at,
                     offered_at=now, agent_id=agent_id, outcome="open", ars_path=[])
    session.add(call)
    session.flush()
    events = presence.refresh_load(session, agent_id)
    session.flush()
    opened = OpenedCall(call.id, c.id, c.citizen_id, origin.caller_masked or "발신번호 없음",
                        CallerAttributes(malicious=False, welfare_line=False))
    return opened, req.contact_uri, events


@batchable
def callback_failed(session: Session, call_id: int, request_id: int, agent_id: int,
                    reason: str, attempts: int = 1, retry_seconds: float = 0.0
                    ) -> list[PresenceEvent]:
    """The agent or the citizen did not answer (`reason`, recorded as this attempt's
    result). Fewer than `attempts` tries so far: the request waits again, due in
    `retry_seconds`. Otherwise it is `failed` (supervisors see it in the call log) and the
    citizen's address is purged. Either way the consultation stays a `callback` with no
    agent answer, which ADR 0004 counts as unanswered."""
    now = utcnow()
    call = session.get(VoiceCall, call_id)
    assert call is not None
    call.ended_at, call.outcome, call.end_reason = now, outcomes.CALLBACK, reason[:48]
    c = session.get(Consultation, call.consultation_id)
    if c is not None:
        c.status, c.ended_at = "closed", now
        if c.answered_at is None:
            c.agent_id = None
    _attempt(session, request_id, call_id, agent_id, reason[:24], now)
    req = session.get(CallbackRequest, request_id)
    if req is not None:
        if req.attempts < attempts:
            req.status, req.next_attempt_at = "waiting", now + timedelta(seconds=retry_seconds)
        else:
            req.status, req.next_attempt_at, req.contact_uri = "failed", None, ""
    session.flush()
    events = presence.refresh_load(session, agent_id, now)
    session.flush()
    return events


def stage_outcome(call: VoiceCall) -> str:
    """What a call that stops now (caller hung up, media died) counts as, by where it was."""
    return call_outcome(answered=call.answered_at is not None, queued=call.queued_at is not None,
                        offered=call.offered_at is not None, how="citizen_left")


@batchable
def stopped(session: Session, record_id: int | None, sip_call_id: str, outcome: str | None,
            reason: str) -> list[PresenceEvent] | None:
    """The gateway is stopping and this call's end was not queued (its ending was cut
    short): close its record, found by id or, if the open step's answer never came back, by
    SIP Call-ID (the writer runs this after that open step). The outcome is by where the
    call was unless given."""
    call = (session.get(VoiceCall, record_id) if record_id is not None else session.scalar(
        select(VoiceCall).where(VoiceCall.sip_call_id == sip_call_id[:128],
                                VoiceCall.ended_at.is_(None)).limit(1)))
    if call is None or call.ended_at is not None:
        return None
    return ended(session, call.id, outcome or stage_outcome(call), reason)


@batchable
def close_orphans(session: Session) -> int:
    """Calls a previous gateway process left open (it was killed): closed, never lost."""
    rows = list(session.scalars(select(VoiceCall).where(VoiceCall.ended_at.is_(None))))
    for call in rows:
        ended(session, call.id, stage_outcome(call), "gateway_restart")
    return len(rows)


SPOKEN_WARNINGS = {"warn_1": WARNING_1_KO, "warn_2": WARNING_2_KO, "terminated": TERMINATION_KO}


@dataclass(frozen=True)
class CallWarning:
    action: str  # warn_1 | warn_2 | terminated
    incident_id: int
    agent_id: int | None
    care_id: int | None  # the recovery break offered after a terminated call


def warn(session: Session, call_id: int) -> CallWarning:
    """The agent pressed "warn": the next step of warn, warn, terminate, recorded as an
    incident like chat's (category `agent_report`). On `terminated` the agent is offered the
    same recovery break as after a chat (`policy.offer_recovery`).
    A crisis call is never cut off by the abuse policy: it stays at the second warning (the
    agent hands it over instead), as on chat."""
    call = session.get(VoiceCall, call_id)
    assert call is not None and call.consultation_id is not None
    c = session.get(Consultation, call.consultation_id)
    assert c is not None
    action = ACTIONS[min(prior_incidents(session, c.id), 1 if c.crisis else 2)]
    incident = AbuseIncident(consultation_id=c.id, citizen_id=c.citizen_id,
                             agent_id=call.agent_id, category="agent_report", severity=2,
                             action=action, at=utcnow())
    session.add(incident)
    session.flush()
    care_id = offer_recovery(session, call.agent_id, incident.id) \
        if action == "terminated" else None
    session.commit()
    return CallWarning(action, incident.id, call.agent_id, care_id)
