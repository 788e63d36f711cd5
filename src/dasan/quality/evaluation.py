"""Evaluations by QA staff, the agent's acknowledgement or dispute, and calibration sessions.

Scoring: every item of the form gets a score in [0, 1] (the share of its weight earned); the
total is the weighted sum (0-100). An auto-fail item scored below 1 makes the total 0.
Calibration: several evaluators score the same consultation on the same form; the spread of
their totals and the per-item agreement (share of evaluator pairs that gave the same score)
show how consistently the team judges.
"""

from __future__ import annotations

import statistics
from itertools import combinations
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.db.models import Agent, Consultation, Message, User
from dasan.db.models_quality import QaCalibration, QaEvaluation, QaForm
from dasan.errors import Conflict, Forbidden, Invalid, NotFound
from dasan.quality.forms import get_form
from dasan.timeutil import to_local


def score(form: QaForm, scores: dict[str, Any]) -> tuple[dict[str, float], float, bool]:
    """(clean scores, total 0-100, auto-failed) or Invalid."""
    items = {it["key"]: it for it in form.items or []}
    unknown = set(scores) - set(items)
    if unknown:
        raise Invalid(f"unknown items {sorted(unknown)}")
    missing = set(items) - set(scores)
    if missing:
        raise Invalid(f"every item needs a score; missing {sorted(missing)}", code="missing_scores")
    clean: dict[str, float] = {}
    for key, value in scores.items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise Invalid(f"score of {key!r} must be a number") from None
        if not 0.0 <= v <= 1.0:
            raise Invalid(f"score of {key!r} must be between 0 and 1")
        clean[key] = v
    failed = any(it.get("auto_fail") and clean[k] < 1.0 for k, it in items.items())
    total = 0.0 if failed else round(sum(float(it["weight"]) * clean[k]
                                         for k, it in items.items()), 2)
    return clean, total, failed


def evaluate(s: Session, evaluator: User, consultation_id: int, form_id: int,
             scores: dict[str, Any], comments: dict[str, str] | None = None,
             coaching_note: str = "", calibration_id: int | None = None) -> QaEvaluation:
    c = s.get(Consultation, consultation_id)
    if c is None:
        raise NotFound(f"consultation {consultation_id} not found")
    if c.agent_id is None:
        raise Invalid("this consultation was not handled by an agent")
    form = get_form(s, form_id)
    if calibration_id is not None:
        cal = s.get(QaCalibration, calibration_id)
        if cal is None:
            raise NotFound(f"calibration {calibration_id} not found")
        if cal.consultation_id != c.id or cal.form_id != form.id:
            raise Invalid("the calibration is for another consultation or form")
    elif not form.active:
        raise Invalid("this form version is retired; use the active one", code="form_retired")
    clean, total, failed = score(form, scores)
    dup = s.scalar(select(QaEvaluation.id).where(
        QaEvaluation.consultation_id == c.id, QaEvaluation.evaluator_id == evaluator.id,
        QaEvaluation.calibration_id.is_(None) if calibration_id is None
        else QaEvaluation.calibration_id == calibration_id))
    if dup is not None:
        raise Conflict(f"you evaluated this consultation already (evaluation {dup})",
                       code="already_evaluated")
    ev = QaEvaluation(consultation_id=c.id, agent_id=c.agent_id, form_id=form.id,
                      evaluator_id=evaluator.id, calibration_id=calibration_id,
                      month=to_local(c.started_at).strftime("%Y-%m"), scores=clean,
                      comments={k: str(v)[:1000] for k, v in (comments or {}).items()},
                      total=total, auto_failed=failed, coaching_note=(coaching_note or "")[:4000])
    s.add(ev)
    s.flush()
    audit.record(s, evaluator, "qa.evaluate", object_type="qa_evaluation", object_id=ev.id,
                 detail={"consultation_id": c.id, "total": total, "calibration": calibration_id})
    return ev


def evaluation_view(ev: QaEvaluation) -> dict[str, Any]:
    return {"id": ev.id, "consultation_id": ev.consultation_id, "agent_id": ev.agent_id,
            "form_id": ev.form_id, "evaluator_id": ev.evaluator_id, "month": ev.month,
            "calibration_id": ev.calibration_id, "scores": ev.scores, "comments": ev.comments,
            "total": ev.total, "auto_failed": ev.auto_failed, "coaching_note": ev.coaching_note,
            "status": ev.status, "dispute_note": ev.dispute_note,
            "resolution_note": ev.resolution_note}


