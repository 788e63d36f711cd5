"""Citizen satisfaction survey figures for the KPI and VOC reports (issue 17).

Per month (of the consultation's start) and channel (the consultation's, as everywhere in the
reports): how many survey answers came back, out of how many answered consultations, the mean
score and the distribution over 1-5. The denominator follows the outcome ADR (0004): the survey
is asked only after an agent answered, so the response rate is answers / consultations an agent
actually answered (`answered_at` set and no abandoned outcome) — never / inflow.

The answers live in the transactional database (`survey_answers`), not in the analytics mirror,
so these figures are read with a database session, under the same `Filters` (period, channels,
district) as the rest of the report.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from dasan.analytics.filters import Column, Filters, Table
from dasan.consultations.channels import CHANNEL_BY_CODE
from dasan.consultations.outcomes import ABANDONED_OUTCOMES
from dasan.db.models import Consultation
from dasan.db.models_quality import SurveyAnswer
from dasan.timeutil import local_midnight, sql_local_month

SCORES = (1, 2, 3, 4, 5)
COLUMNS = [
    Column("month", "월", "Month"),
    Column("channel", "채널", "Channel"),
    Column("answered", "응대 건수", "Answered", "int"),
    Column("responses", "응답 수", "Responses", "int"),
    Column("response_rate", "응답률", "Response rate", "pct"),
    Column("mean", "평균 점수", "Mean score", "float"),
    *[Column(f"s{n}", f"{n}점", f"{n} pt", "int") for n in SCORES],
]


def _month(session: Session, f: Filters) -> Any:
    """The consultation's month in the city's zone (ADR 0018)."""
    at = local_midnight(f.start) if f.start else None  # SQLite: the zone's offset then
    return sql_local_month(Consultation.started_at, session.get_bind().dialect.name, at)


def _where(f: Filters) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = []
    if f.start:
        cond.append(Consultation.started_at >= local_midnight(f.start))
    if f.end:
        cond.append(Consultation.started_at < local_midnight(f.end + timedelta(days=1)))
    if f.channels:
        cond.append(Consultation.channel.in_(list(f.channels)))
    if f.district:
        cond.append(Consultation.district_code == f.district)
    return cond


def add_to_voc(session: Session, report: Any) -> None:
    """The VOC report (page and XLSX/PDF) carries the survey table of its period."""
    report.tables.append(survey_table(session, report.filters))


def survey_table(session: Session, f: Filters) -> Table:
    """The survey figures per month and channel, with a total row."""
    month = _month(session, f)
    answered_cond = and_(Consultation.answered_at.is_not(None),
                         Consultation.outcome.not_in(ABANDONED_OUTCOMES))
    where = _where(f)
    answered = {(str(m), str(ch)): int(n) for m, ch, n in session.execute(
        select(month, Consultation.channel, func.count())
        .where(answered_cond, *where).group_by(month, Consultation.channel)).all()}
    dist = select(month, Consultation.channel, func.count(), func.avg(SurveyAnswer.score),
                  *[func.sum(case((SurveyAnswer.score == n, 1), else_=0)) for n in SCORES]) \
        .join(Consultation, Consultation.id == SurveyAnswer.consultation_id) \
        .where(*where).group_by(month, Consultation.channel)
    answers: dict[tuple[str, str], tuple[int, float, list[int]]] = {
        (str(r[0]), str(r[1])): (int(r[2]), float(r[3] or 0.0), [int(x or 0) for x in r[4:]])
        for r in session.execute(dist).all()}
    rows: list[dict[str, Any]] = []
    total_answered, total_n, total_sum = 0, 0, 0.0
    total_dist = [0] * len(SCORES)
    for key in sorted(set(answered) | set(answers)):
        m, ch = key
        n, mean, counts = answers.get(key, (0, 0.0, [0] * len(SCORES)))
        base = answered.get(key, 0)
        label = CHANNEL_BY_CODE[ch].name_ko if ch in CHANNEL_BY_CODE else ch
        rows.append({"month": m, "channel": label, "answered": base, "responses": n,
                     "response_rate": round(n / base, 4) if base else None,
                     "mean": round(mean, 2) if n else None,
                     **{f"s{s}": c for s, c in zip(SCORES, counts, strict=True)}})
        total_answered += base
        total_n += n
        total_sum += mean * n
        total_dist = [a + b for a, b in zip(total_dist, counts, strict=True)]
    if rows:
        rows.append({"month": "합계", "channel": "전체", "answered": total_answered,
                     "responses": total_n,
                     "response_rate": round(total_n / total_answered, 4)
                     if total_answered else None,
                     "mean": round(total_sum / total_n, 2) if total_n else None,
                     **{f"s{s}": c for s, c in zip(SCORES, total_dist, strict=True)}})
    return Table("survey", "시민 만족도 조사", "Citizen satisfaction survey", COLUMNS, rows,
                 note="응답률 = 응답 수 / 상담사가 응대한 상담 (ADR 0004). "
                      "Response rate = answers / consultations an agent answered.")
