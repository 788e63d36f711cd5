"""The malicious-caller programme around the warn-warn-terminate policy.

* Registry lifecycle (`MaliciousDesignation`): an agent nominates a citizen from an abuse
  incident (with evidence) -> a supervisor reviews -> designated for a period with a review
  date; while designated the `MaliciousCaller` registry row is active, so routing sends the
  citizen (identified by phone hash, chat identity or account: one `citizens` row) to the
  dedicated team on every channel -> expiry (or revocation), and an appeal note at any time.
* Legal cases: filed -> police report -> prosecution -> closed with an outcome, with the
  agent's statement (stored masked, the raw form sealed: ADR 0005) and a history of every step.
* Agent protection: recovery breaks and counselling referrals (`AgentCare`), and handing a
  contact to the dedicated team in one step.
* Statistics the city publishes: separated callers, incidents and forced terminations per month,
  legal actions.
Every state change is audited. Evidence bundles live in `dasan.protection.evidence`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.db.base import utcnow
from dasan.db.models import AbuseIncident, Agent, Consultation, MaliciousCaller, Queue, User
from dasan.db.models_protection import AgentCare, LegalCase, MaliciousDesignation
from dasan.errors import Conflict, Forbidden, Invalid, NotFound
from dasan.privacy import vault
from dasan.text.pii import mask
from dasan.timeutil import local_midnight, sql_local_month

STAGES = ("filed", "police_report", "prosecution", "closed")
# A designation separates the caller while it is `designated` or, once its review date has
# passed, `review_due` (in the supervisors' review queue until one of them decides).
ACTIVE = ("designated", "review_due")
DEFAULT_PERIOD_DAYS = 180
DEFAULT_REVIEW_DAYS = 90
COUNSELLING_KO = "감정노동 보호: 사내 심리상담(EAP)과 근로자건강센터 상담을 연결해 드립니다."


def _activate(s: Session, citizen_id: int, reason: str, by: User) -> None:
    row = s.scalar(select(MaliciousCaller).where(MaliciousCaller.citizen_id == citizen_id))
    if row is None:
        s.add(MaliciousCaller(citizen_id=citizen_id, reason=reason[:256], registered_by=by.id))
    else:
        row.active = True
        row.reason = reason[:256]


def _deactivate(s: Session, citizen_id: int) -> None:
    row = s.scalar(select(MaliciousCaller).where(MaliciousCaller.citizen_id == citizen_id))
    if row is not None:
        row.active = False


def designation_view(d: MaliciousDesignation) -> dict[str, Any]:
    def iso(v: Any) -> str | None:
        return v.isoformat() if v is not None else None

    return {"id": d.id, "citizen_id": d.citizen_id, "incident_id": d.incident_id,
            "status": d.status, "evidence_note": d.evidence_note,
            "nominated_at": iso(d.nominated_at), "reviewed_at": iso(d.reviewed_at),
            "review_note": d.review_note, "designated_from": iso(d.designated_from),
            "review_date": iso(d.review_date), "expires_on": iso(d.expires_on),
            "appeal_note": d.appeal_note, "appealed_at": iso(d.appealed_at)}


def _designation(s: Session, designation_id: int) -> MaliciousDesignation:
    d = s.get(MaliciousDesignation, designation_id)
    if d is None:
        raise NotFound(f"designation {designation_id} not found")
    return d


def nominate(s: Session, user: User, incident_id: int | None, evidence_note: str
             ) -> MaliciousDesignation:
    """An agent nominates the citizen of an abuse incident (caller commits)."""
    if incident_id is None:
        raise Invalid("a nomination needs an abuse incident", code="incident_required")
    incident = s.get(AbuseIncident, incident_id)
    if incident is None:
        raise Invalid(f"abuse incident {incident_id} not found", code="incident_required")
    own = s.scalar(select(Agent.id).where(Agent.user_id == user.id))
    access.access_nominate(s, user, own, incident.agent_id, incident.id)
    if incident.citizen_id is None:
        raise Invalid("the incident has no identified citizen (phone, chat identity or account)",
                      code="citizen_unknown")
    note = (evidence_note or "").strip()
    if not note:
        raise Invalid("evidence is required: say what happened", code="evidence_required")
    pending = s.scalar(select(MaliciousDesignation).where(
        MaliciousDesignation.citizen_id == incident.citizen_id,
        MaliciousDesignation.status.in_(("nominated", *ACTIVE))))
    if pending is not None:
        raise Conflict(f"citizen already {pending.status} (designation {pending.id})",
                       code="already_in_programme")
    d = MaliciousDesignation(citizen_id=incident.citizen_id, incident_id=incident.id,
                             evidence_note=note[:4000], nominated_by=user.id,
                             nominated_at=utcnow())
    s.add(d)
    s.flush()
    audit.record(s, user, "malicious.nominate", object_type="designation", object_id=d.id,
                 detail={"incident_id": incident.id, "citizen_id": incident.citizen_id})
    return d


def review(s: Session, user: User, designation_id: int, approve: bool, note: str,
           period_days: int = DEFAULT_PERIOD_DAYS, review_days: int = DEFAULT_REVIEW_DAYS,
           today: date | None = None) -> MaliciousDesignation:
    """A supervisor designates (separation for `period_days`) or rejects a nomination."""
    d = _designation(s, designation_id)
    if d.status != "nominated":
        raise Conflict(f"designation is {d.status}, not nominated", code="not_nominated")
    if not 1 <= period_days <= 730 or not 1 <= review_days <= period_days:
        raise Invalid("period must be 1-730 days and the review date within it")
    today = today or date.today()
    d.reviewed_by, d.reviewed_at, d.review_note = user.id, utcnow(), (note or "")[:2000]
    if approve:
        d.status = "designated"
        d.designated_from = today
        d.review_date = today + timedelta(days=review_days)
        d.expires_on = today + timedelta(days=period_days)
        _activate(s, d.citizen_id, f"designation {d.id}: {d.evidence_note}", user)
    else:
        d.status = "rejected"
    audit.record(s, user, "malicious.designate" if approve else "malicious.reject",
                 object_type="designation", object_id=d.id,
                 detail={"expires_on": d.expires_on.isoformat() if d.expires_on else None})
    s.flush()
    return d


def appeal(s: Session, user: User, designation_id: int, note: str) -> MaliciousDesignation:
    d = _designation(s, designation_id)
    text = (note or "").strip()
    if not text:
        raise Invalid("the appeal note is empty")
    d.appeal_note = text[:4000]
    d.appealed_at = utcnow()
    audit.record(s, user, "malicious.appeal", object_type="designation", object_id=d.id)
    s.flush()
    return d


def revoke(s: Session, user: User, designation_id: int, note: str) -> MaliciousDesignation:
    """End a designation early (e.g. an appeal upheld)."""
    d = _designation(s, designation_id)
    if d.status not in ACTIVE:
        raise Conflict(f"designation is {d.status}, not designated", code="not_designated")
    if not (note or "").strip():
        raise Invalid("say why the separation ends", code="note_required")
    d.status, d.ended_at = "revoked", utcnow()
    d.review_note = ((d.review_note or "") + f"\n[revoked] {note}")[:2000]
    _deactivate(s, d.citizen_id)
    audit.record(s, user, "malicious.revoke", object_type="designation", object_id=d.id)
    s.flush()
    return d


def review_due(s: Session, today: date | None = None) -> int:
    """Designations whose review date has come go to the supervisors' review queue (a daily
    scheduler job); the caller stays separated until a supervisor decides or it expires."""
    today = today or date.today()
    due = list(s.scalars(select(MaliciousDesignation).where(
        MaliciousDesignation.status == "designated", MaliciousDesignation.review_date <= today,
        MaliciousDesignation.expires_on > today)))
    for d in due:
        d.status = "review_due"
        audit.record(s, None, "malicious.review_due", object_type="designation", object_id=d.id,
                     detail={"review_date": d.review_date.isoformat() if d.review_date
                             else None})
    s.flush()
    return len(due)


def decide_review(s: Session, user: User, designation_id: int, keep: bool, note: str,
                  review_days: int = DEFAULT_REVIEW_DAYS, today: date | None = None
                  ) -> MaliciousDesignation:
    """A supervisor's periodic review: keep the separation (with the next review date, never
    past the expiry) or end it now."""
    d = _designation(s, designation_id)
    if d.status != "review_due":
        raise Conflict(f"designation is {d.status}, not due for review", code="not_review_due")
    text = (note or "").strip()
    if not text:
        raise Invalid("say why: the review note is required", code="note_required")
    if not 1 <= review_days <= 730:
        raise Invalid("the next review must be 1-730 days away")
    today = today or date.today()
    d.reviewed_by, d.reviewed_at = user.id, utcnow()
    d.review_note = ((d.review_note or "") + f"\n[review {today.isoformat()}] {text}")[:2000]
    if keep:
        d.status = "designated"
        assert d.expires_on is not None
        d.review_date = min(today + timedelta(days=review_days), d.expires_on)
    else:
        d.status, d.ended_at = "revoked", utcnow()
        _deactivate(s, d.citizen_id)
    audit.record(s, user, "malicious.review_keep" if keep else "malicious.review_end",
                 object_type="designation", object_id=d.id,
                 detail={"review_date": d.review_date.isoformat() if keep and d.review_date
                         else None})
    s.flush()
    return d


def expire_due(s: Session, today: date | None = None) -> int:
    """Designations whose period ended leave the registry (a scheduler job)."""
    today = today or date.today()
    due = list(s.scalars(select(MaliciousDesignation).where(
        MaliciousDesignation.status.in_(ACTIVE), MaliciousDesignation.expires_on <= today)))
    for d in due:
        d.status, d.ended_at = "expired", utcnow()
        _deactivate(s, d.citizen_id)
        audit.record(s, None, "malicious.expire", object_type="designation", object_id=d.id)
    s.flush()
    return len(due)


def designations(s: Session, status: str | tuple[str, ...] | None = None
                 ) -> list[MaliciousDesignation]:
    q = select(MaliciousDesignation).order_by(MaliciousDesignation.id.desc()).limit(500)
    if isinstance(status, tuple):
        q = q.where(MaliciousDesignation.status.in_(status))
    elif status:
        q = q.where(MaliciousDesignation.status == status)
    return list(s.scalars(q))


def incidents_of(s: Session, user: User, cid: int) -> list[dict[str, Any]]:
    """The desktop's protection panel: a contact's abuse incidents (to nominate from), and
    whether its citizen is already in the programme. The contact's agent or a floor lead."""
    c = s.get(Consultation, cid)
    if c is None:
        raise NotFound(f"consultation {cid} not found")
    own = s.scalar(select(Agent.id).where(Agent.user_id == user.id))
    access.access_hand_to_team(s, user, own, c.agent_id, c.id)
    rows = s.scalars(select(AbuseIncident).where(AbuseIncident.consultation_id == cid)
                     .order_by(AbuseIncident.id))
    return [{"id": i.id, "action": i.action, "category": i.category, "severity": i.severity,
             "at": i.at.isoformat() if i.at else None, "identified": i.citizen_id is not None}
            for i in rows]


