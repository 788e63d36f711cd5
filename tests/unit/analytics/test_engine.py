"""The DuckDB mirror follows the operational database: new rows, rows that close, rebuilds."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dasan.analytics.engine import AnalyticsEngine

from .conftest import add_rows, build_history


@pytest.fixture
def ops(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "ops.db"
    return build_history(path, days=2, daily_average=120.0), path


def test_incremental_refresh_copies_new_rows_and_rereads_open_ones(
    ops: tuple[str, Path], tmp_path: Path
) -> None:
    url, path = ops
    engine = AnalyticsEngine(url, tmp_path / "m.duckdb")
    first = engine.refresh()
    assert first.mode == "full" and first.new_rows == first.total_rows > 0
    t0 = datetime(2024, 3, 6, 9, 0)
    add_rows(path, [{"channel": "sms", "started_at": t0, "status": "open", "outcome": "open",
                     "subject": "열린 상담"}])
    second = engine.refresh()
    assert second.mode == "incremental" and second.new_rows == 1
    assert engine.rows("SELECT outcome FROM consultations WHERE status = 'open'") == [("open",)]
    con = sqlite3.connect(path)
    con.execute("UPDATE consultations SET status = 'closed', outcome = 'answered', "
                "answered_at = ? WHERE status = 'open'", [(t0 + timedelta(minutes=1)).isoformat(sep=" ")])
    con.commit()
    con.close()
    third = engine.refresh()
    assert third.mode == "incremental" and third.reread_open == 1 and third.new_rows == 0
    assert engine.rows("SELECT count(*) FROM consultations WHERE status = 'open'") == [(0,)]
    assert third.total_rows == first.total_rows + 1
    engine.close()


def test_replaced_rows_force_a_full_rebuild(ops: tuple[str, Path], tmp_path: Path) -> None:
    url, path = ops
    engine = AnalyticsEngine(url, tmp_path / "m.duckdb")
    n = engine.refresh().total_rows
    con = sqlite3.connect(path)
    con.execute("DELETE FROM consultations WHERE id % 2 = 0")
    con.commit()
    con.close()
    stats = engine.refresh(verify=True)
    assert stats.mode == "full" and stats.total_rows == n - n // 2
    engine.close()


def test_mirror_persists_between_processes(ops: tuple[str, Path], tmp_path: Path) -> None:
    url, _path = ops
    mirror = tmp_path / "m.duckdb"
    a = AnalyticsEngine(url, mirror)
    n = a.refresh().total_rows
    a.close()
    b = AnalyticsEngine(url, mirror)
    stats = b.refresh()
    assert stats.mode == "incremental" and stats.new_rows == 0 and stats.total_rows == n
    b.close()


def test_unusable_databases_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not found"):
        AnalyticsEngine(f"sqlite:///{tmp_path / 'missing.db'}", ":memory:").refresh()
    with pytest.raises(ValueError, match="unsupported"):
        AnalyticsEngine("mysql://x/y", ":memory:").refresh()