def transcript_masked(s: Session, consultation_id: int) -> list[dict[str, Any]]:
    """What the evaluator reviews beside the form (masked; raw only via the audited reveal)."""
    if s.get(Consultation, consultation_id) is None:
        raise NotFound(f"consultation {consultation_id} not found")
    return [{"seq": m.seq, "sender": m.sender, "body": m.body_masked,
             "at": m.created_at.isoformat()} for m in s.scalars(
        select(Message).where(Message.consultation_id == consultation_id).order_by(Message.seq))]


def call_review(s: Session, user: User, consultation_id: int) -> dict[str, Any] | None:
    """For a call, what the evaluator reviews beside the form: the recorded legs the user may
    play (served, and each playback audited, by the voice room: `/api/voice/calls/{call_id}/
    recording/{leg}`), and the masked speech-to-text with each line's time from the start of the
    call. None when the consultation is not a call."""
    from dasan.db.models_voice import VoiceCall
    from dasan.stt import transcripts

    call = s.scalar(select(VoiceCall).where(VoiceCall.consultation_id == consultation_id))
    if call is None:
        return None
    legs = [leg for leg, path in (("caller", call.recording_caller),
                                  ("agent", call.recording_agent)) if path]
    lines = transcripts.transcript(s, user, consultation_id)["lines"]
    return {"call_id": call.id,
            "legs": legs if access.can_play_recording(user) else [],
            "recorded": bool(legs),
            "lines": [{**ln, "at": _clock(int(ln["start_ms"]))} for ln in lines]}


def _clock(ms: int) -> str:
    sec = max(0, ms) // 1000
    return f"{sec // 60:02d}:{sec % 60:02d}"


def disputed(s: Session, limit: int = 200) -> list[dict[str, Any]]:
    """Disputed evaluations waiting for an evaluator or a supervisor, oldest first, with the
    agent's name and the form."""
    evs = list(s.scalars(select(QaEvaluation).where(QaEvaluation.status == "disputed")
                         .order_by(QaEvaluation.id).limit(limit)))
    names = dict(s.execute(select(Agent.id, Agent.name).where(
        Agent.id.in_([e.agent_id for e in evs]))).all()) if evs else {}
    out = []
    for e in evs:
        view = evaluation_view(e)
        view["agent"] = names.get(e.agent_id)
        view["form"] = get_form(s, e.form_id)
        out.append(view)
    return out


def _own(s: Session, user: User, evaluation_id: int) -> QaEvaluation:
    ev = s.get(QaEvaluation, evaluation_id)
    if ev is None or ev.calibration_id is not None:
        raise NotFound(f"evaluation {evaluation_id} not found")
    agent = s.scalar(select(Agent).where(Agent.user_id == user.id))
    if agent is None or agent.id != ev.agent_id:
        raise Forbidden("only the evaluated agent may do this")
    return ev


def acknowledge(s: Session, user: User, evaluation_id: int) -> QaEvaluation:
    ev = _own(s, user, evaluation_id)
    if ev.status != "submitted":
        raise Conflict(f"evaluation is {ev.status}")
    ev.status = "acknowledged"
    audit.record(s, user, "qa.acknowledge", object_type="qa_evaluation", object_id=ev.id)
    s.flush()
    return ev


def dispute(s: Session, user: User, evaluation_id: int, note: str) -> QaEvaluation:
    ev = _own(s, user, evaluation_id)
    if ev.status not in ("submitted", "acknowledged"):
        raise Conflict(f"evaluation is {ev.status}")
    if not (note or "").strip():
        raise Invalid("say what you dispute", code="dispute_note_required")
    ev.status, ev.dispute_note = "disputed", note.strip()[:4000]
    audit.record(s, user, "qa.dispute", object_type="qa_evaluation", object_id=ev.id)
    s.flush()
    return ev


def get_evaluation(s: Session, evaluation_id: int) -> QaEvaluation:
    ev = s.get(QaEvaluation, evaluation_id)
    if ev is None:
        raise NotFound(f"evaluation {evaluation_id} not found")
    return ev