# --- legal cases ----------------------------------------------------------------------------


def case_view(c: LegalCase) -> dict[str, Any]:
    """A case as every staff surface shows it: the statement masked. It is stored masked (its
    raw form sealed, ADR 0005); masking it again here keeps a row stored raw before session 21
    masked until `dasan privacy seal-existing` has sealed it."""
    return {"id": c.id, "citizen_id": c.citizen_id, "designation_id": c.designation_id,
            "stage": c.stage, "outcome": c.outcome,
            "agent_statement": mask(c.agent_statement or "").masked,
            "history": list(c.history or []),
            "created_at": c.created_at.isoformat() if c.created_at else None}


def legal_cases(s: Session) -> list[LegalCase]:
    return list(s.scalars(select(LegalCase).order_by(LegalCase.id.desc()).limit(500)))


def legal_case(s: Session, case_id: int) -> LegalCase:
    case = s.get(LegalCase, case_id)
    if case is None:
        raise NotFound(f"legal case {case_id} not found")
    return case


def case_file(s: Session, case_id: int) -> dict[str, Any]:
    """The case file page: the case (statement masked for display), its designation, the
    citizen's incidents and the chain of evidence exports."""
    from dasan.protection.evidence import exports_for

    case = legal_case(s, case_id)
    view = case_view(case)
    d = s.get(MaliciousDesignation, case.designation_id) if case.designation_id else None
    incidents = list(s.scalars(select(AbuseIncident).where(
        AbuseIncident.citizen_id == case.citizen_id).order_by(AbuseIncident.at.desc()).limit(200)))
    return {"case": view, "designation": designation_view(d) if d else None,
            "incidents": [{"id": i.id, "consultation_id": i.consultation_id,
                           "category": i.category, "severity": i.severity, "action": i.action,
                           "at": i.at} for i in incidents],
            "exports": exports_for(s, case.citizen_id),
            "next_stages": [st for st in STAGES if STAGES.index(st) > STAGES.index(case.stage)]}


