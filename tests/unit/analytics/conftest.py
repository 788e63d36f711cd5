"""A small seeded history in a temporary SQLite file, and an analytics engine over it."""

from __future__ import annotations

import atexit
import functools
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dasan.analytics.engine import AnalyticsEngine
from dasan.db.migrate import upgrade
from dasan.db.session import reset_caches, session_scope
from dasan.demo import seed_org, seed_people, write_history

SEOUL = ZoneInfo("Asia/Seoul")
START = date(2024, 3, 4)  # a Monday
DAYS = 21


def build_history(path: Path, days: int = DAYS, daily_average: float = 160.0,
                  start: date = START) -> str:
    url = f"sqlite:///{path}"
    upgrade(url)
    with session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=8)
    with session_scope(url) as s:
        write_history(s, start, days, seed=11, daily_average=daily_average)
    reset_caches()
    return url


def add_rows(path: Path, rows: list[dict[str, object]]) -> None:
    """Insert consultations straight through sqlite3 (the ops DB as another writer sees it)."""
    con = sqlite3.connect(path)
    for r in rows:
        row = {"outcome": "answered", "status": "closed", "language": "ko", "priority": 0,
               "crisis": 0, "created_at": datetime(2024, 1, 1).isoformat(sep=" "), **r}
        for k, v in list(row.items()):
            if isinstance(v, datetime):
                row[k] = v.isoformat(sep=" ")
        cols = ", ".join(row)
        marks = ", ".join("?" * len(row))
        con.execute(f"INSERT INTO consultations ({cols}) VALUES ({marks})", list(row.values()))
    con.commit()
    con.close()


def extra_rows() -> list[dict[str, object]]:
    """Phone calls that ended in the ARS (never queued), a crisis call carrying personal data,
    and policy questions of known types."""
    t0 = datetime(2024, 3, 12, 10, 0)
    rows: list[dict[str, object]] = []
    for i in range(5):
        rows.append({"channel": "phone", "started_at": t0 + timedelta(minutes=i),
                     "ended_at": t0 + timedelta(minutes=i, seconds=40), "outcome": "answered",
                     "district_code": "11545", "category": "행정",
                     "subject": "ARS 안내만 듣고 종료"})
    rows.append({"channel": "phone", "started_at": t0, "queued_at": t0 + timedelta(seconds=20),
                 "answered_at": t0 + timedelta(seconds=30),
                 "ended_at": t0 + timedelta(minutes=30), "crisis": 1, "outcome": "answered",
                 "district_code": "11545", "category": "복지", "wait_seconds": 10.0,
                 "handle_seconds": 1790.0,
                 "subject": "제 번호 010-2345-6789로 연락 주세요, 너무 힘듭니다"})
    for subject, n in (("기후동행카드 환불 문의", 7), ("기후동행카드 분실했어요", 3),
                       ("기후동행카드 충전 방법", 11)):
        for i in range(n):
            rows.append({"channel": "chatbot", "started_at": t0 + timedelta(hours=1, minutes=i),
                         "ended_at": t0 + timedelta(hours=1, minutes=i, seconds=50),
                         "district_code": "11680", "category": "교통",
                         "program": "기후동행카드", "subject": subject})
    return rows


@functools.cache
def _history_template() -> Path:
    """The session history, generated once per process and copied into each session.

    Generating it (migrations, demo people, three weeks of calls) costs most of a short test
    session. Mutation testing (mutmut) starts a pytest session for every mutant in processes
    forked from one that has already run the tests, so each of them copies this file instead
    of generating the history again; nothing writes to the template itself."""
    folder = Path(tempfile.mkdtemp(prefix="dasan-history-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "ops.db"
    build_history(path)
    add_rows(path, extra_rows())
    return path


@pytest.fixture(scope="session")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    path = tmp_path_factory.mktemp("analytics") / "ops.db"
    with sqlite3.connect(_history_template()) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{path}", path


@pytest.fixture(scope="session")
def engine(history_db: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[AnalyticsEngine]:
    url, _path = history_db
    e = AnalyticsEngine(url, tmp_path_factory.mktemp("mirror") / "m.duckdb")
    e.refresh()
    yield e
    e.close()


@pytest.fixture(scope="session")
def raw_rows(history_db: tuple[str, Path]) -> list[dict[str, object]]:
    """Every consultation as plain dicts, read with sqlite3 (the independent reference)."""
    _url, path = history_db
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute(
        "SELECT c.*, a.team_id FROM consultations c LEFT JOIN agents a ON a.id = c.agent_id")]
    con.close()
    for r in rows:  # reports count Seoul's days and hours (ADR 0018); stored times are UTC
        r["started_local"] = datetime.fromisoformat(str(r["started_at"])).replace(
            tzinfo=UTC).astimezone(SEOUL).replace(tzinfo=None).isoformat(sep=" ")
    return rows