def resolve(s: Session, user: User, evaluation_id: int, note: str,
            scores: dict[str, Any] | None = None) -> QaEvaluation:
    """An evaluator or supervisor resolves the agent's dispute, with a note the agent reads
    (required), keeping the scores or re-scoring every item."""
    ev = get_evaluation(s, evaluation_id)
    if ev.status != "disputed":
        raise Conflict("only a disputed evaluation can be resolved")
    if not (note or "").strip():
        raise Invalid("say how the dispute was resolved", code="resolution_note_required")
    if scores is not None:
        clean, total, failed = score(get_form(s, ev.form_id), scores)
        ev.scores, ev.total, ev.auto_failed = clean, total, failed
    ev.status, ev.resolution_note = "resolved", (note or "")[:4000]
    audit.record(s, user, "qa.resolve", object_type="qa_evaluation", object_id=ev.id,
                 detail={"total": ev.total})
    s.flush()
    return ev


def my_evaluations(s: Session, user: User) -> list[QaEvaluation]:
    agent = s.scalar(select(Agent).where(Agent.user_id == user.id))
    if agent is None:
        return []
    return list(s.scalars(select(QaEvaluation).where(
        QaEvaluation.agent_id == agent.id, QaEvaluation.calibration_id.is_(None))
        .order_by(QaEvaluation.id.desc()).limit(200)))


# --- calibration ----------------------------------------------------------------------------


def create_calibration(s: Session, user: User, consultation_id: int, form_id: int, title: str
                       ) -> QaCalibration:
    if s.get(Consultation, consultation_id) is None:
        raise NotFound(f"consultation {consultation_id} not found")
    get_form(s, form_id)
    cal = QaCalibration(consultation_id=consultation_id, form_id=form_id,
                        title=(title or "")[:128], created_by=user.id)
    s.add(cal)
    s.flush()
    audit.record(s, user, "qa.calibration.create", object_type="qa_calibration", object_id=cal.id)
    return cal


def calibrations(s: Session, limit: int = 200) -> list[dict[str, Any]]:
    """Calibration sessions, newest first, with how many evaluators have scored each."""
    counts = dict(s.execute(select(QaEvaluation.calibration_id, func.count())
                            .where(QaEvaluation.calibration_id.is_not(None))
                            .group_by(QaEvaluation.calibration_id)).all())
    return [{"id": c.id, "title": c.title, "consultation_id": c.consultation_id,
             "form_id": c.form_id, "evaluations": int(counts.get(c.id, 0)),
             "created_at": c.created_at}
            for c in s.scalars(select(QaCalibration).order_by(QaCalibration.id.desc())
                               .limit(limit))]


def get_calibration(s: Session, calibration_id: int) -> QaCalibration:
    cal = s.get(QaCalibration, calibration_id)
    if cal is None:
        raise NotFound(f"calibration {calibration_id} not found")
    return cal


def calibration_spread(s: Session, calibration_id: int) -> dict[str, Any]:
    cal = s.get(QaCalibration, calibration_id)
    if cal is None:
        raise NotFound(f"calibration {calibration_id} not found")
    evs = list(s.scalars(select(QaEvaluation).where(QaEvaluation.calibration_id == cal.id)
                         .order_by(QaEvaluation.id)))
    totals = [e.total for e in evs]
    names = dict(s.execute(select(User.id, User.display_name).where(
        User.id.in_([e.evaluator_id for e in evs]))).all()) if evs else {}
    form = get_form(s, cal.form_id)
    agreement: dict[str, float | None] = {}
    for it in form.items or []:
        vals = [e.scores.get(it["key"]) for e in evs]
        pairs = list(combinations(vals, 2))
        agreement[it["key"]] = (round(sum(a == b for a, b in pairs) / len(pairs), 3)
                                if pairs else None)
    known = [v for v in agreement.values() if v is not None]
    return {"calibration_id": cal.id, "consultation_id": cal.consultation_id,
            "title": cal.title,
            "evaluators": [{"evaluator_id": e.evaluator_id, "total": e.total,
                            "evaluator": names.get(e.evaluator_id), "scores": e.scores,
                            "auto_failed": e.auto_failed} for e in evs],
            "n": len(evs), "mean": round(statistics.fmean(totals), 2) if totals else None,
            "stdev": round(statistics.pstdev(totals), 2) if len(totals) > 1 else None,
            "min": min(totals) if totals else None, "max": max(totals) if totals else None,
            "range": (max(totals) - min(totals)) if totals else None,
            "item_agreement": agreement,
            "mean_item_agreement": round(statistics.fmean(known), 3) if known else None}