def reveal_statement(s: Session, user: User, case_id: int, reason: str | None, *,
                     ip: str | None = None) -> dict[str, Any]:
    """원문 보기 of a case's statement (shown masked): the roles that may reveal any contact's
    personal data, with a reason, within the reveal limit; audited like every reveal
    (``pii.reveal`` on the legal case; a refusal the same, denied)."""
    from dasan.privacy.reveal import ACTION, check_reason, limit_reveals

    why = check_reason(reason)
    access.access_pii_reveal(s, user, object_type="legal_case", object_id=case_id, reason=why,
                             ip=ip)
    case = legal_case(s, case_id)
    limit_reveals(s, user, object_type="legal_case", object_id=case.id, reason=why, ip=ip)
    stored = case.agent_statement or ""
    # The raw statement is sealed (ADR 0005); a row stored raw before session 21 and not yet
    # brought under it by `dasan privacy seal-existing` still holds it in the column.
    sealed = vault.open_one(s, vault.LEGAL_CASE_STATEMENT, case.id)
    raw = sealed if sealed is not None else stored
    masked = stored if sealed is not None else mask(stored).masked
    audit.record(s, user, ACTION, object_type="legal_case", object_id=case.id, ip=ip,
                 detail={"reason": why, "citizen_id": case.citizen_id, "messages": 1,
                         "unmasked": ["agent_statement"] if raw != masked else []})
    s.commit()
    return {"case_id": case.id, "reason": why,
            "messages": [{"seq": 1, "body": raw, "body_masked": masked,
                          "had_pii": raw != masked}]}


