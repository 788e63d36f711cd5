"""Monthly scorecards per agent and per team, and their XLSX export.

Per agent: consultations answered, average handle time, forced terminations, QA evaluations
(count, mean total, auto-fails, disputes), survey answers (count, mean, CSAT = share of 4-5).
A team's card aggregates its agents' rows (means weighted by their counts). Each figure is one
GROUP BY in the database; the consultation figures read the month from the covering index
`ix_consultations_agent_month`, agent by agent (see docs/quality.md, "How fast").
"""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dasan.db.models import Agent, Team
from dasan.db.models_quality import QaEvaluation
from dasan.quality.sampling import agent_month, month_bounds, query

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "상담사", "Agent"), ("team", "팀", "Team"), ("answered", "응대 건수", "Answered"),
    ("aht_seconds", "평균 처리시간(초)", "AHT (s)"),
    ("forced_terminated", "강제 종료", "Forced terminations"),
    ("evaluations", "평가 수", "Evaluations"), ("qa_mean", "QA 평균", "QA mean"),
    ("auto_fails", "치명 오류", "Auto-fails"), ("disputes", "이의 제기", "Disputes"),
    ("surveys", "만족도 응답", "Survey answers"), ("survey_mean", "만족도 평균", "Survey mean"),
    ("csat", "만족 비율(4-5)", "CSAT (4-5)"),
)


def agent_scorecards(s: Session, month: str) -> list[dict[str, Any]]:
    start, end = month_bounds(month)
    # The month agent by agent (`sampling.agent_month`); on SQLite the survey answers drive
    # their join (a few percent of the month).
    am = agent_month(s)
    base = {int(a): {"answered": int(n), "aht_seconds": round(float(h), 1) if h else None,
                     "forced_terminated": int(f or 0)}
            for a, n, h, f in query(
                s, f"SELECT {am.agent}, COUNT(c.answered_at), AVG(c.handle_seconds), "
                   "SUM(CASE WHEN c.outcome = 'forced_terminated' THEN 1 ELSE 0 END) "
                   f"FROM {am.frm} WHERE {am.where} GROUP BY {am.agent}", start, end)}
    qa = {int(a): (int(n), float(m) if m is not None else None, int(af or 0), int(d or 0))
          for a, n, m, af, d in s.execute(
              select(QaEvaluation.agent_id, func.count(), func.avg(QaEvaluation.total),
                     func.sum(case((QaEvaluation.auto_failed, 1), else_=0)),
                     func.sum(case((QaEvaluation.status.in_(("disputed", "resolved")), 1),
                                   else_=0)))
              .where(QaEvaluation.month == month, QaEvaluation.calibration_id.is_(None))
              .group_by(QaEvaluation.agent_id))}
    sv = {int(a): (int(n), float(m), int(g or 0)) for a, n, m, g in query(
        s, "SELECT c.agent_id, COUNT(*), AVG(v.score), "
           "SUM(CASE WHEN v.score >= 4 THEN 1 ELSE 0 END) "
           "FROM survey_answers v CROSS JOIN consultations c WHERE c.id = v.consultation_id "
           "AND c.started_at >= ? AND c.started_at < ? AND c.agent_id IS NOT NULL "
           "GROUP BY c.agent_id", start, end)}
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


def _wmean(rows: list[dict[str, Any]], key: str, weight: str) -> float | None:
    pairs = [(r[key], r[weight]) for r in rows if r[key] is not None and r[weight]]
    total = sum(w for _, w in pairs)
    return round(sum(v * w for v, w in pairs) / total, 3) if total else None


def team_scorecards(s: Session, month: str,
                    agents: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Team cards from the agents' cards (pass them when you have them: no second query)."""
    agents = agent_scorecards(s, month) if agents is None else agents
    by_team: dict[str, list[dict[str, Any]]] = {}
    for r in agents:
        by_team.setdefault(r["team"] or "-", []).append(r)
    return [{"team": team, "agents": len(rows),
             "answered": sum(r["answered"] for r in rows),
             "aht_seconds": _wmean(rows, "aht_seconds", "answered"),
             "forced_terminated": sum(r["forced_terminated"] for r in rows),
             "evaluations": sum(r["evaluations"] for r in rows),
             "qa_mean": _wmean(rows, "qa_mean", "evaluations"),
             "auto_fails": sum(r["auto_fails"] for r in rows),
             "disputes": sum(r["disputes"] for r in rows),
             "surveys": sum(r["surveys"] for r in rows),
             "survey_mean": _wmean(rows, "survey_mean", "surveys"),
             "csat": _wmean(rows, "csat", "surveys")}
            for team, rows in sorted(by_team.items())]


def scorecards_xlsx(s: Session, month: str, lang: str = "ko") -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = book.add_format({"bold": True})
    pick = 1 if lang == "ko" else 2
    agents = agent_scorecards(s, month)
    for title, rows, cols in (
            ("상담사" if lang == "ko" else "Agents", agents, COLUMNS),
            ("팀" if lang == "ko" else "Teams", team_scorecards(s, month, agents),
             (("team", "팀", "Team"), ("agents", "상담사 수", "Agents"), *COLUMNS[2:]))):
        sheet = book.add_worksheet(title)
        sheet.write(0, 0, f"{month}", bold)
        for j, col in enumerate(cols):
            sheet.write(1, j, col[pick], bold)
        for i, r in enumerate(rows, start=2):
            for j, col in enumerate(cols):
                v = r.get(col[0])
                sheet.write(i, j, "" if v is None else v)
    book.close()
    return buf.getvalue()
