"""Peer for bench_quality: the monthly QA sampling, the agent scorecards and the survey KPI as
they were before `ix_consultations_agent_month` (issue 17, session 7): the month read through
the `started_at` index and its rows (every (id, agent) pair of the month fetched for the random
part; the targeted rules as one OR query with sub-selects), and the scorecard and KPI queries
driven from `consultations`. Kept verbatim (only imports added) so the benchmark can measure
both in the same run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.db.models import Agent, Consultation, Team, User
from dasan.db.models_quality import QaEvaluation, QaSample, SurveyAnswer
from dasan.errors import Conflict
from dasan.quality.sampling import (
    REASONS,
    TRANSFER_NOTICE,
    MonthData,
    SamplingRules,
    _random_part,
    _rows,
    _targeted,
    month_bounds,
)

_IN_MONTH = ("c.started_at >= ? AND c.started_at < ? AND c.agent_id IS NOT NULL "
             "AND c.answered_at IS NOT NULL")


_ABUSE_IDS = "SELECT a.consultation_id FROM abuse_incidents a"
_LOW_IDS = "SELECT v.consultation_id FROM survey_answers v WHERE v.score <= ?"
_TWICE_IDS = ("SELECT m.consultation_id FROM messages m WHERE m.sender = 'system' AND m.body = ? "
              "GROUP BY m.consultation_id HAVING COUNT(*) >= 2")


def load_month(s: Session, month: str, low_satisfaction_max: int = 2,
               long_handle_seconds: float | None = None) -> MonthData:
    """Every answered consultation of the month, or - with `long_handle_seconds` - only those
    a targeted rule applies to (all the targeted rules need: one query, a few percent of the
    rows)."""
    start, end = month_bounds(month)
    extra: tuple[Any, ...] = ()
    only = ""
    if long_handle_seconds is not None:
        only = (" AND (c.crisis OR c.outcome = 'forced_terminated' OR c.handle_seconds > ? "
                f"OR c.id IN ({_ABUSE_IDS}) OR c.id IN ({_LOW_IDS}) OR c.id IN ({_TWICE_IDS}))")
        extra = (long_handle_seconds, low_satisfaction_max, TRANSFER_NOTICE)
    # Numbers only (no NULLs), so that numpy converts the 550k rows in one C loop.
    rows = _rows(s, "SELECT c.id, c.agent_id, CASE WHEN c.crisis THEN 1 ELSE 0 END, "
                    "CASE WHEN c.outcome = 'forced_terminated' THEN 1 ELSE 0 END, "
                    "COALESCE(c.handle_seconds, -1) "
                    f"FROM consultations c WHERE {_IN_MONTH}{only} ORDER BY c.id", start, end,
                 *extra)
    n = len(rows)
    table = np.array(rows, dtype=np.float64).reshape(n, 5)
    del rows
    ids = table[:, 0].astype(np.int64)
    agents = table[:, 1].astype(np.int64)
    crisis = table[:, 2] > 0
    abuse = table[:, 3] > 0
    handle = np.where(table[:, 4] < 0, np.nan, table[:, 4])
    del table

    def mark(found: list[Any]) -> NDArray[np.bool_]:
        out = np.zeros(n, dtype=bool)
        if not found or n == 0:
            return out
        arr = np.unique(np.asarray([int(f[0]) for f in found], dtype=np.int64))
        pos = np.searchsorted(ids, arr)
        ok = (pos < n) & (ids[np.minimum(pos, n - 1)] == arr)
        out[pos[ok]] = True
        return out

    abuse |= mark(_rows(s, "SELECT a.consultation_id FROM abuse_incidents a JOIN consultations c "
                           f"ON c.id = a.consultation_id WHERE {_IN_MONTH}", start, end))
    low = mark(_rows(s, "SELECT v.consultation_id FROM survey_answers v JOIN consultations c "
                        f"ON c.id = v.consultation_id WHERE {_IN_MONTH} AND v.score <= ?",
                     start, end, low_satisfaction_max))
    twice = mark(_rows(s, "SELECT m.consultation_id FROM messages m JOIN consultations c "
                          f"ON c.id = m.consultation_id WHERE {_IN_MONTH} AND m.sender = 'system' "
                          "AND m.body = ? GROUP BY m.consultation_id HAVING COUNT(*) >= 2",
                       start, end, TRANSFER_NOTICE))
    return MonthData(ids, agents, crisis, abuse, low, twice.astype(np.int64) * 2, handle)


def draw_month(s: Session, user: User | None, month: str, rules: SamplingRules | None = None,
               replace: bool = False) -> dict[str, int]:
    """Draw and store the month's sample (caller commits); counts per reason."""
    rules = rules or SamplingRules()
    rules.check()
    month_bounds(month)
    existing = int(s.scalar(select(func.count()).select_from(QaSample)
                            .where(QaSample.month == month)) or 0)
    if existing and not replace:
        raise Conflict(f"{month} was sampled already ({existing} consultations)",
                       code="already_sampled")
    if existing:
        s.execute(delete(QaSample).where(QaSample.month == month))
    candidates = load_month(s, month, rules.low_satisfaction_max, rules.long_handle_seconds)
    _, picked = _targeted(candidates, rules)
    start, end = month_bounds(month)
    rows = _rows(s, f"SELECT c.id, c.agent_id FROM consultations c WHERE {_IN_MONTH}", start, end)
    both = np.array(rows, dtype=np.int64).reshape(len(rows), 2)
    del rows
    order = np.argsort(both[:, 0], kind="stable")  # by id: ties between keys go to the lowest
    ids, agents = both[order, 0], both[order, 1]
    taken = np.isin(ids, np.fromiter((c for c, _, _ in picked), dtype=np.int64,
                                     count=len(picked)))
    picked += _random_part(ids, agents, taken, rules, month)
    if picked:
        s.execute(insert(QaSample), [{"month": month, "consultation_id": c, "agent_id": a,
                                      "reason": r} for c, a, r in picked])
    counts = {r: 0 for r in REASONS}
    for _, _, r in picked:
        counts[r] += 1
    audit.record(s, user, "qa.sample", object_type="month", object_id=month,
                 detail={"counts": counts, "replaced": existing, "rules": rules.__dict__})
    return counts