def open_case(s: Session, user: User, designation_id: int, agent_statement: str) -> LegalCase:
    d = _designation(s, designation_id)
    if d.status not in ACTIVE:
        raise Conflict("legal action needs a designated caller", code="not_designated")
    statement = (agent_statement or "").strip()
    if not statement:
        raise Invalid("the agent's statement is required", code="statement_required")
    now = utcnow()
    # Stored masked, the raw statement sealed (ADR 0005), as a consultation message is.
    masked, raw = vault.mask_and_seal_later(statement[:8000])
    case = LegalCase(citizen_id=d.citizen_id, designation_id=d.id, stage="filed",
                     agent_statement=masked, created_by=user.id, created_at=now,
                     updated_at=now,
                     history=[{"stage": "filed", "at": now.isoformat(), "by": user.username}])
    s.add(case)
    s.flush()
    if raw is not None:
        vault.seal(s, vault.LEGAL_CASE_STATEMENT, case.id, raw)
    audit.record(s, user, "legal_case.open", object_type="legal_case", object_id=case.id)
    return case


def advance_case(s: Session, user: User, case_id: int, stage: str, note: str = "",
                 outcome: str | None = None) -> LegalCase:
    case = s.get(LegalCase, case_id)
    if case is None:
        raise NotFound(f"legal case {case_id} not found")
    if stage not in STAGES:
        raise Invalid(f"stage must be one of {STAGES}")
    if STAGES.index(stage) <= STAGES.index(case.stage):
        raise Conflict(f"case is already at {case.stage}", code="stage_backwards")
    if stage == "closed" and not (outcome or "").strip():
        raise Invalid("closing a case needs its outcome", code="outcome_required")
    now = utcnow()
    case.stage, case.updated_at = stage, now
    if outcome:
        case.outcome = outcome.strip()[:128]
    case.history = [*(case.history or []),
                    {"stage": stage, "at": now.isoformat(), "by": user.username,
                     "note": (note or "")[:1000], "outcome": case.outcome}]
    audit.record(s, user, "legal_case.advance", object_type="legal_case", object_id=case.id,
                 detail={"stage": stage})
    s.flush()
    return case


# --- agent protection -----------------------------------------------------------------------


def offer_break(s: Session, agent_id: int, incident_id: int | None, minutes: int) -> AgentCare:
    row = AgentCare(agent_id=agent_id, incident_id=incident_id, kind="break", minutes=minutes)
    s.add(row)
    s.flush()
    return row


def answer_care(s: Session, user: User, care_id: int, taken: bool) -> AgentCare:
    row = s.get(AgentCare, care_id)
    if row is None:
        raise NotFound(f"care offer {care_id} not found")
    own = s.scalar(select(Agent.id).where(Agent.user_id == user.id))
    if row.agent_id != own and not access.has_role(user, access.FLOOR_LEADS):
        raise Forbidden("this care offer is another agent's")
    if row.status != "offered":
        raise Conflict("this offer was already answered")
    row.status = "taken" if taken else "declined"
    audit.record(s, user, "agent_care.answer", object_type="agent_care", object_id=row.id,
                 detail={"kind": row.kind, "status": row.status})
    s.flush()
    return row


