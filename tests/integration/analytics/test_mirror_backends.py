"""The mirror copies the same rows from SQLite and PostgreSQL, through both load paths."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.analytics import engine as engine_mod
from dasan.analytics.engine import AnalyticsEngine
from dasan.db.models import Consultation
from dasan.demo import write_history
from dasan.timeutil import to_naive_utc


@pytest.mark.parametrize("batch", [50, 200_000], ids=["csv-bulk", "tuples"])
def test_mirror_matches_the_database(database_url: str, db: Session, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    monkeypatch.setattr(engine_mod, "BATCH_ROWS", batch)
    n = write_history(db, date(2024, 6, 3), 2, seed=9, daily_average=150.0)
    db.commit()
    engine = AnalyticsEngine(database_url, tmp_path / "m.duckdb")
    stats = engine.refresh()
    assert stats.new_rows == n == stats.total_rows
    expected = db.execute(select(
        func.count(Consultation.id), func.count(Consultation.program),
        func.count(Consultation.answered_at), func.sum(Consultation.wait_seconds),
        func.min(Consultation.started_at), func.max(Consultation.ended_at),
    )).one()
    got = engine.rows(
        "SELECT count(*), count(program), count(answered_at), sum(wait_seconds), "
        "min(started_at), max(ended_at) FROM consultations")[0]
    assert got[:3] == tuple(expected[:3])
    assert got[3] == pytest.approx(expected[3])
    # The mirror keeps naive UTC; the database returns aware UTC (ADR 0009).
    assert got[4] == to_naive_utc(expected[4]) and got[5] == to_naive_utc(expected[5])
    crisis = db.scalar(select(func.count()).where(Consultation.crisis.is_(True)))
    assert engine.rows("SELECT count(*) FROM consultations WHERE crisis")[0][0] == crisis
    subjects = engine.rows("SELECT count(DISTINCT subject) FROM consultations")[0][0]
    assert subjects == db.scalar(select(func.count(func.distinct(Consultation.subject))))
    engine.close()