def agent_scorecards(s: Session, month: str) -> list[dict[str, Any]]:
    start, end = month_bounds(month)
    in_month = (Consultation.started_at >= start, Consultation.started_at < end,
                Consultation.agent_id.is_not(None))
    base = {int(a): {"answered": int(n), "aht_seconds": round(float(h), 1) if h else None,
                     "forced_terminated": int(f or 0)}
            for a, n, h, f in s.execute(
                select(Consultation.agent_id, func.count(Consultation.answered_at),
                       func.avg(Consultation.handle_seconds),
                       func.sum(case((Consultation.outcome == "forced_terminated", 1), else_=0)))
                .where(*in_month).group_by(Consultation.agent_id))}
    qa = {int(a): (int(n), float(m) if m is not None else None, int(af or 0), int(d or 0))
          for a, n, m, af, d in s.execute(
              select(QaEvaluation.agent_id, func.count(), func.avg(QaEvaluation.total),
                     func.sum(case((QaEvaluation.auto_failed, 1), else_=0)),
                     func.sum(case((QaEvaluation.status.in_(("disputed", "resolved")), 1),
                                   else_=0)))
              .where(QaEvaluation.month == month, QaEvaluation.calibration_id.is_(None))
              .group_by(QaEvaluation.agent_id))}
    sv = {int(a): (int(n), float(m), int(g or 0)) for a, n, m, g in s.execute(
        select(Consultation.agent_id, func.count(), func.avg(SurveyAnswer.score),
               func.sum(case((SurveyAnswer.score >= 4, 1), else_=0)))
        .join(Consultation, Consultation.id == SurveyAnswer.consultation_id)
        .where(*in_month).group_by(Consultation.agent_id))}
    ids = sorted(set(base) | set(qa) | set(sv))
    names = {a.id: (a.name, a.team_id) for a in s.scalars(select(Agent).where(Agent.id.in_(ids)))}
    teams = {t.id: t.name for t in s.scalars(select(Team))}
    out: list[dict[str, Any]] = []
    for aid in ids:
        name, team_id = names.get(aid, (f"#{aid}", None))
        b = base.get(aid, {"answered": 0, "aht_seconds": None, "forced_terminated": 0})
        n_qa, qa_mean, af, disputes = qa.get(aid, (0, None, 0, 0))
        n_sv, sv_mean, good = sv.get(aid, (0, 0.0, 0))
        out.append({"agent_id": aid, "name": name, "team_id": team_id,
                    "team": teams.get(team_id, "") if team_id else "", **b,
                    "evaluations": n_qa, "qa_mean": round(qa_mean, 2) if qa_mean is not None
                    else None, "auto_fails": af, "disputes": disputes, "surveys": n_sv,
                    "survey_mean": round(sv_mean, 3) if n_sv else None,
                    "csat": round(good / n_sv, 4) if n_sv else None})
    return out


def kpi(s: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Satisfaction KPI over consultations started in [start, end): answers, response rate,
    mean score, CSAT (share of 4-5) per channel and overall."""
    consults = int(s.scalar(select(func.count()).select_from(Consultation).where(
        Consultation.started_at >= start, Consultation.started_at < end,
        Consultation.answered_at.is_not(None))) or 0)
    rows = s.execute(select(SurveyAnswer.channel, func.count(), func.avg(SurveyAnswer.score),
                            func.sum(case((SurveyAnswer.score >= 4, 1), else_=0)))
                     .join(Consultation, Consultation.id == SurveyAnswer.consultation_id)
                     .where(Consultation.started_at >= start, Consultation.started_at < end)
                     .group_by(SurveyAnswer.channel)).all()
    per = {ch: {"answers": int(n), "mean": round(float(avg), 3), "csat": round(int(good) / n, 4)}
           for ch, n, avg, good in rows if n}
    n_all = sum(v["answers"] for v in per.values())
    mean = (sum(v["mean"] * v["answers"] for v in per.values()) / n_all) if n_all else None
    good_all = sum(v["csat"] * v["answers"] for v in per.values())
    return {"answered_consultations": consults, "survey_answers": n_all,
            "response_rate": round(n_all / consults, 4) if consults else None,
            "mean_score": round(mean, 3) if mean is not None else None,
            "csat": round(good_all / n_all, 4) if n_all else None, "per_channel": per}
