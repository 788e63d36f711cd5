"""The issue alerter: finds injected bursts, stays quiet on a flat history, flags new topics."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy.orm import Session

from dasan.analytics import alerter
from dasan.analytics.engine import AnalyticsEngine
from dasan.db.models import Alert, KbEntry
from dasan.db.session import new_session, reset_caches
from dasan.errors import DomainError

from .conftest import add_rows, build_history

BPD = 288  # 5-minute bins per day


def seasonal_counts(weeks: int, topics: int, seed: int) -> np.ndarray:
    """Poisson counts with a daytime peak and a weekday/weekend rhythm."""
    rng = np.random.default_rng(seed)
    hours = np.arange(BPD) / 12
    day_shape = 0.2 + 2.0 * np.exp(-((hours - 13) / 4) ** 2)
    rate = np.concatenate([day_shape * (0.4 if d % 7 >= 5 else 1.0) for d in range(weeks * 7)])
    scale = np.linspace(2.0, 8.0, topics)[:, None]
    return rng.poisson(rate[None, :] * scale)


def test_scan_matrix_detects_a_3x_burst_within_30_minutes() -> None:
    counts = seasonal_counts(10, 4, seed=3)
    onset = 9 * 7 * BPD + 2 * BPD + 11 * 12  # week 10, Wednesday 11:00
    burst = counts.copy()
    rng = np.random.default_rng(5)
    burst[1, onset:onset + 24] += rng.poisson(2 * counts[1, onset:onset + 24])
    found = alerter.scan_matrix(burst)
    hits = [d for d in found if d.topic == 1 and onset <= d.first_bin < onset + 24]
    assert hits, "the burst must be detected"
    delay = (hits[0].first_bin + 1 - onset) * 5
    assert delay <= 30
    assert hits[0].count > 2 * hits[0].expected
    # one burst, one alert (the cool-down merges the following windows)
    assert len(hits) == 1


def test_scan_matrix_stays_quiet_on_a_flat_history() -> None:
    counts = seasonal_counts(10, 4, seed=4)
    assert alerter.scan_matrix(counts) == []


def test_holidays_are_compared_with_sundays() -> None:
    refs = alerter.reference_days(date(2024, 9, 17), 3)  # Chuseok, a Tuesday
    assert all(d.weekday() == 6 or d == date(2024, 9, 16) or d == date(2024, 8, 15)
               for d in refs)
    tuesday = alerter.reference_days(date(2024, 9, 24), 3)
    assert date(2024, 9, 17) not in tuesday and all(d.weekday() == 1 for d in tuesday)


def test_config_is_validated() -> None:
    with pytest.raises(DomainError):
        alerter.AlerterConfig(bin_minutes=7)
    with pytest.raises(DomainError):
        alerter.AlerterConfig(windows_minutes=(12,))


# --- live scan over a database ---------------------------------------------------------------

NOW = datetime(2024, 3, 29, 10, 30)  # a Friday, after four weeks of history


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    path = tmp_path_factory.mktemp("alerter") / "ops.db"
    url = build_history(path, days=26, daily_average=400.0, start=date(2024, 3, 1))
    rows: list[dict[str, object]] = []
    for i in range(24):
        t = NOW - timedelta(minutes=28) + timedelta(seconds=70 * i)
        rows.append({"channel": "phone", "started_at": t, "ended_at": t + timedelta(minutes=2),
                     "category": "안전", "district_code": "11545",
                     "subject": f"싱크홀 발생 신고는 어디에 하나요 (010-5555-{1000 + i})"})
    add_rows(path, rows)
    yield url, path
    reset_caches()


def _engine(url: str, tmp_path: Path) -> AnalyticsEngine:
    e = AnalyticsEngine(url, tmp_path / "m.duckdb")
    e.refresh()
    return e


def test_live_scan_flags_a_new_topic_as_needing_an_answer(
    live: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = live
    engine = _engine(url, tmp_path)
    found = alerter.scan(engine, NOW)
    names = {(a.topic.kind, a.topic.name): a for a in found}
    assert ("keyword", "싱크") in names
    a = names[("keyword", "싱크")]
    assert a.count == 24 and a.needs_answer and a.score >= 7
    assert a.examples and all("5555-1" not in ex["subject"] for ex in a.examples)
    # quiet before the burst
    assert alerter.scan(engine, NOW - timedelta(hours=3)) == []
    engine.close()


def test_kb_entry_clears_needs_answer_and_alerts_are_stored_once(
    live: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = live
    session: Session = new_session(url)
    session.add(KbEntry(title="싱크홀(땅꺼짐) 발견 시 신고 방법", answer="120 또는 자치구",
                        category="안전"))
    session.commit()
    engine = _engine(url, tmp_path)
    found = [a for a in alerter.scan(engine, NOW) if a.topic.name == "싱크"]
    assert found and not found[0].needs_answer
    stored = alerter.persist(session, found)
    session.commit()
    again = alerter.persist(session, alerter.scan(engine, NOW + timedelta(minutes=5)))
    session.commit()
    rows = [a for a in alerter.recent_alerts(session, 50) if a.topic == "싱크"]
    assert len(rows) == 1 and rows[0].id == stored[0].id
    assert rows[0].window_end >= NOW.replace(tzinfo=UTC)  # stored aware (ADR 0009)
    assert any(a.id == stored[0].id for a in again)
    with pytest.raises(DomainError):
        alerter.recent_alerts(session, 0)
    session.close()
    engine.close()


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_webhook_posts_alerts_and_reports_unreachable_targets() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    alert = Alert(id=1, topic="싱크", topic_kind="keyword", window_start=NOW,
                  window_end=NOW + timedelta(minutes=30), count=24, baseline=0.0, score=30.0,
                  needs_answer=True, examples=[], acknowledged=False)
    status = alerter.send_webhook(f"http://127.0.0.1:{server.server_port}/hook", [alert])
    thread.join(5)
    server.server_close()
    assert status == 204
    assert _Hook.received[-1]["alerts"][0]["topic"] == "싱크"
    assert _Hook.received[-1]["alerts"][0]["needs_answer"] is True
    with pytest.raises(alerter.WebhookError, match="unreachable"):
        alerter.send_webhook(f"http://127.0.0.1:{server.server_port}/hook", [alert], timeout=1)
    with pytest.raises(DomainError):
        alerter.send_webhook("ftp://example", [alert])
