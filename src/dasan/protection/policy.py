"""Emotional-labour protection on chat: warn, warn, terminate.

On the first and second abusive citizen message the system sends the standard warning; on the
third the consultation is ended as `forced_terminated`. Every step is an `abuse_incidents` row,
and the agent on the chat is offered a short recovery break (an `agent_care` row). A crisis
message is not abuse: it raises the consultation's priority instead, and a crisis contact is
never ended by this policy (it stays at the second warning).

The malicious-caller registry sends known malicious callers to the dedicated team's queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.db.base import utcnow
from dasan.db.bulk import among
from dasan.db.models import AbuseIncident, Citizen, Consultation, MaliciousCaller, User
from dasan.errors import BadRequest, NotFound
from dasan.protection.programme import offer_break
from dasan.protection.screening import Screening
from dasan.text.record_clean import FORCED_TERMINATION_KO

WARNING_1_KO = ("상담사에게 욕설·폭언을 하시면 상담이 종료될 수 있습니다. (1차 경고)")
WARNING_2_KO = ("욕설·폭언이 계속되어 다시 안내드립니다. 한 번 더 반복되면 상담이 종료됩니다. "
                "(2차 경고)")
TERMINATION_KO = ("욕설·폭언이 반복되어 관련 규정에 따라 상담을 종료합니다. "
                  "상담 내용은 기록되며 법적 조치가 취해질 수 있습니다.")
WARNING_1_EN = "Abusive language towards agents may end this chat. (first warning)"
WARNING_2_EN = "Abuse continues. One more time and this chat will be ended. (second warning)"
TERMINATION_EN = "This chat is ended under our policy after repeated abuse. It has been recorded."
CRISIS_KO = ("많이 힘드시죠. 혼자 견디지 마세요. 곧 상담사가 먼저 연결해 드립니다. "
             "지금 위급하시면 자살예방상담전화 109 또는 112·119로 바로 연락해 주세요.")
RECOVERY_BREAK_MINUTES = 10
ACTIONS = ("warn_1", "warn_2", "terminated")


@dataclass(frozen=True)
class PolicyStep:
    action: str  # warn_1 | warn_2 | terminated
    notice_ko: str
    notice_en: str
    incident_id: int
    terminate: bool
    offer_break_minutes: int
    care_id: int | None = None  # the recovery-break offer (`agent_care`) the agent answers


def prior_incidents(session: Session, consultation_id: int) -> int:
    return int(session.scalar(select(func.count(AbuseIncident.id))
                              .where(AbuseIncident.consultation_id == consultation_id)) or 0)


def apply(
    session: Session,
    consultation: Consultation,
    screening: Screening,
    message_id: int | None,
) -> PolicyStep | None:
    """Record the incident for an abusive message and decide the step (caller commits).

    Returns None when the message is not abusive. On `terminated`, the consultation is closed
    with outcome `forced_terminated`.
    """
    if not screening.is_abusive:
        return None
    n = prior_incidents(session, consultation.id)
    # A crisis contact is never closed by the abuse policy: it stays at the second warning.
    action = ACTIONS[min(n, 1 if consultation.crisis else 2)]
    incident = AbuseIncident(
        consultation_id=consultation.id, citizen_id=consultation.citizen_id,
        agent_id=consultation.agent_id, message_id=message_id, category=screening.category,
        severity=screening.severity, action=action, at=utcnow(),
    )
    session.add(incident)
    terminate = action == "terminated"
    if terminate:
        now = utcnow()
        consultation.status = "closed"
        consultation.outcome = "forced_terminated"
        consultation.ended_at = now
        if not consultation.summary:
            consultation.summary = FORCED_TERMINATION_KO
        if consultation.answered_at:
            consultation.handle_seconds = (now - consultation.answered_at).total_seconds()
    session.flush()
    care_id = offer_recovery(session, consultation.agent_id, incident.id) if terminate else None
    texts = {"warn_1": (WARNING_1_KO, WARNING_1_EN), "warn_2": (WARNING_2_KO, WARNING_2_EN),
             "terminated": (TERMINATION_KO, TERMINATION_EN)}[action]
    return PolicyStep(action, texts[0], texts[1], incident.id, terminate,
                      RECOVERY_BREAK_MINUTES if consultation.agent_id is not None else 0,
                      care_id)


def offer_recovery(session: Session, agent_id: int | None, incident_id: int) -> int | None:
    """The recovery break offered to the agent after an abusive contact was ended, on chat or
    on a call (an `agent_care` row the agent answers, so that care is traceable)."""
    if agent_id is None:
        return None
    return offer_break(session, agent_id, incident_id, RECOVERY_BREAK_MINUTES).id


def break_offered(consultation_id: int | None, care_id: int | None) -> dict[str, object]:
    """The `break_offered` event for the agent's desktop (typed: `chat.events.BreakOffered
    Event`), the same after a chat and after a call."""
    return {"type": "break_offered", "consultation_id": consultation_id,
            "minutes": RECOVERY_BREAK_MINUTES, "care_id": care_id}


# --- malicious-caller registry ------------------------------------------------------------


def is_registered(session: Session, citizen_id: int | None) -> bool:
    if citizen_id is None:
        return False
    return session.scalar(select(MaliciousCaller.id).where(
        MaliciousCaller.citizen_id == citizen_id, MaliciousCaller.active.is_(True))) is not None


def registered_among(session: Session, citizen_ids: Iterable[int | None]) -> set[int]:
    """`is_registered` for many citizens at once: those of them in the registry."""
    ids = {c for c in citizen_ids if c is not None}
    if not ids:
        return set()
    return set(session.scalars(select(MaliciousCaller.citizen_id).where(
        among(session, MaliciousCaller.citizen_id, ids), MaliciousCaller.active.is_(True))))


def register(session: Session, citizen_id: int, reason: str, by: User | None = None
             ) -> MaliciousCaller:
    """Add (or re-activate) a citizen in the registry, audited when a user ``by`` does it;
    ``BadRequest``/``NotFound`` on bad input (nothing written)."""
    reason = (reason or "").strip()
    if not reason:
        raise BadRequest("a reason is required to register a malicious caller")
    if session.get(Citizen, citizen_id) is None:
        raise NotFound(f"citizen {citizen_id} not found")
    row = session.scalar(select(MaliciousCaller).where(MaliciousCaller.citizen_id == citizen_id))
    if row is None:
        row = MaliciousCaller(citizen_id=citizen_id, reason=reason[:256],
                              registered_by=by.id if by else None)
        session.add(row)
    else:
        row.active = True
        row.reason = reason[:256]
    session.flush()
    if by is not None:
        from dasan import audit

        audit.record(session, by, "protection.register_malicious", object_type="citizen",
                     object_id=citizen_id)
    return row
