"""One local-time rule (ADR 0018): a consultation at 2024-03-31T15:30Z is 00:30 on 1 April in
Seoul, so every report, the QA month and the workforce history count it in April, on SQLite
and PostgreSQL (and the DuckDB mirror built from each)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.analytics import kpi, surveys
from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.filters import Filters
from dasan.analytics.voc import voc_report
from dasan.config import get_settings
from dasan.db.models import Agent, Consultation
from dasan.db.models_quality import SurveyAnswer
from dasan.demo import write_history
from dasan.quality.sampling import SamplingRules, draw, load_month
from dasan.workforce.forecast import load_counts

APRIL_IN_SEOUL = datetime(2024, 3, 31, 15, 30, tzinfo=UTC)  # 00:30 KST, 1 April
MARCH_IN_SEOUL = datetime(2024, 3, 31, 14, 30, tzinfo=UTC)  # 23:30 KST, 31 March


def _call(db: Session, at: datetime, agent_id: int) -> Consultation:
    c = Consultation(channel="phone", started_at=at, queued_at=at + timedelta(seconds=20),
                     answered_at=at + timedelta(seconds=30), ended_at=at + timedelta(minutes=5),
                     agent_id=agent_id, outcome="answered", status="closed", category="교통",
                     district_code="11545", subject="버스 노선 문의", wait_seconds=10.0,
                     handle_seconds=270.0)
    db.add(c)
    db.flush()
    return c


@pytest.fixture
def calls(db: Session) -> Iterator[tuple[int, int]]:
    agent = db.scalars(select(Agent).order_by(Agent.id)).first()
    assert agent is not None
    april = _call(db, APRIL_IN_SEOUL, agent.id)
    march = _call(db, MARCH_IN_SEOUL, agent.id)
    db.add(SurveyAnswer(consultation_id=april.id, channel="phone", score=5,
                        answered_at=APRIL_IN_SEOUL + timedelta(minutes=6)))
    db.commit()
    yield april.id, march.id


def test_reports_count_seoul_days_and_months(database_url: str, db: Session, tmp_path: Path,
                                             calls: tuple[int, int]) -> None:
    engine = AnalyticsEngine(database_url, tmp_path / "m.duckdb")
    try:
        engine.refresh()
        by_month = {r["period"]: r["total_inflow"]
                    for r in kpi.phone_response_table(engine, by="month").rows}
        assert by_month == {"2024-03": 1, "2024-04": 1}
        by_day = {r["period"]: r["total_inflow"]
                  for r in kpi.phone_response_table(engine, by="day").rows}
        assert by_day == {"2024-03-31": 1, "2024-04-01": 1}
        hours = {r["key"]: r["offered"] for r in kpi.service_table(engine, by="hour").rows}
        assert hours == {0: 1, 23: 1}
        april = Filters(start=date(2024, 4, 1), end=date(2024, 4, 30))
        assert kpi.summary(engine, april)["total"] == 1
        assert kpi.summary(engine, april.with_(hour=0))["total"] == 1
        assert voc_report(engine, "2024-04").headline["total"] == 1
        # the survey table reads the operational database itself (SQL month in the zone)
        months = {r["month"]: r["responses"] for r in surveys.survey_table(db, Filters()).rows}
        assert months == {"2024-03": 0, "2024-04": 1, "합계": 1}
        assert [r["month"] for r in surveys.survey_table(db, april).rows] == ["2024-04", "합계"]
    finally:
        engine.close()


def test_qa_month_is_a_seoul_month(db: Session, calls: tuple[int, int]) -> None:
    april, march = calls
    assert load_month(db, "2024-04").ids.tolist() == [april]
    assert load_month(db, "2024-03").ids.tolist() == [march]
    # the index-driven draw agrees (every answered consultation of the month is drawn here)
    picked = {c for c, _a, _r in draw(db, "2024-04", SamplingRules(random_per_agent=5))}
    assert picked == {april}


def test_workforce_history_counts_local_half_hours(db: Session, calls: tuple[int, int]) -> None:
    counts = load_counts(db, date(2024, 4, 1), date(2024, 4, 2), channels=["phone"])
    assert counts.start == datetime(2024, 4, 1)
    assert counts.counts[:, 0].tolist() == [0.0, 1.0] + [0.0] * 46  # 00:30-01:00 KST
    march = load_counts(db, date(2024, 3, 31), date(2024, 4, 1), channels=["phone"])
    assert march.counts[47, 0] == 1.0 and march.counts.sum() == 1.0  # 23:30-24:00 KST


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_generated_history_peaks_at_seoul_s_morning_on_the_workforce_grid(db: Session) -> None:
    # The demo's history through the workforce history: the morning peak the generator means
    # (09:00-11:00) is where the workforce page shows it, not nine hours later.
    write_history(db, date(2024, 3, 5), 1, seed=4, daily_average=1500.0)
    db.commit()
    grid = load_counts(db, date(2024, 3, 5), date(2024, 3, 6)).counts.sum(axis=1)
    assert 16 <= int(grid.argmax()) < 36  # the busiest half-hour is in office hours
    assert grid[18:36].sum() > 0.7 * grid.sum()  # 09:00-18:00 KST carries most of the day
    assert grid[18:22].sum() > 10 * grid[6:10].sum()  # 09-11 vs 03-05 KST
    assert grid[36:40].sum() < 0.6 * grid[18:22].sum()  # 18-20 KST is not the peak


def test_the_zone_is_a_setting(db: Session, database_url: str, tmp_path: Path,
                               calls: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the setting is engine-independent; SQLite is enough")
    path = tmp_path / "m.duckdb"
    engine = AnalyticsEngine(database_url, path)
    engine.refresh()
    engine.close()
    monkeypatch.setenv("DASAN_LOCAL_TIMEZONE", "UTC")
    get_settings.cache_clear()
    try:
        # the same mirror file, reopened under another zone, is re-localised in place
        engine = AnalyticsEngine(database_url, path)
        by_month = {r["period"]: r["total_inflow"]
                    for r in kpi.phone_response_table(engine, by="month").rows}
        engine.close()
        assert by_month == {"2024-03": 2}
        assert load_month(db, "2024-04").ids.tolist() == []
    finally:
        monkeypatch.delenv("DASAN_LOCAL_TIMEZONE")
        get_settings.cache_clear()