def refer_counselling(s: Session, user: User, agent_id: int | None, incident_id: int | None
                      ) -> AgentCare:
    """A counselling referral for an agent (their own, or by a floor lead for any agent);
    `agent_id` None: the user's own agent profile."""
    own = s.scalar(select(Agent.id).where(Agent.user_id == user.id))
    agent_id = own if agent_id is None else agent_id
    if agent_id is None:
        raise Invalid("no agent profile to refer", code="agent_required")
    if s.get(Agent, agent_id) is None:
        raise NotFound(f"agent {agent_id} not found")
    access.access_care_referral(s, user, own, agent_id)
    if incident_id is not None and s.get(AbuseIncident, incident_id) is None:
        raise Invalid(f"abuse incident {incident_id} not found")
    row = AgentCare(agent_id=agent_id, incident_id=incident_id, kind="counselling")
    s.add(row)
    s.flush()
    audit.record(s, user, "agent_care.counselling", object_type="agent_care", object_id=row.id)
    return row


@dataclass(frozen=True)
class HandedToTeam:
    """The contact handed to the dedicated team, and for a live call the checked command the
    gateway holding it must carry out (the caller publishes it after the commit)."""

    consultation: Consultation
    call_command: dict[str, Any] | None


def hand_to_dedicated_team(s: Session, user: User, cid: int) -> HandedToTeam:
    """One click: the contact leaves the agent for the dedicated team's queue (a written
    thread is let go as well, so the team claims it from its queue; a live call is transferred
    to the team's queue by the gateway holding it)."""
    from dasan.db.models_channels import WrittenThread
    from dasan.voice import desk as voice_desk

    c = s.get(Consultation, cid)
    if c is None:
        raise NotFound(f"consultation {cid} not found")
    command = None
    if c.channel == "phone":  # checked first: an ended call changes nothing
        command = voice_desk.desk_command(s, user, cid, "transfer",
                                          f"queue:{access.SEPARATED_QUEUE}")
    own = s.scalar(select(Agent.id).where(Agent.user_id == user.id))
    access.access_hand_to_team(s, user, own, c.agent_id, c.id)
    if c.status == "closed":
        raise Conflict("this consultation has ended")
    queue = s.scalar(select(Queue).where(Queue.code == access.SEPARATED_QUEUE))
    if queue is None:
        raise Invalid("no dedicated team queue configured")
    previous = c.agent_id
    c.queue_id, c.agent_id = queue.id, None
    thread = s.scalar(select(WrittenThread).where(WrittenThread.consultation_id == c.id))
    if thread is not None and thread.status != "closed":
        thread.claimed_by_agent_id = None
        if thread.status == "claimed":
            thread.status = "open"
    audit.record(s, user, "malicious.hand_to_team", object_type="consultation", object_id=c.id,
                 detail={"from_agent": previous})
    s.flush()
    return HandedToTeam(c, command)


# --- statistics -----------------------------------------------------------------------------


def statistics(s: Session, year: int) -> dict[str, Any]:
    """The figures the city publishes for `year`: a year and months of Seoul's calendar
    (ADR 0018)."""
    dialect = s.get_bind().dialect.name
    start, end = local_midnight(date(year, 1, 1)), local_midnight(date(year + 1, 1, 1))

    def _month(col: Any) -> Any:
        return sql_local_month(col, dialect, start)

    m_inc = _month(AbuseIncident.at)
    incidents: dict[str, int] = {str(k): int(v) for k, v in s.execute(
        select(m_inc, func.count()).where(AbuseIncident.at >= start, AbuseIncident.at < end)
        .group_by(m_inc)).all()}
    m_c = _month(Consultation.started_at)
    forced: dict[str, int] = {str(k): int(v) for k, v in s.execute(select(m_c, func.count()).where(
        Consultation.started_at >= start, Consultation.started_at < end,
        Consultation.outcome == "forced_terminated").group_by(m_c)).all()}
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    designated = int(s.scalar(select(func.count()).select_from(MaliciousDesignation).where(
        MaliciousDesignation.designated_from >= date(year, 1, 1),
        MaliciousDesignation.designated_from < date(year + 1, 1, 1))) or 0)
    active = int(s.scalar(select(func.count()).select_from(MaliciousCaller).where(
        MaliciousCaller.active.is_(True))) or 0)
    stages = dict(s.execute(select(LegalCase.stage, func.count()).where(
        LegalCase.created_at >= start, LegalCase.created_at < end)
        .group_by(LegalCase.stage)).all())
    return {"year": year, "separated_callers_designated": designated,
            "separated_callers_active": active,
            "incidents_per_month": {m: int(incidents.get(m, 0)) for m in months},
            "forced_terminations_per_month": {m: int(forced.get(m, 0)) for m in months},
            "legal_actions": {st: int(stages.get(st, 0)) for st in STAGES},
            "legal_actions_total": int(sum(stages.values()))}
